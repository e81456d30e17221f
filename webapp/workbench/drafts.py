"""Drafts of an episode's show notes, kept in the workbench database.

Every change names the revision the editor saw; a change to an older revision is refused
with StaleDraftError and nothing is written, so two hosts editing at once never overwrite
each other. Each change runs in one ``BEGIN IMMEDIATE`` transaction.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from crawler.records import TICKET_ID_RULE, read_ticket_id, timestamp_seconds
from crawler.safe_text import safe_text
from crawler.versions import canonical_version
from index import HalonotesError
from webapp.shownotes import clock

MAX_ITEMS = 100
MAX_TEXT = 5000
_TIMESTAMP = re.compile(r"\d{1,2}:[0-5]\d(?::[0-5]\d)?")
_BLANK_LINE = re.compile(r"\n\s*\n")
_BULLET_MARK = re.compile(r"^(?:[•·]|[-*–](?=\s))\s*")
SOURCES = ("release notes", "search", "typed")


class DraftError(HalonotesError):
    """A draft change that cannot be made as asked; the message says why."""


class StaleDraftError(DraftError):
    """The change was made to an older revision of the draft; nothing was saved."""


@dataclass(frozen=True)
class Item:
    """One feature of a draft, in the post's order."""

    id: int
    position: int
    title: str
    ticket_id: str
    version: str | None
    timestamp: str | None
    summary: str = ""
    bullets: tuple[str, ...] = ()
    important: bool = False
    headline: str = ""  # the shorter "Important Mentions" headline; blank: the title
    source: str = "typed"


@dataclass(frozen=True)
class Draft:
    """A draft post for one episode, with its items in order."""

    id: int
    episode: int
    versions: tuple[str, ...]
    date: str | None  # ISO 8601
    intro: str
    revision: int
    updated_at: str
    updated_by: str
    items: tuple[Item, ...] = field(default_factory=tuple)

    def item(self, item_id: int) -> Item | None:
        """The item with this id, if it is in the draft."""
        return next((item for item in self.items if item.id == item_id), None)


def episode_number(value: str | int) -> int:
    """An episode number from a form field, or DraftError."""
    text = str(value).strip().lstrip("#")
    if not text.isdigit() or not 0 < int(text) < 10000:
        raise DraftError(f"{value!r} is not an episode number: write it like 20.")
    return int(text)


def versions_of(value: str) -> tuple[str, ...]:
    """Canonical versions from ``2.212, v2.214``, or DraftError naming the one that is not."""
    found: list[str] = []
    for part in re.split(r"[\s,;]+", value.strip()):
        if not part:
            continue
        version = canonical_version(part)
        if version is None:
            raise DraftError(f"{part!r} is not a version: write versions like 2.212, 2.214.")
        if version not in found:
            found.append(version)
    if not found:
        raise DraftError("Name at least one version the episode covers, like 2.212.")
    return tuple(found)


def ticket_of(value: str) -> str:
    """The digits of a ticket ID (``#843566`` or ``843566``), or DraftError."""
    digits = read_ticket_id(value)
    if digits is None:
        raise DraftError(f"{value!r} is not a ticket ID. {TICKET_ID_RULE}, like 843566.")
    return digits


def timestamp_of(value: str | None) -> str | None:
    """A moment in the video written as the series writes it (``03:18`` becomes ``3:18``).

    None when blank; DraftError when it is not ``m:ss`` or ``h:mm:ss``.
    """
    text = (value or "").strip()
    if not text:
        return None
    seconds = timestamp_seconds(text) if _TIMESTAMP.fullmatch(text) else None
    if seconds is None:
        raise DraftError(f"{text!r} is not a moment in the video: write m:ss or h:mm:ss.")
    return clock(seconds)


