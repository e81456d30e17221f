"""Benchmark halonotes' search index against SQLite FTS5 on synthetic corpora of real shape.

    .venv/bin/python bench/search.py [--sizes 1000,10000,100000] [--queries 200] [--json]

For each size: write a seeded corpus into a store in a temporary folder, build both engines
from it (``build_s``), merge one more 50-feature episode into the store and update both
(``update_s``), then serve the same queries from a fresh process per engine: p50/p95 of a
keyword, a ticket-ID lookup and a keyword + version range + every facet count, and the peak
memory of that process (``rss_mb``). halonotes' figures are without its result cache (every
request differs); ``halonotes-cached`` repeats 20 requests to show cache hits. Prints a table
with the ratio to FTS5 and the targets of issue 4, or with ``--json`` one object per line.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import corpus
import fts5
from serving import QUERIES

from crawler.store import Store
from index.build import rebuild_index, update_index

SERVING = Path(__file__).with_name("serving.py")
HALONOTES, FTS5, CACHED, STORE = "halonotes", "fts5", "halonotes-cached", "store"
METRICS = ("build_s", "update_s", "rss_mb", "first_query_ms")
TARGET_SIZE = 100_000  # the targets are stated for this size


def query_plan(info: corpus.CorpusInfo, *, runs: int, seed: int) -> dict[str, list]:
    """The requests each engine answers: words vary so no single result is measured twice."""
    rng = random.Random(f"plan:{seed}:{info.features}")
    versions = corpus.VERSIONS
    filtered = []
    for _ in range(runs):
        low = rng.randrange(len(versions) - 2)
        high = min(len(versions) - 1, low + rng.randint(2, 10))
        filtered.append((rng.choice(corpus.QUERY_WORDS), versions[low], versions[high]))
    return {
        "keyword": [rng.choice(corpus.QUERY_WORDS) for _ in range(runs)],
        "id": [rng.choice(info.ticket_ids) for _ in range(runs)],
        "filtered": filtered,
    }


def _seconds(action: Callable, profile: Path | None) -> float:
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.runcall(action)
    else:
        action()
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.dump_stats(profile)
    return elapsed


def _serve(engine: str, path: Path, plan: Path, profile: Path | None) -> dict:
    command = [sys.executable, str(SERVING), engine, str(path), str(plan)]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"bench/serving.py {engine} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def run_size(size: int, *, runs: int, seed: int, profile_dir: Path | None) -> list[dict]:
    """Every figure for one corpus size, as JSON-ready objects."""

    def profile(name: str) -> Path | None:
        return profile_dir / f"{size}-{name}.prof" if profile_dir else None

    with tempfile.TemporaryDirectory(prefix="halonotes-bench-") as tmp:
        data_dir, db_path, plan_path = Path(tmp, "data"), Path(tmp, "fts5.db"), Path(tmp, "plan")
        info = corpus.write_corpus(data_dir, size, seed=seed)
        plan_path.write_text(json.dumps(query_plan(info, runs=runs, seed=seed)))
        rows = [
            _metric(size, HALONOTES, "build_s", _seconds(lambda: rebuild_index(data_dir), None)),
            _metric(size, FTS5, "build_s", _seconds(lambda: fts5.build(data_dir, db_path), None)),
        ]
        episode, features = corpus.next_episode(info, seed=seed)
        merge = _seconds(lambda: Store(data_dir).merge([episode], features), None)
        rows.append(_metric(size, STORE, "merge_s", merge))
        update = _seconds(lambda: update_index(data_dir), profile("update"))
        rows.append(_metric(size, HALONOTES, "update_s", update))
        update = _seconds(lambda: fts5.update(data_dir, db_path), None)
        rows.append(_metric(size, FTS5, "update_s", update))
        for engine, path in ((HALONOTES, data_dir), (FTS5, db_path)):
            served = _serve(engine, path, plan_path, profile(f"{engine}-queries"))
            for kind, figures in served["queries"].items():
                rows.append({"size": size, "engine": engine, "query": kind, **figures})
            for kind, figures in served.get("cached", {}).items():
                rows.append({"size": size, "engine": CACHED, "query": kind, **figures})
            rows.append(_metric(size, engine, "rss_mb", served["rss_mb"]))
            rows.append(_metric(size, engine, "first_query_ms", served["first_query_ms"]))
        if profile_dir:
            _seconds(lambda: rebuild_index(data_dir), profile("build"))
    rows += ratios(rows)
    rows += targets(rows)
    return rows


def _metric(size: int, engine: str, metric: str, value: float) -> dict:
    return {"size": size, "engine": engine, "metric": metric, "value": round(value, 3)}


def _find(rows: list[dict], engine: str, name: str) -> dict:
    return next(
        r for r in rows if r.get("engine") == engine and name in (r.get("query"), r.get("metric"))
    )


def ratios(rows: list[dict]) -> list[dict]:
    """halonotes' figure divided by FTS5's, for every query and metric."""
    size = rows[0]["size"]
    found = []
    for kind in QUERIES:
        ours, theirs = _find(rows, HALONOTES, kind), _find(rows, FTS5, kind)
        found.append(
            {
                "size": size,
                "engine": f"{HALONOTES}/{FTS5}",
                "query": kind,
                "p50_ratio": _ratio(ours["p50_ms"], theirs["p50_ms"]),
                "p95_ratio": _ratio(ours["p95_ms"], theirs["p95_ms"]),
            }
        )
    for metric in METRICS:
        ours, theirs = _find(rows, HALONOTES, metric), _find(rows, FTS5, metric)
        found.append(
            {
                "size": size,
                "engine": f"{HALONOTES}/{FTS5}",
                "metric": metric,
                "ratio": _ratio(ours["value"], theirs["value"]),
            }
        )
    return found


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 2) if theirs else None


def targets(rows: list[dict]) -> list[dict]:
    """The issue's targets for halonotes (stated at 100k features) and whether they are met."""
    size = rows[0]["size"]
    filtered_ratio = next(r for r in rows if r.get("query") == "filtered" and "p95_ratio" in r)
    checks = [
        ("filtered p95 <= 3x FTS5", filtered_ratio["p95_ratio"], 3.0, "x"),
        ("id p95 < 5 ms", _find(rows, HALONOTES, "id")["p95_ms"], 5.0, "ms"),
        ("rebuild < 60 s", _find(rows, HALONOTES, "build_s")["value"], 60.0, "s"),
        ("update < 2 s", _find(rows, HALONOTES, "update_s")["value"], 2.0, "s"),
        ("rss < 200 MB", _find(rows, HALONOTES, "rss_mb")["value"], 200.0, "MB"),
    ]
    return [
        {
            "size": size,
            "target": name,
            "value": value,
            "limit": limit,
            "unit": unit,
            "met": value is not None and value <= limit,
        }
        for name, value, limit, unit in checks
    ]


