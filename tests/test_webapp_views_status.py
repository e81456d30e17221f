"""The status page: the last crawl or import, page by page."""

from __future__ import annotations

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
