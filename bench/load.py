"""Load the production server (``halonotes serve``) with a realistic mix of requests.

    .venv/bin/python bench/load.py [--features 3000] [--connections 64] [--duration 30]
                                   [--max-requests 200000] [--data DIR] [--json]

Writes a seeded synthetic archive of ``--features`` features (bench/corpus.py) into a store in
a temporary folder (or reuses ``--data DIR``, building it there on first use), indexes it,
starts ``halonotes serve`` on a free port on 127.0.0.1 and runs two phases:

* ``mix``: ``--connections`` keep-alive connections for ``--duration`` seconds (or until
  ``--max-requests``), each sending searches with filters, ticket pages, version, episode and
  upgrade pages, feeds and API calls in a fixed proportion;
* ``search``: ``--search-connections`` (4) connections sending only filtered searches ``/?q=…``
  for ``--search-duration`` seconds: the latency a person searching sees on a busy day.

Each phase prints requests per second, p50/p95/p99 latency and the error count (any answer
other than 200, 301, 304 or 400, or no answer). Every URL differs, so the index's result cache
only helps where real users would repeat themselves. Stops by itself; the server is stopped
with SIGTERM at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import corpus

OK_STATUSES = frozenset({200, 301, 304, 400})
REQUEST_TIMEOUT = 30.0  # seconds one request may take before it counts as an error
# (share of the mix, kind): what a busy day on the site looks like
MIX = (
    (30, "search_filtered"),
    (10, "search"),
    (20, "ticket"),
    (8, "version"),
    (5, "episode"),
    (2, "upgrade"),
    (10, "feed"),
    (10, "api"),
    (5, "ticket_json"),
)
WORDS = corpus.QUERY_WORDS


@dataclass
class PhaseResult:
    """What one phase measured."""

    name: str
    connections: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)

    def figures(self) -> dict:
        """Requests per second, latency percentiles and errors, rounded for printing."""
        ordered = sorted(self.latencies_ms)

        def rank(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[max(0, math.ceil(p * len(ordered)) - 1)], 1)

        return {
            "phase": self.name,
            "connections": self.connections,
            "requests": len(ordered),
            "seconds": round(self.seconds, 1),
            "rps": round(len(ordered) / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": rank(0.50),
            "p95_ms": rank(0.95),
            "p99_ms": rank(0.99),
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


@dataclass(frozen=True)
class Vocabulary:
    """Values the request mix picks from, read from the served index."""

    tickets: tuple[str, ...]
    versions: tuple[str, ...]
    episodes: tuple[int, ...]
    areas: tuple[str, ...]
    integrations: tuple[str, ...]


def vocabulary(data_dir: Path) -> Vocabulary:
    """Ticket IDs, versions, episodes, areas and integrations present in the index."""
    from index import IndexReader

    reader = IndexReader(data_dir)
    facets = reader.facet_values()
    tickets = tuple(hit.ticket_id for hit in reader.newest(limit=5000) if hit.ticket_id)
    return Vocabulary(
        tickets=tickets,
        versions=tuple(c.value for c in reader.versions()),
        episodes=tuple(int(c.value) for c in facets["episode"]),
        areas=tuple(c.value for c in facets["area"]),
        integrations=tuple(c.value for c in facets["integration"]),
    )


def filtered_search(rng: random.Random, words: Vocabulary) -> str:
    """A search with a query and one or two filters, as the facet links build them."""
    params = {"q": rng.choice(WORDS)}
    choice = rng.randrange(4)
    if choice == 0:
        params["version"] = rng.choice(words.versions)
    elif choice == 1:
        low = rng.randrange(max(1, len(words.versions) - 1))
        high = min(len(words.versions) - 1, low + rng.randint(1, 8))
        params["from"], params["to"] = words.versions[low], words.versions[high]
    elif choice == 2:
        params["area"] = rng.choice(words.areas)
    else:
        params["flag"] = rng.choice(("caution", "recommended", "not_enabled_by_default"))
    if rng.random() < 0.3 and words.integrations:
        params["integration"] = rng.choice(words.integrations)
    if rng.random() < 0.2:
        params["sort"] = rng.choice(("newest", "version"))
    if rng.random() < 0.1:
        params["page"] = "2"
    return "/?" + urlencode(params)


def request_path(kind: str, rng: random.Random, words: Vocabulary) -> str:
    """One URL of the given kind."""
    if kind == "search_filtered":
        return filtered_search(rng, words)
    if kind == "search":
        return "/?" + urlencode({"q": " ".join(rng.sample(WORDS, rng.randint(1, 2)))})
    if kind == "ticket":
        return f"/ticket/{rng.choice(words.tickets)}"
    if kind == "ticket_json":
        return f"/ticket/{rng.choice(words.tickets)}.json"
    if kind == "version":
        return f"/version/{rng.choice(words.versions)}"
    if kind == "episode":
        return f"/episode/{rng.choice(words.episodes)}"
    if kind == "upgrade":
        low = rng.randrange(max(1, len(words.versions) - 1))
        high = min(len(words.versions) - 1, low + rng.randint(1, 3))
        return "/upgrade?" + urlencode({"from": words.versions[low], "to": words.versions[high]})
    if kind == "feed":
        fmt = rng.choice(("rss", "atom", "json"))
        if rng.random() < 0.5:
            return f"/feed.{fmt}"
        return f"/feed.{fmt}?" + urlencode({"q": rng.choice(WORDS)})
    if kind == "api":
        return "/search.json?" + urlencode(
            {"q": rng.choice(WORDS), "version": rng.choice(words.versions)}
        )
    raise ValueError(kind)


def mix_paths(rng: random.Random, words: Vocabulary):
    """An endless stream of URLs in the MIX proportions."""
    kinds = [kind for _share, kind in MIX]
    weights = [share for share, _kind in MIX]
    while True:
        yield request_path(rng.choices(kinds, weights)[0], rng, words)


def search_paths(rng: random.Random, words: Vocabulary):
    """An endless stream of filtered searches."""
    while True:
        yield filtered_search(rng, words)


async def _client(session, base: str, paths, result: PhaseResult, deadline: float, budget):
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        path = next(paths)
        started = time.perf_counter()
        try:
            async with session.get(base + path, allow_redirects=False) as response:
                await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            status, detail = 0, f"{type(exc).__name__}: {exc}"
        else:
            detail = f"HTTP {status}"
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.statuses[status] += 1
        if status not in OK_STATUSES:
            result.errors += 1
            if len(result.error_examples) < 5:
                result.error_examples.append(f"{path}: {detail}")


async def run_phase(
    name: str, base: str, paths, *, connections: int, duration: float, max_requests: int
) -> PhaseResult:
    """Send requests from ``connections`` keep-alive connections until time or count run out."""
    result = PhaseResult(name, connections, 0.0)
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    budget = [max_requests]
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(
            *(_client(session, base, paths, result, deadline, budget) for _ in range(connections))
        )
        result.seconds = time.monotonic() - started
    return result


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_data(data_dir: Path, features: int) -> None:
    """Write the synthetic archive and build its index, unless ``data_dir`` already has one."""
    from index.build import index_exists, rebuild_index

    if index_exists(data_dir):
        return
    started = time.perf_counter()
    info = corpus.write_corpus(data_dir, features)
    rebuild_index(data_dir)
    print(
        f"built {info.features} features in {info.episodes} episodes "
        f"in {time.perf_counter() - started:.1f} s ({data_dir})",
        file=sys.stderr,
    )


def start_server(data_dir: Path, port: int, extra: list[str]) -> subprocess.Popen:
    """Start ``halonotes serve`` and wait until it answers."""
    halonotes = Path(sys.executable).with_name("halonotes")
    command = [str(halonotes), "serve", "--port", str(port), "--data", str(data_dir), *extra]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5):
                return process
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                stop_server(process)
                raise SystemExit("halonotes serve did not start") from None
            time.sleep(0.2)


def stop_server(process: subprocess.Popen) -> str:
    """Stop the server with SIGTERM and return what it wrote to stderr."""
    process.terminate()
    try:
        _out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return (err or b"").decode("utf-8", "replace")


def warm_up(base: str, words: Vocabulary) -> None:
    """One request per kind on each worker, so the first figures do not include start-up."""
    rng = random.Random("warm")
    for _ in range(8):
        for _share, kind in MIX:
            try:
                with urllib.request.urlopen(base + request_path(kind, rng, words), timeout=60):
                    pass
            except urllib.error.HTTPError:
                pass


def print_figures(figures: dict) -> None:
    """One readable line per phase."""
    print(
        f"{figures['phase']:<7} {figures['connections']:>3} conn  {figures['requests']:>7} req "
        f"in {figures['seconds']:>5.1f} s  {figures['rps']:>7.1f} req/s  "
        f"p50 {figures['p50_ms']:>6.1f} ms  p95 {figures['p95_ms']:>6.1f} ms  "
        f"p99 {figures['p99_ms']:>6.1f} ms  errors {figures['errors']}"
    )


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the data, serve it, run both phases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=3000, help="archive size (default 3000)")
    parser.add_argument("--data", type=Path, help="data folder to reuse (built on first use)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the mix phase")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per phase")
    parser.add_argument("--search-connections", type=int, default=4)
    parser.add_argument("--search-duration", type=float, default=15.0)
    parser.add_argument("--workers", type=int, help="passed to halonotes serve")
    parser.add_argument("--threads", type=int, help="passed to halonotes serve")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object per phase")
    args = parser.parse_args(argv)

    extra = []
    if args.workers:
        extra += ["--workers", str(args.workers)]
    if args.threads:
        extra += ["--threads", str(args.threads)]
    with tempfile.TemporaryDirectory(prefix="halonotes-load-") as scratch:
        data_dir = args.data or Path(scratch) / "data"
        prepare_data(data_dir, args.features)
        words = vocabulary(data_dir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(data_dir, port, extra)
        try:
            warm_up(base, words)
            rng = random.Random(args.seed)
            phases = [
                asyncio.run(
                    run_phase(
                        "mix",
                        base,
                        mix_paths(rng, words),
                        connections=args.connections,
                        duration=args.duration,
                        max_requests=args.max_requests,
                    )
                ),
                asyncio.run(
                    run_phase(
                        "search",
                        base,
                        search_paths(rng, words),
                        connections=args.search_connections,
                        duration=args.search_duration,
                        max_requests=args.max_requests,
                    )
                ),
            ]
        finally:
            server_log = stop_server(server)
    for phase in phases:
        figures = phase.figures()
        figures["features"] = args.features if not args.data else None
        figures["cpus"] = os.cpu_count()
        if args.json:
            print(json.dumps(figures))
        else:
            print_figures(figures)
            for example in phase.error_examples:
                print(f"        error: {example}")
    if server_log.strip() and not args.json:
        print("server stderr:\n" + server_log.strip()[-2000:], file=sys.stderr)
    return 1 if any(phase.errors for phase in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
