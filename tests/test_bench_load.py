"""The load benchmark runs end to end against a real server and prints every figure it promises.

This proves the script works on a tiny archive; it asserts no speed.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "load.py"
FIGURES = (
    "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "client_cpu_s", "server_cpu_ms_per_request",
    "host_steal_pct", "workers_rss_mb",
)  # fmt: skip


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=240
    )


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    """The --json output of a short run on 150 features, side by side with HEAD's code."""
    done = _run(
        "--features", "150", "--connections", "4", "--duration", "1",
        "--search-duration", "1", "--workers", "1", "--baseline", "HEAD", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_both_phases_are_measured_for_both_codes(rows):
    for code in ("baseline", "current"):
        for phase in ("mix", "search"):
            [row] = [r for r in rows if r.get("code") == code and r.get("phase") == phase]
            assert row["requests"] > 0 and row["features"] == 150
            assert set(FIGURES) <= set(row)
            assert row["errors"] == 0
            assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
            assert row["server_cpu_ms_per_request"] > 0
            assert 0 <= row["host_steal_pct"] <= 100
            assert len(row["workers_rss_mb"]) == 1 and row["workers_rss_mb"][0] > 10


def test_ratios_and_targets_are_reported(rows):
    ratios = {r["phase"]: r for r in rows if r.get("ratio") == "current/baseline"}
    assert set(ratios) == {"mix", "search"}
    assert all(r["rps_x"] > 0 and r["p95_x"] > 0 for r in ratios.values())
    targets = {r["target"]: r for r in rows if "target" in r}
    assert set(targets) == {"mix errors == 0", "mix >= 300 req/s", "search p95 < 15 ms"}
    assert targets["mix errors == 0"]["met"] is True


def test_an_unknown_baseline_gets_a_one_line_message():
    done = _run("--features", "50", "--baseline", "no-such-commit", "--duration", "1")
    assert done.returncode == 1
    assert "--baseline 'no-such-commit' is not a commit of" in done.stderr
    assert "Traceback" not in done.stderr


def test_rounds_must_be_at_least_one():
    done = _run("--rounds", "0")
    assert done.returncode == 2
    assert "--rounds takes a whole number of at least 1" in done.stderr
