"""A feature's title line: its ticket ID, version, moment in the video and title.

The series writes ``Title | v2.216 #1085470 | 49:41``, and every part of that line has been
typed other ways: the ID as ``(1085470)``, ``[1085470]``, ``Ticket 1085470`` or a ``| 1085470 |``
field of its own; the version as ``v 2.216``, ``Version 2.216`` or ``HaloPSA v2.216``, before
or after the ID; the moment as ``[49:41]``, ``Timestamp: 49:41``, ``at 49:41`` or ``49m41s``,
after the ID or before the title; the ID first and the title after it; two IDs for one
feature (``#1085470, #1085471``). A line is read as fields around the ID, so the parts may
come in any of these orders.

A line that names no ticket is a title line too when a version or a moment stands as a field
of it (``Title | v2.216 | 49:41``, ``Title (v2.216)``, ``49:41 – Title``), and so is a
heading over a description: ``field_line`` reads such a line, and ``lines_without_id`` finds
them in a post, telling a feature's moment line from a chapter list.

Ticket IDs are ASCII digits only (invisible characters are removed before any rule runs);
an ID-looking token in other digits is still counted by ``id_tokens``, so a post holding one
is reported as partial rather than storing an ID that links nowhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from crawler.parse.blocks import BULLET, HEADING, PARAGRAPH, VIDEO, Block
from crawler.parse.lines import section_heading, version_heading
from crawler.parse.meta import (
    episode_marker,
    is_call_to_action,
    is_label,
    is_video_link,
    is_watch_line,
)
from crawler.records import TICKET_DIGITS
from crawler.versions import canonical_version

# A moment in the video: "49:41", "1:02:15", or "49m41s" / "1h02m15s" as a YouTube link has it
# ("49 min 41 sec" spelled out).
_MOMENT = (
    r"\d{1,2}:[0-5]\d(?::[0-5]\d)?(?![\d:])"
    r"|(?:\d{1,2}\s?h(?:rs?|ours?)?\s?)?\d{1,3}\s?m(?:ins?|inutes?)?\s?[0-5]?\d\s?s(?:ecs?|econds?)?\b"
)
_MOMENT_PARTS = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(\d+)s", re.I)
_UNIT_TAIL = re.compile(r"(?<=[hms])[a-z]+")  # "min" of "49min41sec"
_VERSION = r"\d\.\d{1,3}(?:\.\d{1,4})?(?![\w.])"
# How a line names its ticket. A labelled ID ("Ticket #1085470", "Ticket ID: 1085470") is
# read first so the label never stays in the title; without its "#" it must stand as a field
# of the line, not inside a sentence ("fixed in ticket 1085470 last week"). A number alone
# needs to be a field between bars ("| 1085470 |") or to follow the version ("v2.216 1085470").
_TICKET_ID = re.compile(
    r"(?:\b(?i:ticket)(?:\s+(?:ID|(?i:no\.?|number)))?|\bID)\s*[:.]?\s*"
    rf"(?:#\s?(?P<labelled_hash>{TICKET_DIGITS})|(?P<labelled>{TICKET_DIGITS}))"
    rf"|#\s?(?P<hash>{TICKET_DIGITS})"
    rf"|[(\[]\s*#?(?P<bracketed>{TICKET_DIGITS})\s*[)\]]"
    rf"|(?:^|(?<=\|))\s*(?P<field>{TICKET_DIGITS})\s*(?=\||$)"
    rf"|(?<=\d)\s+(?P<after_version>{TICKET_DIGITS})"
)
# The same shapes in any script's digits: what a reader would take for a ticket ID.
_ID_LIKE = re.compile(
    r"[#＃]\s?(\d{5,})(?!\d)|[(（\[]\s*[#＃]?(\d{5,})\s*[)）\]]"
    r"|\b(?i:ticket)(?:\s+(?:ID|(?i:no\.?|number)))?\s*[:.]?\s*(\d{5,})(?!\d)"
)
# A version at the end of the text before the ID: "v2.216", "2.216", typed "v 2.216",
# "Version 2.216" or "HaloPSA v2.216".
_VERSION_TAIL = re.compile(
    r"(?<![\w.$])(?P<named>(?:halo(?:psa)?\s+)?(?:version\s*:?\s*|ver\.?\s*|v\s?))?"
    rf"(?P<number>{_VERSION})\s*$",
    re.I,
)
# A moment at the end of the text before the ID, in its own field: "Title | 49:41 | v2.216".
_MOMENT_TAIL = re.compile(rf"[|(\[/•·]\s*(?P<moment>{_MOMENT})\s*[)\]]?\s*$", re.I)
# A moment before the title: "[49:41] Title", "49:41 – Title", "(49:41) Title".
_MOMENT_LEAD = re.compile(rf"\s*[(\[]?(?P<moment>{_MOMENT})[)\]]?(?:\s*[|–—:·-]\s*|\s+)", re.I)
# More IDs of the same feature right after its first: "#1085470, #1085471", "#1 & #2" (in
# a sentence, "#1 and #2 came up" names two tickets, not one feature's).
_MORE_IDS = re.compile(rf"\s*[,/&+]?\s*#\s?(?P<id>{TICKET_DIGITS})")
# Words that introduce a moment: "at 49:41", "Watch at 49:41", "Timestamp: 49:41".
_MOMENT_WORDS = (
    r"(?:(?:watch|see|jump|skip|starts?|discussed)(?:\s+(?:at|to|from))?|at|timestamp|time)"
)
# A field after the ID: the moment ("| 49:41", "at 1:02:15", "(49:41)", "[49:41]",
# "| Timestamp: 49:41", or after the bracket that closes "(v2.216, #ID) at 49:41") or the
# version ("#ID | v2.216"). Of a span ("49:41 – 52:10") the start is the feature's moment.
_FIELD_AFTER_ID = re.compile(
    r"\s*[)\]]?\s*[|,–—@/•·-]?\s*@?\s*(?:"
    rf"(?:{_MOMENT_WORDS}\b:?\s*)?[(\[]?(?P<moment>{_MOMENT})"
    rf"(?:\s*(?:[-–—]|to)\s*(?:{_MOMENT}))?[)\]]?"
    rf"|[(\[]?(?P<version>(?:version\s*:?\s*|v\s?){_VERSION})[)\]]?"
    r")",
    re.I,
)
# What is left after the fields a line's parts were read from, when it is one more short
# field with a number ("| 49.41", "| ~50 min"): a field the parser cannot read, not a
# description, so the post says so (``FeatureLine.unread``).
_UNREAD_FIELD = re.compile(r"\s*\|\s*(?P<text>(?=[^|]*\d)[^|]{1,20}?)\s*\|?\s*")
# What sits next to a field of a line (rather than a word of a sentence: a comma may follow
# an ID in prose, "ticket 1085470, which…").
_FIELD_END = re.compile(r"\s*(?:$|[|:)\]–—-])")
_FIELD_START = re.compile(r"(?:^|[|(\[–—-])\s*$")
_SEPARATORS = " \t|,:–—-·/•"
# Before a title: a list number ("1. ", "12) ") and marks that are no words ("➡️", "⚠️").
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]\s+")
_MARKS = "·•▪◦●‣∙-–—*"
_WORD = re.compile(r"\w")
# Bars typed in other widths: "｜" (full width) and "¦" (broken bar).
_BARS = str.maketrans({"｜": "|", "¦": "|"})
# A line without an ID: a version standing as a field at its end ("| v2.216", "(v2.216)",
# "– Version 2.216"; without "v" only after a bar), or a moment ("| 49:41", "- 49:41").
_NAMED_VERSION = r"(?:halo(?:psa)?\s+)?(?:version\s*:?\s*|ver\.?\s*|v\s?)"
_VERSION_FIELD = re.compile(
    rf"(?:\|\s*[(\[]?(?:{_NAMED_VERSION})?|(?:[(\[]|\s[-–—•/]\s*|[–—•]\s*){_NAMED_VERSION})"
    rf"(?P<number>{_VERSION})\s*[)\]]?\s*$",
    re.I,
)
_MOMENT_FIELD = re.compile(
    rf"(?:[|(\[/•·–—]|\s-|\s@)\s*(?:{_MOMENT_WORDS}\b:?\s*)?(?P<moment>{_MOMENT})\s*[)\]]?\s*$",
    re.I,
)
# A title line is short; a longer line naming a version is a sentence about it.
_FIELD_LINE_CHARS = 160


@dataclass(frozen=True)
class FeatureLine:
    """What a feature's title line says."""

    title: str
    ticket_id: str | None  # None on a line that names no ticket (``field_line``)
    version: str | None  # canonical, when the line gives one
    timestamp: str | None  # as written, with "49m41s" written "49:41"
    rest: str  # description text glued on after the ID or timestamp
    titled: bool = True  # False when the line holds only the ID (the title sits above it)
    marks: str = ""  # what stands before the title or after the fields without a word: "⚠️"
    more_ids: tuple[str, ...] = ()  # further IDs the line gives the same feature
    unread: str = ""  # a short field after the ID the parser cannot read ("49.41")


