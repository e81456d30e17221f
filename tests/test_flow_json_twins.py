"""Each page and its ``.json`` twin render one data function: same count, same order."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest


def page_and_json(client, path: str, query: str = "") -> tuple[str, dict]:
    page = client.get(path + query)
    twin = client.get(path + ".json" + query) if path != "/" else client.get("/search.json" + query)
    assert page.status_code == twin.status_code == 200
    return page.get_data(as_text=True), json.loads(twin.data)


def card_titles(html: str) -> list[str]:
    found = re.findall(
        r'<h3 class="card-title">\s*(?:<a [^>]*>)?(.*?)(?:</a>)?\s*</h3>', html, re.S
    )
    return [unescape(title.strip()) for title in found]


def test_a_version_page_and_its_json_count_and_order_alike(seed_client):
    version = "2.212"  # its repeated tickets are listed once, as on the page
    html, data = page_and_json(seed_client, f"/version/{version}")
    count = int(re.search(r'class="result-count">(\d+) features?', html).group(1))
    assert data["total"] == count
    assert [f["title"] for f in data["features"]] == card_titles(html)


@pytest.mark.parametrize("number", [17, 18, 19, 21])
def test_an_episode_page_and_its_json_count_alike(seed_client, number):
    html, data = page_and_json(seed_client, f"/episode/{number}")
    count = int(re.search(r"Features in the order of the video \((\d+)\)", html).group(1))
    assert data["total"] == count == len(data["features"])


def test_a_ticket_page_and_its_json_count_its_records_alike(seed_client):
    html, data = page_and_json(seed_client, "/ticket/1085470")
    shown = len(re.findall(r"<li>\s*<a href=\"/episode/", html))
    assert data["total"] == shown == len(data["features"])
