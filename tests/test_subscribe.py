"""Every page with a feed shows Subscribe links that work; tickets and upgrade paths have
feeds; the OPML list's folder has a type."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import feedparser
import pytest


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
