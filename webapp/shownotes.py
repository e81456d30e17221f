"""Show-notes exports for the hosts: a Markdown draft, YouTube chapters and Podcasting 2.0 chapters.

Pure functions over the index's plain data. Crawled text is untrusted: the Markdown neutralises
Markdown and HTML, YouTube titles lose the angle brackets YouTube refuses, chapter URLs are
only ever http(s), and CSV cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from index import EpisodeInfo, HalonotesError, Hit

YOUTUBE_MIN_CHAPTERS = 3
YOUTUBE_MIN_SECONDS = 10
YOUTUBE_TITLE_LENGTH = 60
CHAPTERS_JSON_VERSION = "1.2.0"
INTRO_TITLE = "Intro"
IMPORTANT_MENTIONS = "Important Mentions"
FULL_LIST = "Full Feature List"

_SPACE = re.compile(r"\s+")
# Characters that carry meaning anywhere in a Markdown line: CommonMark emphasis, code, links
# and raw HTML, GFM tables and strikethrough, and "&" where it would start an entity reference.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
# Line starts that open a block (headings, quotes, lists, thematic breaks, setext underlines)
# and a closing "#" run that a heading would swallow.
_MD_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=#])")
_MD_CLOSING_HASHES = re.compile(r"(?<!\S)#(?=#*$)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class PostHeader:
    """What a post says above its features: the series title, the date and the intro."""

    title: str
    date: str | None  # ISO 8601
    intro: str  # paragraphs separated by a blank line


def post_date(iso: str) -> str:
    """A post's date as the blog shows it: ``April 14, 2026``."""
    day = date.fromisoformat(iso)
    return f"{day:%B} {day.day}, {day.year}"


class ChaptersError(HalonotesError):
    """Chapters cannot be made from these features; the message says why."""


def plain_text(value: str | None) -> str:
    """Collapse whitespace and drop control and bidi-override characters from crawled text."""
    if not value:
        return ""
    if value.isprintable():  # no control, format or bidi characters: the common case
        return _SPACE.sub(" ", value).strip()
    text = "".join(
        ch if unicodedata.category(ch) not in {"Cc", "Cf"} or ch in "\t\n\r" else ""
        for ch in value or ""
    )
    return _SPACE.sub(" ", text).strip()


def markdown_text(value: str | None, *, line_start: bool = True) -> str:
    """Crawled text as one Markdown line that renders as the same text, never as markup or HTML.

    ``line_start=False`` is for text placed after other text on a line, where block syntax
    cannot open.
    """
    text = _MD_INLINE.sub(r"\\\1", plain_text(value))
    text = _MD_CLOSING_HASHES.sub(r"\\#", text)
    if not line_start:
        return text
    return _MD_BLOCK_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text
    )


def safe_url(url: str | None) -> str | None:
    """The URL when it is absolute http(s), percent-encoded for Markdown and XML; otherwise None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._[]")


def clock(seconds: int) -> str:
    """Seconds as the series writes them: ``m:ss``, or ``h:mm:ss`` from an hour on."""
    hours, rest = divmod(max(int(seconds), 0), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def moment(hit: Hit) -> str | None:
    """The feature's moment in the video as the series writes it (``m:ss``, ``h:mm:ss``)."""
    if hit.seconds is not None:
        return clock(hit.seconds)
    return plain_text(hit.timestamp) or None


def headline(hit: Hit) -> str:
    """The title an "Important Mentions" entry gives the feature: its shorter headline, if any."""
    return hit.aliases[0] if hit.aliases else hit.title


def paragraphs(value: str | None) -> list[str]:
    """A summary's paragraphs (the store separates them with a blank line)."""
    return [p for p in (plain_text(part) for part in (value or "").split("\n\n")) if p]


def feature_ref(hit: Hit) -> str:
    """The ``vX #ID`` part of a feature line, as plain text."""
    parts = (f"v{hit.version}" if hit.version else "", f"#{hit.ticket_id}" if hit.ticket_id else "")
    return " ".join(part for part in parts if part)


def version_groups(hits: Iterable[Hit]) -> list[tuple[str | None, list[Hit]]]:
    """Consecutive features of the same version, each run with its version, in the given order."""
    groups: list[tuple[str | None, list[Hit]]] = []
    for hit in hits:
        if not groups or groups[-1][0] != hit.version:
            groups.append((hit.version, []))
        groups[-1][1].append(hit)
    return groups


def version_heading(version: str | None) -> str:
    """The sub-heading over a version's features, as the blog writes it."""
    return f"v{version} Features" if version else "Other Features"


def one_feature_runs(hits: Iterable[Hit]) -> list[list[Hit]]:
    """The hits in order, those next to each other that are one feature the post lists under
    several ticket IDs (same title, version, moment and text) in one run."""
    runs: list[list[Hit]] = []
    for hit in hits:
        if runs and _same_feature(runs[-1][0], hit):
            runs[-1].append(hit)
        else:
            runs.append([hit])
    return runs