def date_of(value: str | None) -> str | None:
    """An ISO date from a form field (None when blank), or DraftError."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise DraftError(f"{text!r} is not a date: write it like 2026-04-14.") from exc


def text_of(value: str | None, *, what: str, required: bool = False) -> str:
    """One line of text as a post would carry it: safe characters, single spaces, bounded."""
    text = " ".join(safe_text(value or "").split())
    if required and not text:
        raise DraftError(f"The {what} cannot be empty.")
    if len(text) > MAX_TEXT:
        raise DraftError(f"The {what} is longer than {MAX_TEXT} characters.")
    return text


def paragraphs_of(value: str | None, *, what: str, required: bool = False) -> str:
    """Paragraphs from a text area, separated by one blank line, as the store keeps them."""
    parts = (text_of(part, what=what) for part in _BLANK_LINE.split(value or ""))
    text = "\n\n".join(part for part in parts if part)
    if required and not text:
        raise DraftError(f"The {what} cannot be empty.")
    if len(text) > MAX_TEXT:
        raise DraftError(f"The {what} is longer than {MAX_TEXT} characters.")
    return text


def bullets_of(value: str | None) -> tuple[str, ...]:
    """Bullets from a text area: one per line, blank lines and leading bullet marks dropped."""
    bullets = []
    for line in (value or "").splitlines():
        line = text_of(_BULLET_MARK.sub("", line.strip()), what="bullet")
        if line:
            bullets.append(line)
    return tuple(bullets)


def default_intro(episode: int, versions: tuple[str, ...]) -> str:
    """The intro a new draft starts with: which versions the episode covers."""
    named = " and ".join(", ".join(f"v{v}" for v in versions).rsplit(", ", 1))
    return f"Episode {episode} covers HaloPSA {named}."


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _item(row: sqlite3.Row) -> Item:
    return Item(
        id=row["id"],
        position=row["position"],
        title=row["title"],
        ticket_id=row["ticket_id"],
        version=row["version"],
        timestamp=row["timestamp"],
        summary=row["summary"],
        bullets=tuple(json.loads(row["bullets"])),
        important=bool(row["important"]),
        headline=row["headline"],
        source=row["source"],
    )


def _draft(connection: sqlite3.Connection, row: sqlite3.Row) -> Draft:
    items = connection.execute(
        "SELECT * FROM items WHERE draft_id = ? ORDER BY position, id", (row["id"],)
    ).fetchall()
    return Draft(
        id=row["id"],
        episode=row["episode"],
        versions=tuple(json.loads(row["versions"])),
        date=row["date"],
        intro=row["intro"],
        revision=row["revision"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        items=tuple(_item(item) for item in items),
    )


def get_draft(connection: sqlite3.Connection, draft_id: int) -> Draft | None:
    """The draft with this id, with its items, or None."""
    row = connection.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    return None if row is None else _draft(connection, row)


def list_drafts(connection: sqlite3.Connection) -> list[Draft]:
    """Every draft, the most recently changed first."""
    rows = connection.execute("SELECT * FROM drafts ORDER BY updated_at DESC, id DESC").fetchall()
    return [_draft(connection, row) for row in rows]


def create_draft(
    connection: sqlite3.Connection, *, episode: int, versions: tuple[str, ...], editor: str
) -> int:
    """Start a draft for an episode and its versions; return its id."""
    with _transaction(connection):
        cursor = connection.execute(
            "INSERT INTO drafts (episode, versions, date, intro, updated_at, updated_by) "
            "VALUES (?, ?, NULL, ?, ?, ?)",
            (episode, json.dumps(versions), default_intro(episode, versions), _now(), editor),
        )
    return cursor.lastrowid


@contextlib.contextmanager
def changing(
    connection: sqlite3.Connection, draft_id: int, revision: int, editor: str
) -> Iterator[Draft]:
    """Change a draft seen at ``revision``: yields it, then bumps the revision on success.

    Raises:
        DraftError: there is no such draft.
        StaleDraftError: someone saved the draft since ``revision``; nothing is written.
    """
    with _transaction(connection):
        draft = get_draft(connection, draft_id)
        if draft is None:
            raise DraftError(f"There is no draft {draft_id}; it may have been deleted.")
        if draft.revision != revision:
            raise StaleDraftError(
                f"Not saved: {draft.updated_by} changed this draft at {draft.updated_at} "
                f"(revision {draft.revision}) after you opened revision {revision}. "
                "Your change is shown below; reload the draft and make it again."
            )
        yield draft
        connection.execute(
            "UPDATE drafts SET revision = revision + 1, updated_at = ?, updated_by = ? "
            "WHERE id = ?",
            (_now(), editor, draft_id),
        )


def update_header(
    connection: sqlite3.Connection,
    draft_id: int,
    revision: int,
    editor: str,
    *,
    episode: int,
    versions: tuple[str, ...],
    date: str | None,
    intro: str,
) -> None:
    """Change the episode number, versions, date and intro of a draft."""
    with changing(connection, draft_id, revision, editor):
        connection.execute(
            "UPDATE drafts SET episode = ?, versions = ?, date = ?, intro = ? WHERE id = ?",
            (episode, json.dumps(versions), date, intro, draft_id),
        )


def add_item(
    connection: sqlite3.Connection,
    draft_id: int,
    revision: int,
    editor: str,
    *,
    title: str,
    ticket_id: str,
    version: str | None,
    summary: str = "",
    bullets: tuple[str, ...] = (),
    source: str,
) -> None:
    """Add a feature at the end of a draft (a ticket is in a draft at most once)."""
    with changing(connection, draft_id, revision, editor) as draft:
        if any(item.ticket_id == ticket_id for item in draft.items):
            raise DraftError(f"#{ticket_id} is already in this draft.")
        if len(draft.items) >= MAX_ITEMS:
            raise DraftError(f"A draft holds at most {MAX_ITEMS} features.")
        position = max((item.position for item in draft.items), default=-1) + 1
        connection.execute(
            "INSERT INTO items (draft_id, position, title, ticket_id, version, summary, bullets, "
            "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (draft_id, position, title, ticket_id, version, summary, json.dumps(bullets), source),
        )


def _require(draft: Draft, item_id: int) -> Item:
    item = draft.item(item_id)
    if item is None:
        raise DraftError("That feature is no longer in this draft.")
    return item


def update_item(
    connection: sqlite3.Connection,
    draft_id: int,
    revision: int,
    editor: str,
    item_id: int,
    *,
    title: str,
    headline: str,
    summary: str,
    bullets: tuple[str, ...],
    important: bool,
    timestamp: str | None,
) -> None:
    """Change one feature's text, Important Mention mark and moment in the video."""
    with changing(connection, draft_id, revision, editor) as draft:
        _require(draft, item_id)
        connection.execute(
            "UPDATE items SET title = ?, headline = ?, summary = ?, bullets = ?, important = ?, "
            "timestamp = ? WHERE id = ?",
            (title, headline, summary, json.dumps(bullets), int(important), timestamp, item_id),
        )


