"""An indexer killed with SIGKILL at seeded random moments: searches keep answering, the next run
recovers with no manual step.

Each fault copies a data folder whose index holds the small test store while the store has since
gained ADDED features, runs ``rebuild_index`` or ``update_index`` in a child process with a reader
searching in a thread of this one, and kills the child: at KILL_POINTS seeded random moments spread
over a measured clean run, and once at a moment watched for on disk. Then readers opened
before and after the kill answer from one whole index (the old one, or the new one when the commit
finished), the store is byte for byte unchanged, and the next run completes, leaving nothing
behind. The assert messages and the printed lines (``pytest -s``) give each kill point in ms and
what was found on disk. The last two tests set up directly what a kill inside a rebuild's swap,
or just after an update's table of contents, leaves: moments the kills reach only now and then.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from crawler.records import Episode, Feature
from index import IndexReader, parse_request
from index.build import rebuild_index, update_index
from tests.index_data import write_store

ROOT = Path(__file__).resolve().parents[1]
SEED = 6  # the issue number: the same kill points on every run
KILL_POINTS = 5
ADDED = 1200  # features the store gains after the old index was built
NEW_EPISODE = Episode(episode=40, title="Episode 40", url="https://blog.example/episode-40")
SNAPSHOT = re.compile(r"index\.\d{6,}")
SEGMENT_FILE = re.compile(r"(MAIN_[0-9a-z]+)\.")
CHILD = (
    "import sys\n"
    "from index.build import {operation}\n"
    "print('ready', flush=True)\n"
    "{operation}(sys.argv[1]{options})\n"
    "print('done', flush=True)\n"
)


@dataclass(frozen=True)
class Answer:
    """What searches show a user: the total for a word of the added features, the titles for
    a word of an old one."""

    invoice: int
    webhooks: tuple[str, ...]


def answer(reader: IndexReader) -> Answer:
    """Search the two words the old and the new index answer differently and alike."""
    invoice = reader.search(parse_request({"q": "invoice"})).total
    webhooks = reader.search(parse_request({"q": "webhooks"})).hits
    return Answer(invoice, tuple(hit.title for hit in webhooks))


def store_digest(data_dir: Path) -> str:
    """One digest of every store file, to show a killed indexer changed no data."""
    digest = hashlib.sha256()
    for name in ("episodes.jsonl", "features.jsonl", "release_notes.jsonl"):
        digest.update(name.encode() + (data_dir / name).read_bytes())
    return digest.hexdigest()


@dataclass
class Archive:
    """A data folder whose index is older than its store, and what each index answers."""

    path: Path
    old: Answer
    new: Answer
    store: str


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    """The small test store indexed twice, then ADDED features merged into the store only."""
    path = tmp_path_factory.mktemp("archive") / "data"
    store = write_store(path)
    rebuild_index(path)
    rebuild_index(path)  # an index folder and the one before it, as after any second rebuild
    reader = IndexReader(path, cache_size=0)
    old = answer(reader)
    reader.close()
    features = [
        Feature(
            title=f"Invoice option number {n} for recurring billing",
            url=NEW_EPISODE.url,
            episode=NEW_EPISODE.episode,
            ticket_id=str(3_000_000 + n),
            version="2.216",
            summary="Agents and portal users see this setting on the invoice screen. " * 3,
            position=n,
        )
        for n in range(ADDED)
    ]
    store.merge([NEW_EPISODE], features)
    new = Answer(old.invoice + ADDED, old.webhooks)
    assert old.invoice < new.invoice and old.webhooks == ("QuickBooks Online sync uses webhooks",)
    return Archive(path, old, new, store_digest(path))


# --- looking at the data folder ---------------------------------------------------------------


def session_processes(session: int) -> list[int]:
    """Live processes (zombies aside) of a session: the indexer and anything it forked."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, _group, sid = stat.rsplit(")", 1)[1].split()[:4]
        if int(sid) == session and state != "Z":
            found.append(int(entry))
    return found


def snapshots(data_dir: Path) -> list[str]:
    """The index folders in a data folder, oldest first."""
    return sorted(p.name for p in data_dir.iterdir() if SNAPSHOT.fullmatch(p.name))


