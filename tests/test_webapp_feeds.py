"""RSS, Atom, JSON Feed and OPML through Flask's test client, parsed with feedparser; feed dates a
reader can trust (the best date known for each entry, never 1970, never made up) and an author on
every Atom feed, as RFC 4287 requires; Subscribe links that work on every page with a feed."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from archive import build_archive, discussed_feature
from feed_archive import HOSTILE_TITLE, VIDEO30, edit_summary, write_archive

from crawler.records import Episode
from crawler.store import Store
from webapp.app import create_app

FEED_URLS = [
    "/feed.{fmt}",
    "/feed.{fmt}?q=invoice",
    "/feed.{fmt}?version=2.220&sort=version",
    "/version/2.222/feed.{fmt}",
    "/episode/30/feed.{fmt}",
]
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def fetch_feed(client, url: str):
    """Fetch an RSS or Atom feed and parse it with feedparser, which must find no error."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


def rfc3339(value: str) -> datetime:
    """Read an RFC 3339 date-time, which must carry a time zone."""
    moment = datetime.fromisoformat(value)
    assert moment.tzinfo is not None
    return moment


def read_json_feed(data: bytes) -> list[SimpleNamespace]:
    """Check a JSON Feed 1.1 document against the spec's rules (feedparser 6 reads no JSON Feed)
    and return its items shaped like feedparser's entries."""
    document = json.loads(data)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    assert isinstance(document["items"], list)
    entries = []
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html", item.get("content_text")), str)
        entries.append(
            SimpleNamespace(
                id=item["id"],
                title=item["title"],
                link=item["url"],
                content=[SimpleNamespace(value=item["content_html"])],
                published_parsed=rfc3339(item["date_published"]).timetuple(),
                updated=rfc3339(item["date_modified"]).isoformat(),
            )
        )
    return entries


def read_feed(client, url: str):
    """The response and the entries of a feed in any of the three formats."""
    if ".json" in url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        return response, read_json_feed(response.data)
    response, parsed = fetch_feed(client, url)
    return response, parsed.entries


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
@pytest.mark.parametrize("url", FEED_URLS)
def test_every_feed_parses_without_errors(feed_client, url, fmt):
    response, entries = read_feed(feed_client, url.format(fmt=fmt))
    assert response.headers["Content-Type"] == CONTENT_TYPES[fmt]
    assert entries
    assert all(entry.id.startswith("http://localhost/") for entry in entries)


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_entries_carry_summary_bullets_and_the_video_moment(feed_client, fmt):
    _, entries = read_feed(feed_client, f"/episode/30/feed.{fmt}")
    kanban = next(e for e in entries if "Kanban" in e.title)
    assert kanban.title == "Kanban board for project tasks (v2.220 #910001)"
    assert kanban.link == "http://localhost/ticket/910001"
    assert kanban.id == "http://localhost/ticket/910001#2.220:910001:2:05"
    body = kanban.content[0].value
    assert "Project tasks can be dragged between columns on a board." in body
    assert "<li>Columns follow the task statuses</li>" in body
    assert f'href="{VIDEO30}&amp;t=125s"' in body or "t=125" in body
    assert kanban.published_parsed[:3] == (2026, 3, 1)


def test_episode_feed_keeps_the_order_of_the_video(feed_client):
    _, parsed = fetch_feed(feed_client, "/episode/30/feed.atom")
    tickets = [entry.id.split("#")[0].rsplit("/", 1)[1] for entry in parsed.entries]
    assert tickets == ["910001", "910002", "910003", "910004", "910005"]


def test_newest_feed_starts_with_the_newest_episode(feed_client):
    _, parsed = fetch_feed(feed_client, "/feed.atom")
    assert parsed.entries[0].id.startswith("http://localhost/ticket/910006#")


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_hostile_title_is_text_in_every_feed(feed_client, fmt):
    response, entries = read_feed(feed_client, f"/episode/30/feed.{fmt}")
    raw = response.get_data(as_text=True)
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    hostile = next(e for e in entries if "910002" in e.id)
    assert hostile.title == f"{HOSTILE_TITLE} (v2.220 #910002)"
    body = hostile.content[0].value
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt; claims" in body


def test_json_feed_follows_version_1_1(feed_client):
    document = json.loads(feed_client.get("/version/2.220/feed.json").data)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == "http://localhost/version/2.220/feed.json"
    assert document["home_page_url"] == "http://localhost/version/2.220"
    item = next(i for i in document["items"] if i["url"].endswith("/910001"))
    assert item["external_url"].startswith(VIDEO30)
    assert item["date_published"] == "2026-03-01T00:00:00+00:00"
    assert item["date_modified"].startswith("2026-03-01T")


