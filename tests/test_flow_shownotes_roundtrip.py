"""The episode show notes (``/episode/N/shownotes.md``) import back to the same features."""

from __future__ import annotations

import pytest
from roundtrip import halonotes_import, stored_features

from crawler.sample_site import sample_site_dir
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


def test_a_feature_under_two_ids_and_one_without_an_id_import_back(tmp_path):
    """Episode 55 of the sample site lists a feature under two ticket IDs (one line in the
    show notes, ``#ID1, #ID2``) and one whose title line names no ticket."""
    data_dir = tmp_path / "data"
    halonotes_import(sample_site_dir() / "thoughts" / "by-the-run-book-episode-55.html", data_dir)
    rebuild_index(data_dir)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    notes = client.get("/episode/55/shownotes.md").get_data(as_text=True)
    assert notes.count("Purchase orders can be split between two suppliers") == 1
    assert "| v2.224 #1190219, #1190220 | 1:14:05" in notes
    saved = tmp_path / "episode-55-shownotes.md"
    saved.write_text(notes, encoding="utf-8")

    halonotes_import(saved, tmp_path / "again")

    original = stored_features(data_dir, 55)
    assert {"1190219", "1190220", None} <= set(original)
    assert stored_features(tmp_path / "again", 55) == original
