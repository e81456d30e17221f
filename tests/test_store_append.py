"""Merging a newer episode appends its lines: the cost follows the episode, not the store, and
a merge killed halfway still leaves the old store or the new one, never a mix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from crawler.records import Episode, Feature
from crawler.store import Store

URL = "https://blog.test/thoughts/by-the-run-book-episode-{}"


def episode(number: int) -> Episode:
    return Episode(episode=number, title=f"Episode {number}", url=URL.format(number))


def features(number: int, count: int = 3) -> list[Feature]:
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
def store(tmp_path) -> Store:
    store = Store(tmp_path)
    store.merge([episode(n) for n in (1, 2)], features(1) + features(2))
    return store


def test_a_newer_episode_is_appended_leaving_the_stored_lines_as_they_were(store):
    before = {
        p: (p.read_bytes(), p.stat().st_ino) for p in (store.features_path, store.episodes_path)
    }
    report = store.merge([episode(3)], features(3, 5))
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
    store.merge([episode(2)], features(2, 1))  # an older episode changed: a rewrite, in order
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
        store.merge([episode(n) for n in (1, 2)], features(1) + features(2))
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
        store.merge([episode(4)], features(4))  # the next writer clears what the killed one left
        names = sorted(os.listdir(store.data_dir))
        assert names == [".store.lock", "episodes.jsonl", "features.jsonl"], killed_at
        after = [1, 2, 3, 4] if expected == "new" else [1, 2, 4]
        assert [e.episode for e in store.episodes()] == after, killed_at
