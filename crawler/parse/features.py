"""Stage 4, body -> features: title lines, their summary and bullets, and the text between.

A feature starts at a line carrying a ticket ID, wherever the post puts it (before or after
its video, in any element), or at a title line whose version or moment stands as a field
(``Title | v2.216 | 49:41``, without an ID), and owns the description and bullets that
follow, up to the next feature line, heading or video line. Lines listed before the video
are the post's highlights. A description paragraph that belongs to no feature line (a
capture that lost its title lines) becomes a feature without a ticket ID, so every sentence
of a post stays searchable; only calls to action, stray bullets and topic headings are kept
as the episode's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.parse.blocks import BULLET, HEADING, VIDEO, Block
from crawler.parse.feature_lines import (
    is_feature_line,
    lines_without_id,
    linked_moment,
    ticket_line,
    titles_of_id_lines,
)
from crawler.parse.lines import HIGHLIGHTS, is_chapter_line, section_heading, version_heading
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
    from_line: bool = False  # started by a title line (not a paragraph that lost its own)
    more_ids: list[str] = field(default_factory=list)  # further IDs of the same feature
    unread: list[str] = field(default_factory=list)  # fields of its line that were not read
    marks: str = ""  # the title line's marks without a word ("⚠️"), read as flags
    cut_off: bool = False  # the capture ends inside this feature, mid-sentence

    @property
    def key(self) -> tuple:
        if self.ticket_id is not None:
            return (self.version, self.ticket_id, self.timestamp)
        if self.from_line:  # a title line without an ID: the same line again is a repeat
            return ("no id", self.title.casefold(), self.version, self.timestamp)
        return ("no id", self.order)  # never merged with another listing


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
    return _BodyReader(blocks, default_version, ends_cut).read()


class _BodyReader:
    """One walk through a post body: where it is (the feature being read, the version of the
    section, highlights or not) and what it has found."""

    def __init__(self, blocks, default_version: str | None, ends_cut: bool):
        self.blocks = blocks
        self.default_version = default_version
        self.reading = BodyReading()
        self.current: FeatureDraft | None = None
        self.section_version: str | None = None
        self.highlighted = any(is_watch_line(b) or b.kind == VIDEO for b in blocks)
        self.rich_only = any(b.rich for b in blocks)
        self.last_block = next((b for b in reversed(blocks) if b.text), None) if ends_cut else None
        self.titles_next = titles_of_id_lines(blocks)
        self.lines_without_id = lines_without_id(blocks)
        self.title_above: str | None = None  # the line above an ID line without a title

    def read(self) -> BodyReading:
        for index, block in enumerate(self.blocks):
            above, self.title_above = self.title_above, None
            if self._ends_body(block):
                break
            if not self._structure(block):
                self._text(index, block, above)
        return self.reading

    def _ends_body(self, block: Block) -> bool:
        """The cards of other posts, or the share row that closes the article (an author bio
        may follow it)."""
        found = self.reading.features or self.reading.notes
        return is_more_posts_heading(block.text) or (bool(found) and is_share_line(block.text))

    def _structure(self, block: Block) -> bool:
        """Read a block that shapes the body (video, section and version headings, chrome)."""
        text = block.text
        if block.kind == VIDEO or is_watch_line(block):
            self.current, self.highlighted = None, False  # then comes the full list
        elif is_share_line(text) or is_empty_list(text) or is_read_post(text):
            pass
        elif section := section_heading(text):
            self.current, self.section_version = None, None
            self.highlighted = section == HIGHLIGHTS
        elif heading_version := version_heading(text):
            self.current, self.section_version = None, heading_version
        else:
            return False
        return True

    def _text(self, index: int, block: Block, above: str | None) -> None:
        line = ticket_line(block.text) if is_feature_line(block) else None
        if line is None:
            line = self.lines_without_id.get(index)
        if line is None and self.rich_only and not block.rich:
            return  # outside the post's rich text: an author bio, a banner, a footer
        if line is None and index in self.titles_next:
            self.current, self.title_above = None, block.text
            return
        if line is not None:
            self._start_feature(line, block, above)
        else:
            self._paragraph(block)
        current = self.current
        if block is self.last_block and current is not None and not _CLOSED.search(block.text):
            current.cut_off = line is not None or block.kind != BULLET  # bullets end bare

    def _start_feature(self, line, block: Block, above: str | None) -> None:
        rest, timestamp = line.rest, line.timestamp
        if block is self.last_block and _PARTIAL_TIMESTAMP.fullmatch(rest):
            rest = ""  # a timestamp the capture cut off is no description
        linked = linked_moment(block) if timestamp is None else None
        if linked and rest in ("", linked[1]):
            # A link into the video as a field: "… #ID | <a href='…?t=2981'>Watch</a>".
            timestamp, rest = linked[0], ""
        self.current = self._new_draft(
            title=line.title if line.titled or above is None else above,
            ticket_id=line.ticket_id,
            version=line.version,
            timestamp=timestamp,
            summary=rest,
        )
        self.current.glued = bool(rest)
        self.current.marks = line.marks
        self.current.from_line = True
        self.current.more_ids = list(line.more_ids)
        self.current.unread = [line.unread] if line.unread else []

    def _paragraph(self, block: Block) -> None:
        text, current = block.text, self.current
        if current is not None and (block.kind == BULLET or _CONTINUATION.match(text)):
            # A bullet, or a labelled paragraph ("Why it matters: …"), goes on with the feature.
            (current.bullets if block.kind == BULLET else current.summary).append(text)
        elif current is not None and _takes_summary(current, block):
            current.summary.append(text)
        elif block.kind in (HEADING, BULLET) or is_label(text) or _points_away(text):
            # A topic heading (in a text capture, a short line without a full stop), a bullet
            # under no feature, a pointer to another site or a chapter line: notes. A paragraph
            # after a feature's bullets, or after a description glued on its title line, is
            # not that feature's either.
            self.current = None
            self.reading.notes.append(text)
            if block.kind == BULLET:
                self.reading.stray_bullets.append(text)
        else:
            # A description whose title line is missing: a feature of its own, without an ID.
            title, rest = paragraph_title(text)
            self.current = self._new_draft(title=title, ticket_id=None, summary=rest)

    def _new_draft(self, *, title, ticket_id, summary, version=None, timestamp=None):
        draft = FeatureDraft(
            title=title,
            ticket_id=ticket_id,
            version=version or self.section_version or self.default_version,
            timestamp=timestamp,
            highlighted=self.highlighted,
            order=len(self.reading.features),
            summary=[summary] if summary else [],
        )
        self.reading.features.append(draft)
        return draft


def _takes_summary(draft: FeatureDraft, block: Block) -> bool:
    """True when a paragraph goes on a titled feature's description: nothing came between."""
    return draft.from_line and block.kind != HEADING and not draft.glued and not draft.bullets


def _points_away(text: str) -> bool:
    """A pointer to another site or a chapter line of the video: notes, never features."""
    return is_call_to_action(text) or is_chapter_line(text)


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
    for ticket_id in other.more_ids:
        if ticket_id not in primary.more_ids:
            primary.more_ids.append(ticket_id)
    primary.unread += [text for text in other.unread if text not in primary.unread]
    primary.marks += other.marks
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
