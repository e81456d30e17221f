"""Field rules for one line of a post body: feature lines, version and section headings, flags.

Ticket IDs are ASCII digits only (invisible characters are removed before any rule runs);
an ID-looking token in other digits is still counted by ``id_tokens``, so a post holding one
is reported as partial rather than storing an ID that links nowhere.

Each helper reads one block's text and answers one question, so the shapes the series
has used over time stay readable side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.parse.blocks import Block
from crawler.parse.meta import episode_marker
from crawler.records import FLAGS, TICKET_DIGITS
from crawler.versions import canonical_version

HIGHLIGHTS = "highlights"
FULL_LIST = "full list"

_TICKET_ID = re.compile(rf"#\s?({TICKET_DIGITS})|[(\[]\s*#?({TICKET_DIGITS})\s*[)\]]")
# The same shapes in any script's digits: what a reader would take for a ticket ID.
_ID_LIKE = re.compile(r"[#＃]\s?(\d{5,})(?!\d)|[(（\[]\s*[#＃]?(\d{5,})\s*[)）\]]")
# A version at the end of the text before the ID: "v2.216", "2.216", or typed "v 2.216".
_VERSION_TAIL = re.compile(r"(?<![\w.$])((?:v\s?)?\d\.\d{1,3}(?:\.\d{1,4})?)\s*$", re.I)
# The moment in the video after the ID: "| 49:41", "at 1:02:15", "(49:41)", "[49:41]",
# "| Timestamp: 49:41", or after the bracket that closes "(v2.216, #ID) at 49:41".
_TIMESTAMP_HEAD = re.compile(
    r"\s*[)\]]?\s*[|,–—@-]?\s*(?:(?:at|timestamp|time)\b:?\s*)?"
    r"[(\[]?(\d{1,2}:[0-5]\d(?::[0-5]\d)?)(?![\d:])[)\]]?",
    re.I,
)
# A YouTube chapter line ("12:40 – Billing changes") names a moment, not a feature.
_CHAPTER_LINE = re.compile(r"\(?\d{1,2}:[0-5]\d(?::[0-5]\d)?\)?\s*(?:[-–—|:·]\s*)?\S.{0,120}")
_SEPARATORS = " \t|,:–—-·"
_LIST_MARKS = "·•▪◦●‣∙ "
_VERSION_HEADING = re.compile(
    r"(?:halo(?:psa)?\s+)?(?:version\s*|v)?(\d\.\d{1,3}(?:\.\d{1,4})?)"
    r"(?:\s+(?:new\s+)?(?:features?|updates?|changes|release(?:\s+notes)?|highlights|items))?"
    r"\s*:?"
    r"|(?:features?|updates?|changes)\s+(?:in|for|from)\s+(?:halo(?:psa)?\s+)?"
    r"(?:version\s*|v)?(\d\.\d{1,3}(?:\.\d{1,4})?)\s*:?",
    re.I,
)
_HIGHLIGHT_HEADINGS = {
    "importantmentions", "importantmention", "keyhighlights", "highlights", "standoutfeatures",
    "topfeatures", "featurehighlights", "episodehighlights", "keyfeatures", "notablefeatures",
}  # fmt: skip
_FULL_LIST_HEADINGS = {
    "fullfeaturelist", "featurelist", "fullfeatures", "allfeatures", "fulllist",
    "completefeaturelist", "otherfeatures", "morefeatures", "remainingfeatures",
}  # fmt: skip
_NOT_BY_DEFAULT = re.compile(r"not\s+(?:enabled|on|switched\s+on|turned\s+on)\s+by\s+default", re.I)
_FLAG_MARKS = (("⚠", "caution"), ("✅", "recommended"), ("✔", "recommended"), ("🚀", "impactful"))


@dataclass(frozen=True)
class FeatureLine:
    """What a feature's title line says."""

    title: str
    ticket_id: str
    version: str | None  # canonical, when the line gives one
    timestamp: str | None  # as written
    rest: str  # description text glued on after the ID or timestamp
    titled: bool = True  # False when the line holds only the ID (the title sits above it)


def _split_version(prefix: str) -> tuple[str, str | None]:
    match = _VERSION_TAIL.search(prefix)
    if not match:
        return prefix, None
    before = prefix[: match.start()].rstrip()
    # "TLS 1.2 #123456" names no release: a version needs its "v" or a "|" before it.
    if not match.group(1).lower().startswith("v") and before and not before.endswith("|"):
        return prefix, None
    return prefix[: match.start()], canonical_version(match.group(1).replace(" ", ""))


def ticket_line(text: str) -> FeatureLine | None:
    """Read a feature title line in any of the series' shapes, or return None.

    ``Title | v2.212 #1003085 | 25:29``, ``Title #1003085 description`` and
    ``Title (998146) description`` all give a title, the ticket ID and what the line states.
    """
    match = _TICKET_ID.search(text)
    if not match:
        return None
    ticket_id = match.group(1) or match.group(2)
    prefix, version = _split_version(text[: match.start()].rstrip(_SEPARATORS))
    title = prefix.strip().rstrip(_SEPARATORS + "([").lstrip(_LIST_MARKS).strip()
    suffix = text[match.end() :]
    timestamp = None
    stamp = _TIMESTAMP_HEAD.match(suffix)
    if stamp:
        timestamp = stamp.group(1)
        suffix = suffix[stamp.end() :]
    rest = suffix.strip().lstrip(_SEPARATORS).strip()
    if not title:
        title, rest = rest, ""
    return FeatureLine(title or f"#{ticket_id}", ticket_id, version, timestamp, rest, bool(title))


def is_chapter_line(text: str) -> bool:
    """True for a chapter line of the video's description, such as ``12:40 – Billing``."""
    return bool(_CHAPTER_LINE.fullmatch(text.strip()))


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


def version_heading(text: str) -> str | None:
    """The canonical version a sub-heading such as ``v2.212 Features`` introduces, or None."""
    if len(text) > 60:
        return None
    match = _VERSION_HEADING.fullmatch(text.strip())
    if not match:
        return None
    return canonical_version(match.group(1) or match.group(2))


def section_heading(text: str) -> str | None:
    """HIGHLIGHTS for "Important Mentions", FULL_LIST for "Full Feature List", else None."""
    if len(text) > 60:
        return None
    letters = re.sub(r"[^a-z]", "", text.lower())
    if letters in _HIGHLIGHT_HEADINGS:
        return HIGHLIGHTS
    if letters in _FULL_LIST_HEADINGS:
        return FULL_LIST
    return None


def flags_of(lines: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The callout flags (⚠️ caution, ✅ recommended, 🚀 impactful, not enabled by default)."""
    found = set()
    for line in lines:
        for mark, flag in _FLAG_MARKS:
            if mark in line:
                found.add(flag)
        if _NOT_BY_DEFAULT.search(line):
            found.add("not_enabled_by_default")
    return tuple(flag for flag in FLAGS if flag in found)


def id_tokens(text: str) -> list[tuple[str, str]]:
    """Every ID-looking token (``#1085470`` or ``(998146)``, in any digits) as (token, digits)."""
    return [(m.group(0), m.group(1) or m.group(2)) for m in _ID_LIKE.finditer(text)]
