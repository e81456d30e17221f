"""A per-process cache of finished GET responses, keyed by the index generation, the URL and
the encodings the client accepts.

Every page, feed and API answer is a function of the URL and the index it reads, so an answer
built once can be sent again until the index changes: a new generation gives new keys and the
old entries age out. The status page also reads ``last_run.json``, which changes without the
index, so it is never cached. Bounded by the bytes of the bodies it holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, g, request

from index import IndexMissingError
from webapp.app import current_reader

UNCACHED_ENDPOINTS = frozenset({"status.status", "static"})
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
        self._entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> CachedResponse | None:
        """The cached response for ``key``, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: CachedResponse) -> None:
        """Keep ``entry``, dropping the least recently used ones beyond the byte bound."""
        size = len(entry.body)
        if size > min(self.max_bytes, MAX_ENTRY_BYTES):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)


def _cache_key() -> tuple | None:
    if request.method != "GET" or request.endpoint in UNCACHED_ENDPOINTS:
        return None
    try:
        generation = current_reader().generation
    except IndexMissingError:
        return None
    # The URL as the client sent it, which is what a page's links are built from; read
    # from the environ, as request.url would decode and re-encode it on every request.
    environ = request.environ
    return (
        generation,
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        # Bodies are kept compressed as the client asked (webapp/delivery.py).
        environ.get("HTTP_ACCEPT_ENCODING", ""),
    )


def register_page_cache(app: Flask) -> None:
    """Answer repeated GETs from the cache when PAGE_CACHE_BYTES (config) is above zero."""
    max_bytes = int(app.config.get("PAGE_CACHE_BYTES", 0))
    if max_bytes <= 0:
        return
    cache = PageCache(max_bytes=max_bytes)

    @app.before_request
    def answer_from_cache():
        key = _cache_key()
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
