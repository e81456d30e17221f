"""A feature the post gives no timestamp is never claimed to start at 0:00."""

from __future__ import annotations

import re

import pytest
from archive import build_archive

from crawler.records import Episode, Feature
from webapp.app import create_app

POST = "https://blog.example/thoughts/by-the-run-book-episode-80"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("untimed")
    episode = Episode(
        episode=80,
        title="Episode 80",
        url=POST,
        date="2026-06-01",
        video_url="https://www.youtube.com/watch?v=episode80xx",
        versions=("2.250",),
    )
    untimed = Feature(
        title="Untimed queue rules", url=POST, episode=80, ticket_id="980001", version="2.250"
    )
    build_archive(data_dir, [episode], [untimed])
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.mark.parametrize(
    "url",
    [
        "/?q=queue",
        "/episode/80",
        "/version/2.250",
        "/ticket/980001",
        "/upgrade?from=2.248&to=2.250",
        "/upgrade.md?from=2.248&to=2.250",
    ],
)
def test_no_page_or_export_says_0_00_for_an_untimed_feature(client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Untimed queue rules" in body
    assert not re.search(r"\b(at|from) 0:00\b", body), url
    assert "t=0s" not in body and "#t=0" not in body


def test_cards_say_the_feature_is_not_timed(client):
    body = client.get("/episode/80").get_data(as_text=True)
    assert "not timed" in body
