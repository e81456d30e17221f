"""A hostile blog on 127.0.0.1 for the crawl-bound tests: a listing whose "Next" pages never
end and a sitemap of 100,000 episode-like URLs. One real post (the sample site's episode 51)
answers (with ``post_content_type``); every other post is a quick 404. Every request is
counted."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawler.sample_site import sample_site_dir

REAL_POST = "/thoughts/by-the-run-book-episode-51"
SITEMAP_URLS = 100_000


def listing(page: int | None) -> bytes:
    """Listing page ``page``: the real post, one invented post and a Next link, for ever;
    with None, a one-page listing of the real post."""
    links = f'<a href="{REAL_POST}">Episode 51</a>'
    if page is not None:
        links += f'<a href="/thoughts/by-the-run-book-episode-{1000 + page}">Episode</a>'
        links += f'<a class="w-pagination-next" href="/thoughts?f00d_page={page + 1}">Next</a>'
    return f"<html><body><h1>Thoughts</h1>{links}</body></html>".encode()


def sitemap(count: int) -> bytes:
    """A urlset of ``count`` episode-like URLs (relative, to keep it under the 8 MB page cap)."""
    entries = "".join(
        f"<url><loc>/thoughts/by-the-run-book-episode-{n}</loc></url>"
        for n in range(100, 100 + count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    ).encode()


class EndlessHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        parts = urlsplit(self.path)
        with self.server.lock:
            self.server.paths.append(self.path)
        if parts.path == "/robots.txt":
            self.answer(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif parts.path == "/thoughts":
            page = int((parse_qs(parts.query).get("f00d_page") or ["1"])[0])
            self.answer(200, listing(page if self.server.endless else None), "text/html")
        elif parts.path == "/sitemap.xml" and self.server.sitemap:
            self.answer(200, self.server.sitemap, "application/xml")
        elif parts.path == REAL_POST:
            body = (sample_site_dir() / "thoughts" / "by-the-run-book-episode-51.html").read_bytes()
            self.answer(200, body, self.server.post_content_type)
        else:
            self.answer(404, b"gone", "text/plain")

    def answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class EndlessBlog(ThreadingHTTPServer):
    """The hostile blog; ``endless`` turns on the endless listing, ``sitemap`` the big sitemap."""

    daemon_threads = True

    def __init__(self, *, endless: bool, sitemap_urls: int = 0):
        super().__init__(("127.0.0.1", 0), EndlessHandler)
        self.endless = endless
        self.sitemap = sitemap(sitemap_urls) if sitemap_urls else b""
        self.post_content_type = "text/html; charset=utf-8"
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, pattern: str) -> int:
        """How many requests had a path matching ``pattern``."""
        with self.lock:
            return sum(1 for path in self.paths if re.search(pattern, path))

    def __enter__(self) -> EndlessBlog:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()