def ticket_line(text: str) -> FeatureLine | None:
    """Read a feature title line in any of the series' shapes, or return None.

    ``Title | v2.212 #1003085 | 25:29``, ``Title #1003085 description`` and
    ``Title (998146) description`` all give a title, the ticket ID and what the line states.
    """
    text = text.translate(_BARS)
    found = _find_ticket_id(text)
    if found is None:
        return None
    start, end, ticket_id = found
    more_ids = []
    while (more := _MORE_IDS.match(text, end)) and more["id"] not in (ticket_id, *more_ids):
        more_ids.append(more["id"])
        end = more.end()
    head, lead_marks = _lead_marks(text[:start])
    head, moment = _lead_moment(head)
    title, version, tail_moment = _title_fields(head)
    title, tail_marks = _trail_marks(title)
    suffix, after_version, after_moment = _fields_after_id(text[end:])
    unread = _UNREAD_FIELD.fullmatch(suffix)
    if unread and unread["text"].endswith((".", "!", "?")):
        unread = None  # a sentence after a bar: the description
    rest = "" if unread else suffix.strip().lstrip(_SEPARATORS + ")]").strip()
    marks = lead_marks + tail_marks
    if not _WORD.search(rest):  # "⚠️" or a stray bracket after the fields: no description
        rest, marks = "", marks + rest
    if not title:  # the ID comes first: "#1085470 | Title | v2.216 | 49:41"
        title, rest_version, rest_moment = _title_fields(rest)
        rest = ""
        after_version = after_version or rest_version
        after_moment = after_moment or rest_moment
    return FeatureLine(
        title=title or f"#{ticket_id}",
        ticket_id=ticket_id,
        version=version or after_version,
        timestamp=moment or tail_moment or after_moment,
        rest=rest,
        titled=bool(title),
        marks=marks,
        more_ids=tuple(more_ids),
        unread=unread["text"] if unread else "",
    )