def test_entry_ids_stay_and_only_an_edited_entry_is_updated(tmp_path):
    write_archive(tmp_path)
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    before = {e.id: e.updated for e in fetch_feed(client, "/episode/30/feed.atom")[1].entries}

    write_archive(tmp_path)  # a re-crawl that changes nothing
    again = {e.id: e.updated for e in fetch_feed(client, "/episode/30/feed.atom")[1].entries}
    assert again == before

    edit_summary(tmp_path, "910003", "Invoice totals can be rounded up or down per currency.")
    after = {e.id: e.updated for e in fetch_feed(client, "/episode/30/feed.atom")[1].entries}
    assert set(after) == set(before)
    changed = [entry_id for entry_id in before if before[entry_id] != after[entry_id]]
    assert changed == ["http://localhost/ticket/910003#2.220:910003:4:15"]


@pytest.mark.parametrize("url", ["/feed.rss?q=invoice", "/episode/30/feed.json", "/feeds.opml"])
def test_conditional_requests_get_304(feed_client, url):
    first = feed_client.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    by_tag = feed_client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert by_tag.status_code == 304
    assert by_tag.data == b""
    by_date = feed_client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304


def test_another_query_gets_another_etag(feed_client):
    one = feed_client.get("/feed.rss?q=invoice").headers["ETag"]
    other = feed_client.get("/feed.rss?q=email").headers["ETag"]
    assert one != other
    stale = feed_client.get("/feed.rss?q=email", headers={"If-None-Match": one})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/feed.rss?version=not-a-version", "/feed.atom?page=-3", "/feed.json?sort=sideways"],
)
def test_bad_parameters_get_a_plain_400(feed_client, url):
    response = feed_client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "Traceback" not in response.text and response.text.strip()


@pytest.mark.parametrize(
    "url", ["/version/9.999/feed.rss", "/version/nope/feed.atom", "/episode/99/feed.json"]
)
def test_unknown_version_or_episode_gets_a_plain_404(feed_client, url):
    response = feed_client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"


def test_unknown_feed_format_is_not_found(feed_client):
    assert feed_client.get("/feed.xml").status_code == 404


def test_feeds_without_an_index_answer_503(tmp_path):
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    response = client.get("/feed.rss")
    assert response.status_code == 503
    assert "halonotes index" in response.text


def test_opml_lists_a_working_feed_per_area(feed_client):
    response = feed_client.get("/feeds.opml")
    assert response.status_code == 200
    assert response.mimetype == "text/x-opml"
    root = ET.fromstring(response.data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    areas = root.find("body/outline[@text='Areas']")
    outlines = areas.findall("outline")
    names = {o.get("text") for o in outlines}
    assert {"billing", "email"} <= names
    billing = next(o for o in outlines if o.get("text") == "billing")
    assert billing.get("type") == "rss"
    feed_url = urlsplit(billing.get("xmlUrl"))
    assert feed_url.path == "/feed.rss" and parse_qs(feed_url.query) == {"area": ["billing"]}
    _, parsed = fetch_feed(feed_client, f"{feed_url.path}?{feed_url.query}")
    assert any("Invoice rounding" in e.title for e in parsed.entries)


ATOM = "{http://www.w3.org/2005/Atom}"


SEED_FEEDS = [
    "/feed.{fmt}",
    "/version/2.216/feed.{fmt}",
    "/episode/21/feed.{fmt}",
    "/episode/19/feed.{fmt}",
]


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
def test_no_feed_holds_a_date_before_the_first_episode(seed_client, seed_data_dir, url, fmt):
    episodes = Store(seed_data_dir).episodes()
    first_episode = min(date.fromisoformat(e.date) for e in episodes if e.date)
    dates = feed_dates(seed_client, url.format(fmt=fmt))  # none at all for undated episodes
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
def test_every_atom_feed_has_an_author(site_client, url):
    response = site_client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    name = root.find(f"{ATOM}author/{ATOM}name")
    assert name is not None and name.text
    assert root.findall(f"{ATOM}entry")


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/?q=invoice&area=billing",
        "/version/2.212",
        "/episode/18",
        "/ticket/900101",
        "/upgrade?from=2.212&to=2.216",
    ],
)
def test_every_page_with_a_feed_shows_subscribe_links_that_work(site_client, page):
    html = site_client.get(page).get_data(as_text=True)
    block = re.search(r'<p class="subscribe">(.*?)</p>', html, re.S)
    assert block, page
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', block.group(1))]
    assert len(links) == 3
    for link in links:
        response = site_client.get(link)
        assert response.status_code == 200, link
        if not link.split("?")[0].endswith(".json"):
            assert not feedparser.parse(response.data).bozo, link
        assert '<link rel="alternate"' in html and f'href="{link}"'.replace("&", "&amp;") in html


def test_a_ticket_feed_lists_every_episode_that_discussed_it(site_client):
    parsed = feedparser.parse(site_client.get("/ticket/900101/feed.atom").data)
    assert len(parsed.entries) == 2  # episodes 18 and 19
    assert site_client.get("/ticket/999999/feed.atom").status_code == 404
    assert site_client.get("/ticket/abc/feed.rss").status_code == 404


def test_the_opml_folder_of_areas_has_a_type(site_client):
    root = ET.fromstring(site_client.get("/feeds.opml").data)
    folder = next(o for o in root.iter("outline") if o.get("text") == "Areas")
    assert folder.get("type")
