"""index/related.py: the features most like a feature, on a small real index."""

from __future__ import annotations

import pytest

from index import IndexReader, parse_request
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


def search(reader, q="", **params):
    return reader.search(parse_request({"q": q, **params}))


def test_related_excludes_the_feature_itself(reader):
    hit = search(reader, "2000001").hits[0]
    related = reader.related(hit, limit=3)
    assert related and all(r.ticket_id != "2000001" for r in related)
    assert related[0].ticket_id == "2000005"  # the other recurring billing feature
