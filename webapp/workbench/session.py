"""Sign-in state for the workbench: the session cookie, its signing key, and who is signed in.

The cookie is Flask's signed session cookie, ``HttpOnly`` and ``SameSite=Lax``, and ``Secure``
whenever the request came over https (directly or through a proxy gunicorn trusts). The
signing key is ``SECRET_KEY`` from the configuration, else one kept in the workbench database
and shared by every server process; a public page without the cookie never opens it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface

from webapp.workbench.accounts import editor_exists
from webapp.workbench.db import connect, session_secret


def database() -> sqlite3.Connection:
    """This request's connection to the workbench database (closed when the request ends)."""
    connection = g.get("workbench_db")
    if connection is None:
        connection = g.workbench_db = connect(Path(current_app.config["DATA_DIR"]))
    return connection


def close_database(_error: BaseException | None) -> None:
    """Close the request's workbench connection, if it opened one."""
    connection = g.pop("workbench_db", None)
    if connection is not None:
        connection.close()


def ensure_secret_key(app: Flask) -> None:
    """Give the app its signing key: SECRET_KEY, else the workbench database's own."""
    if not app.secret_key:
        app.secret_key = session_secret(database())


class WorkbenchSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, opened only for requests that carry the cookie."""

    def open_session(self, app, request):
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        ensure_secret_key(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app):
        ensure_secret_key(app)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def signed_in_editor() -> str | None:
    """The name of the signed-in editor, while that account still exists."""
    if current_app.session_interface.get_cookie_name(current_app) not in request.cookies:
        return None
    name = session.get("editor")
    if name and editor_exists(database(), name):
        return name
    return None


def nav_entry() -> dict | None:
    """For the nav while signed in: the draft last opened and its item count, else None."""
    editor = signed_in_editor()
    if editor is None:
        return None
    entry: dict = {"editor": editor, "draft": None}
    draft_id = session.get("draft")
    if isinstance(draft_id, int):
        row = (
            database()
            .execute(
                "SELECT d.id, d.episode, count(i.id) AS item_count FROM drafts d "
                "LEFT JOIN items i ON i.draft_id = d.id WHERE d.id = ? GROUP BY d.id",
                (draft_id,),
            )
            .fetchone()
        )
        if row is not None:
            entry["draft"] = dict(row)
    return entry
