"""index/generations.py: which index generation a reader reads, and warming a new one."""

from __future__ import annotations

import pytest

from index import IndexMissingError, IndexReader
from index.build import rebuild_index
from tests.index_data import write_store


@pytest.fixture(scope="module")
def built_index(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    write_store(data_dir)
    rebuild_index(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def reader(built_index):
    return IndexReader(built_index)


def test_generation_and_last_modified(reader):
    assert reader.generation > 0
    assert reader.last_modified.tzinfo is not None


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(IndexMissingError, match=r"Run: halonotes index"):
        IndexReader(tmp_path)
