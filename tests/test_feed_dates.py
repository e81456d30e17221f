"""Feed dates a reader can trust: the best date known for each entry, never 1970, never made up;
and an author on every Atom feed, as RFC 4287 requires."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime

import feedparser
import pytest
from archive import build_archive, discussed_feature
from seed_site import write_seed_archive
from site_data import write_archive

from crawler.records import Episode
from webapp.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_FEEDS = [
    "/feed.{fmt}",
    "/version/2.216/feed.{fmt}",
    "/episode/21/feed.{fmt}",
    "/episode/19/feed.{fmt}",
]


@pytest.fixture(scope="module")
def seed_client(seeds_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("seed-feeds")
    store = write_seed_archive(seeds_dir, data_dir)
    first = min(date.fromisoformat(e.date) for e in store.episodes() if e.date)
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client(), first


def feed_dates(client, url: str) -> list[date]:
    """Every date a feed carries: the feed's own and each entry's, in any format."""
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if url.endswith(".json"):
        document = json.loads(response.data)
        stamps = [
            item[name]
            for item in document["items"]
            for name in ("date_published", "date_modified")
            if name in item
        ]
        return [datetime.fromisoformat(stamp).date() for stamp in stamps]
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    # dict.get: feedparser's own get maps a missing updated date onto the published one.
    found = [dict.get(parsed.feed, "updated_parsed")]
    for entry in parsed.entries:
        found += [dict.get(entry, "published_parsed"), dict.get(entry, "updated_parsed")]
    return [date.fromtimestamp(time.mktime(t)) for t in found if t]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
@pytest.mark.parametrize("url", SEED_FEEDS)
def test_no_feed_holds_a_date_before_the_first_episode(seed_client, url, fmt):
    client, first_episode = seed_client
    dates = feed_dates(client, url.format(fmt=fmt))  # none at all for undated episodes
    assert min(dates, default=first_episode) >= first_episode, url
    if url == "/episode/19/feed.{fmt}":
        assert dates  # a dated episode


def test_an_undated_post_is_dated_the_day_a_crawl_first_stored_it(tmp_path):
    post = "https://blog.example/thoughts/by-the-run-book-episode-70"
    episode = Episode(episode=70, title="Episode 70", url=post, first_seen="2026-05-04T06:15:02Z")
    feature = discussed_feature(post, 70, 0, "Board colours", "2.240", "970001", "2:00")
    build_archive(tmp_path, [episode], [feature])
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    item = json.loads(client.get("/episode/70/feed.json").data)["items"][0]
    assert item["date_published"] == "2026-05-04T00:00:00+00:00"
    entry = feedparser.parse(client.get("/episode/70/feed.rss").data).entries[0]
    assert entry.published_parsed[:3] == (2026, 5, 4)


def test_an_entry_with_no_known_date_carries_none(tmp_path):
    post = "https://blog.example/thoughts/by-the-run-book-episode-71"
    episode = Episode(episode=71, title="Episode 71", url=post)
    feature = discussed_feature(post, 71, 0, "Board labels", "2.242", "970002", "3:00")
    build_archive(tmp_path, [episode], [feature])
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    item = json.loads(client.get("/episode/71/feed.json").data)["items"][0]
    assert "date_published" not in item
    rss = feedparser.parse(client.get("/episode/71/feed.rss").data)
    assert "published_parsed" not in rss.entries[0]
    atom = feedparser.parse(client.get("/episode/71/feed.atom").data)
    assert atom.entries[0].updated_parsed.tm_year >= 2026  # the index's last change


@pytest.mark.parametrize(
    "url",
    [
        "/feed.atom",
        "/feed.atom?q=invoice",
        "/version/2.216/feed.atom",
        "/episode/19/feed.atom",
        "/ticket/900101/feed.atom",
        "/upgrade/feed.atom?from=2.212&to=2.216",
    ],
)
def test_every_atom_feed_has_an_author(tmp_path_factory, url):
    data_dir = tmp_path_factory.mktemp("atom-author")
    write_archive(data_dir)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    name = root.find(f"{ATOM}author/{ATOM}name")
    assert name is not None and name.text
    assert root.findall(f"{ATOM}entry")
