"""How answers leave the site: compressed when the client accepts it, and readable by pages on
other origins where the data is public and read-only."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

# What the site sends that compresses well: pages, JSON, feeds, CSV, Markdown, chapters, SVG.
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "text/plain",
    "text/csv",
    "text/markdown",
    "text/x-opml",
    "image/svg+xml",
    "application/json",
    "application/json+chapters",
    "application/feed+json",
    "application/rss+xml",
    "application/atom+xml",
]
# Endpoints (blueprint.view) whose answers any web page may read: JSON API, feeds, chapters.
CROSS_ORIGIN_BLUEPRINTS = frozenset({"api", "feeds"})
CROSS_ORIGIN_ENDPOINTS = frozenset({"exports.episode_chapters", "exports.draft_chapters"})


def allow_cross_origin_reads(response: Response) -> Response:
    """``Access-Control-Allow-Origin: *`` on the read-only JSON, feed and chapters routes, so
    feed readers and podcast players on other sites can read them (no cookies are involved)."""
    endpoint = request.endpoint or ""
    if endpoint.partition(".")[0] in CROSS_ORIGIN_BLUEPRINTS or endpoint in CROSS_ORIGIN_ENDPOINTS:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def register_delivery(app: Flask) -> None:
    """Compress answers (brotli or gzip, with ``Vary: Accept-Encoding``) and allow cross-origin
    reads. Registered after the page cache, so the cache keeps the compressed body."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # The fastest levels: on a 35 KB search page brotli 1 took under a tenth of the time of
    # flask-compress's default 4 for a body 16 % larger (5.6 KB instead of 4.8 KB), gzip 1 a
    # third of gzip 6's for 19 % more. Every uncached page pays it.
    app.config.setdefault("COMPRESS_BR_LEVEL", 1)
    app.config.setdefault("COMPRESS_LEVEL", 1)
    app.after_request(allow_cross_origin_reads)
    Compress(app)
