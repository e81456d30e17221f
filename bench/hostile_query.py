"""Time the worst queries on a hostile index: a post of random words beside a normal archive.

    .venv/bin/python bench/hostile_query.py [--data DIR] [--baseline GIT-REF] [--queries 20]

The data (built once into ``--data`` and reused) is a seeded corpus of 3,000 features
(bench/corpus.py) plus one hostile episode of 2,000 features whose summaries are 8 MB of
random words: a vocabulary of a few hundred thousand terms. Then each kind of hostile query
runs ``--queries`` times with different words, in a fresh process, without the result cache:
misspelt words (``word~2`` and plain, which ask for a "did you mean"), 24 misspelt words at
once, short prefixes (``ab*``) and the most common one-letter-prefix storm. Prints the worst
and the median time per kind, and with ``--baseline`` the same for that commit's code and the
ratios (baseline / current).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus
from load import unpack_commit

from crawler.records import Episode, Feature
from crawler.store import Store
from index.build import index_exists, rebuild_index

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_EPISODE = 9_999
HOSTILE_FEATURES = 2_000
HOSTILE_BYTES = 8 * 1024 * 1024


def random_word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 11)))


def write_hostile_data(data_dir: Path) -> None:
    """The corpus plus the hostile episode, stored and indexed (skipped when already there)."""
    if index_exists(data_dir):
        return
    corpus.write_corpus(data_dir, 3_000)
    rng = random.Random("hostile")
    url = f"https://blog.example/by-the-run-book-episode-{HOSTILE_EPISODE}"
    per_feature = HOSTILE_BYTES // HOSTILE_FEATURES
    features = []
    for position in range(HOSTILE_FEATURES):
        words: list[str] = []
        size = 0
        while size < per_feature:
            words.append(random_word(rng))
            size += len(words[-1]) + 1
        features.append(
            Feature(
                title=f"Random words {position}",
                url=url,
                episode=HOSTILE_EPISODE,
                ticket_id=str(8_000_000 + position),
                version="2.240",
                summary=" ".join(words),
                position=position,
            )
        )
    episode = Episode(episode=HOSTILE_EPISODE, title="Hostile episode", url=url)
    Store(data_dir).merge([episode], features)
    started = time.perf_counter()
    rebuild_index(data_dir)
    print(f"built the hostile index in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def query_plan(count: int) -> dict[str, list[str]]:
    """Hostile queries by kind, each different (no result is measured twice)."""
    rng = random.Random("queries")
    return {
        "fuzzy word~2": [f"{random_word(rng)}~2" for _ in range(count)],
        "misspelt word": [random_word(rng) for _ in range(count)],
        "24 misspelt words": [" ".join(random_word(rng) for _ in range(24)) for _ in range(count)],
        "two-letter prefix": [
            f"{rng.choice(string.ascii_lowercase)}{rng.choice(string.ascii_lowercase)}*"
            for _ in range(count)
        ],
        "four prefixes": [
            " ".join(f"{rng.choice(string.ascii_lowercase)}{rng.choice('aeiou')}*" for _ in "abcd")
            for _ in range(count)
        ],
    }


TIMER = """
import json, sys, time
from index import IndexReader, parse_request
reader = IndexReader(sys.argv[1], cache_size=0)
reader.search(parse_request({"q": "warm"}))
plan = json.loads(sys.argv[2])
out = {}
for kind, queries in plan.items():
    times = []
    for q in queries:
        started = time.perf_counter()
        reader.search(parse_request({"q": q}))
        times.append((time.perf_counter() - started) * 1000)
    out[kind] = times
import crawler
assert crawler.__file__.startswith(sys.argv[3]), crawler.__file__
print(json.dumps(out))
"""


def time_queries(code: Path, data_dir: Path, plan: dict) -> dict[str, list[float]]:
    """Run the plan in a fresh process on the code in ``code``."""
    result = subprocess.run(
        [sys.executable, "-c", TIMER, str(data_dir), json.dumps(plan), str(code)],
        capture_output=True,
        text=True,
        cwd=code,
        env={"PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/hostile_query.py: timing failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder to build once and reuse")
    parser.add_argument("--baseline", metavar="GIT-REF", help="also time this commit's code")
    parser.add_argument("--queries", type=int, default=20, help="queries of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data or Path(scratch) / "data"
        write_hostile_data(data_dir)
        plan = query_plan(args.queries)
        codes = {"current": ROOT}
        if args.baseline:
            codes["baseline"] = unpack_commit(args.baseline, Path(scratch) / "baseline")
        figures = {label: time_queries(code, data_dir, plan) for label, code in codes.items()}
    worst = {label: 0.0 for label in figures}
    for kind in plan:
        line = f"{kind:<20}"
        for label, times in figures.items():
            worst[label] = max(worst[label], max(times[kind]))
            line += (
                f"  {label}: median {statistics.median(times[kind]):8.1f} ms"
                f"  worst {max(times[kind]):8.1f} ms"
            )
        if "baseline" in figures:
            ratio = max(figures["baseline"][kind]) / max(figures["current"][kind])
            line += f"  worst baseline/current {ratio:6.1f}x"
        print(line)
    print("worst query: " + ", ".join(f"{label} {ms:.1f} ms" for label, ms in worst.items()))


if __name__ == "__main__":
    main()
