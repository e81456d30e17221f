"""The show-notes workbench for the hosts: drafts in SQLite, editor accounts, the editing pages."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def register_workbench(app: Flask) -> None:
    """Add the workbench: its session cookie, CSRF checks on every form, its pages, the nav."""
    from webapp.workbench import views
    from webapp.workbench.session import WorkbenchSessionInterface, close_database, nav_entry

    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a token lasts as long as the session
    app.session_interface = WorkbenchSessionInterface()
    csrf.init_app(app)
    app.register_blueprint(views.bp)
    app.teardown_appcontext(close_database)
    app.context_processor(lambda: {"workbench_nav": nav_entry})