def field_line(text: str) -> FeatureLine | None:
    """Read a title line that names no ticket, or return None.

    ``Title | v2.216 | 49:41``, ``Title (v2.216)`` and ``49:41 – Title`` give a title and what
    the line states; a version or a moment must stand as a field of it, so a sentence that
    mentions one (``Released in v2.216.``) is none.
    """
    text = text.translate(_BARS).strip()
    if len(text) > _FIELD_LINE_CHARS or _find_ticket_id(text) is not None:
        return None
    head, marks = _lead_marks(text)
    head, moment = _lead_moment(head)
    version = None
    for _field in range(2):
        if version is None and (match := _VERSION_FIELD.search(head)):
            head, version = head[: match.start()], canonical_version(match["number"])
        if moment is None and (match := _MOMENT_FIELD.search(head)):
            head, moment = head[: match.start()], _written_moment(match["moment"])
    title, tail_marks = _trail_marks(head.strip().rstrip(_SEPARATORS + "([").strip("* "))
    if not (version or moment) or not _WORD.search(title):
        return None
    return FeatureLine(
        title=title,
        ticket_id=None,
        version=version,
        timestamp=moment,
        rest="",
        marks=marks + tail_marks,
    )


def lines_without_id(blocks: tuple[Block, ...] | list[Block]) -> dict[int, FeatureLine]:
    """The title lines that name no ticket, by block index.

    A ``field_line`` with a version is one. One with only a moment is one when a description
    follows it: the lines of a video's chapter list follow one another (notes). A heading
    titles the description under it (``<h3>Title</h3><p>…</p>``) unless it is a section,
    version or episode heading; a topic heading over feature lines has no prose under it.
    """
    lines = [
        None if block.kind == VIDEO or episode_marker(block) else field_line(block.text)
        for block in blocks
    ]
    titles = titles_of_id_lines(blocks)
    found = {}
    for index, (block, line) in enumerate(zip(blocks, lines, strict=True)):
        described = _is_description(blocks, lines, titles, index + 1)
        if line is not None and (line.version or described):
            found[index] = line
        elif line is None and described and _titles_a_description(block):
            title, marks = _trail_marks(_lead_marks(block.text)[0].rstrip(":").strip())
            found[index] = FeatureLine(title, None, None, None, "", marks=marks)
    return found


