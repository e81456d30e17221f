"""index/generations.py: which index generation a reader reads, and warming a new one."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import replace

import pytest

from index import IndexMissingError, IndexReader, parse_request
from index.build import rebuild_index, update_index
from index.generations import WARMING_GIL_TURNS
from index.ranking import term_scores
from index.warming import carry_over
from tests.index_data import FEATURES, write_store


def test_generation_and_last_modified(reader):
    assert reader.generation > 0
    assert reader.last_modified.tzinfo is not None


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(IndexMissingError, match=r"Run: halonotes index"):
        IndexReader(tmp_path)


def commit_and_wait(reader, store, data_dir) -> None:
    """Commit one changed feature to the index and wait until ``reader`` has moved to the new
    generation (a server's reader moves once the generation is warm)."""
    before = reader.generation
    store.merge([], [replace(FEATURES[6], title="Kanban board for projects")])
    update_index(data_dir)
    deadline = time.monotonic() + 20
    while reader.generation == before:
        assert time.monotonic() < deadline, "the reader never moved to the new generation"
        time.sleep(0.05)


def test_a_new_generation_is_warmed_with_the_words_searched_on_the_one_before(
    tmp_path, monkeypatch
):
    """A server's reader moves to a new generation once another thread has warmed it: the
    words searched before then find their scores ready, so no search after a commit pays
    for them (a common word's at 100,000 features: about a second)."""
    scored = []

    def counted_term_scores(searcher, text):
        scored.append((threading.current_thread().name, text))
        return term_scores(searcher, text)

    monkeypatch.setattr("index.ranking.term_scores", counted_term_scores)
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path, warm_in_background=True, cache_size=0)
    queries = [{"q": "meter"}, {"q": "credit notes"}, {"q": "banner", "area": "portal"}]
    for params in queries:
        assert reader.search(parse_request(params)).total
    assert scored
    commit_and_wait(reader, store, tmp_path)
    scored.clear()
    for params in queries:
        assert reader.search(parse_request(params)).total
    assert scored == []


def test_threads_take_short_turns_at_the_gil_while_a_generation_is_warmed(tmp_path, monkeypatch):
    """A request beside the warming thread waits for the GIL after each read of an index file;
    at Python's usual 5 ms a turn, a 40 ms search took up to a second. While a generation is
    warmed the turns are short, and the usual length comes back after."""
    usual = sys.getswitchinterval()
    during = []

    def noted_carry_over(searcher, previous, tables):
        during.append(sys.getswitchinterval())
        carry_over(searcher, previous, tables)

    monkeypatch.setattr("index.reader.carry_over", noted_carry_over)
    store = write_store(tmp_path)
    rebuild_index(tmp_path)
    reader = IndexReader(tmp_path, warm_in_background=True, cache_size=0)
    assert reader.search(parse_request({"q": "meter"})).total
    commit_and_wait(reader, store, tmp_path)
    assert during and during[0] <= WARMING_GIL_TURNS.seconds < usual
    assert sys.getswitchinterval() == usual
