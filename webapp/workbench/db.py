"""The workbench database: SQLite in the data folder, WAL mode, a schema version and migrations.

It holds drafts and editor accounts only; the crawled store (``data/*.jsonl``) is never
written here. The schema version is SQLite's ``user_version``; pending migrations run once,
in order, inside one transaction, so a database is always at a version the code knows.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from index import HalonotesError

DB_FILE = "workbench.sqlite"
BUSY_TIMEOUT_S = 10

# Migration N brings the schema from version N to N + 1. Append, never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE editors (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE login_attempts (
        client TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX login_attempts_client ON login_attempts (client, at);
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        episode INTEGER NOT NULL,
        versions TEXT NOT NULL,
        date TEXT,
        intro TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        headline TEXT NOT NULL DEFAULT '',
        ticket_id TEXT NOT NULL,
        version TEXT,
        timestamp TEXT,
        summary TEXT NOT NULL DEFAULT '',
        bullets TEXT NOT NULL DEFAULT '[]',
        important INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL
    );
    CREATE INDEX items_draft ON items (draft_id, position);
    CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class WorkbenchDatabaseError(HalonotesError):
    """The workbench database cannot be opened or is newer than this code."""


def database_path(data_dir: Path | str) -> Path:
    """Where the workbench database of a data folder lives."""
    return Path(data_dir) / DB_FILE


def connect(data_dir: Path | str) -> sqlite3.Connection:
    """Open (creating and migrating when needed) the workbench database of a data folder.

    Raises:
        WorkbenchDatabaseError: the folder cannot hold it, or its schema is newer than ours.
    """
    path = database_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA foreign_keys=ON")
        migrate(connection)
    except (OSError, sqlite3.Error) as exc:
        raise WorkbenchDatabaseError(f"Cannot open the workbench database {path}: {exc}") from exc
    return connection


def session_secret(connection: sqlite3.Connection) -> str:
    """The key that signs session cookies and CSRF tokens, made once and shared by every process."""
    connection.execute(
        "INSERT OR IGNORE INTO settings (name, value) VALUES ('session_secret', ?)",
        (secrets.token_hex(32),),
    )
    row = connection.execute("SELECT value FROM settings WHERE name = 'session_secret'").fetchone()
    return row["value"]


def schema_version(connection: sqlite3.Connection) -> int:
    """The schema version the database is at."""
    return connection.execute("PRAGMA user_version").fetchone()[0]


def migrate(connection: sqlite3.Connection) -> None:
    """Run the migrations the database has not had yet, together in one transaction."""
    if schema_version(connection) == SCHEMA_VERSION:
        return  # the usual case: no write lock just to open the database
    connection.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it
    try:
        version = schema_version(connection)
        if version > SCHEMA_VERSION:
            raise WorkbenchDatabaseError(
                f"The workbench database is at schema version {version}, newer than this "
                f"halonotes ({SCHEMA_VERSION}). Upgrade halonotes."
            )
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
