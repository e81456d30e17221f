"""index/reader.py: the query API's own calls (the rest is tested module by module)."""

from __future__ import annotations

import pytest

from index import IndexReader
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


def test_last_run_reads_the_report_file(built_index, reader):
    assert reader.last_run() is None
    (built_index / "last_run.json").write_text('{"command": "import"}', encoding="utf-8")
    assert reader.last_run() == {"command": "import"}
