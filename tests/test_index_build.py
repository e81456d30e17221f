"""Rebuilds swap a complete index in; updates change only what changed; readers keep working."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from crawler.errors import IndexBusyError, StoreError
from crawler.records import Episode, Feature
from crawler.store import write_jsonl
from index import IndexReader, parse_request
from index.build import LOCK_NAME, index_exists, index_path, rebuild_index, update_index
from index.codec import HalonotesCodec
from tests.index_data import EPISODES, FEATURES, write_store

ROOT = Path(__file__).resolve().parents[1]


def titles(reader, q):
    return [hit.title for hit in reader.search(parse_request({"q": q})).hits]


def test_update_without_an_index_does_nothing_unless_asked(tmp_path):
    write_store(tmp_path)
    assert update_index(tmp_path) is None
    assert not index_exists(tmp_path)
    report = update_index(tmp_path, create=True)
    assert report.rebuilt and report.total == len(FEATURES) + 2 + len(EPISODES)
    assert index_exists(tmp_path)


def test_rebuild_swaps_a_link_and_keeps_the_previous_snapshot(tmp_path):
    write_store(tmp_path)
    rebuild_index(tmp_path)
    first = os.readlink(tmp_path / "index")
    reader = IndexReader(tmp_path)
    rebuild_index(tmp_path)
    second = os.readlink(tmp_path / "index")
    rebuild_index(tmp_path)
    third = os.readlink(tmp_path / "index")
    assert len({first, second, third}) == 3
    snapshots = sorted(p.name for p in tmp_path.glob("index.*"))
    assert snapshots == sorted([second, third])  # older ones are cleaned up
    assert titles(reader, "webhooks") == ["QuickBooks Online sync uses webhooks"]


def test_update_changes_only_changed_records_and_readers_see_it(tmp_path):
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path)
    generation = reader.generation
    assert update_index(tmp_path).added == 0

    edited = replace(FEATURES[6], title="Rapid ticket entry from the tray icon")
    kept = [f for f in FEATURES if f.episode == 32 and f.key != edited.key]
    store.merge([], [*kept[:-1], edited])  # the last feature of episode 32 is dropped
    new_episode = Episode(episode=33, title="Episode 33", url="https://blog.example/episode-33")
    store.merge(
        [new_episode],
        [
            Feature(
                title="Stripe payouts reconcile automatically",
                url=new_episode.url,
                episode=33,
                ticket_id="2000100",
                version="2.216",
            )
        ],
    )
    report = update_index(tmp_path)
    assert (report.added, report.removed) == (3, 2)  # edited + new feature + new episode
    assert titles(reader, "tray") == ["Rapid ticket entry from the tray icon"]
    assert titles(reader, "timesheet") == []
    assert titles(reader, "integration:stripe") == ["Stripe payouts reconcile automatically"]
    assert reader.generation != generation
    assert reader.episode(33).feature_count == 1


def test_a_build_that_fails_leaves_the_old_index_working(tmp_path):
    write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path)
    before = os.readlink(tmp_path / "index")
    lines = (tmp_path / "features.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(3, "{not json")
    (tmp_path / "features.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"features.jsonl:4: not valid JSON"):
        rebuild_index(tmp_path)
    with pytest.raises(StoreError):
        update_index(tmp_path)
    assert os.readlink(tmp_path / "index") == before
    assert not list(tmp_path.glob("index.tmp-*"))
    assert titles(reader, "webhooks") == ["QuickBooks Online sync uses webhooks"]


def _large_store(data_dir: Path, count: int) -> None:
    episodes = [
        Episode(episode=n, title=f"Episode {n}", url=f"https://b.example/{n}") for n in (1,)
    ]
    features = [
        Feature(
            title=f"Invoice option number {n} for recurring billing",
            url="https://b.example/1",
            episode=1,
            ticket_id=str(3_000_000 + n),
            version="2.216",
            summary="Agents and portal users see this setting on the invoice screen. " * 3,
            position=n,
        )
        for n in range(count)
    ]
    write_jsonl(data_dir / "episodes.jsonl", (e.to_dict() for e in episodes))
    write_jsonl(data_dir / "features.jsonl", (f.to_dict() for f in features))


def test_killing_a_rebuild_leaves_the_old_index_and_the_next_run_cleans_up(tmp_path):
    write_store(tmp_path)
    rebuild_index(tmp_path)
    before = os.readlink(tmp_path / "index")
    _large_store(tmp_path, 4000)
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from index.build import rebuild_index; rebuild_index({str(tmp_path)!r}, procs=1)",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob("index.tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert list(tmp_path.glob("index.tmp-*")), "the build should have been cut short"
    assert os.readlink(tmp_path / "index") == before
    reader = IndexReader(tmp_path)
    assert titles(reader, "webhooks") == ["QuickBooks Online sync uses webhooks"]

    report = update_index(tmp_path)  # the next run recovers without manual steps
    assert not list(tmp_path.glob("index.tmp-*"))
    assert report.added == 4001  # the new store's features and episode
    assert reader.search(parse_request({"q": "invoice"})).total == 4000


def test_a_second_indexer_gets_a_clear_busy_error(tmp_path):
    write_store(tmp_path)
    rebuild_index(tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"handle = open({str(tmp_path / LOCK_NAME)!r}, 'a')\n"
            "fcntl.lockf(handle, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusyError, match="Another indexer is writing"):
            update_index(tmp_path, timeout=0.2)
        with pytest.raises(IndexBusyError):
            rebuild_index(tmp_path, timeout=0.2)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert update_index(tmp_path).added == 0  # free again once the other indexer is gone


def test_readers_in_threads_keep_answering_during_updates(tmp_path):
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path, cache_size=0)
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()

    def search_loop():
        while not stop.is_set():
            try:
                page = reader.search(parse_request({"q": "recurring"}))
                assert all("recurring" in (h.title + h.summary).lower() for h in page.hits)
                totals.append(page.total)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)
                return

    threads = [threading.Thread(target=search_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(6):
            extra = Feature(
                title=f"Recurring extra {n}",
                url="https://blog.example/episode-40",
                episode=40,
                ticket_id=str(2_100_000 + n),
                version="2.216",
                position=n,
            )
            store.merge([], [extra])
            update_index(tmp_path)
        rebuild_index(tmp_path)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[0]
    assert min(totals) >= 2
    assert reader.search(parse_request({"q": "recurring"})).total == 3  # episode 40 keeps its last


def test_a_searcher_opened_before_a_merging_commit_still_reads_its_documents(tmp_path):
    """A commit that merges segments deletes their files; a searcher opened before it must
    still read every stored record and field length (a thread may be mid-search)."""
    write_store(tmp_path)
    rebuild_index(tmp_path)
    ix = whoosh_index.open_dir(str(index_path(tmp_path).resolve()))
    searcher = ix.searcher()
    columns = {name for name in os.listdir(index_path(tmp_path)) if name.endswith(".col")}
    with ix.writer(codec=HalonotesCodec(), compound=False) as writer:
        writer.delete_by_term("kind", "episode")
        writer.optimize = True
    assert columns.isdisjoint(os.listdir(index_path(tmp_path)))
    try:
        records = [searcher.stored_fields(d)["record"] for d in searcher.reader().all_doc_ids()]
        assert any('"title"' in record for record in records)
        assert searcher.reader().doc_field_length(0, "title")
    finally:
        searcher.close()
        ix.close()


def test_a_pinned_reader_answers_from_its_snapshot_until_unpinned(tmp_path):
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path)
    reader.pin()
    store.merge([], [replace(FEATURES[6], title="Rapid ticket entry from the tray icon")])
    update_index(tmp_path)
    assert titles(reader, "tray") == []
    reader.unpin()
    assert titles(reader, "tray") == ["Rapid ticket entry from the tray icon"]


def test_a_reader_trusting_a_settled_folder_still_sees_the_next_commit(tmp_path, monkeypatch):
    """Readers skip listing an index folder whose contents have not changed for a while; a
    commit changes the folder, so it is seen at once however settled the folder was."""
    monkeypatch.setattr("index.generations.SETTLED_NS", 0)
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path)
    assert titles(reader, "tray") == []
    assert titles(reader, "tray") == []  # answered from the trusted searcher
    store.merge([], [replace(FEATURES[6], title="Rapid ticket entry from the tray icon")])
    update_index(tmp_path)
    assert titles(reader, "tray") == ["Rapid ticket entry from the tray icon"]
    rebuild_index(tmp_path)  # a new snapshot folder behind the link
    assert titles(reader, "tray") == ["Rapid ticket entry from the tray icon"]


FORK_WATCH = """
import os, sys
from index import build
import webapp.app  # what a web worker loads


def a_fork_ran_the_rebuild_hook():
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    return build._forking_pid[0] == os.getpid()


print(a_fork_ran_the_rebuild_hook())
build.rebuild_index(sys.argv[1], procs=2)
print(a_fork_ran_the_rebuild_hook())
"""


def test_only_a_multiprocess_rebuild_installs_its_fork_hook(tmp_path):
    write_store(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", FORK_WATCH, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # Importing the index (as a web worker does) leaves forks alone; a rebuild that forks
    # indexing processes installs the hook that stops them with it.
    assert result.stdout.split() == ["False", "True"]