def leftovers(snapshot: Path) -> list[str]:
    """Files and folders in an index folder that its latest commit does not use."""
    ix = whoosh_index.open_dir(str(snapshot))
    try:
        generation = ix.latest_generation()
        used = {segment.segment_id() for segment in ix._segments()}
    finally:
        ix.close()
    found = []
    for name in sorted(os.listdir(snapshot)):
        segment = SEGMENT_FILE.match(name)
        if name == "MAIN_WRITELOCK":
            continue
        if name.endswith(".toc"):
            if name != f"_MAIN_{generation}.toc":
                found.append(name)
        elif segment is None or segment.group(1) not in used:
            found.append(name)
    return found


def extra_snapshots(data_dir: Path) -> list[str]:
    """Index folders other than the one the link names and the one before it (kept for readers)."""
    current = os.readlink(data_dir / "index")
    older = [name for name in snapshots(data_dir) if name < current]
    return [name for name in snapshots(data_dir) if name not in {current, *older[-1:]}]


def writer_lock_free(snapshot: Path) -> bool:
    """True when no process holds Whoosh's writer lock of an index folder."""
    ix = whoosh_index.open_dir(str(snapshot))
    lock = ix.lock("WRITELOCK")
    try:
        if not lock.acquire():
            return False
        lock.release()
        return True
    finally:
        ix.close()


def on_disk(data_dir: Path) -> dict:
    """What a killed indexer left: the link, index and build folders (with their file counts),
    and the files in the linked folder that its latest commit does not use."""
    current = data_dir / os.readlink(data_dir / "index")
    folders = [*snapshots(data_dir), *sorted(p.name for p in data_dir.glob("index.tmp-*"))]
    return {
        "link": current.name,
        "folders": {name: len(os.listdir(data_dir / name)) for name in folders},
        "unused": leftovers(current),
    }


# --- one fault -------------------------------------------------------------------------------


@dataclass
class Fault:
    """One killed run and what followed."""

    label: str
    kill_ms: float | None = None
    ran_ms: float = 0.0
    finished: bool = False
    found: dict = field(default_factory=dict)
    recovery_s: float = 0.0

    def line(self) -> str:
        """One line for the fault log."""
        when = "not killed" if self.kill_ms is None else f"killed at {self.kill_ms:.0f} ms"
        state = "finished" if self.finished else "cut short"
        return (
            f"{self.label}: {when}, {state} after {self.ran_ms:.0f} ms; on disk {self.found}; "
            f"recovered in {self.recovery_s:.2f} s"
        )


class Searching(threading.Thread):
    """A thread of the site searching in a loop until stopped, keeping every answer and error."""

    def __init__(self, reader: IndexReader):
        super().__init__()
        self.reader = reader
        self.answers: set[Answer] = set()
        self.errors: list[BaseException] = []
        self.searches = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.answers.add(answer(self.reader))
                self.searches += 1
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(exc)
                return
            self.stop.wait(0.02)


