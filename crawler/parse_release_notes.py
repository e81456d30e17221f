"""Reading a version's release notes: one ticket per line, as Halo publishes them.

Lines look like ``1085470 - Title``, ``#1085470 Title`` or ``Title (1085470)``; lines
without a ticket ID (headings, blank lines) are skipped.
"""

from __future__ import annotations

import re

from crawler.parse.blocks import clean
from crawler.records import TICKET_DIGITS, Feature

_LEADING_ID = re.compile(rf"[-*•·]?\s*#?({TICKET_DIGITS})\s*(?:[-–—:|.)]\s*)?(.*)")
_TRAILING_ID = re.compile(
    rf"[-*•·]?\s*(.*?)\s*(?:\(\s*#?({TICKET_DIGITS})\s*\)|#({TICKET_DIGITS}))\s*[.]?"
)


def release_note_line(line: str) -> tuple[str, str] | None:
    """Return (ticket ID, title) for one release-note line, or None when it has no ticket ID."""
    text = clean(line)
    match = _LEADING_ID.fullmatch(text)
    if match and match.group(2).strip():
        return match.group(1), match.group(2).strip()
    match = _TRAILING_ID.fullmatch(text)
    if match and match.group(1).strip():
        return match.group(2) or match.group(3), match.group(1).strip(" -–—:|")
    return None


def parse_release_notes(text: str, *, version: str, url: str) -> tuple[Feature, ...]:
    """The features a release-notes text lists, one per ticket ID, in the order given."""
    features: list[Feature] = []
    seen: set[str] = set()
    for line in text.splitlines():
        found = release_note_line(line)
        if found is None or found[0] in seen:
            continue
        ticket_id, title = found
        seen.add(ticket_id)
        features.append(
            Feature(
                title=title,
                url=url,
                episode=None,
                ticket_id=ticket_id,
                version=version,
                position=len(features),
            )
        )
    return tuple(features)
