"""The JSON Lines store merges by key, writes atomically and never loses data."""

import os
import signal
import subprocess
import sys

import pytest

from crawler.errors import StoreError
from crawler.records import Episode, Feature
from crawler.store import Store

URL = "https://blog.test/thoughts/by-the-run-book-episode-{}"


def episode(number: int, **overrides) -> Episode:
    return Episode(
        episode=number,
        title=f"By the [run]Book: Episode {number}",
        url=URL.format(number),
        **overrides,
    )


def feature(number: int, ticket: str | None, position: int, **overrides) -> Feature:
    return Feature(
        title=overrides.pop("title", f"Feature {ticket or position}"),
        url=URL.format(number),
        episode=number,
        ticket_id=ticket,
        version="2.216",
        timestamp=f"{position + 1}:00",
        position=position,
        **overrides,
    )


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def test_merge_adds_then_reports_unchanged(store):
    first = store.merge([episode(1)], [feature(1, "1000001", 0), feature(1, "1000002", 1)])
    second = store.merge([episode(1)], [feature(1, "1000001", 0), feature(1, "1000002", 1)])
    assert (first.added, first.unchanged) == (2, 0)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 2)
    assert [f.ticket_id for f in store.features()] == ["1000001", "1000002"]


def test_merging_the_same_records_twice_leaves_the_files_byte_identical(store):
    records = ([episode(2), episode(1)], [feature(2, "2000001", 0), feature(1, "1000001", 0)])
    store.merge(*records)
    before = store.features_path.read_bytes(), store.episodes_path.read_bytes()
    store.merge(*records)
    assert (store.features_path.read_bytes(), store.episodes_path.read_bytes()) == before


def test_store_lines_have_sorted_keys_and_a_stable_order(store):
    store.merge([episode(2), episode(1)], [feature(2, "2000001", 0), feature(1, "1000001", 0)])
    lines = store.features_path.read_text().splitlines()
    assert '"episode": 1' in lines[0] and '"episode": 2' in lines[1]
    assert lines[0].index('"aliases"') < lines[0].index('"title"')


def test_a_changed_post_updates_and_removes_only_its_own_features(store):
    store.merge(
        [episode(1), episode(2)], [feature(1, "1", 0), feature(1, "2", 1), feature(2, "3", 0)]
    )
    report = store.merge([episode(1)], [feature(1, "1", 0, summary="Reworded")])
    assert (report.updated, report.removed) == (1, 1)
    assert sorted(f.ticket_id for f in store.features()) == ["1", "3"]


def test_an_episode_that_yields_no_features_keeps_the_ones_it_had(store):
    store.merge([episode(1)], [feature(1, "1", 0)])
    store.merge([episode(1, status="ok")], [])
    assert [f.ticket_id for f in store.features()] == ["1"]


def test_set_episode_status_marks_the_episode_and_keeps_its_features(store):
    store.merge([episode(1)], [feature(1, "1", 0)])
    assert store.set_episode_status(URL.format(1), "gone")
    assert store.episodes()[0].status == "gone"
    assert len(store.features()) == 1


def test_a_corrupt_line_is_reported_with_its_place(store):
    store.merge([episode(1)], [feature(1, "1", 0)])
    with store.features_path.open("a") as handle:
        handle.write("{not json\n")
    with pytest.raises(StoreError, match=r"features\.jsonl:2: not valid JSON"):
        store.features()


def test_an_unusable_data_path_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match=r"Cannot write to .*data.*pass --data DIR"):
        Store(blocker).merge([episode(1)], [feature(1, "1", 0)])
    assert blocker.read_text() == "not a folder"


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(store, monkeypatch):
    store.merge([episode(1)], [feature(1, "1", 0)])
    before = store.features_path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StoreError, match="No space left on device"):
        store.merge([episode(1)], [feature(1, "1", 0, summary="changed")])
    assert store.features_path.read_bytes() == before
    assert sorted(p.name for p in store.data_dir.iterdir()) == [
        ".store.lock",
        "episodes.jsonl",
        "features.jsonl",
    ]


def test_release_notes_are_replaced_per_version(store):
    notes = [Feature(title="A", url="notes.txt", episode=None, ticket_id="5", version="2.216")]
    store.replace_release_notes("2.216", notes)
    store.replace_release_notes(
        "2.214", [Feature(title="B", url="n", episode=None, ticket_id="6", version="2.214")]
    )
    store.replace_release_notes("2.216", [])
    assert [f.ticket_id for f in store.release_notes()] == ["6"]


def test_store_files_are_readable_by_other_users(store):
    store.merge([episode(1)], [feature(1, "1", 0)])
    umask = os.umask(0)
    os.umask(umask)
    assert store.features_path.stat().st_mode & 0o777 == 0o666 & ~umask


KILL_DURING_COMMIT = """
import os, signal, sys
from crawler.records import Episode, Feature
from crawler import store as store_module

calls = []
real_replace = os.replace

def replace_then_die(src, dst):
    calls.append(dst)
    if len(calls) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

store_module.os.replace = replace_then_die
url = "https://blog.test/thoughts/by-the-run-book-episode-1"
store_module.Store(sys.argv[1]).merge(
    [Episode(episode=1, title="Renamed episode", url=url)],
    [Feature(title="Rewritten", url=url, episode=1, ticket_id="9", version="2.216")],
)
"""


@pytest.mark.parametrize(
    ("killed_at_rename", "expected"),
    [(1, "old"), (2, "new"), (3, "new")],
    ids=["before-journal", "after-journal", "between-the-two-files"],
)
def test_a_merge_killed_mid_commit_leaves_the_old_pair_or_the_new_pair(
    store, killed_at_rename, expected
):
    store.merge([episode(1)], [feature(1, "1", 0)])
    old = store.episodes_path.read_bytes(), store.features_path.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", KILL_DURING_COMMIT, str(store.data_dir), str(killed_at_rename)],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == -signal.SIGKILL

    episodes, features = store.episodes(), store.features()
    if expected == "old":
        assert (store.episodes_path.read_bytes(), store.features_path.read_bytes()) == old
    else:
        assert [e.title for e in episodes] == ["Renamed episode"]
        assert [f.title for f in features] == ["Rewritten"]
    store.merge([episode(1)], [feature(1, "1", 0)])
    assert sorted(p.name for p in store.data_dir.iterdir()) == [
        ".store.lock",
        "episodes.jsonl",
        "features.jsonl",
    ]


def test_a_failed_write_names_the_file_it_could_not_write(store, monkeypatch):
    store.merge([episode(1)], [feature(1, "1", 0)])
    real_fsync = os.fsync
    writes = []

    def second_write_fails(fd):
        writes.append(fd)
        if len(writes) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_write_fails)
    with pytest.raises(StoreError, match=r"Cannot write .*episodes\.jsonl: No space left"):
        store.merge([episode(1, date="2026-01-02")], [feature(1, "1", 0, summary="changed")])
