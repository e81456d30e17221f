"""Stage 5, the page: a captured page (HTML or plain text) in, episode and feature records out.

``parse_page`` is a pure function of the page text and its URL: no I/O, no clock, and
no input makes it raise. The crawler and ``halonotes import`` both call it. Each episode
carries its parse health: how many ID tokens the post holds, and why it is partial when an
ID found no feature, a title line holds a field that could not be read, most of its text has
no title line, or the capture ends mid-sentence.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urldefrag

from crawler.parse.blocks import HEADING, Block, clean, page_blocks
from crawler.parse.feature_lines import id_tokens
from crawler.parse.features import BodyReading, FeatureDraft, merge_listings, read_body
from crawler.parse.header import read_header
from crawler.parse.lines import flags_of
from crawler.parse.meta import TITLE, episode_marker, post_link_number
from crawler.parse.posts import PostSpan, split_posts
from crawler.records import COMPLETE, Episode, Feature, timestamp_seconds
from crawler.safe_text import safe_text
from crawler.versions import version_key

SERIES_TITLE = "By the [run]Book: Episode {number}"
_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*>",
    re.I,
)
_CLOSING_TAG = re.compile(r"</(?:html|body)\s*>\s*$", re.I)
_PAGE_TITLE = re.compile(r"<title\b[^>]*>([^<]{1,300})</title>", re.I)
_HREF = re.compile(r"\b(?:href|content)=[\"']([^\"'<>]+)[\"']", re.I)


@dataclass(frozen=True)
class ParsedPage:
    """What one page gave: its episodes and their features (parse health lives on each Episode)."""

    episodes: tuple[Episode, ...]
    features: tuple[Feature, ...]


def parse_page(text: str, url: str) -> ParsedPage:
    """Parse one page into episodes and features.

    Args:
        text: the page as HTML, or a plain-text capture of it.
        url: where the page lives; episode and feature URLs are built from it.

    Returns:
        A ParsedPage; a page with no episode post gives empty tuples.
    """
    blocks = page_blocks(safe_text(text), url)
    own_number = post_link_number(urldefrag(url)[0]) or _title_number(text)
    spans = split_posts(blocks, own_number=own_number)
    cut = _cut_off(text)
    episodes: list[Episode] = []
    features: list[Feature] = []
    for span in spans:
        ends_cut = cut and bool(blocks) and span.blocks[-1:] == (blocks[-1],)
        read = _read_post(span, url, ends_cut=ends_cut)
        if read is not None:
            episodes.append(read[0])
            features.extend(read[1])
    return ParsedPage(tuple(episodes), tuple(features))


def _cut_off(text: str) -> bool:
    """True when the capture stops short: no final line break and no closing HTML tag."""
    tail = text[-200:].rstrip(" \t")
    return bool(tail) and not tail.endswith(("\n", "\r")) and not _CLOSING_TAG.search(tail)


def canonical_url(html: str) -> str | None:
    """The URL a page declares for itself (``<link rel=canonical>`` or ``og:url``), if any."""
    for tag in _CANONICAL.finditer(html[:200_000]):
        href = _HREF.search(tag.group(0))
        if href and href.group(1).startswith(("http://", "https://")):
            return href.group(1).strip()
    return None


def _title_number(text: str) -> int | None:
    """The episode the page's own title names (``<title>By the [run]Book: Episode 55``), for
    a post whose URL names none."""
    title = _PAGE_TITLE.search(text[:200_000])
    if title is None:
        return None
    found = episode_marker(Block(HEADING, clean(html.unescape(title.group(1)))))
    return found[1] if found and found[0] == TITLE else None


def _episode_url(number: int, page_url: str, blocks: tuple[Block, ...], own: bool) -> str:
    """The page URL for the page's own post, else the post's own link, else an anchor."""
    page, _ = urldefrag(page_url)
    if own:
        return page
    for block in blocks:
        for link in block.links:
            if post_link_number(link.href) == number:
                return urldefrag(link.href)[0]
    return f"{page}#episode-{number}"


def _read_post(
    span: PostSpan, page_url: str, *, ends_cut: bool
) -> tuple[Episode, list[Feature]] | None:
    """Read one post span into its episode and features; None when it is only a link card."""
    header, body = read_header(span.blocks)
    default_version = header.versions[0] if len(header.versions) == 1 else None
    reading = read_body(body, default_version=default_version, ends_cut=ends_cut)
    drafts = merge_listings(reading.features)
    if not (header.has_video or drafts or span.own_page or (span.has_intro and header.intro)):
        return None  # a "recent posts" card: no post text to read

    number = span.number
    url = _episode_url(number, page_url, span.blocks, span.own_page)
    features = _features(drafts, number, url)
    ids_found, unparsed = _id_tokens(span.blocks, {f.ticket_id for f in features})
    versions = set(header.versions) | {f.version for f in features if f.version}
    notes = (header.teaser if header.intro else ()) + tuple(reading.notes)
    episode = Episode(
        episode=number,
        title=header.title or SERIES_TITLE.format(number=number),
        url=url,
        date=header.date,
        video_url=header.video_url,
        versions=tuple(sorted(versions, key=version_key)),
        hosts=header.hosts,
        author=header.author,
        summary=header.summary,
        notes=notes,
        unparsed_ids=tuple(unparsed),
        ids_found=ids_found,
        parse=_health(reading, drafts, unparsed),
    )
    return episode, features


def _id_tokens(blocks: tuple[Block, ...], placed: set[str | None]) -> tuple[int, list[str]]:
    """How many distinct ID tokens the post holds, and those that ended in no feature."""
    found: set[str] = set()
    unparsed: list[str] = []
    for block in blocks:
        for token, digits in id_tokens(block.text):
            found.add(digits)
            if digits not in placed and token not in unparsed:
                unparsed.append(token)
    return len(found), unparsed


def _health(reading: BodyReading, drafts: list[FeatureDraft], unparsed: list[str]) -> str:
    """COMPLETE, or "partial: " and why the records may not hold all the post says."""
    reasons = []
    if unparsed:
        reasons.append(
            f"{_count(len(unparsed), 'ID token')} in no feature ({', '.join(unparsed[:3])})"
        )
    unread = [text for draft in drafts for text in draft.unread]
    if unread:
        reasons.append(f"{_count(len(unread), 'line field')} not read ({', '.join(unread[:3])})")
    untitled = sum(1 for d in drafts if not d.from_line)
    if untitled and untitled >= len(drafts) - untitled:
        reasons.append(f"{untitled} of {_count(len(drafts), 'feature')} without a title line")
    if not drafts:
        reasons.append("no features")
    if any(d.cut_off for d in drafts):
        reasons.append("the text ends mid-sentence")
    stray = sum(len(text) for text in reading.stray_bullets)
    if stray and stray > sum(len(d.title) + sum(map(len, d.summary + d.bullets)) for d in drafts):
        reasons.append(f"{_count(len(reading.stray_bullets), 'bullet')} under no feature")
    return "partial: " + "; ".join(reasons) if reasons else COMPLETE


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _features(drafts: list[FeatureDraft], episode: int, url: str) -> list[Feature]:
    """The records of a post's drafts, in post order: one per ticket ID a title line gives."""
    return [
        _feature(draft, ticket_id, episode, url, position)
        for position, (draft, ticket_id) in enumerate(
            (draft, ticket_id)
            for draft in drafts
            for ticket_id in (draft.ticket_id, *draft.more_ids)
        )
    ]


def _feature(
    draft: FeatureDraft, ticket_id: str | None, episode: int, url: str, position: int
) -> Feature:
    return Feature(
        title=draft.title,
        url=url,
        episode=episode,
        ticket_id=ticket_id,
        version=draft.version,
        timestamp=draft.timestamp,
        seconds=timestamp_seconds(draft.timestamp),
        aliases=tuple(draft.aliases),
        summary="\n\n".join(draft.summary),
        bullets=tuple(draft.bullets),
        flags=flags_of([*draft.bullets, draft.marks]),
        highlighted=draft.highlighted,
        position=position,
        cut_off=draft.cut_off,
    )
