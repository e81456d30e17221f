"""The JSON Lines store merges by key, writes atomically and never loses data.

Merging a newer episode appends its lines: the cost follows the episode, not the store, and
a merge killed halfway still leaves the old store or the new one, never a mix."""

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


def episode_features(number: int, count: int = 3) -> list[Feature]:
    return [
        Feature(
            title=f"Feature {position} of episode {number}",
            url=URL.format(number),
            episode=number,
            ticket_id=str(number * 1000 + position),
            version="2.216",
            position=position,
        )
        for position in range(count)
    ]


@pytest.fixture
def two_episodes(tmp_path) -> Store:
    store = Store(tmp_path)
    store.merge([episode(n) for n in (1, 2)], episode_features(1) + episode_features(2))
    return store


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


def test_a_newer_episode_is_appended_leaving_the_stored_lines_as_they_were(two_episodes):
    store = two_episodes
    before = {
        p: (p.read_bytes(), p.stat().st_ino) for p in (store.features_path, store.episodes_path)
    }
    report = store.merge([episode(3)], episode_features(3, 5))
    assert (report.added, report.updated, report.removed) == (5, 0, 0)
    for path, (old_bytes, inode) in before.items():
        assert path.stat().st_ino == inode  # the same file, not a rewritten copy
        assert path.read_bytes().startswith(old_bytes)
    assert [e.episode for e in store.episodes()] == [1, 2, 3]
    assert [f.ticket_id for f in store.features()][-5:] == [str(3000 + p) for p in range(5)]
    assert sorted(p.name for p in store.data_dir.iterdir()) == [
        ".store.lock",
        "episodes.jsonl",
        "features.jsonl",
    ]
    store.merge(
        [episode(2)], episode_features(2, 1)
    )  # an older episode changed: a rewrite, in order
    assert [f.episode for f in store.features()] == [1, 1, 1, 2, 3, 3, 3, 3, 3]


KILL_DURING_APPEND = """
import os, signal, sys
from crawler import store as store_module
from crawler.records import Episode, Feature

calls = []
real_fsync = os.fsync

def fsync_then_die(fd):
    calls.append(fd)
    real_fsync(fd)
    if len(calls) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)

store_module.os.fsync = fsync_then_die
url = "https://blog.test/thoughts/by-the-run-book-episode-3"
store_module.Store(sys.argv[1]).merge(
    [Episode(episode=3, title="Episode 3", url=url)],
    [Feature(title=f"New {n}", url=url, episode=3, ticket_id=str(3000 + n), position=n)
     for n in range(4)],
)
"""


# fsync calls of an append: the size record's temp file, the folder, each file, the folder.
KILL_POINTS = {1: "old", 2: "old", 3: "old", 4: "old", 5: "new"}


def test_an_append_killed_at_any_point_leaves_the_old_store_or_the_new(tmp_path):
    for killed_at, expected in KILL_POINTS.items():
        store = Store(tmp_path / str(killed_at))
        store.merge([episode(n) for n in (1, 2)], episode_features(1) + episode_features(2))
        old = store.episodes_path.read_bytes(), store.features_path.read_bytes()
        inode = store.features_path.stat().st_ino
        result = subprocess.run(
            [sys.executable, "-c", KILL_DURING_APPEND, str(store.data_dir), str(killed_at)],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == -signal.SIGKILL, result.stderr
        episodes, stored = store.episodes(), store.features()  # a reader finishes or undoes it
        assert store.features_path.stat().st_ino == inode, killed_at  # appended, not rewritten
        if expected == "old":
            assert (store.episodes_path.read_bytes(), store.features_path.read_bytes()) == old
        else:
            assert [e.episode for e in episodes] == [1, 2, 3]
            assert [f.title for f in stored][-4:] == [f"New {n}" for n in range(4)]
        store.merge(
            [episode(4)], episode_features(4)
        )  # the next writer clears what the killed one left
        names = sorted(os.listdir(store.data_dir))
        assert names == [".store.lock", "episodes.jsonl", "features.jsonl"], killed_at
        after = [1, 2, 3, 4] if expected == "new" else [1, 2, 4]
        assert [e.episode for e in store.episodes()] == after, killed_at
