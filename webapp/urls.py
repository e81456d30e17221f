"""Where the site says it lives: the origin every absolute URL is built from.

Feeds, their entry ids, the JSON API's ``next``/``previous``, OPML and chapters build absolute
URLs with ``url_for(..., _external=True)``, which takes scheme and host from the request. Two
settings keep a client's Host header out of them:

* ``BASE_URL`` (``HALONOTES_BASE_URL=https://notes.example/``): every request is answered as
  if it had come to that origin (and path), whatever Host it sent, so links and entry ids are
  the same under every name the site is reached by, and after a move to https;
* otherwise ``ALLOWED_HOSTS`` (``HALONOTES_ALLOWED_HOSTS=notes.example,notes.lan``; ``halonotes
  serve`` defaults it to the address it listens on): a request with any other Host gets a 400
  (Flask's ``TRUSTED_HOSTS``), so no link is ever built from a name the operator did not give.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response
from werkzeug.exceptions import SecurityError


class SettingError(ValueError):
    """A URL setting that cannot be used, with a message naming the fix."""


def parse_base_url(value: str) -> tuple[str, str, str]:
    """``(scheme, host[:port], path prefix)`` of a base URL, or SettingError saying why not."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingError(
            f"BASE_URL {value!r} is not an http(s) URL with a host, e.g. https://notes.example/"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise SettingError(f"BASE_URL {value!r} must not carry a query, fragment or user.")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise SettingError(f"BASE_URL {value!r} has an invalid port.") from None
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")


def allowed_hosts(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """The host names of ``ALLOWED_HOSTS``: a list, or names separated by commas."""
    names = value.split(",") if isinstance(value, str) else list(value)
    return [name.strip().lower() for name in names if name.strip()]


class CanonicalOrigin:
    """WSGI middleware answering every request as one sent to the base URL's origin and path."""

    def __init__(self, app, base_url: str):
        self.app = app
        self.scheme, self.host, self.prefix = parse_base_url(base_url)
        parts = urlsplit(base_url.strip())
        self.name = parts.hostname or ""
        self.port = str(parts.port or (443 if self.scheme == "https" else 80))

    def __call__(self, environ, start_response):
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        environ["SERVER_NAME"] = self.name
        environ["SERVER_PORT"] = self.port
        environ["SCRIPT_NAME"] = self.prefix
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.app(environ, start_response)


def register_origin(app: Flask) -> None:
    """Apply ``BASE_URL``, or restrict requests to ``ALLOWED_HOSTS`` (SettingError if bad)."""
    base_url = app.config.get("BASE_URL")
    if base_url:
        app.wsgi_app = CanonicalOrigin(app.wsgi_app, base_url)
    elif app.config.get("ALLOWED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = allowed_hosts(app.config["ALLOWED_HOSTS"])
    app.register_error_handler(SecurityError, untrusted_host)


def untrusted_host(_error: SecurityError) -> Response:
    """The 400 for a Host the site does not answer to: plain text, naming no URL (no link can
    be built for such a request, and the name is the client's own)."""
    return Response(
        "This site does not answer to the host name in this request.\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )
