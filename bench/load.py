"""Load the production server (``halonotes serve``) with a realistic mix of requests.

    .venv/bin/python bench/load.py [--features 3000] [--connections 64] [--duration 30]
                                   [--baseline GIT-REF] [--max-requests 200000] [--data DIR]
                                   [--json]

Writes a seeded synthetic archive of ``--features`` features (bench/corpus.py) into a store in
a temporary folder (or reuses ``--data DIR``, building it there on first use), indexes it,
starts ``halonotes serve`` on a free port on 127.0.0.1 and runs two phases:

* ``mix``: ``--connections`` keep-alive connections for ``--duration`` seconds (or until
  ``--max-requests``), each sending searches with filters, ticket pages, version, episode and
  upgrade pages, feeds and API calls in a fixed proportion;
* ``search``: ``--search-connections`` (4) connections sending only filtered searches ``/?q=…``
  for ``--search-duration`` seconds: the latency a person searching sees on a busy day.

Each phase prints requests per second, p50/p95/p99 latency, the error count (any answer other
than 200, 301, 304 or 400, or no answer), the CPU the load generator itself used, the
server's CPU per request (master and workers, from /proc) and the share of the machine's
CPU time its host took away (steal). Every URL differs, so the site's caches only help where
real users would repeat themselves.

``--baseline GIT-REF`` also serves the same data with the code of that commit (unpacked from
git into a temporary folder) and runs each phase in ``--rounds`` parts (4), the servers taking
turns with the same requests, then prints both figures side by side with their ratios: a
machine whose speed drifts during the run weighs on both alike. The issue's targets are
checked for the current code. Stops by itself; the servers are stopped with SIGTERM at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import os
import random
import resource
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import corpus

ROOT = Path(__file__).resolve().parents[1]
OK_STATUSES = frozenset({200, 301, 304, 400})
REQUEST_TIMEOUT = 30.0  # seconds one request may take before it counts as an error
LARGE_INDEX = 50_000  # from this many features the 100k-feature goals apply
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
    client_cpu_s: float = 0.0  # CPU this process (the load generator) used during the phase
    server_cpu_s: float = 0.0  # CPU the server's processes used during the phase
    steal_ticks: int = 0  # CPU time the host gave to other machines during the phase (Linux VM)
    machine_ticks: int = 0  # all CPU time that passed during the phase, in the same unit

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
            "client_cpu_s": round(self.client_cpu_s, 1),
            "server_cpu_ms_per_request": (
                round(self.server_cpu_s * 1000 / len(ordered), 2) if ordered else 0.0
            ),
            "host_steal_pct": (
                round(100 * self.steal_ticks / self.machine_ticks, 1) if self.machine_ticks else 0.0
            ),
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


async def _run_phase(
    name: str, base: str, paths, *, connections: int, duration: float, max_requests: int
) -> PhaseResult:
    result = PhaseResult(name, connections, 0.0)
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    budget = [max_requests]
    # The site sets no cookies: a jar that keeps none spares the load generator, which shares
    # the machine with the server, its per-request cookie work.
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(
            *(_client(session, base, paths, result, deadline, budget) for _ in range(connections))
        )
        result.seconds = time.monotonic() - started
    return result


def run_phase(
    name: str, base: str, paths, *, connections: int, duration: float, max_requests: int
) -> PhaseResult:
    """Send requests from ``connections`` keep-alive connections until time or count run out."""
    cpu_before = _own_cpu_seconds()
    steal_before, machine_before = machine_ticks()
    result = asyncio.run(
        _run_phase(
            name,
            base,
            paths,
            connections=connections,
            duration=duration,
            max_requests=max_requests,
        )
    )
    result.client_cpu_s = _own_cpu_seconds() - cpu_before
    steal_after, machine_after = machine_ticks()
    result.steal_ticks = steal_after - steal_before
    result.machine_ticks = machine_after - machine_before
    return result


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_ticks() -> tuple[int, int]:
    """CPU time stolen by the host so far and all CPU time so far (Linux; zeros elsewhere).

    On a virtual machine whose host is busy, the steal share says how much of a slow phase
    was the machine's doing rather than the server's.
    """
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return fields[7], sum(fields)


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


def start_server(data_dir: Path, port: int, extra: list[str], code_dir: Path) -> subprocess.Popen:
    """Start ``halonotes serve`` with the code in ``code_dir`` and wait until it answers."""
    halonotes = Path(sys.executable).with_name("halonotes")
    command = [str(halonotes), "serve", "--port", str(port), "--data", str(data_dir), *extra]
    env = {**os.environ, "PYTHONPATH": str(code_dir)}  # ahead of the installed package
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # still starting
            if process.poll() is not None or time.monotonic() > deadline:
                log = stop_server(process)
                raise SystemExit(f"halonotes serve did not start:\n{log[-2000:]}") from None
            time.sleep(0.2)


@dataclass
class RunningServer:
    """A ``halonotes serve`` started by ``served``: its address and process, and what it wrote
    to stderr once it has stopped."""

    port: int
    process: subprocess.Popen
    log: str = ""

    @property
    def base(self) -> str:
        """The URL its paths are appended to."""
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def served(
    data_dir: Path, code_dir: Path, words: Vocabulary, extra: Sequence[str] = ()
) -> Iterator[RunningServer]:
    """``halonotes serve`` with the code in ``code_dir`` on a free port, warmed up (one request
    of each kind per worker) for the block, then stopped with SIGTERM."""
    port = free_port()
    site = RunningServer(port, start_server(data_dir, port, list(extra), code_dir))
    try:
        warm_up(site.base, words)
        yield site
    finally:
        site.log = stop_server(site.process)


def worker_pids(server: subprocess.Popen) -> list[str]:
    """The worker processes of a running ``halonotes serve`` (Linux; empty elsewhere)."""
    try:
        return Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        return []


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time the server's master and workers have used so far (Linux; 0 elsewhere).

    Host steal does not count as CPU time, so CPU per request is the figure a busy
    neighbour on a shared machine moves least.
    """
    ticks = 0
    for pid in (str(server.pid), *worker_pids(server)):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def workers_rss_mb(server: subprocess.Popen) -> list[float]:
    """Resident memory of each worker process of a running ``halonotes serve`` (Linux)."""
    sizes = []
    for pid in worker_pids(server):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def unpack_commit(ref: str, into: Path) -> Path:
    """The project's files at git ``ref``, unpacked into ``into``: the baseline's code."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True
    )
    if archive.returncode != 0:
        reason = archive.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SystemExit(
            f"bench/load.py: --baseline {ref!r} is not a commit of {ROOT}"
            + (f" ({reason[-1]})" if reason else "")
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


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


def print_figures(figures: dict, label: str = "") -> None:
    """One readable line per phase."""
    print(
        f"{label}{figures['phase']:<7} {figures['connections']:>3} conn  "
        f"{figures['requests']:>7} req in {figures['seconds']:>5.1f} s  "
        f"{figures['rps']:>7.1f} req/s  p50 {figures['p50_ms']:>7.1f} ms  "
        f"p95 {figures['p95_ms']:>7.1f} ms  p99 {figures['p99_ms']:>7.1f} ms  "
        f"errors {figures['errors']}  client CPU {figures['client_cpu_s']:.1f} s  "
        f"server CPU {figures['server_cpu_ms_per_request']:.2f} ms/req  "
        f"host steal {figures['host_steal_pct']:.0f} %"
    )


def ratios(current: dict, baseline: dict) -> dict:
    """How the current code compares: throughput ×, latencies as baseline / current (× faster)."""

    def divide(top: float, bottom: float) -> float | None:
        return round(top / bottom, 2) if bottom else None

    return {
        "phase": current["phase"],
        "rps_x": divide(current["rps"], baseline["rps"]),
        "p50_x": divide(baseline["p50_ms"], current["p50_ms"]),
        "p95_x": divide(baseline["p95_ms"], current["p95_ms"]),
        "p99_x": divide(baseline["p99_ms"], current["p99_ms"]),
    }


def targets(figures: list[dict], features: int) -> list[dict]:
    """The issue's goals for the current code: real-scale data, or a 100k-feature index."""
    mix = next(f for f in figures if f["phase"] == "mix")
    search = next(f for f in figures if f["phase"] == "search")
    checks = [("mix errors == 0", mix["errors"], mix["errors"] == 0)]
    if features >= LARGE_INDEX:
        checks.append(("search p95 < 100 ms", search["p95_ms"], search["p95_ms"] < 100))
    else:
        checks.append(("mix >= 300 req/s", mix["rps"], mix["rps"] >= 300))
        checks.append(("search p95 < 15 ms", search["p95_ms"], search["p95_ms"] < 15))
    return [{"target": name, "value": value, "met": met} for name, value, met in checks]


def indexed_features(data_dir: Path) -> int:
    """How many features the index holds."""
    from index import IndexReader, SearchRequest

    return IndexReader(data_dir).search(SearchRequest(page_size=1)).total


def measure(
    base: str, words: Vocabulary, args: argparse.Namespace, phase: str, part: int
) -> PhaseResult:
    """Run one round's part of a phase against the server at ``base``, with seeded requests."""
    rng = random.Random(f"{args.seed}:{phase}:{part}")
    if phase == "mix":
        paths: Iterator[str] = mix_paths(rng, words)
        connections, duration = args.connections, args.duration
    else:
        paths = search_paths(rng, words)
        connections, duration = args.search_connections, args.search_duration
    return run_phase(
        phase,
        base,
        paths,
        connections=connections,
        duration=duration / args.rounds,
        max_requests=args.max_requests // args.rounds,
    )


def combined(parts: list[PhaseResult]) -> PhaseResult:
    """The rounds of one phase against one server as one result."""
    first = parts[0]
    result = PhaseResult(first.name, first.connections, 0.0)
    for part in parts:
        result.seconds += part.seconds
        result.latencies_ms += part.latencies_ms
        result.statuses.update(part.statuses)
        result.errors += part.errors
        result.error_examples += part.error_examples[: 5 - len(result.error_examples)]
        result.client_cpu_s += part.client_cpu_s
        result.server_cpu_s += part.server_cpu_s
        result.steal_ticks += part.steal_ticks
        result.machine_ticks += part.machine_ticks
    return result


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
    parser.add_argument("--baseline", metavar="GIT-REF", help="also measure this commit's code")
    parser.add_argument(
        "--rounds",
        type=int,
        help="parts each phase is run in, taking turns between the servers "
        "(default 4 with --baseline, else 1)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 4 if args.baseline else 1
    if args.rounds < 1:
        parser.error("--rounds takes a whole number of at least 1")

    extra = []
    if args.workers:
        extra += ["--workers", str(args.workers)]
    with tempfile.TemporaryDirectory(prefix="halonotes-load-") as scratch:
        data_dir = args.data or Path(scratch) / "data"
        prepare_data(data_dir, args.features)
        features = indexed_features(data_dir)
        words = vocabulary(data_dir)
        codes = {"current": ROOT}
        if args.baseline:
            codes = {
                "baseline": unpack_commit(args.baseline, Path(scratch) / "baseline"),
                **codes,
            }
        results: dict[str, list[PhaseResult]] = {label: [] for label in codes}
        with ExitStack() as running:
            sites = {
                label: running.enter_context(served(data_dir, code_dir, words, extra))
                for label, code_dir in codes.items()
            }
            servers = {label: site.process for label, site in sites.items()}
            bases = {label: site.base for label, site in sites.items()}
            for phase in ("mix", "search"):
                parts: dict[str, list[PhaseResult]] = {label: [] for label in codes}
                for part in range(args.rounds):
                    # The servers take turns, first one then the other, so a machine that
                    # slows down or speeds up during the run weighs on both alike.
                    order = list(codes) if part % 2 == 0 else list(reversed(codes))
                    for label in order:
                        cpu_before = server_cpu_seconds(servers[label])
                        result = measure(bases[label], words, args, phase, part)
                        result.server_cpu_s = server_cpu_seconds(servers[label]) - cpu_before
                        parts[label].append(result)
                for label in codes:
                    results[label].append(combined(parts[label]))
            memory = {label: workers_rss_mb(server) for label, server in servers.items()}
        logs = {label: site.log for label, site in sites.items()}
    figures = {label: [r.figures() for r in runs] for label, runs in results.items()}
    for label, rows in figures.items():
        for row in rows:
            row.update(code=label, features=features, cpus=os.cpu_count())
            row["workers_rss_mb"] = memory[label]
    checks = targets(figures["current"], features)
    compared = (
        [ratios(c, b) for c, b in zip(figures["current"], figures["baseline"], strict=True)]
        if args.baseline
        else []
    )
    if args.json:
        for rows in figures.values():
            for row in rows:
                print(json.dumps(row))
        for row in compared:
            print(json.dumps({"ratio": "current/baseline", **row}))
        for row in checks:
            print(json.dumps(row))
    else:
        print(f"{features:,} features, {os.cpu_count()} CPUs")
        width = max(len(label) for label in figures) + 2
        for number in range(2):  # mix, then search
            for label, runs in results.items():
                print_figures(figures[label][number], f"{label:<{width}}")
                for example in runs[number].error_examples:
                    print(f"{'':<{width}}error: {example}")
        for row in compared:
            print(
                f"{'ratio':<{width}}{row['phase']:<7} req/s {_x(row['rps_x'])}  "
                f"p50 {_x(row['p50_x'])} faster  p95 {_x(row['p95_x'])} faster  "
                f"p99 {_x(row['p99_x'])} faster"
            )
        for label, sizes in memory.items():
            shown = ", ".join(f"{size:.0f}" for size in sizes) or "unknown"
            print(f"{label:<{width}}memory of each worker after the run: {shown} MB")
        for row in checks:
            verdict = "met" if row["met"] else "NOT MET"
            print(f"target {row['target']:<22} {row['value']:>9}  {verdict}")
        for label, log in logs.items():
            if log.strip():
                print(f"{label} server stderr:\n{log.strip()[-2000:]}", file=sys.stderr)
    return 1 if any(r.errors for runs in results.values() for r in runs) else 0


def _x(ratio: float | None) -> str:
    return f"{ratio:.2f}x" if ratio is not None else "n/a"


if __name__ == "__main__":
    sys.exit(main())
