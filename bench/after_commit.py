"""The searches right after an index commit, under ``halonotes serve``: who pays the warm-up?

    .venv/bin/python bench/after_commit.py [--features 100000] [--data DIR] [--seconds 4]
                                           [--baseline GIT-REF]

Serves a seeded synthetic archive (bench/corpus.py; ``--data DIR`` is built on first use and
reused) with one worker on a free port on 127.0.0.1. After a calm phase of filtered searches
on one keep-alive connection, it merges one more 50-feature episode into the store and
commits it to the index (``update_index``, as ``halonotes import`` does), then keeps
searching for ``--seconds``. It prints the calm p50, the first search after the commit, the
slowest search in the seconds after it, and when the new episode was first found.
``--baseline GIT-REF`` runs the same on that commit's code first (each run commits its own
new episode). Traffic goes to 127.0.0.1 only; the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import corpus
import load


class Client:
    """One keep-alive connection, opened again when the server has closed it while idle."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[float, bytes]:
        """Milliseconds one GET took (a reconnection included), and its body."""
        started = time.perf_counter()
        try:
            self.connection.request("GET", path)
            body = self.connection.getresponse().read()
        except (http.client.RemoteDisconnected, ConnectionError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request("GET", path)
            body = self.connection.getresponse().read()
        return (time.perf_counter() - started) * 1000, body


def commit_an_episode(data_dir: Path) -> int:
    """Merge the next episode of the corpus into the store, commit the index; its number."""
    from crawler.store import Store
    from index.build import update_index

    store = Store(data_dir)
    number = max(episode.episode for episode in store.episodes()) + 1
    info = corpus.CorpusInfo(episodes=number - 1, features=0, ticket_ids=())
    episode, features = corpus.next_episode(info, seed=number)
    store.merge([episode], features)
    update_index(data_dir)
    return number


def measure(label: str, code_dir: Path, data_dir: Path, words, args) -> dict:
    """Calm searches, a commit, then the searches after it, against one server."""
    paths = load.search_paths(random.Random(f"{args.seed}:{label}"), words)
    with load.served(data_dir, code_dir, words, ["--workers", "1"]) as site:
        client = Client(site.port)
        calm = [client.get(next(paths))[0] for _ in range(args.calm)]
        started = time.perf_counter()
        number = commit_an_episode(data_dir)
        committed = time.perf_counter()
        after, found_at = [], None
        while time.perf_counter() - committed < args.seconds:
            sent = time.perf_counter() - committed
            after.append((client.get(next(paths))[0], sent))
            if found_at is None:
                _ms, body = client.get(f"/search.json?episode={number}&page_size=1")
                if json.loads(body)["total"]:
                    found_at = time.perf_counter() - committed
        client.connection.close()
    return {
        "code": label,
        "calm_p50_ms": round(statistics.median(calm), 1),
        "commit_s": round(committed - started, 2),
        "first_after_commit_ms": round(after[0][0], 1),
        "slowest_after_commit_ms": round(max(after)[0], 1),
        "slowest_sent_after_s": round(max(after)[1], 2),
        "searches_after_commit": len(after),
        "new_episode_found_after_s": round(found_at, 2) if found_at is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Serve the data with each code, commit an episode under each and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="data folder to reuse (built on first use)")
    parser.add_argument("--calm", type=int, default=30, help="searches before the commit")
    parser.add_argument("--seconds", type=float, default=4.0, help="searching after the commit")
    parser.add_argument("--baseline", metavar="GIT-REF", help="also measure this commit's code")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="halonotes-commit-") as scratch:
        data_dir = args.data or Path(scratch) / "data"
        load.prepare_data(data_dir, args.features)
        words = load.vocabulary(data_dir)
        codes = {"current": load.ROOT}
        if args.baseline:
            codes = {"baseline": load.unpack_commit(args.baseline, Path(scratch) / "b"), **codes}
        print(f"{load.indexed_features(data_dir):,} features, one worker, filtered searches")
        rows = [measure(label, code, data_dir, words, args) for label, code in codes.items()]
    for row in rows:
        print(
            f"{row['code']:<9} calm p50 {row['calm_p50_ms']:>7.1f} ms  commit {row['commit_s']} s  "
            f"first search after it {row['first_after_commit_ms']:>7.1f} ms  slowest in "
            f"{args.seconds:g} s {row['slowest_after_commit_ms']:>7.1f} ms "
            f"(sent {row['slowest_sent_after_s']} s after the commit) "
            f"({row['searches_after_commit']} searches)  new episode found after "
            f"{row['new_episode_found_after_s']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
