"""A per-process cache of finished GET responses, keyed by the index generation, the URL and
the encodings the client accepts.

Every page, feed and API answer is a function of the URL and the index it reads, so an answer
built once can be sent again until the index changes: a new generation gives new keys and the
old entries age out. The status page also reads ``last_run.json``, which changes without the
index, so it is never cached. Bounded by the bytes of the bodies it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, g, request

from index import IndexMissingError
from index.cache import LruCache

UNCACHED_ENDPOINTS = frozenset({"status.status", "static"})
SESSION_COOKIE = "session"  # Flask's SESSION_COOKIE_NAME, which the site keeps
MAX_ENTRY_BYTES = 1 << 20  # a bigger answer (a 5,000-row CSV) is rebuilt each time


@dataclass(frozen=True)
class CachedResponse:
    """What is needed to send a response again."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class PageCache:
    """A thread-safe LRU of responses holding at most ``max_bytes`` of bodies."""

    def __init__(self, *, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: LruCache[CachedResponse] = LruCache(
            max_bytes, weigh=lambda entry: len(entry.body)
        )

    def get(self, key: tuple) -> CachedResponse | None:
        """The cached response for ``key``, or None."""
        return self._entries.find(key)

    def put(self, key: tuple, entry: CachedResponse) -> None:
        """Keep ``entry``, dropping the least recently used ones beyond the byte bound."""
        if len(entry.body) <= min(self.max_bytes, MAX_ENTRY_BYTES):
            self._entries.put(key, entry)


def _cache_key(generation: Callable[[], int]) -> tuple | None:
    if request.method != "GET" or request.endpoint in UNCACHED_ENDPOINTS:
        return None
    if request.blueprint == "workbench" or SESSION_COOKIE in request.cookies:
        return None  # drafts change without the index; a signed-in page shows the editor's nav
    try:
        current = generation()
    except IndexMissingError:
        return None
    # The URL as the client sent it, which is what a page's links are built from; read
    # from the environ, as request.url would decode and re-encode it on every request.
    environ = request.environ
    return (
        current,
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        # Bodies are kept compressed as the client asked (webapp/delivery.py).
        environ.get("HTTP_ACCEPT_ENCODING", ""),
    )


def register_page_cache(app: Flask, *, generation: Callable[[], int]) -> None:
    """Answer repeated GETs from the cache when PAGE_CACHE_BYTES (config) is above zero.

    ``generation`` gives the generation of the index the request reads (raising
    IndexMissingError when there is none).
    """
    max_bytes = int(app.config.get("PAGE_CACHE_BYTES", 0))
    if max_bytes <= 0:
        return
    cache = PageCache(max_bytes=max_bytes)

    @app.before_request
    def answer_from_cache():
        key = _cache_key(generation)
        if key is None:
            return None
        entry = cache.get(key)
        if entry is None:
            g.page_cache_key = key
            return None
        response = Response(entry.body, status=entry.status, headers=list(entry.headers))
        return response.make_conditional(request)

    @app.after_request
    def keep_in_cache(response: Response) -> Response:
        key = g.pop("page_cache_key", None)
        if key is not None and response.status_code == 200 and not response.is_streamed:
            body = response.get_data()
            cache.put(key, CachedResponse(200, tuple(response.headers.items()), body))
        return response
