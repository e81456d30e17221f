"""Count the CPU instructions a filtered search costs, with valgrind: a figure steal cannot move.

    .venv/bin/python bench/instructions.py [--requests 300] [--baseline GIT-REF] [--data DIR]
                                           [--features 3000] [--accept-encoding VALUE] [--json]

Times on a shared virtual machine drift with what its host takes away; instruction counts do
not. For the current code (and the code of ``--baseline GIT-REF``, unpacked from git), this
runs the site in one process under ``valgrind --tool=cachegrind`` twice: once up to the end of
its warm-up (300 filtered searches), once with ``--requests`` more fresh filtered searches,
the same URLs bench/load.py sends, through the whole WSGI app. The difference divided by the
requests is the instructions one search page costs, start-up excluded. Hash randomisation is
fixed, so the same code gives the same count run after run (to within 0.1 % with 300
searches; with a few dozen, start-up noise shows). System calls and the kernel's work are not
counted; bench/load.py measures those. The searches send no ``Accept-Encoding``, so nothing is
compressed, unless ``--accept-encoding`` gives one (``"gzip, deflate, br, zstd"``, as browsers
send it, counts the compression a browser's page costs).

Needs valgrind (Debian: ``apt-get install valgrind``); each run takes a minute or two.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402 - the sibling benchmark, for its data, URLs and commit unpacking

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 300  # searches before the counted ones: first reads of every table and template
SEED = 3


def drive(data_dir: Path, requests: int, accept_encoding: str | None) -> None:
    """Warm up, then answer ``requests`` fresh filtered searches through the WSGI app."""
    from werkzeug.test import EnvironBuilder

    from index import IndexMissingError
    from webapp.app import create_app
    from webapp.serve import warm_up

    try:
        words = load.vocabulary(data_dir)
    except IndexMissingError as exc:
        raise SystemExit(f"bench/instructions.py: {exc}") from None
    app = create_app({"DATA_DIR": str(data_dir)})
    warm_up(app)
    rng = random.Random(SEED)
    paths = [load.filtered_search(rng, words) for _ in range(WARM_UP + requests)]
    statuses: list[str] = []
    encodings: list[str | None] = []
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}

    def start_response(status: str, response_headers, _exc_info=None) -> None:
        statuses.append(status)
        encodings.append(dict(response_headers).get("Content-Encoding"))

    for path in paths:
        route, _, query = path.partition("?")
        environ = EnvironBuilder(path=route, query_string=query, headers=headers).get_environ()
        body = app(environ, start_response)
        b"".join(body)
        body.close()
        if not statuses[-1].startswith(("200", "400")):
            raise SystemExit(f"bench/instructions.py: {path} answered {statuses[-1]}")
        if accept_encoding and statuses[-1].startswith("200") and encodings[-1] is None:
            raise SystemExit(f"bench/instructions.py: {path} was answered uncompressed")


def count(code_dir: Path, data_dir: Path, requests: int, accept_encoding: str | None) -> int:
    """Instructions valgrind counted for the whole run of ``drive`` with that code."""
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        str(Path(__file__).resolve()),
        "--drive",
        str(requests),
        "--data",
        str(data_dir),
        *(["--accept-encoding", accept_encoding] if accept_encoding else []),
    ]
    env = {**os.environ, "PYTHONPATH": str(code_dir), "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, capture_output=True, text=True, env=env)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if run.returncode != 0 or not found:
        raise SystemExit(f"bench/instructions.py: valgrind run failed:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_request(
    code_dir: Path, data_dir: Path, requests: int, accept_encoding: str | None
) -> float:
    """Instructions one filtered search costs with that code (two runs, in parallel)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        warm_only = pool.submit(count, code_dir, data_dir, 0, accept_encoding)
        with_requests = pool.submit(count, code_dir, data_dir, requests, accept_encoding)
        return (with_requests.result() - warm_only.result()) / requests


def main(argv: list[str] | None = None) -> int:
    """Count the current code's instructions per search, and the baseline's, and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="searches counted (300)")
    parser.add_argument("--features", type=int, default=3000, help="archive size (default 3000)")
    parser.add_argument("--data", type=Path, help="data folder to reuse (built on first use)")
    parser.add_argument("--baseline", metavar="GIT-REF", help="also count this commit's code")
    parser.add_argument(
        "--accept-encoding", metavar="VALUE", help="the searches' Accept-Encoding (none)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--drive", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive is not None:  # the run valgrind watches
        drive(args.data, args.drive, args.accept_encoding)
        return 0
    if args.requests < 1:
        parser.error("--requests takes a whole number of at least 1")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")

    with tempfile.TemporaryDirectory(prefix="halonotes-instructions-") as scratch:
        data_dir = args.data or Path(scratch) / "data"
        load.prepare_data(data_dir, args.features)
        codes = {"current": ROOT}
        if args.baseline:
            codes = {"baseline": load.unpack_commit(args.baseline, Path(scratch) / "baseline")}
            codes["current"] = ROOT
        features = load.indexed_features(data_dir)
        counts = {
            label: per_request(code, data_dir, args.requests, args.accept_encoding)
            for label, code in codes.items()
        }
    encoding = f", Accept-Encoding: {args.accept_encoding}" if args.accept_encoding else ""
    for label, instructions in counts.items():
        if args.json:
            print(json.dumps({"code": label, "instructions_per_search": round(instructions)}))
        else:
            print(
                f"{label:9} {instructions / 1e6:6.2f} M instructions per filtered search "
                f"({args.requests} searches, {features:,} features{encoding})"
            )
    if "baseline" in counts:
        ratio = counts["current"] / counts["baseline"]
        if args.json:
            print(json.dumps({"ratio": "current/baseline", "instructions_x": round(ratio, 4)}))
        else:
            print(f"ratio     current / baseline {ratio:.3f}x ({(ratio - 1) * 100:+.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
