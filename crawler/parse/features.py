"""Stage 4, body -> features: title lines, their summary and bullets, and the text between.

A feature starts at a line carrying a ticket ID, wherever the post puts it (before or after
its video, in any element), and owns the description and bullets that follow, up to the next
feature line, heading or video line. Lines listed before the video are the post's highlights.
A description paragraph that belongs to no feature line (a capture that lost its title lines)
becomes a feature without a ticket ID, so every sentence of a post stays searchable; only
calls to action, stray bullets and topic headings are kept as the episode's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.parse.blocks import BULLET, HEADING, VIDEO, Block
from crawler.parse.lines import (
    HIGHLIGHTS,
    is_chapter_line,
    is_feature_line,
    section_heading,
    ticket_line,
    titles_of_id_lines,
    version_heading,
)
from crawler.parse.meta import (
    is_call_to_action,
    is_empty_list,
    is_label,
    is_more_posts_heading,
    is_read_post,
    is_share_line,
    is_watch_line,
)

# A title made from a paragraph is its first sentence, up to this many characters.
_TITLE_CHARS = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘'(])")
_CLOSED = re.compile(r"[.!?:;)\]\"”’'…]\s*$")
_PARTIAL_TIMESTAMP = re.compile(r"\d{1,2}:\d?")
# A paragraph led by a short label ("Why it matters: …", "Benefits include:") goes on with
# the feature above it.
_CONTINUATION = re.compile(r"[A-Z][\w'’ -]{0,40}:(?:\s|$)")


@dataclass
class FeatureDraft:
    """A feature while its post is being read."""

    title: str
    ticket_id: str | None
    version: str | None
    timestamp: str | None
    highlighted: bool
    order: int
    summary: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    glued: bool = False  # the description came on the title line itself
    cut_off: bool = False  # the capture ends inside this feature, mid-sentence

    @property
    def key(self) -> tuple:
        if self.ticket_id is None:
            return ("no id", self.order)  # never merged with another listing
        return (self.version, self.ticket_id, self.timestamp)


@dataclass
class BodyReading:
    """What a post body gave: features in post order and the text left over."""

    features: list[FeatureDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stray_bullets: list[str] = field(default_factory=list)  # bullets under no feature (notes)


def paragraph_title(text: str) -> tuple[str, str]:
    """Split a paragraph into a title (its first sentence) and the rest of its text."""
    parts = _SENTENCE_END.split(text, maxsplit=1)
    first = parts[0]
    rest = parts[1] if len(parts) > 1 else ""
    if len(first) <= _TITLE_CHARS:
        return first, rest
    cut = first[:_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:–— ")
    return f"{cut}…", text


def read_body(
    blocks: tuple[Block, ...] | list[Block],
    *,
    default_version: str | None,
    ends_cut: bool = False,
) -> BodyReading:
    """Read a post body into feature drafts and notes.

    ``ends_cut`` says the capture stops short inside this body, so a last line that stops
    mid-sentence marks its feature as cut off.
    """
    reading = BodyReading()
    current: FeatureDraft | None = None
    section_version: str | None = None
    highlighted = any(is_watch_line(b) or b.kind == VIDEO for b in blocks)
    rich_only = any(b.rich for b in blocks)
    last_block = next((b for b in reversed(blocks) if b.text), None) if ends_cut else None
    titles_next = titles_of_id_lines(blocks)
    title_above: str | None = None  # the line above an ID line that has no title of its own
    for index, block in enumerate(blocks):
        text = block.text
        above, title_above = title_above, None
        if is_more_posts_heading(text):
            break  # the cards of other posts below the article
        if is_share_line(text):
            if reading.features or reading.notes:
                break  # the share row that closes the article; an author bio may follow
            continue
        if block.kind == VIDEO or is_watch_line(block):
            current, highlighted = None, False  # what follows the video is the full list
            continue
        if is_empty_list(text) or is_read_post(text):
            continue
        section = section_heading(text)
        if section:
            current, section_version = None, None
            highlighted = section == HIGHLIGHTS
            continue
        heading_version = version_heading(text)
        if heading_version:
            current, section_version = None, heading_version
            continue
        line = ticket_line(text) if is_feature_line(block) else None
        if line is None and rich_only and not block.rich:
            continue  # outside the post's rich text: an author bio, a banner, a footer
        if line is None and index in titles_next:
            current, title_above = None, text
            continue
        if line:
            rest = line.rest
            if block is last_block and _PARTIAL_TIMESTAMP.fullmatch(rest):
                rest = ""  # a timestamp the capture cut off is no description
            title = line.title
            if not line.titled and above is not None:
                title = above
            current = FeatureDraft(
                title=title,
                ticket_id=line.ticket_id,
                version=line.version or section_version or default_version,
                timestamp=line.timestamp,
                highlighted=highlighted,
                order=len(reading.features),
                summary=[rest] if rest else [],
                glued=bool(rest),
            )
            reading.features.append(current)
        elif current is not None and (block.kind == BULLET or _CONTINUATION.match(text)):
            # A bullet, or a labelled paragraph ("Why it matters: …"), goes on with the feature.
            (current.bullets if block.kind == BULLET else current.summary).append(text)
        elif (
            current is not None
            and current.ticket_id is not None
            and block.kind != HEADING
            and not current.glued
            and not current.bullets
        ):
            current.summary.append(text)
        elif block.kind == HEADING or is_label(text):
            # A topic heading (in a text capture, a short line without a full stop): a note.
            current = None
            reading.notes.append(text)
            continue
        elif block.kind == BULLET or is_call_to_action(text) or is_chapter_line(text):
            # A bullet under no feature, a pointer to another site or a chapter line: notes.
            # A paragraph after a feature's bullets, or after a description that came on its
            # title line, is not that feature's either.
            current = None
            reading.notes.append(text)
            if block.kind == BULLET:
                reading.stray_bullets.append(text)
            continue
        else:
            # A description whose title line is missing: a feature of its own, without an ID.
            title, rest = paragraph_title(text)
            current = FeatureDraft(
                title=title,
                ticket_id=None,
                version=section_version or default_version,
                timestamp=None,
                highlighted=highlighted,
                order=len(reading.features),
                summary=[rest] if rest else [],
            )
            reading.features.append(current)
            if block is last_block and not _CLOSED.search(text):
                current.cut_off = True
            continue
        if block is last_block and current is not None and not _CLOSED.search(text):
            current.cut_off = bool(line) or block.kind != BULLET  # bullets end unpunctuated
    return reading


def _merge_into(primary: FeatureDraft, other: FeatureDraft) -> None:
    """Fold a second listing of the same feature into the first, losing no text."""
    for title in (other.title, *other.aliases):
        if title != primary.title and title not in primary.aliases:
            primary.aliases.append(title)
    for paragraph in other.summary:
        if paragraph not in primary.summary:
            primary.summary.append(paragraph)
    for bullet in other.bullets:
        if bullet not in primary.bullets:
            primary.bullets.append(bullet)
    primary.highlighted = primary.highlighted or other.highlighted
    primary.cut_off = primary.cut_off or other.cut_off
    primary.order = min(primary.order, other.order)


def merge_listings(drafts: list[FeatureDraft]) -> list[FeatureDraft]:
    """One draft per feature, in post order: repeats of a key merge, and an "Important
    Mentions" entry merges into the full-list entry with the same ticket ID."""
    groups: dict[tuple, list[FeatureDraft]] = {}
    for draft in drafts:
        groups.setdefault(draft.key, []).append(draft)
    leaders: list[FeatureDraft] = []
    in_full_list: set[int] = set()
    for group in groups.values():
        # The full-list entry leads: its title is the full one, the headline an alias.
        full = [d for d in group if not d.highlighted]
        leader = full[0] if full else group[0]
        for draft in group:
            if draft is not leader:
                _merge_into(leader, draft)
        if full:
            in_full_list.add(id(leader))
        leaders.append(leader)

    full_by_id: dict[str, FeatureDraft] = {}
    for leader in leaders:
        if id(leader) in in_full_list and leader.ticket_id is not None:
            full_by_id.setdefault(leader.ticket_id, leader)
    result = []
    for leader in leaders:
        full = full_by_id.get(leader.ticket_id)
        if full is not None and id(leader) not in in_full_list:
            _merge_into(full, leader)
        else:
            result.append(leader)
    return sorted(result, key=lambda d: d.order)
