"""The parser: one captured page (HTML or plain text) in, episode and feature records out.

``parse_page`` is a pure function of the page text and its URL: no I/O, no clock, and
no input makes it raise. The crawler and ``halonotes import`` both call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag

from crawler.parse.blocks import PARAGRAPH, Block, page_blocks
from crawler.parse.features import FeatureDraft, merge_listings, read_body
from crawler.parse.lines import (
    flags_of,
    id_tokens,
    section_heading,
    ticket_line,
    version_heading,
)
from crawler.parse.meta import (
    TITLE,
    author_of,
    date_of,
    episode_marker,
    hosts_of,
    is_byline_word,
    is_name,
    is_read_post,
    is_read_time,
    is_share_line,
    is_video_link,
    is_watch_line,
    post_link_number,
)
from crawler.parse.posts import PostSpan, split_posts
from crawler.records import Episode, Feature, timestamp_seconds
from crawler.safe_text import safe_text
from crawler.versions import find_versions, version_key

SERIES_TITLE = "By the [run]Book: Episode {number}"
_CANONICAL = re.compile(
    r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>|<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*>",
    re.I,
)
_HREF = re.compile(r"\b(?:href|content)=[\"']([^\"'<>]+)[\"']", re.I)
_SAFE_VIDEO_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class ParsedPage:
    """What one page gave: its episodes and their features (unparsed IDs live on each Episode)."""

    episodes: tuple[Episode, ...]
    features: tuple[Feature, ...]


@dataclass
class _Header:
    """What a post says before its feature list."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    video_url: str | None = None
    intro: list[str] | None = None
    teaser: list[str] | None = None


def parse_page(text: str, url: str) -> ParsedPage:
    """Parse one page into episodes and features.

    Args:
        text: the page as HTML, or a plain-text capture of it.
        url: where the page lives; episode and feature URLs are built from it.

    Returns:
        A ParsedPage; a page with no episode post gives empty tuples.
    """
    blocks = page_blocks(safe_text(text), url)
    episodes: list[Episode] = []
    features: list[Feature] = []
    for span in split_posts(blocks):
        read = _read_post(span, url)
        if read is not None:
            episodes.append(read[0])
            features.extend(read[1])
    return ParsedPage(tuple(episodes), tuple(features))


def canonical_url(html: str) -> str | None:
    """The URL a page declares for itself (``<link rel=canonical>`` or ``og:url``), if any."""
    for tag in _CANONICAL.finditer(html[:200_000]):
        href = _HREF.search(tag.group(0))
        if href and href.group(1).startswith(("http://", "https://")):
            return href.group(1).strip()
    return None


def _split_header(blocks: tuple[Block, ...]) -> tuple[list[Block], Block | None, list[Block]]:
    """Split a post into its header and intro, its "Watch Now" line, and its body."""
    for index, block in enumerate(blocks):
        if is_watch_line(block):
            return list(blocks[:index]), block, list(blocks[index + 1 :])
    # No "Watch Now": the intro is the first plain paragraph, unless features start first.
    for index, block in enumerate(blocks):
        text = block.text
        if ticket_line(text) or section_heading(text) or version_heading(text):
            return list(blocks[:index]), None, list(blocks[index:])
        if block.kind == PARAGRAPH and not _is_header_text(block) and not episode_marker(block):
            return list(blocks[: index + 1]), None, list(blocks[index + 1 :])
    return list(blocks), None, []


def _is_header_text(block: Block) -> bool:
    text = block.text
    return (
        bool(date_of(text))
        or is_read_time(text)
        or is_byline_word(text)
        or is_share_line(text)
        or text in {"•", "|"}
    )


