"""Serve the benchmark's queries from a fresh process and print latencies and peak memory as JSON.

Run by ``search.py`` once per engine, so each engine's memory is that of a process which loaded
only that engine and answered the queries: ``serving.py ENGINE PATH PLAN [--profile FILE]``,
where ENGINE is ``halonotes`` (PATH: the data folder) or ``fts5`` (PATH: the database file) and
PLAN is the JSON query plan ``search.py`` wrote.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

QUERIES = ("keyword", "id", "filtered")
WARMUP = 5  # queries of each kind run before timing, so imports and first reads are not timed
CACHED_POOL = 20  # distinct requests the cached measurement repeats


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) of latencies in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def timed(run: Callable, requests: list) -> list[float]:
    """Milliseconds each request took."""
    samples = []
    for request in requests:
        started = time.perf_counter()
        run(request)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def halonotes_runners(data_dir: str, *, cache: bool) -> tuple[dict[str, Callable], float]:
    """The three queries through IndexReader.search, and how long the first search took."""
    from index import IndexReader, parse_request

    started = time.perf_counter()
    reader = IndexReader(data_dir) if cache else IndexReader(data_dir, cache_size=0)
    reader.search(parse_request({"q": "ticket"}))
    first_ms = (time.perf_counter() - started) * 1000

    def keyword(word):
        return reader.search(parse_request({"q": word}))

    def ticket(ticket_id):
        return reader.search(parse_request({"q": ticket_id}))

    def filtered(query):
        word, low, high = query
        return reader.search(parse_request({"q": f"{word} version:{low}..{high}"}))

    return {"keyword": keyword, "id": ticket, "filtered": filtered}, first_ms


def fts5_runners(db_path: str) -> tuple[dict[str, Callable], float]:
    """The three queries as SQL, and how long opening and the first query took."""
    from fts5 import Searcher

    started = time.perf_counter()
    searcher = Searcher(Path(db_path))
    searcher.keyword("ticket")
    first_ms = (time.perf_counter() - started) * 1000
    return {
        "keyword": searcher.keyword,
        "id": searcher.ticket,
        "filtered": lambda query: searcher.filtered(*query),
    }, first_ms


def measure(runners: dict[str, Callable], plan: dict, *, profile: str | None) -> dict:
    """Latency percentiles of each query kind over the whole plan."""
    for kind in QUERIES:
        timed(runners[kind], plan[kind][:WARMUP])
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    figures = {kind: percentiles(timed(runners[kind], plan[kind])) for kind in QUERIES}
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return figures


def measure_cached(runners: dict[str, Callable], plan: dict) -> dict:
    """Latency percentiles when a small pool of requests repeats (result-cache hits)."""
    figures = {}
    for kind in QUERIES:
        pool = plan[kind][:CACHED_POOL]
        timed(runners[kind], pool)
        figures[kind] = percentiles(
            timed(runners[kind], list(islice(cycle(pool), len(plan[kind]))))
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    """Serve the plan with one engine and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engine", choices=("halonotes", "fts5"))
    parser.add_argument("path")
    parser.add_argument("plan", type=Path)
    parser.add_argument("--profile", help="write a cProfile of the timed queries to this file")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    plan["filtered"] = [tuple(q) for q in plan["filtered"]]
    if args.engine == "halonotes":
        runners, first_ms = halonotes_runners(args.path, cache=False)
    else:
        runners, first_ms = fts5_runners(args.path)
    result = {"first_query_ms": round(first_ms, 1)}
    result["queries"] = measure(runners, plan, profile=args.profile)
    # Memory of the process serving queries, read before a second reader doubles its tables.
    result["rss_mb"] = round(peak_rss_mb(), 1)
    if args.engine == "halonotes":
        cached_runners, _first = halonotes_runners(args.path, cache=True)
        result["cached"] = measure_cached(cached_runners, plan)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
