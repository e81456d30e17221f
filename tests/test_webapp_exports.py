"""Show-notes downloads for an episode and a draft list, through Flask's test client."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from markdown_it import MarkdownIt

COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
CHAPTER_LINE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}) (.+)$")
KANBAN = "2.220:910001:2:05"
HOSTILE = "2.220:910002:4:10"
WEBHOOK = "2.222:910005:1:02:03"
MERGE = "2.224:910006:1:00"


def download(client, url: str, *, content_type: str, filename: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.get_data(as_text=True)


def chapter_lines(text: str) -> list[tuple[int, str]]:
    """The chapters YouTube would read from a description."""
    chapters = []
    for line in text.splitlines():
        match = CHAPTER_LINE.match(line)
        if match:
            hours, minutes, seconds, title = match.groups()
            chapters.append((int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds), title))
    return chapters


def test_episode_shownotes_follow_the_blog_format(feed_client):
    text = download(
        feed_client,
        "/episode/30/shownotes.md",
        content_type="text/markdown; charset=utf-8",
        filename="episode-30-shownotes.md",
    )
    lines = text.splitlines()
    assert lines[0] == "# By the \\[run\\]Book: Episode 30"
    assert "## v2.220 Features" in lines and "## v2.222 Features" in lines
    kanban = lines.index("### Kanban board for project tasks | v2.220 #910001 | 2:05")
    assert lines[kanban + 2] == "Project tasks can be dragged between columns on a board."
    assert lines[kanban + 4 : kanban + 6] == [
        "- Columns follow the task statuses",
        "- Cards show the assigned agent",
    ]
    assert "### Webhook retries with back-off | v2.222 #910005 | 1:02:03" in lines


def test_hostile_text_renders_as_text_in_the_markdown(feed_client):
    html = COMMONMARK.render(feed_client.get("/episode/30/shownotes.md").get_data(as_text=True))
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;bold&lt;/b&gt; claims</li>" in html


def test_episode_youtube_chapters_meet_the_rules_and_the_page_says_what_was_dropped(feed_client):
    text = download(
        feed_client,
        "/episode/30/chapters.txt",
        content_type="text/plain; charset=utf-8",
        filename="episode-30-chapters.txt",
    )
    chapters = chapter_lines(text)
    assert [start for start, _ in chapters] == [0, 125, 250, 580, 3723]
    assert chapters[0] == (0, "Intro")
    assert all(len(title) <= 60 and "<" not in title for _, title in chapters)
    # Every line is a chapter: the whole file can be pasted into a video description.
    assert len(chapters) == len(text.splitlines())
    page = feed_client.get("/episode/30").get_data(as_text=True)
    assert "Left out &#34;Invoice rounding options&#34;: it starts 5 s after" in page


def test_episode_youtube_chapters_explain_when_they_cannot_be_made(feed_client):
    response = feed_client.get("/episode/31/chapters.txt")
    assert response.status_code == 422
    assert response.mimetype == "text/plain"
    assert "at least 3 features with timestamps; this list has 2" in response.text


def test_episode_chapters_json_points_at_ticket_pages(feed_client):
    text = download(
        feed_client,
        "/episode/30/chapters.json",
        content_type="application/json+chapters; charset=utf-8",
        filename="episode-30-chapters.json",
    )
    assert "<" not in text
    document = json.loads(text)
    assert document["version"] == "1.2.0"
    assert document["chapters"][0] == {"startTime": 0, "title": "Intro"}
    assert document["chapters"][1] == {
        "startTime": 125,
        "title": "Kanban board for project tasks",
        "url": "http://localhost/ticket/910001",
    }
    starts = [chapter["startTime"] for chapter in document["chapters"]]
    assert starts == sorted(starts) and len(starts) == 6


@pytest.mark.parametrize("export", ["shownotes.md", "chapters.txt", "chapters.json"])
def test_unknown_episode_export_is_a_404(feed_client, export):
    assert feed_client.get(f"/episode/99/{export}").status_code == 404


def test_draft_shownotes_keep_the_picked_order(feed_client):
    text = download(
        feed_client,
        f"/draft/shownotes.md?pick={WEBHOOK},{KANBAN}",
        content_type="text/markdown; charset=utf-8",
        filename="draft-shownotes.md",
    )
    webhook = text.index("Webhook retries with back-off")
    kanban = text.index("Kanban board for project tasks")
    assert webhook < kanban


def test_draft_youtube_chapters_from_one_episode(feed_client):
    text = download(
        feed_client,
        f"/draft/chapters.txt?pick={WEBHOOK},{KANBAN},{HOSTILE}",
        content_type="text/plain; charset=utf-8",
        filename="draft-chapters.txt",
    )
    assert [start for start, _ in chapter_lines(text)] == [0, 125, 250, 3723]


def test_draft_chapters_refuse_features_from_two_videos(feed_client):
    response = feed_client.get(f"/draft/chapters.txt?pick={KANBAN},{HOSTILE},{MERGE}")
    assert response.status_code == 422
    assert "mixes episodes 30, 31" in response.text
    response = feed_client.get(f"/draft/chapters.json?pick={KANBAN},{MERGE}")
    assert response.status_code == 422
    assert "mixes episodes" in response.get_json()["error"]


def page_links(client, url: str) -> list[str]:
    """Every link target on a page."""
    return re.findall(r'href="([^"]+)"', client.get(url).get_data(as_text=True))


def test_draft_page_offers_no_chapter_links_that_would_fail(feed_client):
    mixed = f"/draft?pick={KANBAN},{HOSTILE},{MERGE}"
    links = page_links(feed_client, mixed)
    assert not any("/draft/chapters" in link for link in links), links
    assert any(link.startswith("/draft/shownotes.md") for link in links)
    page = feed_client.get(mixed).get_data(as_text=True)
    assert "No YouTube chapters: Chapters need features from one video" in page
    # Every chapter link a page offers answers 200.
    for url in (f"/draft?pick={WEBHOOK},{KANBAN},{HOSTILE}", mixed, "/episode/30", "/episode/31"):
        for link in page_links(feed_client, url):
            if "chapters." in link:
                assert feed_client.get(link.replace("&amp;", "&")).status_code == 200, (url, link)
    assert not any("chapters.txt" in link for link in page_links(feed_client, "/episode/31"))


def test_draft_chapters_json(feed_client):
    document = json.loads(feed_client.get(f"/draft/chapters.json?pick={WEBHOOK},{KANBAN}").data)
    assert [c["startTime"] for c in document["chapters"]] == [0, 125, 3723]


@pytest.mark.parametrize("export", ["shownotes.md", "chapters.txt"])
def test_draft_without_picks_is_a_plain_400(feed_client, export):
    response = feed_client.get(f"/draft/{export}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "pick" in response.text


def test_draft_chapters_json_without_picks_is_a_json_400(feed_client):
    response = feed_client.get("/draft/chapters.json?pick=")
    assert response.status_code == 400
    assert "pick" in response.get_json()["error"]


def test_draft_of_unknown_keys_is_a_404(feed_client):
    assert feed_client.get("/draft/shownotes.md?pick=9.999:1:0:00").status_code == 404


def test_exports_answer_conditional_requests(feed_client):
    first = feed_client.get("/episode/30/chapters.json")
    again = feed_client.get(
        "/episode/30/chapters.json", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_feeds_api_and_exports_load_no_crawler():
    code = (
        "import sys, webapp.feeds, webapp.api, webapp.exports, webapp.shownotes; "
        "print(sorted(m for m in sys.modules if m == 'scrapy' or m.startswith('crawler.spider')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