def _titles_a_description(block: Block) -> bool:
    """True for a heading that may title the description under it."""
    text = block.text
    return (
        block.kind == HEADING
        and len(text) <= _FIELD_LINE_CHARS
        and bool(_WORD.search(text))
        and ticket_line(text) is None
        and section_heading(text) is None
        and version_heading(text) is None
        and episode_marker(block) is None
    )


def _is_description(blocks, lines: list[FeatureLine | None], titles: set[int], index: int) -> bool:
    """True when block ``index`` is a paragraph or bullet of prose: no title line (nor the
    title above an ID-only line), heading, watch line or pointer, and no label."""
    if index >= len(blocks) or index in titles:
        return False
    block = blocks[index]
    text = block.text
    return (
        block.kind in (PARAGRAPH, BULLET)
        and lines[index] is None
        and ticket_line(text) is None
        and version_heading(text) is None
        and section_heading(text) is None
        and not is_watch_line(block)
        and not is_label(text)
        and not is_call_to_action(text)
    )


def _find_ticket_id(text: str) -> tuple[int, int, str] | None:
    """Where the line's ticket ID starts and ends, and its digits; None without one."""
    for match in _TICKET_ID.finditer(text):
        if match["field"] and "|" not in text:
            continue  # a number alone on a line is no field
        if match["after_version"] and _split_version(text[: match.start()])[1] is None:
            continue  # "TLS 1.2 44009": the number follows no release
        if match["labelled"] and not _stands_as_field(text[: match.start()], text[match.end() :]):
            continue
        name = match.lastgroup
        return (
            match.start(name) if name == "after_version" else match.start(),
            match.end(),
            match[name],
        )
    return None


def _stands_as_field(before: str, after: str) -> bool:
    """True when a labelled ID is a field of its line: it starts or ends the line, or a bar,
    bracket, dash or the version sits next to it."""
    return bool(
        _FIELD_END.match(after)
        or _FIELD_START.search(before)
        or _split_version(before)[1] is not None
    )


def _lead_marks(head: str) -> tuple[str, str]:
    """The text before the ID without what comes before its first word (a list number, marks
    such as "➡️" or "⚠️"), and those marks."""
    head = head.lstrip()
    number = _LIST_NUMBER.match(head)
    if number:
        head = head[number.end() :]
    end = 0
    while end < len(head) and (head[end].isspace() or _is_mark(head[end])):
        end += 1
    return head[end:], head[:end].strip()


def _is_mark(char: str) -> bool:
    """A character that is no word: a list mark, an arrow, a pictograph or emoji, or the
    selector that makes a symbol an emoji. Signs a title may start with ("<", "$", "+") are
    none."""
    category = unicodedata.category(char)
    return char in _MARKS or "\u2190" <= char <= "\u21ff" or category in ("So", "Mn")


def _trail_marks(title: str) -> tuple[str, str]:
    """A title without the marks at its end ("Title ⚠️"), and those marks."""
    end = len(title)
    while end and (title[end - 1].isspace() or _is_mark(title[end - 1])):
        end -= 1
    return title[:end], title[end:].strip()