def run_child(
    data_dir: Path, operation: str, *, kill_at: float | None, kill_when: Callable[[], bool] | None
) -> tuple[float | None, bool, float]:
    """Run an indexer and kill it ``kill_at`` seconds after it is ready, or once ``kill_when``.

    Returns the kill moment in seconds (None if it finished first), whether it finished, and
    its run time to the kill or to the end.
    """
    options = ", procs=2" if operation == "rebuild_index" else ""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(operation=operation, options=options), str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its session holds it and every process it forks
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        started = time.monotonic()
        killed_at = None
        while child.poll() is None:
            elapsed = time.monotonic() - started
            if (kill_at is not None and elapsed >= kill_at) or (kill_when and kill_when()):
                child.send_signal(signal.SIGKILL)
                killed_at = elapsed
                break
            pause = 0.0005 if kill_when else 0.005  # watched-for moments last a millisecond
            time.sleep(pause if kill_at is None else min(pause, kill_at - elapsed))
        child.wait(timeout=30)
        ran = time.monotonic() - started
        output, errors = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    finished = "done" in output  # a kill may still land while a finished run exits
    assert child.returncode == -signal.SIGKILL or (finished and child.returncode == 0), errors
    deadline = time.monotonic() + 3
    while (left := session_processes(child.pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    for pid in left:  # only processes this test started, so the machine is not left busy
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed indexer still running: {left}"
    return (None if finished else killed_at), finished, ran


def kill_and_recover(
    archive: Archive,
    data_dir: Path,
    fault: Fault,
    *,
    operation: str,
    recover: Callable,
    kill_at: float | None = None,
    kill_when: Callable[[], bool] | None = None,
) -> float:
    """Kill one run, check what searches and the disk show, run the next one and check again."""
    shutil.copytree(archive.path, data_dir, symlinks=True)
    link_before = os.readlink(data_dir / "index")
    before = IndexReader(data_dir, cache_size=0)
    generation_before = before.generation
    site = Searching(before)
    site.start()
    try:
        killed_at, fault.finished, ran = run_child(
            data_dir, operation, kill_at=kill_at, kill_when=kill_when
        )
    finally:
        site.stop.set()
        site.join()
    fault.kill_ms = None if killed_at is None else killed_at * 1000
    fault.ran_ms = ran * 1000
    fault.found = on_disk(data_dir)

    # The site kept answering, from one whole index at a time.
    assert not site.errors, f"{fault.line()}: a search failed during the kill: {site.errors[0]!r}"
    assert site.searches > 0 and site.answers <= {archive.old, archive.new}, fault.line()
    after = IndexReader(data_dir, cache_size=0)
    committed = before.generation != generation_before
    expected = archive.new if committed else archive.old
    assert answer(before) == answer(after) == expected, fault.line()
    if operation == "rebuild_index":
        assert committed == (os.readlink(data_dir / "index") != link_before), fault.line()
    assert not fault.finished or committed, fault.line()
    assert store_digest(data_dir) == archive.store, f"{fault.line()}: the store changed"

    # The next run completes by itself, and a second one finds nothing to do and no lock held.
    started = time.perf_counter()
    recover(data_dir, timeout=2)
    fault.recovery_s = time.perf_counter() - started
    again = update_index(data_dir, timeout=0.5)
    assert (again.added, again.removed) == (0, 0), fault.line()
    current = (data_dir / "index").resolve()
    assert writer_lock_free(current), fault.line()
    assert not list(data_dir.glob("index.tmp-*")), fault.line()
    assert not list(data_dir.glob(".index.link-*")), fault.line()
    assert {name: leftovers(data_dir / name) for name in snapshots(data_dir)} == {
        name: [] for name in snapshots(data_dir)
    }, fault.line()
    assert extra_snapshots(data_dir) == [], fault.line()
    assert answer(before) == answer(after) == archive.new, fault.line()
    before.close()
    after.close()
    print(fault.line())
    return ran


def kill_points(duration: float) -> list[float]:
    """KILL_POINTS seeded moments, one at random in each equal slice of ``duration``."""
    rng = random.Random(SEED)
    width = duration / KILL_POINTS
    return [width * (n + rng.random()) for n in range(KILL_POINTS)]


def kill_at_random_points(
    archive: Archive,
    tmp_path: Path,
    *,
    operation: str,
    recoveries: tuple[Callable, ...],
    moment: str,
    reached: Callable[[Path], bool],
) -> list[Fault]:
    """A clean run to measure, a kill at each seeded point of it, then one kill at ``moment``."""
    log: list[Fault] = []
    points: list[float] = []

    def run(label: str, data_dir: Path, recover: Callable, **kill) -> float:
        fault = Fault(f"{operation}, {label}")
        log.append(fault)
        try:
            return kill_and_recover(
                archive, data_dir, fault, operation=operation, recover=recover, **kill
            )
        except AssertionError as exc:
            delays = [round(point * 1000) for point in points]
            lines = "\n".join(f.line() for f in log)
            raise AssertionError(f"{exc}\nkill points {delays} ms, seed {SEED}:\n{lines}") from exc

    points.extend(kill_points(run("clean run", tmp_path / "clean", update_index)))
    for n, point in enumerate(points):
        recover = recoveries[n % len(recoveries)]
        run(f"point {n + 1} of {len(points)}", tmp_path / f"point-{n}", recover, kill_at=point)
    data_dir = tmp_path / "moment"
    run(f"killed {moment}", data_dir, update_index, kill_when=lambda: reached(data_dir))
    assert log[0].finished, log[0].line()
    assert any(not f.finished for f in log[1:-1]), "no kill point cut the run short"
    return log


# --- the tests -------------------------------------------------------------------------------


def test_killing_a_rebuild_at_random_moments(archive, tmp_path):
    """A rebuild (two indexing processes) killed anywhere; the next run updates or rebuilds."""
    oldest = snapshots(archive.path)[0]
    files = len(os.listdir(archive.path / oldest))

    def deleting_the_oldest(data_dir: Path) -> bool:
        try:
            return len(os.listdir(data_dir / oldest)) < files
        except FileNotFoundError:
            return True

    kill_at_random_points(
        archive,
        tmp_path,
        operation="rebuild_index",
        recoveries=(update_index, rebuild_index),
        moment="when the swap starts deleting the oldest index folder",
        reached=deleting_the_oldest,
    )


def test_killing_an_update_at_random_moments(archive, tmp_path):
    """An incremental update killed anywhere; the next update finishes the work."""

    def commit_written(data_dir: Path) -> bool:
        return (data_dir / "index" / "_MAIN_2.toc").exists()

    kill_at_random_points(
        archive,
        tmp_path,
        operation="update_index",
        recoveries=(update_index,),
        moment="when the commit's table of contents appears",
        reached=commit_written,
    )


def test_the_next_update_removes_index_folders_a_killed_swap_left(tmp_path):
    """The two states a rebuild killed inside its swap leaves, set up directly (the timed kills
    above land in that millisecond only now and then): the oldest folder half deleted, and a
    renamed build the link never reached. An update, as import and crawl run, removes both."""
    write_store(tmp_path)
    for _run in range(3):
        rebuild_index(tmp_path)
    assert snapshots(tmp_path) == ["index.000002", "index.000003"]
    reader = IndexReader(tmp_path)
    half = tmp_path / "index.000001"
    shutil.copytree(tmp_path / "index.000002", half)
    for path in sorted(half.iterdir())[::2]:
        path.unlink()
    shutil.copytree(tmp_path / "index.000003", tmp_path / "index.000004")

    assert update_index(tmp_path).added == 0
    assert snapshots(tmp_path) == ["index.000002", "index.000003"]
    assert os.readlink(tmp_path / "index") == "index.000003"
    assert answer(reader).webhooks == ("QuickBooks Online sync uses webhooks",)


def test_the_next_update_removes_what_a_commit_killed_after_its_table_of_contents_left(tmp_path):
    """The state an update killed between writing its table of contents and deleting the files
    it replaced leaves, set up directly: the next update has nothing to add, yet removes them."""
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    folder = (tmp_path / "index").resolve()
    replaced = {path.name: path.read_bytes() for path in folder.iterdir()}
    store.merge([NEW_EPISODE], [])
    assert update_index(tmp_path).added == 1
    reader = IndexReader(tmp_path)
    for name, data in replaced.items():
        if not (folder / name).exists():
            (folder / name).write_bytes(data)  # the previous commit's files, not yet deleted
    (folder / "MAIN.tmp").mkdir()
    (folder / "MAIN.tmp" / "run0.pst").write_bytes(b"\0" * 4096)
    (folder / "_MAIN_3.toc.1700000000.5").write_bytes(b"\0" * 64)
    assert {"_MAIN_1.toc", "MAIN.tmp", "_MAIN_3.toc.1700000000.5"} <= set(leftovers(folder))

    assert update_index(tmp_path).added == 0
    assert leftovers(folder) == []
    assert answer(reader).webhooks == ("QuickBooks Online sync uses webhooks",)
    assert reader.episode(40) is not None


def test_an_indexing_worker_whose_rebuild_died_before_it_started_exits_at_once(monkeypatch):
    """A rebuild killed between forking a worker and the worker arming its kill-with-parent
    signal would leave the worker waiting forever with the index lock: it must exit instead."""
    from index import build

    monkeypatch.setattr(build, "_forking_indexers", threading.Event())
    build._forking_indexers.set()
    child = os.fork()
    if child == 0:  # the forked worker
        build._forking_pid[0] = -1  # as if the process that forked it were gone
        build._stop_with_parent()
        os._exit(0)
    _pid, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 1
