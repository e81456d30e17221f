"""The episode show notes (``/episode/N/shownotes.md``) import back to the same features."""

from __future__ import annotations

import pytest
from roundtrip import halonotes_import, stored_features

from index.build import rebuild_index
from webapp.app import create_app

SEED = "001_9e286cf3ee453553.txt"  # episodes 19, 18 and 17, with title lines intact


@pytest.fixture(scope="module")
def seeded(seeds_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("seeded")
    halonotes_import(seeds_dir / SEED, data_dir)
    rebuild_index(data_dir)
    return data_dir, create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.mark.parametrize(("episode", "count"), [(19, 44), (18, 29), (17, 48)])
def test_episode_shownotes_import_back_to_the_same_features(seeded, tmp_path, episode, count):
    data_dir, client = seeded
    response = client.get(f"/episode/{episode}/shownotes.md")
    assert response.status_code == 200
    saved = tmp_path / f"episode-{episode}-shownotes.md"
    saved.write_bytes(response.data)

    output = halonotes_import(saved, tmp_path / "again")

    assert f"episode {episode}: {count} features, {count} ticket IDs" in output
    original = stored_features(data_dir, episode)
    assert len(original) == count
    assert stored_features(tmp_path / "again", episode) == original


def test_highlighted_features_keep_their_headline_and_mark(seeded, tmp_path):
    data_dir, client = seeded
    saved = tmp_path / "episode-17.md"
    saved.write_bytes(client.get("/episode/17/shownotes.md").data)
    halonotes_import(saved, tmp_path / "again")
    again = stored_features(tmp_path / "again", 17)
    highlighted = {k: v for k, v in again.items() if v["highlighted"]}
    assert len(highlighted) == 4
    assert all(v["aliases"] for v in highlighted.values())
