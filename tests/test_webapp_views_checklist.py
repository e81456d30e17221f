"""The upgrade checklist exports escape like the show notes: one implementation for both."""

from __future__ import annotations

import csv
import io

from markdown_it import MarkdownIt

from index.model import Hit
from webapp import shownotes
from webapp.app import create_app
from webapp.views import checklist

COMMONMARK = MarkdownIt("commonmark", {"html": True})


def make_hit(title: str, **extra) -> Hit:
    values = dict(
        key=f"2.212:1:{title[:8]}",
        title=title,
        url="https://blog.example.test/thoughts/by-the-run-book-episode-1",
        episode=1,
        ticket_id="900500",
        version="2.212",
        timestamp="1:00",
        seconds=60,
        video_at="https://www.youtube.com/watch?v=abc&t=60s",
    )
    values.update(extra)
    return Hit(**values)


def test_ampersands_in_a_checklist_show_as_written():
    hit = make_hit("R&D billing for Fish & Chips Ltd", summary="Q&A: costs & taxes")
    markdown = checklist.upgrade_markdown("2.210", "2.212", [hit])
    assert "R&D billing for Fish & Chips Ltd" in markdown
    assert "&amp;" not in markdown
    rendered = COMMONMARK.render(markdown)
    assert "<strong>R&amp;D billing for Fish &amp; Chips Ltd</strong>" in rendered  # HTML of "&"
    assert "Q&amp;A: costs &amp; taxes" in rendered


def test_checklist_and_show_notes_neutralise_alike():
    assert checklist.markdown_text is shownotes.markdown_text
    assert checklist.csv_text is shownotes.csv_text
    hit = make_hit("- [x] <b>done</b> &amp; dusted", summary="1. not a list")
    markdown = checklist.upgrade_markdown("2.210", "2.212", [hit])
    rendered = COMMONMARK.render(markdown)
    assert "<b>" not in rendered and 'type="checkbox"' not in rendered
    assert "- [x] &lt;b&gt;done&lt;/b&gt; &amp;amp; dusted" in rendered
    assert "<ol>" not in rendered  # the summary stays text, not a numbered list


def test_checklist_links_only_web_video_urls():
    safe = make_hit("Safe video")
    hostile = make_hit("Hostile video", video_at="javascript:alert(1)")
    markdown = checklist.upgrade_markdown("2.210", "2.212", [safe, hostile])
    assert "(https://www.youtube.com/watch?v=abc&t=60s)" in markdown
    assert "javascript:" not in markdown


def test_checklist_csv_neutralises_formulas():
    hit = make_hit("=HYPERLINK(1)", summary="@SUM(A1)", video_at="javascript:x")
    text = checklist.features_csv([hit], ticket_page=lambda ticket: f"https://site/t/{ticket}")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["version", "ticket_id", "title"]
    record = dict(zip(header, row, strict=True))
    assert record["title"] == "'=HYPERLINK(1)"
    assert record["summary"] == "'@SUM(A1)"
    assert record["video"] == ""
    assert record["ticket_page"] == "https://site/t/900500"


def test_upgrade_markdown_route_keeps_ampersands(tmp_path):
    from crawler.records import Feature
    from crawler.store import Store
    from index.build import rebuild_index

    store = Store(tmp_path)
    store.merge(
        [],
        [
            Feature(
                title="R&D time codes",
                url="https://blog.example.test/thoughts/by-the-run-book-episode-3",
                episode=None,
                ticket_id="900777",
                version="2.212",
            )
        ],
    )
    rebuild_index(tmp_path)
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    response = client.get("/upgrade.md?from=2.210&to=2.212")
    assert response.status_code == 200
    assert "R&D time codes" in response.get_data(as_text=True)
