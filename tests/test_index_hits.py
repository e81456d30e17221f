"""index/hits.py: documents as Hits, on a small real index."""

from __future__ import annotations

import json

from tests.index_data import search


def test_hits_carry_episode_details_and_video_moment(reader):
    hit = search(reader, "2000001").hits[0]
    assert hit.episode_title == "Episode 30"
    assert hit.episode_date == "2025-03-01"
    assert hit.video_at == "https://www.youtube.com/watch?v=ep30video&t=725s"
    assert search(reader, "2000004").hits[0].video_at == "https://youtu.be/ep31video?t=2981s"
    assert search(reader, "2000005").hits[0].video_at == "https://video.example/ep32.mp4#t=300"
    assert json.dumps(hit.to_dict())  # JSON-ready