def set_timestamps(
    connection: sqlite3.Connection,
    draft_id: int,
    revision: int,
    editor: str,
    timestamps: dict[int, str | None],
) -> None:
    """Set the moment in the video of several features at once (the timing form)."""
    with changing(connection, draft_id, revision, editor) as draft:
        for item_id, timestamp in timestamps.items():
            _require(draft, item_id)
            connection.execute("UPDATE items SET timestamp = ? WHERE id = ?", (timestamp, item_id))


def move_item(
    connection: sqlite3.Connection,
    draft_id: int,
    revision: int,
    editor: str,
    item_id: int,
    step: int,
) -> None:
    """Swap a feature with its neighbour ``step`` (-1 up, +1 down) places away."""
    with changing(connection, draft_id, revision, editor) as draft:
        items = list(draft.items)
        index = items.index(_require(draft, item_id))
        other = index + step
        if not 0 <= other < len(items):
            raise DraftError("That feature cannot move further that way.")
        items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items):
            connection.execute("UPDATE items SET position = ? WHERE id = ?", (position, item.id))


def remove_item(
    connection: sqlite3.Connection, draft_id: int, revision: int, editor: str, item_id: int
) -> None:
    """Take a feature out of a draft."""
    with changing(connection, draft_id, revision, editor) as draft:
        _require(draft, item_id)
        connection.execute("DELETE FROM items WHERE id = ?", (item_id,))
