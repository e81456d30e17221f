"""The record types: an Episode post and the Features it discusses.

Records are frozen, convert to and from plain dicts (one JSON object per store line),
and carry a stable key that never depends on crawl time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar

FLAGS = ("caution", "recommended", "impactful", "not_enabled_by_default")
COMPLETE = "complete"  # an episode's parse health when every ID and paragraph found a feature
# A HaloPSA ticket ID: 5 to 9 ASCII digits (the blog's are 6 and 7), written with or without "#".
TICKET_DIGITS = r"[0-9]{5,9}(?![0-9])"
TICKET_ID_RULE = "Ticket IDs are 5 to 9 digits"  # TICKET_DIGITS, as messages say it
_TICKET_ID = re.compile(rf"#?({TICKET_DIGITS})")


def _tuple(value: Any) -> tuple:
    return tuple(value or ())


@dataclass(frozen=True)
class Episode:
    """One "By the [run]Book" episode post."""

    episode: int
    title: str
    url: str
    date: str | None = None  # ISO 8601 date of the post
    video_url: str | None = None  # the "Watch Now" link
    versions: tuple[str, ...] = ()  # canonical versions the post covers
    hosts: tuple[str, ...] = ()
    author: str | None = None
    summary: str = ""  # the intro paragraph(s)
    notes: tuple[str, ...] = ()  # post text that could not be split into features
    unparsed_ids: tuple[str, ...] = ()  # ID-looking tokens that ended in no feature
    ids_found: int = 0  # distinct ID-looking tokens in the post's text
    parse: str = COMPLETE  # parse health: COMPLETE, or "partial: <why>"
    status: str = "ok"  # what the last crawl saw: ok, gone (404/410), error: ...
    first_seen: str | None = None  # when a crawl first stored the post (ISO 8601 UTC)

    _TUPLES: ClassVar[tuple[str, ...]] = ("versions", "hosts", "notes", "unparsed_ids")

    @property
    def key(self) -> str:
        """The store key: the episode number."""
        return f"ep{self.episode}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Episode:
        """Build an episode from a store line, ignoring keys it does not know."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in cls._TUPLES:
            values[name] = _tuple(values.get(name))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict (``first_seen`` only once a crawl set it)."""
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        if data["first_seen"] is None:
            del data["first_seen"]
        return data


def keep_first_seen(
    episodes: Iterable[Episode], stored: Iterable[Episode], seen_at: str | None
) -> list[Episode]:
    """The episodes with the ``first_seen`` of their stored records, else ``seen_at``."""
    known = {episode.episode: episode.first_seen for episode in stored}
    return [replace(e, first_seen=known.get(e.episode) or seen_at) for e in episodes]


@dataclass(frozen=True)
class Feature:
    """One feature (release-note item) as an episode discusses it."""

    title: str
    url: str  # the episode post it comes from
    episode: int | None
    ticket_id: str | None = None  # digits only, e.g. "1085470" (see read_ticket_id)
    version: str | None = None  # canonical, e.g. "2.210"
    timestamp: str | None = None  # as written in the post, e.g. "49:41"
    seconds: int | None = None  # the timestamp in seconds from the start of the video
    aliases: tuple[str, ...] = ()  # other headlines the post gives it
    summary: str = ""
    bullets: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # a subset of FLAGS
    highlighted: bool = False  # listed under "Important Mentions"
    position: int = 0  # order within the post, from 0
    cut_off: bool = False  # the captured text ends inside this feature, mid-sentence

    _TUPLES: ClassVar[tuple[str, ...]] = ("aliases", "bullets", "flags")

    @property
    def key(self) -> str:
        """The store key: version, ticket ID and timestamp; episode and position without an ID."""
        if self.ticket_id:
            return f"{self.version or '-'}:{self.ticket_id}:{self.timestamp or '-'}"
        return f"ep{self.episode}:p{self.position}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feature:
        """Build a feature from a store line, ignoring keys it does not know."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in cls._TUPLES:
            values[name] = _tuple(values.get(name))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-ready dict, with its key."""
        data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        data["key"] = self.key
        return data


def timestamp_seconds(timestamp: str | None) -> int | None:
    """Convert ``m:ss`` or ``h:mm:ss`` to seconds; None when it is not a timestamp."""
    if not timestamp:
        return None
    parts = timestamp.strip().split(":")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if any(n >= 60 for n in numbers[1:]):
        return None
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def read_ticket_id(text: str) -> str | None:
    """The ticket ID ``text`` is (``1085470`` or ``#1085470``) as digits; None when it is none."""
    match = _TICKET_ID.fullmatch(text.strip())
    return match.group(1) if match else None