def table(rows: list[dict], *, runs: int) -> str:
    """The figures of one size as an aligned text table."""
    size = rows[0]["size"]
    lines = [
        f"size {size:,} features ({runs} runs per query; targets are for {TARGET_SIZE:,})",
        f"{'figure':<24}{'halonotes':>18}{'fts5':>18}{'ratio':>20}{'cached':>18}",
    ]
    for kind in QUERIES:
        ours, theirs = _find(rows, HALONOTES, kind), _find(rows, FTS5, kind)
        ratio = _find(rows, f"{HALONOTES}/{FTS5}", kind)
        cached = next((r for r in rows if r["engine"] == CACHED and r.get("query") == kind), None)
        lines.append(
            f"{kind + ' p50/p95 ms':<24}{_pair(ours):>18}{_pair(theirs):>18}"
            f"{_pair_ratio(ratio):>20}{_pair(cached) if cached else '':>18}"
        )
    for metric in METRICS:
        ours, theirs = _find(rows, HALONOTES, metric), _find(rows, FTS5, metric)
        ratio = _find(rows, f"{HALONOTES}/{FTS5}", metric)["ratio"]
        lines.append(f"{metric:<24}{ours['value']:>18.2f}{theirs['value']:>18.2f}{_x(ratio):>20}")
    merge = _find(rows, STORE, "merge_s")["value"]
    lines.append(
        f"{'store merge_s':<24}{merge:>18.2f}   (Store.merge of the episode, both engines)"
    )
    for check in (r for r in rows if "target" in r):
        verdict = "met" if check["met"] else "NOT MET"
        shown = f"{check['value']}{check['unit']}" if check["value"] is not None else "n/a"
        lines.append(f"  target {check['target']:<26}{shown:>12}  {verdict}")
    return "\n".join(lines)


def _pair(row: dict) -> str:
    return f"{row['p50_ms']:.2f} / {row['p95_ms']:.2f}"


def _pair_ratio(row: dict) -> str:
    return f"{_x(row['p50_ratio'])} / {_x(row['p95_ratio'])}"


def _x(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else "n/a"


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"--sizes takes whole numbers like 1000,10000, not {text!r}"
        )
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200, help="timed runs per query kind")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--seed", type=int, default=4, help="corpus and query seed")
    parser.add_argument("--profile", type=Path, help="write cProfile files of halonotes here")
    args = parser.parse_args(argv)
    if args.queries < 1:
        parser.error("--queries must be at least 1")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if not args.json:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{os.cpu_count()} CPUs, load average {load}"
        )
    for size in args.sizes:
        rows = run_size(size, runs=args.queries, seed=args.seed, profile_dir=args.profile)
        if args.json:
            for row in rows:
                print(json.dumps(row), flush=True)
        else:
            print(table(rows, runs=args.queries), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
