"""What a result card says: the summary (not the title again), one paragraph of a ticket
listed twice, bullets read as sentences; and pages that show no server paths, one Sort, and
one date format on the status page."""

from __future__ import annotations

import json
import re

import pytest
from archive import build_archive, discussed_feature

from crawler.records import Episode
from webapp.app import create_app

POST = "https://blog.example/thoughts/by-the-run-book-episode-85"
FIRST = "Dispatchers can pin a ticket to the top of any queue."
SECOND = "Pinned tickets stay at the top of a queue for everyone."


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cards")
    episodes = [
        Episode(episode=85, title="Episode 85", url=POST, date="2026-06-10", versions=("2.270",)),
        Episode(
            episode=86,
            title="Episode 86",
            url="file:///srv/private/imports/episode-86.html",
            date="2026-06-24",
        ),
        Episode(
            episode=87,
            title="Episode 87",
            url="http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87",
            date="2026-07-08",
        ),
    ]
    features = [
        discussed_feature(
            POST,
            85,
            0,
            "Pinned tickets in queues",
            "2.270",
            "985001",
            "4:00",
            summary=f"{FIRST}\n\n{SECOND}",
        ),
        discussed_feature(
            POST,
            85,
            1,
            "Queue colour rules",
            "2.270",
            "985002",
            "9:00",
            bullets=("Colours follow the priority", "Rules apply per queue"),
        ),
        discussed_feature(
            "file:///srv/private/imports/episode-86.html",
            86,
            0,
            "Imported thing",
            "2.270",
            "985003",
            "1:00",
        ),
        discussed_feature(
            "http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87",
            87,
            0,
            "Sampled thing",
            "2.270",
            "985004",
            "2:00",
        ),
    ]
    build_archive(data_dir, episodes, features)
    (data_dir / "last_run.json").write_text(
        json.dumps(
            {
                "command": "import",
                "started_at": "2026-07-08T06:15:02+00:00",
                "finished_at": "2026-07-08T06:15:09+00:00",
                "pages": [
                    {"url": "file:///srv/private/imports/episode-86.html", "outcome": "ok"},
                    {"url": "http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87"},
                ],
                "totals": {},
            }
        ),
        encoding="utf-8",
    )
    return data_dir


@pytest.fixture(scope="module")
def client(data_dir):
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


def card(html: str, title: str) -> str:
    start = html.index(title)
    return html[start : html.index("</article>", start)]


def test_a_title_match_shows_the_summary_not_the_title_again(client):
    html = client.get("/?q=pinned").get_data(as_text=True)
    text = card(html, "Pinned tickets in queues")
    shown = re.sub(r"</?mark>", "", re.search(r'<p class="card-text">(.*?)</p>', text).group(1))
    assert shown in (FIRST, SECOND)


def test_a_ticket_listed_twice_shows_one_summary_on_its_card(client):
    text = card(client.get("/episode/85").get_data(as_text=True), "Pinned tickets in queues")
    assert FIRST in text and SECOND not in text


def test_bullets_on_a_card_read_as_sentences(client):
    html = client.get("/?q=priority").get_data(as_text=True)
    text = re.sub(r"</?mark>", "", card(html, "Queue colour rules"))
    assert "Colours follow the priority. Rules apply per queue." in text


@pytest.mark.parametrize("page", ["/episode/86", "/episode/87", "/status"])
def test_public_pages_show_no_server_paths_or_local_urls(client, page):
    html = client.get(page).get_data(as_text=True)
    assert "/srv/private" not in html and "127.0.0.1" not in html


def test_the_status_page_names_local_pages_by_file_and_path(client):
    html = client.get("/status").get_data(as_text=True)
    assert '<td class="card-text">episode-86.html</td>' in html
    assert '<td class="card-text">/thoughts/by-the-run-book-episode-87</td>' in html


def test_the_status_page_writes_every_time_one_way(client):
    html = client.get("/status").get_data(as_text=True)
    assert "2026-07-08 06:15 UTC" in html
    assert "T06:15" not in html and "+00:00" not in html
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>", html)  # the index's time


def test_the_search_page_offers_sort_once(client):
    html = client.get("/?q=queue").get_data(as_text=True)
    assert html.count("Sort:") == 1 and '<select name="sort">' not in html