def _same_feature(first: Hit, other: Hit) -> bool:
    return (first.title, first.version, first.seconds, first.summary, first.bullets) == (
        other.title,
        other.version,
        other.seconds,
        other.summary,
        other.bullets,
    )


def title_line(hit: Hit, *, title: str | None = None, ticket_ids: Sequence[str] = ()) -> str:
    """The blog's feature line, ``Title | vX #ID | m:ss``, as Markdown-safe text; with
    ``ticket_ids``, every ID of a feature listed under several (``#ID1, #ID2``)."""
    ids = [ticket for ticket in (ticket_ids or [hit.ticket_id]) if ticket]
    ref = " ".join(
        part
        for part in (
            f"v{markdown_text(hit.version, line_start=False)}" if hit.version else "",
            ", ".join(f"#{markdown_text(ticket, line_start=False)}" for ticket in ids),
        )
        if part
    )
    parts = [
        markdown_text(hit.title if title is None else title) or "Untitled feature",
        ref,
        markdown_text(moment(hit), line_start=False),
    ]
    return " | ".join(part for part in parts if part)


def _feature_markdown(run: list[Hit]) -> list[str]:
    hit = run[0]
    lines = [f"### {title_line(hit, ticket_ids=[h.ticket_id for h in run])}", ""]
    for paragraph in paragraphs(hit.summary):
        lines += [markdown_text(paragraph), ""]
    bullets = [markdown_text(b) for b in hit.bullets]
    bullets = [b for b in bullets if b]
    if bullets:
        lines += [f"- {b}" for b in bullets] + [""]
    return lines


def _features_markdown(hits: Sequence[Hit]) -> list[str]:
    """The features in the given order, with a version heading wherever the version changes."""
    lines: list[str] = []
    for version, group in version_groups(hits):
        heading = version_heading(markdown_text(version, line_start=False) if version else None)
        lines += [f"## {heading}", ""]
        for run in one_feature_runs(group):
            lines += _feature_markdown(run)
    return lines


def _post_body_markdown(hits: Sequence[Hit]) -> list[str]:
    """ "Important Mentions" (their headline lines), then the "Full Feature List"."""
    lines: list[str] = []
    important = [hit for hit in hits if hit.highlighted]
    if important:
        lines += [IMPORTANT_MENTIONS, ""]
        for run in one_feature_runs(important):
            ids = [hit.ticket_id for hit in run]
            lines += [f"### {title_line(run[0], title=headline(run[0]), ticket_ids=ids)}", ""]
    lines += [FULL_LIST, ""]
    return lines + _features_markdown(hits)


def episode_markdown(episode: EpisodeInfo, hits: Sequence[Hit]) -> str:
    """An episode's show notes in the blog's post format, which ``halonotes import`` reads back."""
    lines = [f"# {markdown_text(episode.title) or f'Episode {episode.episode}'}", ""]
    for paragraph in paragraphs(episode.summary):
        lines += [markdown_text(paragraph), ""]
    video = safe_url(episode.video_url)
    if video:
        lines += [f"[Watch Now: {markdown_text(episode.title)}]({video})", ""]
    lines += _post_body_markdown(hits)
    return "\n".join(lines).rstrip("\n") + "\n"


def post_markdown(post: PostHeader, hits: Sequence[Hit]) -> str:
    """A draft post in the blog's format as Markdown, which ``halonotes import`` reads back."""
    lines = [f"# {markdown_text(post.title)}", ""]
    if post.date:
        lines += [post_date(post.date), ""]
    for paragraph in paragraphs(post.intro):
        lines += [markdown_text(paragraph), ""]
    lines += _post_body_markdown(hits)
    return "\n".join(lines).rstrip("\n") + "\n"


def draft_markdown(hits: Sequence[Hit], *, title: str = "Draft show notes") -> str:
    """A curated list of features as a Markdown draft, in the given order."""
    lines = [f"# {markdown_text(title)}", ""]
    lines += _features_markdown(hits)
    return "\n".join(lines).rstrip("\n") + "\n"


@dataclass(frozen=True)
class Chapter:
    """One chapter: where it starts, its title and the feature it points at (None for the intro)."""

    start: int
    title: str
    hit: Hit | None = None