def _read_header(blocks: list[Block], watch: Block | None) -> _Header:
    header = _Header(intro=[], teaser=[])
    expect_author = False
    for block in blocks:
        text = block.text
        marker = episode_marker(block)
        if marker and marker[0] == TITLE and header.title is None:
            header.title = text
        elif expect_author and is_name(text):
            header.author = header.author or text
        elif date_of(text) and header.date is None:
            header.date = date_of(text)
        elif is_byline_word(text):
            expect_author = True
            continue
        elif author_of(text) and not header.intro:
            header.author = header.author or author_of(text)
        elif is_read_post(text):
            # A post card: the text above "Read post" is the card's teaser, not the intro.
            header.teaser.extend(header.intro)
            header.intro = []
        elif not (is_read_time(text) or is_share_line(text) or text in {"•", "|"}):
            header.intro.append(text)
        expect_author = False
    if watch is not None:
        header.video_url = _video_link(watch, blocks)
        marker = episode_marker(watch)
        if header.title is None and marker:
            header.title = re.sub(r"^\s*watch(?:\s+now)?\s*[:|–—-]?\s*", "", watch.text, flags=re.I)
    return header


def _web_link(href: str) -> bool:
    # A "Watch Now" link is shown and followed as is: only http(s) may become one.
    return href.strip().lower().startswith(_SAFE_VIDEO_SCHEMES)


def _video_link(watch: Block, blocks: list[Block]) -> str | None:
    for link in watch.links:
        return link.href if _web_link(link.href) else None
    for block in blocks:
        for link in block.links:
            if is_video_link(link.href) and _web_link(link.href):
                return link.href
    return None


def _episode_url(number: int, page_url: str, blocks: tuple[Block, ...]) -> str:
    """The page URL for an episode's own post, else the post's own link, else an anchor."""
    page, _ = urldefrag(page_url)
    if post_link_number(page) == number:
        return page
    for block in blocks:
        for link in block.links:
            if post_link_number(link.href) == number:
                return urldefrag(link.href)[0]
    return f"{page}#episode-{number}"


def _read_post(span: PostSpan, page_url: str) -> tuple[Episode, list[Feature]] | None:
    """Read one post span into its episode and features; None when it is only a link card."""
    header_blocks, watch, body = _split_header(span.blocks)
    header = _read_header(header_blocks, watch)
    intro_text = " ".join(header.intro + header.teaser)
    intro_versions = find_versions(intro_text)
    default_version = intro_versions[0] if len(intro_versions) == 1 else None
    reading = read_body(body, default_version=default_version)
    drafts = merge_listings(reading.features)
    if not (watch is not None or span.has_intro or drafts):
        return None  # a "recent posts" card: no post text to read

    number = span.number
    url = _episode_url(number, page_url, span.blocks)
    features = [_feature(draft, number, url, position) for position, draft in enumerate(drafts)]

    parsed_ids = {draft.ticket_id for draft in drafts}
    unparsed: list[str] = []
    for block in span.blocks:
        for token, digits in id_tokens(block.text):
            if digits not in parsed_ids and token not in unparsed:
                unparsed.append(token)

    versions = set(intro_versions) | {f.version for f in features if f.version}
    notes = (header.teaser if header.intro else []) + reading.notes
    episode = Episode(
        episode=number,
        title=header.title or SERIES_TITLE.format(number=number),
        url=url,
        date=header.date,
        video_url=header.video_url,
        versions=tuple(sorted(versions, key=version_key)),
        hosts=hosts_of(intro_text),
        author=header.author,
        summary="\n\n".join(header.intro or header.teaser),
        notes=tuple(notes),
        unparsed_ids=tuple(unparsed),
    )
    return episode, features


def _feature(draft: FeatureDraft, episode: int, url: str, position: int) -> Feature:
    return Feature(
        title=draft.title,
        url=url,
        episode=episode,
        ticket_id=draft.ticket_id,
        version=draft.version,
        timestamp=draft.timestamp,
        seconds=timestamp_seconds(draft.timestamp),
        aliases=tuple(draft.aliases),
        summary="\n\n".join(draft.summary),
        bullets=tuple(draft.bullets),
        flags=flags_of(draft.bullets),
        highlighted=draft.highlighted,
        position=position,
    )
