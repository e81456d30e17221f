"""index/hits.py: documents as Hits, on a small real index."""

from __future__ import annotations

import json

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


def test_hits_carry_episode_details_and_video_moment(reader):
    hit = search(reader, "2000001").hits[0]
    assert hit.episode_title == "Episode 30"
    assert hit.episode_date == "2025-03-01"
    assert hit.video_at == "https://www.youtube.com/watch?v=ep30video&t=725s"
    assert search(reader, "2000004").hits[0].video_at == "https://youtu.be/ep31video?t=2981s"
    assert search(reader, "2000005").hits[0].video_at == "https://video.example/ep32.mp4#t=300"
    assert json.dumps(hit.to_dict())  # JSON-ready
