"""Serve the bundled sample of the blog (``crawler/sample-site``) on 127.0.0.1 for offline crawls.

The server answers like the real site: listing pages paginated with a Webflow query
parameter (``?5f1e2d3c_page=2`` is served from ``thoughts.page-2.html``), posts without a
``.html`` suffix, and validators (ETag, Last-Modified) with ``304 Not Modified`` answers,
so a second crawl takes the same incremental path it takes against the live blog.
Absolute links to the live blog inside the files are rewritten to the server's own origin.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import logging
import re
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

LIVE_ORIGIN = "https://www.risingtidegroup.net"
SAMPLE_PORT = 8471  # a fixed port keeps the sample's post URLs stable from run to run
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_PAGE_PARAMETER = re.compile(r"^[0-9a-f]+_page$")

logger = logging.getLogger(__name__)


def sample_site_dir() -> Path:
    """The bundled sample site: ``sample-site`` beside this module (package data in a wheel)."""
    return Path(__file__).resolve().parent / "sample-site"


def page_file(site_dir: Path, target: str) -> Path | None:
    """Return the file that answers a request target (path and query), or None."""
    parts = urlsplit(target)
    path = parts.path.strip("/")
    page = next(
        (v for k, v in parse_qsl(parts.query) if _PAGE_PARAMETER.match(k) and v.isdigit()), "1"
    )
    stem = path or "index"
    names = [f"{stem}.page-{int(page)}.html"] if int(page) > 1 else [path, f"{stem}.html"]
    names.append(f"{stem}/index.html")
    root = site_dir.resolve()
    for name in names:
        if not name:
            continue
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class SampleSiteHandler(BaseHTTPRequestHandler):
    """Answer GET and HEAD from the sample site folder, with conditional requests."""

    server: SampleSiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self.send_page(include_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_page(include_body=False)

    def page_body(self, path: Path) -> bytes:
        """The bytes served for a file, with live-blog links pointing at this server."""
        body = path.read_bytes()
        if path.suffix in CONTENT_TYPES:
            body = body.replace(LIVE_ORIGIN.encode(), self.server.origin.encode())
        return body

    def send_page(self, *, include_body: bool) -> None:
        """Send the file for the request target, or 304 when the client's copy is current."""
        path = page_file(self.server.site_dir, self.path)
        if path is None:
            self.send_status(HTTPStatus.NOT_FOUND, b"Not found\n")
            return
        body = self.page_body(path)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = int(path.stat().st_mtime)
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
        }
        if self.not_modified(etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name, value in headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if include_body:
            self.wfile.write(body)

    def not_modified(self, etag: str, modified: int) -> bool:
        """True when If-None-Match (or, without it, If-Modified-Since) shows a current copy."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return etag in tags or "*" in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return modified <= since
        return False

    def send_status(self, status: HTTPStatus, body: bytes) -> None:
        """Send a short plain-text answer with the given status."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server signature)
        logger.debug("sample site: " + format, *args)


class SampleSiteServer(ThreadingHTTPServer):
    """A threaded HTTP server over one sample site folder."""

    daemon_threads = True

    def __init__(self, site_dir: Path, *, handler=SampleSiteHandler, port: int = 0):
        super().__init__(("127.0.0.1", port), handler)
        self.site_dir = Path(site_dir)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request, client_address) -> None:
        """A client that hung up is routine for a crawler's test server: log it quietly."""
        logger.debug("sample site: connection from %s ended early", client_address[0])

    def __enter__(self) -> SampleSiteServer:
        self._thread = threading.Thread(target=self.serve_forever, name="sample-site", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def sample_server() -> Iterator[SampleSiteServer]:
    """Serve the bundled sample site on 127.0.0.1 (its usual port, or any free one)."""
    try:
        server = SampleSiteServer(sample_site_dir(), port=SAMPLE_PORT)
    except OSError:
        server = SampleSiteServer(sample_site_dir())
    with server:
        yield server
