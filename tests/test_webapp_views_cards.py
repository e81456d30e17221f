"""Result cards: they keep their per-feature parts between searches and never show stale ones;
they show the summary (not the title again), one paragraph of a ticket listed twice, and bullets
read as sentences."""

from __future__ import annotations

import re
from dataclasses import replace

from card_archive import FIRST, SECOND

from crawler.records import Episode
from index.build import update_index
from tests.archive import build_archive, discussed_feature
from webapp.app import create_app

URL = "https://blog.example/thoughts/by-the-run-book-episode-7"
EPISODE = Episode(episode=7, title="Episode 7", url=URL)
FEATURE = discussed_feature(
    URL,
    7,
    0,
    "Timesheet reminders by email",
    "2.220",
    "4200001",
    "8:15",
    summary="Agents get a reminder when a timesheet is incomplete. Managers can change the hour.",
)


def test_a_card_keeps_its_heading_but_shows_each_searchs_snippet(tmp_path):
    build_archive(tmp_path, [EPISODE], [FEATURE])
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    first = client.get("/?q=reminder").get_data(as_text=True)
    second = client.get("/?q=managers").get_data(as_text=True)
    for html in (first, second):
        assert '<a href="/ticket/4200001">Timesheet reminders by email</a>' in html
        assert '<a href="/version/2.220">v2.220</a>' in html
    assert "<mark>reminder</mark>" in first and "<mark>reminder</mark>" not in second
    assert "<mark>Managers</mark>" in second


def test_a_changed_feature_gets_a_new_card_after_the_index_update(tmp_path):
    store = build_archive(tmp_path, [EPISODE], [FEATURE])
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert "Timesheet reminders by email" in client.get("/?q=timesheet").get_data(as_text=True)
    store.merge([EPISODE], [replace(FEATURE, title="Timesheet reminders by email and Teams")])
    update_index(tmp_path)
    html = client.get("/?q=timesheet").get_data(as_text=True)
    assert "Timesheet reminders by email and Teams</a>" in html
    assert "Timesheet reminders by email</a>" not in html


def card(html: str, title: str) -> str:
    start = html.index(title)
    return html[start : html.index("</article>", start)]


def test_a_title_match_shows_the_summary_not_the_title_again(card_client):
    html = card_client.get("/?q=pinned").get_data(as_text=True)
    text = card(html, "Pinned tickets in queues")
    shown = re.sub(r"</?mark>", "", re.search(r'<p class="card-text">(.*?)</p>', text).group(1))
    assert shown in (FIRST, SECOND)


def test_a_ticket_listed_twice_shows_one_summary_on_its_card(card_client):
    text = card(card_client.get("/episode/85").get_data(as_text=True), "Pinned tickets in queues")
    assert FIRST in text and SECOND not in text


def test_bullets_on_a_card_read_as_sentences(card_client):
    html = card_client.get("/?q=priority").get_data(as_text=True)
    text = re.sub(r"</?mark>", "", card(html, "Queue colour rules"))
    assert "Colours follow the priority. Rules apply per queue." in text
