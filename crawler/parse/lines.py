"""Field rules for one line of a post body: version and section headings, chapter lines, flags.

A feature's title line has its own module (``feature_lines``). Each helper reads one block's
text and answers one question, so the shapes the series has used over time stay readable side
by side.
"""

from __future__ import annotations

import re

from crawler.records import FLAGS
from crawler.versions import canonical_version

HIGHLIGHTS = "highlights"
FULL_LIST = "full list"

# A YouTube chapter line ("12:40 – Billing changes") names a moment, not a feature.
_CHAPTER_LINE = re.compile(r"\(?\d{1,2}:[0-5]\d(?::[0-5]\d)?\)?\s*(?:[-–—|:·]\s*)?\S.{0,120}")
# A version sub-heading is one version among words that only introduce a release:
# "v2.212 Features", "What's New in HaloPSA 2.216", "Version 2.216 – Highlights".
_VERSION_TOKEN = re.compile(
    r"(?<![\w.])(?:version\s*|v\s?)?(\d\.\d{1,3}(?:\.\d{1,4})?)(?![\w.])", re.I
)
_HEADING_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_RELEASE_WORDS = {
    "what's", "whats", "what", "new", "in", "halopsa", "halo", "psa", "version", "release",
    "releases", "notes", "features", "feature", "list", "updates", "update", "changes",
    "changed", "highlights", "items", "beta", "stable", "the", "for", "from", "and", "of",
}  # fmt: skip
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


def is_chapter_line(text: str) -> bool:
    """True for a chapter line of the video's description, such as ``12:40 – Billing``."""
    return bool(_CHAPTER_LINE.fullmatch(text.strip()))


def version_heading(text: str) -> str | None:
    """The canonical version a sub-heading such as ``v2.212 Features`` introduces, or None."""
    if len(text) > 60:
        return None
    versions = list(_VERSION_TOKEN.finditer(text))
    if len(versions) != 1:
        return None
    around = text[: versions[0].start()] + " " + text[versions[0].end() :]
    words = _HEADING_WORD.findall(around.lower().replace("’", "'"))
    if any(char.isdigit() for char in around) or not set(words) <= _RELEASE_WORDS:
        return None
    return canonical_version(versions[0].group(1))


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
