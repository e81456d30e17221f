"""Slow clients against ``halonotes serve``: does a person searching still get answers?

    .venv/bin/python bench/slow_clients.py [--features 3000] [--duration 30] [--calm 15]
                                           [--slow 8,64] [--baseline GIT-REF] [--data DIR]

Serves a seeded synthetic archive (bench/corpus.py, as bench/load.py does) on a free port on
127.0.0.1 and runs one phase per entry of ``--slow``, after a calm phase without slow clients:

* ``slow`` connections trickle for ``--duration`` seconds: half send a request's headers one
  byte a second and never finish them, half send complete headers of a POST announcing a
  1 MB body and then trickle the body a byte a second. A connection the server closes is
  opened again at once (the count is printed: a server that frees what they hold closes them);
* all the while, one normal client sends filtered searches ``/?q=…`` one after another, each
  on a new connection, with a 10 s timeout: a visitor arriving while the attack goes on.

Each phase prints the normal client's requests, p50/p95 latency and errors (any answer other
than 200 or 400, or none within the timeout) beside the calm phase's, and the p95 ratio.
``--baseline GIT-REF`` runs the same phases on that commit's code first, for a before/after
table. Traffic goes to 127.0.0.1 only; every phase stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import load

CLIENT_TIMEOUT = 10.0  # seconds the normal client waits for an answer
TRICKLE_INTERVAL = 1.0  # seconds between two bytes of a slow connection


@dataclass
class Phase:
    """What the normal client saw during one phase, and what the slow connections did."""

    name: str
    slow: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    slow_reopened: int = 0  # slow connections the server closed (and were opened again)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the answered requests' latencies, in ms."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


async def trickle(port: int, number: int, deadline: float, phase: Phase) -> None:
    """One slow connection until the deadline: never-ending headers, or a never-ending body."""
    if number % 2 == 0:
        head, drip = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", b"a"
    else:
        head = (
            b"POST /workbench/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
        )
        drip = b"q"
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(TRICKLE_INTERVAL)
            continue
        closed = asyncio.create_task(reader.read())  # done when the server hangs up
        try:
            # Headers a byte at a time; a POST's complete headers at once, then its body.
            rest = head[1:] if number % 2 == 0 else b""
            writer.write(head[:1] if rest else head)
            while time.monotonic() < deadline and not closed.done():
                await writer.drain()
                await asyncio.sleep(TRICKLE_INTERVAL)
                chunk, rest = (rest[:1], rest[1:]) if rest else (drip, b"")
                writer.write(chunk)
        except OSError:
            pass
        finally:
            closed.cancel()
            writer.close()
        if time.monotonic() < deadline:
            phase.slow_reopened += 1


async def search(port: int, paths, deadline: float, phase: Phase) -> None:
    """The normal client: one filtered search after another, each on a new connection."""
    while time.monotonic() < deadline:
        path = next(paths)
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(get(port, path), CLIENT_TIMEOUT)
        except (TimeoutError, OSError, ValueError) as exc:
            status, detail = 0, f"{type(exc).__name__}: {exc}"
        else:
            detail = f"HTTP {status}"
        if status in (200, 400):
            phase.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            phase.errors += 1
            if len(phase.error_examples) < 3:
                phase.error_examples.append(f"{path}: {detail}")


async def get(port: int, path: str) -> int:
    """GET ``path`` on a new connection, read the whole answer and return its status."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
    status_line = answer.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2:
        raise ValueError("no HTTP answer")
    return int(status_line[1])


async def run_phase(port: int, words, seed: str, slow: int, duration: float) -> Phase:
    """``slow`` trickling connections and the normal client, side by side, for ``duration``."""
    phase = Phase("calm" if slow == 0 else f"{slow} slow", slow)
    deadline = time.monotonic() + duration
    slow_tasks = [asyncio.create_task(trickle(port, n, deadline, phase)) for n in range(slow)]
    await asyncio.sleep(min(2.0, duration / 10) if slow else 0)  # let them take hold
    await search(port, load.search_paths(random.Random(seed), words), deadline, phase)
    for task in slow_tasks:
        task.cancel()
    await asyncio.gather(*slow_tasks, return_exceptions=True)
    return phase


def measure(label: str, code_dir: Path, data_dir: Path, words, args) -> list[Phase]:
    """Every phase against a server running the code in ``code_dir``."""
    phases = []
    with load.served(data_dir, code_dir, words) as site:
        plan = [(0, args.calm)] + [(count, args.duration) for count in args.slow]
        for number, (count, duration) in enumerate(plan):
            seed = f"{args.seed}:{number}"
            phase = asyncio.run(run_phase(site.port, words, seed, count, duration))
            phases.append(phase)
            show(label, phase, phases[0])
    if "Traceback" in site.log:
        print(f"{label} server stderr:\n{site.log.strip()[-1500:]}", file=sys.stderr)
    return phases


def show(label: str, phase: Phase, calm: Phase) -> None:
    """One line per phase: the normal client's figures beside the calm phase's."""
    ratio = phase.percentile(0.95) / calm.percentile(0.95) if calm.percentile(0.95) else 0.0
    print(
        f"{label:<9} {phase.name:<8} requests {len(phase.latencies_ms):>5}  "
        f"p50 {phase.percentile(0.50):>8.1f} ms  p95 {phase.percentile(0.95):>8.1f} ms  "
        f"errors {phase.errors:>3}  p95 vs calm {ratio:>6.2f}x  "
        f"slow connections closed by the server {phase.slow_reopened}",
        flush=True,
    )
    for example in phase.error_examples:
        print(f"{'':<9} error: {example}")


def main(argv: list[str] | None = None) -> int:
    """Serve the data with each code, run the phases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=3000)
    parser.add_argument("--data", type=Path, help="data folder to reuse (built on first use)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per slow phase")
    parser.add_argument("--calm", type=float, default=15.0, help="seconds of the calm phase")
    parser.add_argument("--slow", default="8,64", help="slow connections per phase")
    parser.add_argument("--baseline", metavar="GIT-REF", help="also measure this commit's code")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    try:
        args.slow = [int(count) for count in args.slow.split(",")]
    except ValueError:
        parser.error("--slow takes whole numbers separated by commas, e.g. 8,64")

    with tempfile.TemporaryDirectory(prefix="halonotes-slow-") as scratch:
        data_dir = args.data or Path(scratch) / "data"
        load.prepare_data(data_dir, args.features)
        words = load.vocabulary(data_dir)
        codes = {"current": load.ROOT}
        if args.baseline:
            codes = {"baseline": load.unpack_commit(args.baseline, Path(scratch) / "b"), **codes}
        print(f"{load.indexed_features(data_dir):,} features; normal client: filtered searches")
        results = {
            label: measure(label, code, data_dir, words, args) for label, code in codes.items()
        }
    current = results["current"]
    calm_p95 = current[0].percentile(0.95)
    met = all(p.errors == 0 and p.percentile(0.95) <= 2 * calm_p95 for p in current)
    print(f"goal (current code): 0 errors and p95 within 2x of calm: {'met' if met else 'NOT MET'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
