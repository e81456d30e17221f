"""Start ``halonotes serve`` as a real subprocess for the serve and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServedSite:
    """A running ``halonotes serve``: its base URL and process id, and its output once it has
    stopped."""

    url: str
    pid: int = 0
    output: str = ""


@contextmanager
def running_server(
    data_dir: Path, port: int, *options: str, env: dict[str, str] | None = None
) -> Iterator[ServedSite]:
    """Run ``halonotes serve`` on ``port`` (with more command-line ``options`` and environment
    variables ``env``) until the block ends, then stop it with SIGTERM."""
    halonotes = Path(sys.executable).with_name("halonotes")
    command = [str(halonotes), "serve", "--port", str(port), "--data", str(data_dir), *options]
    site = ServedSite(f"http://127.0.0.1:{port}/")
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        site.pid = process.pid
        try:
            deadline = time.monotonic() + 60  # a loaded CI machine starts workers slowly
            while True:
                try:
                    with urllib.request.urlopen(site.url + "status", timeout=5):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        output = log.read()
                        raise AssertionError(f"halonotes serve did not start:\n{output}") from None
                    time.sleep(0.1)
            yield site
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            site.output = log.read()
