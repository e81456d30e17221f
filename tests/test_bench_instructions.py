"""The instruction-count benchmark drives real search pages and says what it needs.

The valgrind runs themselves take minutes, so they are run by hand (see the README); these
tests check the part valgrind watches and the messages around it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "instructions.py"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture
def bench_data(tmp_path) -> Path:
    """A small indexed archive, written by the load benchmark as the counted run reads it."""
    sys.path.insert(0, str(BENCH.parent))
    try:
        import load
    finally:
        sys.path.remove(str(BENCH.parent))
    load.prepare_data(tmp_path, 150)
    return tmp_path


def test_the_counted_run_answers_every_search_it_sends(bench_data):
    done = _run("--drive", "30", "--data", str(bench_data))
    assert done.returncode == 0, done.stderr


def test_the_counted_run_can_ask_for_pages_compressed_as_browsers_do(bench_data):
    """With --accept-encoding every page it counts is compressed (it stops if one is not)."""
    done = _run("--drive", "10", "--data", str(bench_data), "--accept-encoding", "br")
    assert done.returncode == 0, done.stderr
    refused = _run("--drive", "10", "--data", str(bench_data), "--accept-encoding", "unknown")
    assert refused.returncode == 1
    assert "answered uncompressed" in refused.stderr


def test_a_run_without_an_index_stops_with_one_line(tmp_path):
    done = _run("--drive", "5", "--data", str(tmp_path))
    assert done.returncode == 1
    assert "No search index at" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_valgrind_it_says_how_to_install_it(tmp_path):
    done = _run("--data", str(tmp_path), env={**os.environ, "PATH": str(tmp_path)})
    assert done.returncode == 2
    assert "valgrind is not installed (Debian: apt-get install valgrind)" in done.stderr
