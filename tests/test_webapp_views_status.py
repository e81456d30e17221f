"""The status page: the last crawl or import, page by page, local pages by file and path, and
one way of writing a time."""

from __future__ import annotations

import re

from html_page import text


def test_status_page_shows_the_last_run(site_data_dir, site_client):
    from crawler.report import PageRow, RunReport, write_last_run

    report = RunReport("crawl")
    report.add_page(PageRow(EP_URL, episodes=(18,), features=3, unparsed_ids=("#12ab",)))
    report.finish()
    write_last_run(site_data_dir, report)
    html = text(site_client.get("/status"))
    assert "halonotes crawl" in html
    assert EP_URL in html
    assert "#12ab" in html


EP_URL = "https://blog.example/thoughts/by-the-run-book-episode-18"


def test_the_status_page_names_local_pages_by_file_and_path(card_client):
    html = card_client.get("/status").get_data(as_text=True)
    assert '<td class="card-text">episode-86.html</td>' in html
    assert '<td class="card-text">/thoughts/by-the-run-book-episode-87</td>' in html


def test_the_status_page_writes_every_time_one_way(card_client):
    html = card_client.get("/status").get_data(as_text=True)
    assert "2026-07-08 06:15 UTC" in html
    assert "T06:15" not in html and "+00:00" not in html
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>", html)  # the index's time
