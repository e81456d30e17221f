"""Editor accounts: names with salted password hashes (werkzeug.security), and login throttling.

Passwords are never stored or logged; only ``generate_password_hash``'s output is kept.
Failed sign-ins are counted per client address in the workbench database, so the limit
holds across every server process and survives a restart.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import UTC, datetime

from werkzeug.security import check_password_hash, generate_password_hash

from index import HalonotesError

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MIN_PASSWORD_LENGTH = 10
LOGIN_WINDOW_S = 15 * 60
LOGIN_MAX_FAILURES = 5
# Checked against when a name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AccountError(HalonotesError):
    """An account cannot be made as asked; the message says why."""


def add_editor(connection: sqlite3.Connection, name: str, password: str) -> None:
    """Create an editor account, or raise AccountError (bad name, short password, taken name)."""
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"{name!r} is not a usable name: use 1 to 40 letters, digits, '.', '_' or '-'."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        connection.execute(
            "INSERT INTO editors (name, password_hash, created_at) VALUES (?, ?, ?)",
            (name, generate_password_hash(password), datetime.now(UTC).isoformat("T", "seconds")),
        )
    except sqlite3.IntegrityError as exc:
        raise AccountError(f"There is already an editor called {name!r}.") from exc


def editor_count(connection: sqlite3.Connection) -> int:
    """How many editor accounts exist (none: the workbench is off)."""
    return connection.execute("SELECT count(*) FROM editors").fetchone()[0]


def editor_exists(connection: sqlite3.Connection, name: str) -> bool:
    """True while the account exists (a deleted account's session stops working)."""
    row = connection.execute("SELECT 1 FROM editors WHERE name = ?", (name,)).fetchone()
    return row is not None


def verify(connection: sqlite3.Connection, name: str, password: str) -> bool:
    """True when the name and password match an account."""
    row = connection.execute("SELECT password_hash FROM editors WHERE name = ?", (name,)).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(row["password_hash"], password)


def seconds_locked(connection: sqlite3.Connection, client: str, *, now: float | None = None) -> int:
    """Seconds until this client may try again (0: it may sign in now)."""
    now = time.time() if now is None else now
    rows = connection.execute(
        "SELECT at FROM login_attempts WHERE client = ? AND at > ? ORDER BY at",
        (client, now - LOGIN_WINDOW_S),
    ).fetchall()
    if len(rows) < LOGIN_MAX_FAILURES:
        return 0
    oldest = rows[-LOGIN_MAX_FAILURES]["at"]
    return max(1, int(oldest + LOGIN_WINDOW_S - now) + 1)


def record_failure(
    connection: sqlite3.Connection, client: str, *, now: float | None = None
) -> None:
    """Count a failed sign-in of this client, forgetting attempts older than the window."""
    now = time.time() if now is None else now
    connection.execute("DELETE FROM login_attempts WHERE at <= ?", (now - LOGIN_WINDOW_S,))
    connection.execute("INSERT INTO login_attempts (client, at) VALUES (?, ?)", (client, now))


def clear_failures(connection: sqlite3.Connection, client: str) -> None:
    """Forget a client's failed attempts after it signed in."""
    connection.execute("DELETE FROM login_attempts WHERE client = ?", (client,))
