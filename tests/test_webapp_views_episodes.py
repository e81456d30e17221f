"""An episode with thousands of features is served a page at a time, as HTML and as JSON, and
its feeds and its version's stop at a bounded number of entries."""

from __future__ import annotations

import json

import pytest
from html_page import parse, text

from crawler.records import Episode, Feature
from crawler.store import Store
from index.build import rebuild_index
from webapp.app import create_app
from webapp.feeds import FEED_MAX_ENTRIES
from webapp.views.episodes import EPISODE_PAGE_SIZE

URL = "https://blog.example/thoughts/by-the-run-book-episode-7"
FEATURES = 5 * EPISODE_PAGE_SIZE // 2  # two and a half pages


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("big-episode")
    features = [
        Feature(
            title=f"Setting number {n} for portals",
            url=URL,
            episode=7,
            ticket_id=str(6_000_000 + n),
            version="2.220",
            timestamp=f"{n // 60}:{n % 60:02d}",
            seconds=n,
            position=n,
        )
        for n in range(FEATURES)
    ]
    Store(data_dir).merge([Episode(episode=7, title="Episode 7", url=URL)], features)
    rebuild_index(data_dir)
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()


def test_episode_json_is_paged_with_links_to_the_neighbours(client):
    first = json.loads(client.get("/episode/7.json").get_data())
    assert (first["total"], first["page"], first["page_count"]) == (FEATURES, 1, 3)
    assert len(first["features"]) == EPISODE_PAGE_SIZE
    assert first["previous"] is None and first["next"].endswith("/episode/7.json?page=2")
    last = json.loads(client.get("/episode/7.json?page=3").get_data())
    assert len(last["features"]) == FEATURES - 2 * EPISODE_PAGE_SIZE
    assert last["next"] is None and last["previous"].endswith("/episode/7.json?page=2")
    assert last["features"][-1]["ticket_id"] == str(6_000_000 + FEATURES - 1)
    past = client.get("/episode/7.json?page=4")
    assert past.status_code == 404 and "fill 3 of 100" in past.get_data(as_text=True)
    assert client.get("/episode/7.json?page=abc").status_code == 400


def test_episode_page_shows_one_page_of_cards_and_the_pager(client):
    html = client.get("/episode/7").get_data(as_text=True)
    assert html.count('class="card"') == EPISODE_PAGE_SIZE
    assert f"({FEATURES})" in html and "Page 1 of 3" in html
    assert 'rel="next" href="/episode/7?page=2"' in html
    second = client.get("/episode/7?page=2").get_data(as_text=True)
    cards = second[second.index('<div class="cards">') :]  # the chapter notes name others
    assert "Setting number 100 for portals" in cards
    assert "Setting number 99 for portals" not in cards
    assert "There is no page 9" in client.get("/episode/7?page=9").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/episode/7/feed.json", "/version/2.220/feed.json"])
def test_episode_and_version_feeds_stop_at_their_bound(client, url):
    assert FEATURES > FEED_MAX_ENTRIES
    items = json.loads(client.get(url).get_data())["items"]
    assert len(items) == FEED_MAX_ENTRIES


def test_episode_page_lists_features_in_video_order_with_exports(site_client):
    html = text(site_client.get("/episode/19"))
    first, second = (
        html.index("Invoice PDF export"),
        html.index("Recurring invoice preview, revisited"),
    )
    assert second < first  # 20:00 comes before 1:02:10
    links = {a.get("href") for a in parse(html).links}
    assert {
        "/episode/19/shownotes.md",
        "/episode/19/chapters.txt",
        "/episode/19/chapters.json",
    } <= links
    assert "/episode/19/feed.atom" in links


def test_episode_list_shows_every_episode(site_client):
    html = text(site_client.get("/episodes"))
    assert "Episode 18: Halo v2.212 and v2.214" in html
    assert "Episode 19: Halo v2.216" in html
