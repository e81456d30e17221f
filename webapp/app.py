"""The Flask app factory: configuration, the index reader, blueprints, errors and headers."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from flask import Flask, current_app, jsonify, render_template, request
from flask.templating import Environment
from werkzeug.exceptions import HTTPException

from crawler.store import default_data_dir
from index import IndexMissingError, IndexReader, QueryError
from webapp.delivery import register_delivery
from webapp.pagecache import register_page_cache
from webapp.urls import register_origin

log = logging.getLogger(__name__)

INSTANCE = Path("instance")  # holds halonotes.cfg; relative to the working directory

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


class TemplateGlobals(dict):
    """The environment's globals, closed to new names once the first template has loaded."""

    sealed = False

    def _check_open(self) -> None:
        if self.sealed:
            raise RuntimeError(
                "template globals are registered in create_app, before any template loads: "
                "a template loaded earlier would not see this one"
            )

    def __setitem__(self, name, value) -> None:
        self._check_open()
        super().__setitem__(name, value)

    def __delitem__(self, name) -> None:
        self._check_open()
        super().__delitem__(name)

    def update(self, *args, **kwargs) -> None:
        self._check_open()
        super().update(*args, **kwargs)

    def setdefault(self, name, default=None):
        self._check_open()
        return super().setdefault(name, default)

    def pop(self, name, *default):
        self._check_open()
        return super().pop(name, *default)


class SiteEnvironment(Environment):
    """Flask's Jinja environment, giving each template its globals as one plain dict.

    Jinja layers a template's own globals over the environment's in a ChainMap, and every
    render and every ``{% from ... import %}`` walks that map key by key in Python: about 3 %
    of a search page. A dict copied when a template loads holds the same names only if every
    global was registered before, so the globals refuse new names from then on.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals = TemplateGlobals(self.globals)

    def make_globals(self, d):
        """The globals of a template: the environment's, with the template's own over them."""
        self.globals.sealed = True
        return {**self.globals, **(d or {})}


class ReaderCache:
    """One IndexReader per app, opened on first use (and retried until an index exists).

    The reader itself follows the ``data/index`` link to the current snapshot, checked once
    per request (each request is pinned to the snapshot it started with), so a rebuilt or
    updated index is served from the next request on, without a restart.
    """

    def __init__(self, data_dir: Path, *, warm_in_background: bool = False):
        self.data_dir = data_dir
        self.warm_in_background = warm_in_background
        self._lock = threading.Lock()
        self._reader: IndexReader | None = None

    def get(self) -> IndexReader:
        """Return the reader; raise IndexMissingError when there is no index yet."""
        with self._lock:
            if self._reader is None:
                self._reader = IndexReader(
                    self.data_dir, warm_in_background=self.warm_in_background
                )
            return self._reader

    def pin(self) -> None:
        """Serve this thread's request from one index snapshot (nothing to pin without one)."""
        with contextlib.suppress(IndexMissingError):  # the view answers with the fix
            self.get().pin()

    def unpin(self) -> None:
        """Let this thread's next request see the latest index."""
        if self._reader is not None:
            self._reader.unpin()


def current_reader() -> IndexReader:
    """The index reader of the app handling this request."""
    return current_app.extensions["halonotes_reader"].get()


def register_blueprints(app: Flask) -> None:
    """Register every blueprint of the site."""
    from webapp import api, exports, feeds, upgrade_exports
    from webapp.views import coverage, curate, episodes, search, stats, status, tickets, versions

    for module in (search, tickets, versions, episodes, curate, coverage, status, stats):
        app.register_blueprint(module.bp)
    for module in (feeds, api, exports, upgrade_exports):
        app.register_blueprint(module.bp)


def _wants_json() -> bool:
    return request.path.endswith(".json")


def _error_page(status: int, title: str, message: str):
    if _wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Turn halonotes errors and HTTP errors into pages (JSON for ``.json`` routes)."""

    @app.errorhandler(QueryError)
    def bad_query(error: QueryError):
        return _error_page(400, "This search cannot be run", str(error))

    @app.errorhandler(IndexMissingError)
    def index_missing(error: IndexMissingError):
        return _error_page(503, "The search index is not built yet", str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _error_page(error.code, error.name, error.description or error.name)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        log.exception("Unhandled error on %s", request.path)
        return _error_page(
            500, "Something went wrong", "The page could not be built. Try again in a moment."
        )


def add_security_headers(response):
    """Set the strict security headers on every response."""
    # One pass over the few headers set so far: asking Headers for each missing name raises
    # and catches a KeyError inside Werkzeug, four times a request.
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend(
        (name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present
    )
    return response


def create_app(test_config: dict | None = None) -> Flask:
    """Build the site: defaults, instance/halonotes.cfg, HALONOTES_* env, then test_config.

    The ``instance`` folder is the one in the working directory, where ``data`` is looked
    for too, wherever the package is installed.
    """
    app = Flask(__name__, instance_path=str(INSTANCE.resolve()), instance_relative_config=True)
    app.jinja_environment = SiteEnvironment
    given = test_config or {}
    app.config.from_mapping(
        DATA_DIR=given["DATA_DIR"] if "DATA_DIR" in given else str(default_data_dir()),
        SITE_NAME="halonotes",
        JSON_SORT_KEYS=False,
        PAGE_CACHE_BYTES=32 * 1024 * 1024,  # per worker process; 0 turns the cache off
        # A new index generation is read on a thread of its own before requests move to it
        # (halonotes serve); off, the next request after a commit reads it.
        WARM_IN_BACKGROUND=False,
    )
    app.config.from_pyfile("halonotes.cfg", silent=True)
    app.config.from_prefixed_env("HALONOTES")  # never DATA_DIR: default_data_dir refuses it
    if test_config:
        app.config.from_mapping(test_config)

    register_origin(app)
    readers = app.extensions["halonotes_reader"] = ReaderCache(
        Path(app.config["DATA_DIR"]), warm_in_background=app.config["WARM_IN_BACKGROUND"]
    )
    app.before_request(readers.pin)
    app.teardown_request(lambda _error: readers.unpin())
    app.after_request(add_security_headers)
    register_error_handlers(app)
    register_page_cache(app, generation=lambda: current_reader().generation)
    register_delivery(app)
    register_blueprints(app)
    from webapp.workbench import register_workbench

    register_workbench(app)

    from webapp.views.cards import register_cards
    from webapp.views.examples import register_examples
    from webapp.views.helpers import register_template_helpers

    register_template_helpers(app)
    register_cards(app)
    register_examples(app)
    return app
