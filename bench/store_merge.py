"""Time ``Store.merge`` of one new 50-feature episode into a large store.

    .venv/bin/python bench/store_merge.py [--features 100000] [--runs 3] [--baseline GIT-REF]

Writes a seeded corpus (bench/corpus.py) once, then for each run copies the store and merges
the episode after the corpus's last into the copy, in a fresh process, timing the merge alone.
Prints the median and the best of the runs, and with ``--baseline`` the same for that
commit's code and the ratio (baseline / current).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import corpus
from load import unpack_commit

ROOT = Path(__file__).resolve().parents[1]
TIMER = """
import sys, time
import corpus
from crawler.store import Store
info = corpus.CorpusInfo(episodes=int(sys.argv[2]), features=int(sys.argv[3]), ticket_ids=())
episode, features = corpus.next_episode(info)
store = Store(sys.argv[1])
started = time.perf_counter()
report = store.merge([episode], features)
print(time.perf_counter() - started, report.added)
import crawler
assert crawler.__file__.startswith(sys.argv[4]), crawler.__file__
"""


def time_merge(code: Path, store_dir: Path, info: corpus.CorpusInfo, scratch: Path) -> float:
    """Seconds one merge takes on a fresh copy of the store, with the code in ``code``."""
    copy = scratch / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store_dir, copy)
    result = subprocess.run(
        [sys.executable, "-c", TIMER, str(copy), str(info.episodes), str(info.features), str(code)],
        capture_output=True,
        text=True,
        cwd=code,  # "python -c" puts the working folder first on the path: the code timed
        env={"PYTHONPATH": f"{code}:{ROOT / 'bench'}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/store_merge.py: the merge failed:\n{result.stderr[-2000:]}")
    seconds, added = result.stdout.split()
    assert int(added) == corpus.FEATURES_PER_EPISODE, added
    return float(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000, help="features in the store")
    parser.add_argument("--runs", type=int, default=3, help="merges timed per code")
    parser.add_argument("--baseline", metavar="GIT-REF", help="also time this commit's code")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        store_dir = scratch / "store"
        info = corpus.write_corpus(store_dir, args.features)
        size_mb = (store_dir / "features.jsonl").stat().st_size / 2**20
        print(f"store: {info.features} features, {info.episodes} episodes, {size_mb:.0f} MB")
        codes = {"current": ROOT}
        if args.baseline:
            codes["baseline"] = unpack_commit(args.baseline, scratch / "baseline")
        medians = {}
        for label, code in codes.items():
            runs = [time_merge(code, store_dir, info, scratch) for _ in range(args.runs)]
            medians[label] = statistics.median(runs)
            print(
                f"{label:<9} merge of one {corpus.FEATURES_PER_EPISODE}-feature episode: "
                f"median {medians[label] * 1000:8.1f} ms, best {min(runs) * 1000:8.1f} ms"
            )
        if "baseline" in medians:
            ratio = medians["baseline"] / medians["current"]
            print(f"baseline / current: {ratio:.1f}x")


if __name__ == "__main__":
    main()
