"""The search benchmark runs end to end on a tiny corpus and prints every figure it promises.

This proves the script works; it times nothing and asserts no speed.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "search.py"
ENGINES = ("halonotes", "fts5")
QUERIES = ("keyword", "id", "filtered")
METRICS = ("build_s", "update_s", "rss_mb")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def bench_rows() -> list[dict]:
    """The --json output of a run over 200 features with 5 queries of each kind."""
    done = _run("--sizes", "200", "--queries", "5", "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_every_query_is_timed_for_both_engines(bench_rows):
    for engine in ENGINES:
        for query in QUERIES:
            [row] = [r for r in bench_rows if r.get("engine") == engine and r.get("query") == query]
            assert row["size"] == 200
            assert 0 < row["p50_ms"] <= row["p95_ms"]


def test_build_update_and_memory_are_reported_for_both_engines(bench_rows):
    for engine in ENGINES:
        for metric in METRICS:
            [row] = [
                r for r in bench_rows if r.get("engine") == engine and r.get("metric") == metric
            ]
            assert row["value"] > 0
    rss = [r["value"] for r in bench_rows if r.get("metric") == "rss_mb" and "value" in r]
    assert all(5 < value < 2000 for value in rss)


def test_ratios_and_targets_are_printed(bench_rows):
    ratios = [r for r in bench_rows if r.get("engine") == "halonotes/fts5"]
    assert {r["query"] for r in ratios if "query" in r} == set(QUERIES)
    assert set(METRICS) <= {r["metric"] for r in ratios if "metric" in r}
    assert all(r["p95_ratio"] > 0 for r in ratios if "query" in r)
    targets = {r["target"]: r for r in bench_rows if "target" in r}
    assert len(targets) == 5
    assert all(isinstance(r["met"], bool) for r in targets.values())


def test_table_names_each_figure_and_target():
    done = _run("--sizes", "100", "--queries", "2")
    assert done.returncode == 0, done.stderr
    for word in (*QUERIES, *METRICS, "ratio", "target rebuild < 60 s"):
        assert word in done.stdout


def test_bad_sizes_get_a_one_line_message():
    done = _run("--sizes", "ten")
    assert done.returncode == 2
    assert "--sizes takes whole numbers" in done.stderr
    assert "Traceback" not in done.stderr