@dataclass(frozen=True)
class YouTubeChapters:
    """Chapters that meet YouTube's rules, and notes on what had to change to meet them."""

    chapters: list[Chapter]
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The chapter lines to paste into a video description."""
        return "\n".join(f"{clock(c.start)} {c.title}" for c in self.chapters) + "\n"


def short_title(value: str | None, *, limit: int = YOUTUBE_TITLE_LENGTH) -> str:
    """A one-line title of at most ``limit`` characters, cut at a word with an ellipsis."""
    text = plain_text(value).replace("<", "").replace(">", "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-|") + "…"


def _one_video(hits: Sequence[Hit]) -> None:
    episodes = sorted({h.episode for h in hits if h.episode is not None})
    if len(episodes) > 1:
        listed = ", ".join(str(e) for e in episodes)
        raise ChaptersError(
            f"Chapters need features from one video; this list mixes episodes {listed}. "
            "Pick features from a single episode."
        )


def _timed(hits: Sequence[Hit]) -> list[Hit]:
    """The timestamped features in video order, each moment once: a feature the post lists
    under two ticket IDs (one title at one moment) is one chapter."""
    _one_video(hits)
    timed: dict[tuple[int, str], Hit] = {}
    for hit in sorted((h for h in hits if h.seconds is not None), key=lambda h: h.seconds):
        timed.setdefault((hit.seconds, hit.title), hit)
    return list(timed.values())


def youtube_chapters(hits: Sequence[Hit]) -> YouTubeChapters:
    """Chapters for a video description that YouTube accepts, or ChaptersError saying why not.

    Rules: the first chapter at 0:00 (an "Intro" is added when the first feature starts later),
    at least three chapters, in ascending order, each at least ten seconds long, short titles.
    """
    timed = _timed(hits)
    if len(timed) < YOUTUBE_MIN_CHAPTERS:
        raise ChaptersError(
            f"YouTube chapters need at least {YOUTUBE_MIN_CHAPTERS} features with timestamps; "
            f"this list has {len(timed)}."
        )
    notes: list[str] = []
    untimed = sum(1 for hit in hits if hit.seconds is None)
    if untimed:
        notes.append(f"{untimed} feature(s) without a timestamp are not chapters.")
    chapters: list[Chapter] = []
    first = timed[0]
    if first.seconds >= YOUTUBE_MIN_SECONDS:
        chapters.append(Chapter(0, INTRO_TITLE))
    for hit in timed:
        title = short_title(hit.title) or f"#{hit.ticket_id or 'feature'}"
        start = hit.seconds if chapters else 0
        if chapters and start - chapters[-1].start < YOUTUBE_MIN_SECONDS:
            gap = start - chapters[-1].start
            notes.append(
                f'Left out "{title}": it starts {gap} s after "{chapters[-1].title}", '
                f"and YouTube needs chapters at least {YOUTUBE_MIN_SECONDS} s long."
            )
            continue
        if start != hit.seconds:
            notes.append(f'"{title}" starts the video: YouTube needs the first chapter at 0:00.')
        chapters.append(Chapter(start, title, hit))
    if len(chapters) < YOUTUBE_MIN_CHAPTERS:
        raise ChaptersError(
            f"YouTube chapters need at least {YOUTUBE_MIN_CHAPTERS} chapters at least "
            f"{YOUTUBE_MIN_SECONDS} seconds apart; these {len(timed)} timestamped features "
            f"give only {len(chapters)}."
        )
    return YouTubeChapters(chapters, notes)


@dataclass(frozen=True)
class ChapterCheck:
    """Whether chapters can be made from some features, and what the YouTube ones leave out."""

    youtube_error: str | None  # why YouTube chapters cannot be made; None when they can
    podcast_error: str | None  # why chapters.json cannot be made; None when it can
    notes: tuple[str, ...] = ()


def check_chapters(hits: Sequence[Hit]) -> ChapterCheck:
    """Try both kinds of chapters, so a page offers only the downloads that will work."""
    notes: tuple[str, ...] = ()
    youtube_error = podcast_error = None
    try:
        notes = tuple(youtube_chapters(hits).notes)
    except ChaptersError as error:
        youtube_error = str(error)
    try:
        chapters_json(hits, ticket_url=lambda hit: None)
    except ChaptersError as error:
        podcast_error = str(error)
    return ChapterCheck(youtube_error, podcast_error, notes)


def _no_timestamps(count: int) -> str:
    """Why no chapters can be made from ``count`` features none of which is timed."""
    if count == 0:
        return "Chapters need features with timestamps; there are no features."
    if count == 1:
        return "Chapters need features with timestamps; the one feature has none."
    return f"Chapters need features with timestamps; none of these {count} has one."


def chapters_json(
    hits: Sequence[Hit], *, ticket_url: Callable[[Hit], str | None], title: str | None = None
) -> dict:
    """Podcasting 2.0 chapters (``version`` 1.2.0): one per timestamped feature, URLs to its page.

    Raises ChaptersError when no feature has a timestamp or the features span several videos.
    """
    timed = _timed(hits)
    if not timed:
        raise ChaptersError(_no_timestamps(len(hits)))
    chapters: list[dict] = []
    if timed[0].seconds > 0:
        chapters.append({"startTime": 0, "title": INTRO_TITLE})
    for hit in timed:
        chapter: dict = {"startTime": hit.seconds, "title": plain_text(hit.title)}
        url = safe_url(ticket_url(hit))
        if url:
            chapter["url"] = url
        chapters.append(chapter)
    document: dict = {"version": CHAPTERS_JSON_VERSION, "chapters": chapters}
    if title:
        document["title"] = plain_text(title)
    return document


def neutral_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: formula-leading cells get a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180 quoting, CRLF lines) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutral_cell(h) for h in header])
    for row in rows:
        writer.writerow([neutral_cell(cell) for cell in row])
    return buffer.getvalue()
