"""A copy of the sample site on 127.0.0.1 that logs every request and misbehaves on demand.

Shared by the end-to-end crawl tests. ``server.faults`` maps a request path to one of
``FAULTS``; every crawl runs as its own ``halonotes crawl`` subprocess, because the Twisted
reactor cannot be restarted in one process. A test module defines its own module-scoped
``server`` fixture and imports ``fresh_server``, which then runs around each of its tests.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.sample_site import SampleSiteHandler, SampleSiteServer
from index.build import rebuild_index

EPISODES = {51, 52, 53, 54, 55}
POSTS = tuple(f"/thoughts/by-the-run-book-episode-{n}" for n in sorted(EPISODES))
CRAWL = [sys.executable, "-c", "from webapp.cli import main; main()", "crawl"]
STORE_FILES = ("episodes.jsonl", "features.jsonl")
HUGE_BYTES = 50 * 1024 * 1024
LONG_RETRY_AFTER = 3600

FAULTS = {
    "hang": "answer nothing until the test ends",
    "slow": "answer normally after server.delay seconds",
    "500": "answer 500",
    "reset": "reset the connection without answering",
    "429-once": "answer 429 with Retry-After: 1 the first time, normally after that",
    "429-long": f"answer 429 with Retry-After: {LONG_RETRY_AFTER}",
    "huge": "send a 50 MB page with its Content-Length",
    "huge-unsized": "send a 50 MB page without Content-Length",
    "loop": "redirect to itself",
    "bad-utf8": "send the page with bytes that are not UTF-8, declared as UTF-8",
}


class LoggingHandler(SampleSiteHandler):
    """The sample-site handler, logging each request and answering with chosen faults."""

    def send_page(self, *, include_body: bool) -> None:
        path = urlsplit(self.path).path
        self.server.requests.append((self.path, dict(self.headers)))
        self.server.times.append((path, time.monotonic()))
        fault = self.server.faults.get(path)
        if fault is None:
            super().send_page(include_body=include_body)
            return
        assert fault in FAULTS, fault
        getattr(self, "fault_" + fault.replace("-", "_"))(path, include_body=include_body)

    def fault_hang(self, path: str, *, include_body: bool) -> None:
        self.server.released.wait(timeout=30)
        self.close_connection = True

    def fault_slow(self, path: str, *, include_body: bool) -> None:
        self.server.released.wait(timeout=self.server.delay)
        super().send_page(include_body=include_body)

    def fault_500(self, path: str, *, include_body: bool) -> None:
        self.send_status(500, b"Internal Server Error\n")

    def fault_reset(self, path: str, *, include_body: bool) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def fault_429_once(self, path: str, *, include_body: bool) -> None:
        if path in self.server.throttled:
            super().send_page(include_body=include_body)
            return
        self.server.throttled.add(path)
        self.send_throttled(1)

    def fault_429_long(self, path: str, *, include_body: bool) -> None:
        self.send_throttled(LONG_RETRY_AFTER)

    def send_throttled(self, seconds: int) -> None:
        self.send_response(429)
        self.send_header("Retry-After", str(seconds))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def fault_huge(self, path: str, *, include_body: bool) -> None:
        self.send_huge(sized=True)

    def fault_huge_unsized(self, path: str, *, include_body: bool) -> None:
        self.send_huge(sized=False)

    def send_huge(self, *, sized: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if sized:
            self.send_header("Content-Length", str(HUGE_BYTES))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
                self.server.huge_sent[urlsplit(self.path).path] += len(chunk)
        except OSError:
            pass  # the crawler hung up: that is the point

    def fault_loop(self, path: str, *, include_body: bool) -> None:
        self.send_response(302)
        self.send_header("Location", path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def fault_bad_utf8(self, path: str, *, include_body: bool) -> None:
        file = self.server.site_dir / (path.strip("/") + ".html")
        body = self.page_body(file).replace(b"</p>", b"\xff\xfe</p>", 1)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code="-", size="-") -> None:
        self.server.answers.append((self.path, int(code)))


class LoggingServer(SampleSiteServer):
    """A threaded server over a site folder that logs requests and answers with faults."""

    def __init__(self, site_dir: Path):
        super().__init__(site_dir, handler=LoggingHandler)
        self.requests: list[tuple[str, dict]] = []
        self.times: list[tuple[str, float]] = []
        self.answers: list[tuple[str, int]] = []
        self.faults: dict[str, str] = {}
        self.throttled: set[str] = set()
        self.huge_sent: dict[str, int] = _Counter()
        self.delay = 0.0
        self.released = threading.Event()

    def clear(self) -> None:
        """Forget the log and the faults (between tests)."""
        for log in (self.requests, self.times, self.answers, self.throttled):
            log.clear()
        self.faults.clear()
        self.huge_sent = _Counter()
        self.delay = 0.0

    def release(self) -> None:
        """End every hanging or slow answer now; later ones start a new wait."""
        self.released.set()
        self.released = threading.Event()

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [urlsplit(target).path for target, _ in self.requests]

    def request_times(self, path: str) -> list[float]:
        """When each request for ``path`` arrived (time.monotonic)."""
        return [at for requested, at in self.times if requested == path]


@pytest.fixture(autouse=True)
def fresh_server(server):
    """Each test starts with an empty log and no faults; its hanging answers end with it."""
    server.clear()
    yield
    server.release()
    server.clear()  # module fixtures set up before the next test see a well-behaved blog


class _Counter(dict):
    def __missing__(self, key):
        return 0


@contextmanager
def serving(server: LoggingServer, site_dir: Path) -> Iterator[LoggingServer]:
    """The server answering from ``site_dir`` (an edited copy of the site) until the block ends."""
    original, server.site_dir = server.site_dir, site_dir
    try:
        yield server
    finally:
        server.site_dir = original


def crawl_command(server: LoggingServer, data_dir: Path, *options: str) -> list[str]:
    """The ``halonotes crawl`` command line against the test server."""
    command = [*CRAWL, "--start-url", f"{server.origin}/thoughts", "--data", str(data_dir)]
    return [*command, "--delay", "0", "--timeout", "5", *options]


def crawl(
    server: LoggingServer, data_dir: Path, *options: str, **popen
) -> subprocess.CompletedProcess:
    """Run ``halonotes crawl`` against the test server in a subprocess, to the end."""
    return subprocess.run(
        crawl_command(server, data_dir, *options),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **popen,
    )


def timed_crawl(
    server: LoggingServer, data_dir: Path, *options: str
) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``halonotes crawl`` with no retries against a test server (anything with an
    ``origin``) to the end: the result and the seconds it took."""
    started = time.monotonic()
    result = crawl(server, data_dir, "--retries", "0", *options)
    return result, time.monotonic() - started


def crawl_sample(data_dir: Path) -> Path:
    """The data folder ``make run`` builds: a crawl of the bundled sample site, then its index."""
    result = subprocess.run(
        [*CRAWL, "--sample", "--data", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rebuild_index(data_dir)
    return data_dir


def store_bytes(data_dir: Path) -> dict[str, bytes | None]:
    """The bytes of both store files (None for a missing file)."""
    paths = [data_dir / name for name in STORE_FILES]
    return {path.name: (path.read_bytes() if path.exists() else None) for path in paths}


def jsonl(path: Path) -> list[dict]:
    """The objects of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_run_rows(data_dir: Path) -> dict[str, str]:
    """Page URL path -> outcome, from ``data/last_run.json``."""
    report = json.loads((data_dir / "last_run.json").read_text(encoding="utf-8"))
    return {urlsplit(row["url"]).path: row["outcome"] for row in report["pages"]}