def _lead_moment(head: str) -> tuple[str, str | None]:
    """The text before the ID without a moment written before the title, and that moment."""
    match = _MOMENT_LEAD.match(head)
    if match is None or not head[match.end() :].strip():
        return head, None
    return head[match.end() :], _written_moment(match["moment"])


def _title_fields(text: str) -> tuple[str, str | None, str | None]:
    """A title with the version and moment fields at its end taken off, and those two."""
    version = moment = None
    text = text.rstrip(_SEPARATORS)
    for _field in range(2):
        if version is None:
            text, version = _split_version(text)
            text = text.rstrip(_SEPARATORS)
        if moment is None and (match := _MOMENT_TAIL.search(text)):
            text, moment = (
                text[: match.start()].rstrip(_SEPARATORS),
                _written_moment(match["moment"]),
            )
    title = text.strip().rstrip(_SEPARATORS + "([").strip("* ")
    return title, version, moment


def _split_version(prefix: str) -> tuple[str, str | None]:
    """The text before a version at its end, and that version (canonical), or no version."""
    match = _VERSION_TAIL.search(prefix)
    if not match:
        return prefix, None
    before = prefix[: match.start()].rstrip()
    # "TLS 1.2 #123456" names no release: a version needs its "v" or a "|" before it.
    if not match["named"] and before and not before.endswith("|"):
        return prefix, None
    return prefix[: match.start()], canonical_version(match["number"])


def _fields_after_id(suffix: str) -> tuple[str, str | None, str | None]:
    """What follows the ID without its version and moment fields, and those two."""
    version = moment = None
    while match := _FIELD_AFTER_ID.match(suffix):
        if match["moment"] and moment is None:
            moment = _written_moment(match["moment"])
        elif match["version"] and version is None:
            version = canonical_version(match["version"].replace(" ", ""))
        else:
            break
        suffix = suffix[match.end() :]
    return suffix, version, moment


def _written_moment(text: str) -> str:
    """A moment as the series writes it: "49m41s" becomes "49:41", "1h02m15s" "1:02:15"."""
    seconds = _youtube_seconds(_UNIT_TAIL.sub("", text.replace(" ", "").lower()))
    return text if seconds is None else _moment(seconds)


def _youtube_seconds(text: str) -> int | None:
    """Seconds from a moment as YouTube writes it ("49m41s", "1h02m15s", "2981s", "2981")."""
    if text.isdigit():
        return int(text)
    parts = _MOMENT_PARTS.fullmatch(text)
    if parts is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


def _moment(seconds: int) -> str:
    """Seconds as the series writes a moment: "49:41", "1:02:15"."""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def linked_moment(block: Block) -> tuple[str, str] | None:
    """The moment a line's link into the video gives (``youtu.be/…?t=2981`` is "49:41"), and
    the link's text; None without such a link."""
    for link in block.links:
        if not is_video_link(link.href):
            continue
        query = parse_qs(urlsplit(link.href).query)
        start = (query.get("t") or query.get("start") or [""])[0].strip().lower()
        seconds = _youtube_seconds(start)
        if seconds is None:
            continue
        return _moment(seconds), link.text
    return None


def is_feature_line(block: Block) -> bool:
    """True for a feature's title line; an intro that mentions a ticket ID is no feature."""
    return ticket_line(block.text) is not None and episode_marker(block) is None


def titles_of_id_lines(blocks: tuple[Block, ...] | list[Block]) -> set[int]:
    """Indexes of the blocks just above a feature line that holds only an ID (and a version
    or timestamp): such a block is that feature's title (``<h4>Title</h4><p>v2.250 #ID</p>``)."""
    titles = set()
    for index in range(1, len(blocks)):
        line = ticket_line(blocks[index].text)
        if line is not None and not line.titled and ticket_line(blocks[index - 1].text) is None:
            titles.add(index - 1)
    return titles


def id_tokens(text: str) -> list[tuple[str, str]]:
    """Every ID-looking token (``#1085470``, ``(998146)``, ``Ticket 1085470``, in any digits)
    as (token, digits)."""
    return [(m.group(0), m.group(1) or m.group(2) or m.group(3)) for m in _ID_LIKE.finditer(text)]
