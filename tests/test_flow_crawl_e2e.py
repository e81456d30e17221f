"""``halonotes crawl`` end to end: a copy of the sample site on 127.0.0.1, crawled in a subprocess.

The Twisted reactor cannot be restarted in one process, so every crawl runs as its own
``halonotes crawl``. The test server logs every request it receives, so the tests can
prove what the crawler asked for, and can answer 500 or hang for chosen posts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.sample_site import SampleSiteServer, sample_site_dir
from tests.crawl_server import (
    CRAWL,
    EPISODES,
    POSTS,
    LoggingServer,
    crawl,
    fresh_server,  # noqa: F401 (autouse: runs around every test here)
    jsonl,
    serving,
    store_bytes,
)


@pytest.fixture(scope="module")
def site_copy(tmp_path_factory) -> Path:
    """The sample site without its sitemap, so every post must be found through pagination."""
    site = tmp_path_factory.mktemp("site") / "sample-site"
    shutil.copytree(sample_site_dir(), site)
    (site / "sitemap.xml").unlink()
    return site


@pytest.fixture(scope="module")
def server(site_copy):
    with LoggingServer(site_copy) as running:
        yield running


@pytest.fixture(scope="module")
def first_crawl(server, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("first") / "data"
    server.clear()
    result = crawl(server, data_dir)
    return result, data_dir, server.paths()


@pytest.fixture
def crawled_data(first_crawl, tmp_path) -> Path:
    """A copy of the data folder as the first crawl left it."""
    data_dir = tmp_path / "data"
    shutil.copytree(first_crawl[1], data_dir)
    return data_dir


def test_first_crawl_finds_every_episode_through_pagination(first_crawl):
    result, data_dir, paths = first_crawl
    assert result.returncode == 0, result.stderr
    assert "/thoughts" in paths and "/sitemap.xml" in paths
    assert {e["episode"] for e in jsonl(data_dir / "episodes.jsonl")} == EPISODES
    features = jsonl(data_dir / "features.jsonl")
    assert len(features) >= 35
    assert {f["episode"] for f in features} == EPISODES
    assert "5 new" in result.stdout and "0 failed" in result.stdout
    report = json.loads((data_dir / "last_run.json").read_text())
    assert report["command"] == "crawl"
    assert {row["outcome"] for row in report["pages"]} >= {"listing", "new"}


def test_robots_disallowed_and_non_episode_pages_are_never_requested(first_crawl):
    _, _, paths = first_crawl
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/previews/")]
    assert "/thoughts/three-questions-before-you-switch-psa" not in paths
    assert sorted(p for p in paths if p.startswith("/thoughts/")) == sorted(POSTS)


def test_second_crawl_asks_conditionally_and_changes_no_record(server, crawled_data):
    before = store_bytes(crawled_data)
    result = crawl(server, crawled_data)
    assert result.returncode == 0, result.stderr
    post_requests = [(t, h) for t, h in server.requests if urlsplit(t).path in POSTS]
    assert len(post_requests) == len(POSTS)
    assert all("If-None-Match" in h or "If-Modified-Since" in h for _, h in post_requests)
    assert [code for t, code in server.answers if urlsplit(t).path in POSTS] == [304] * 5
    assert store_bytes(crawled_data) == before
    assert "5 unchanged, 0 new, 0 changed, 0 failed" in result.stdout


def test_an_edited_post_updates_its_records_and_keeps_the_old_text(server, crawled_data, tmp_path):
    edited_site = tmp_path / "edited-site"
    shutil.copytree(server.site_dir, edited_site)
    post = edited_site / "thoughts" / "by-the-run-book-episode-52.html"
    old_sentence = "Pausing the SLA no longer needs a status change."
    new_sentence = "Pausing the SLA is now one click, and the pause shows in the ticket history."
    post.write_text(post.read_text(encoding="utf-8").replace(old_sentence, new_sentence))
    before = {f["key"]: f for f in jsonl(crawled_data / "features.jsonl")}
    with serving(server, edited_site):
        result = crawl(server, crawled_data)
    assert result.returncode == 0, result.stderr
    assert "1 changed" in result.stdout and "1 updated" in result.stdout

    after = {f["key"]: f for f in jsonl(crawled_data / "features.jsonl")}
    changed = [key for key in after if after[key] != before.get(key)]
    assert len(changed) == 1 and after[changed[0]]["ticket_id"] == "1190068"
    assert new_sentence in after[changed[0]]["summary"]
    assert set(after) == set(before)

    state = json.loads((crawled_data / "crawl" / "state.json").read_text())
    entry = state["posts"][f"{server.origin}/thoughts/by-the-run-book-episode-52"]
    assert entry["outcome"] == "changed"
    previous = (crawled_data / "crawl" / entry["previous"]).read_text(encoding="utf-8")
    assert old_sentence in previous and new_sentence not in previous


def test_each_episode_keeps_the_time_a_crawl_first_stored_it(server, crawled_data, tmp_path):
    before = {e["episode"]: e["first_seen"] for e in jsonl(crawled_data / "episodes.jsonl")}
    assert len(before) == len(EPISODES) and all(before.values())
    edited_site = tmp_path / "edited-site"
    shutil.copytree(server.site_dir, edited_site)
    post = edited_site / "thoughts" / "by-the-run-book-episode-52.html"
    post.write_text(post.read_text(encoding="utf-8").replace("SLA", "service level"))
    with serving(server, edited_site):
        result = crawl(server, crawled_data)
    assert result.returncode == 0 and "1 changed" in result.stdout, result.stdout
    after = {e["episode"]: e["first_seen"] for e in jsonl(crawled_data / "episodes.jsonl")}
    assert after == before


def test_posts_answering_500_or_hanging_leave_the_store_exactly_as_it_was(server, crawled_data):
    before = store_bytes(crawled_data)
    server.faults.update({POSTS[2]: "500", POSTS[3]: "hang"})
    started = time.monotonic()
    result = crawl(server, crawled_data, "--timeout", "1", "--retries", "1")
    elapsed = time.monotonic() - started
    assert store_bytes(crawled_data) == before
    assert result.returncode == 0, result.stderr  # the other posts answered
    assert "HTTP 500" in result.stderr and "timed out" in result.stderr
    assert "2 failed" in result.stdout
    assert server.paths().count(POSTS[2]) == 2  # one retry, then given up
    assert elapsed < 20

    state = json.loads((crawled_data / "crawl" / "state.json").read_text())
    assert state["posts"][f"{server.origin}{POSTS[2]}"]["outcome"] == "error: HTTP 500"
    assert state["posts"][f"{server.origin}{POSTS[0]}"]["outcome"] == "unchanged"


def test_a_deleted_post_is_marked_gone_and_keeps_its_features(server, crawled_data, tmp_path):
    trimmed_site = tmp_path / "trimmed-site"
    shutil.copytree(server.site_dir, trimmed_site)
    (trimmed_site / "thoughts" / "by-the-run-book-episode-55.html").unlink()
    before = [f for f in jsonl(crawled_data / "features.jsonl") if f["episode"] == 55]
    with serving(server, trimmed_site):
        result = crawl(server, crawled_data)
    assert result.returncode == 0, result.stderr
    assert "HTTP 404, post gone" in result.stderr
    episodes = {e["episode"]: e for e in jsonl(crawled_data / "episodes.jsonl")}
    assert episodes[55]["status"] == "gone" and episodes[54]["status"] == "ok"
    assert [f for f in jsonl(crawled_data / "features.jsonl") if f["episode"] == 55] == before


def test_a_post_that_lost_its_features_fails_the_run_and_keeps_its_records(
    server, crawled_data, tmp_path
):
    changed_site = tmp_path / "changed-site"
    shutil.copytree(server.site_dir, changed_site)
    post = changed_site / "thoughts" / "by-the-run-book-episode-55.html"
    text = post.read_text(encoding="utf-8")
    start, end = (
        text.index("<h2>FullFeature List</h2>"),
        text.index("</div>", text.index("w-richtext")),
    )
    post.write_text(text[:start] + "<p>The feature list moved to a new page.</p>" + text[end:])
    before = store_bytes(crawled_data)
    with serving(server, changed_site):
        result = crawl(server, crawled_data)
    assert result.returncode != 0
    assert "format has probably changed" in result.stderr
    assert store_bytes(crawled_data) == before


def test_nothing_fetched_is_a_failure(tmp_path):
    with SampleSiteServer(sample_site_dir()) as closed:
        origin = closed.origin
    result = subprocess.run(
        [*CRAWL, "--start-url", f"{origin}/thoughts", "--data", str(tmp_path / "data")]
        + ["--timeout", "1", "--retries", "0", "--delay", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Nothing could be fetched" in result.stderr
    assert "connection refused" in result.stderr
    assert not (tmp_path / "data" / "features.jsonl").exists()


def test_sample_crawl_fills_the_store(tmp_path):
    result = subprocess.run(
        [*CRAWL, "--sample", "--data", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert {e["episode"] for e in jsonl(tmp_path / "data" / "episodes.jsonl")} == EPISODES
    assert result.stdout.startswith("Crawl: 8 pages fetched, 0 unchanged, 5 new")


def test_a_post_whose_slug_names_no_episode_is_found_by_its_card(server, tmp_path):
    """Episode 55 moved to a slug without its number: the listing card that names the series
    leads the crawl to it, and its episode comes from the page."""
    site = tmp_path / "moved-site"
    shutil.copytree(server.site_dir, site)
    moved = "/thoughts/quotes-that-sync-and-more"
    (site / "thoughts" / "by-the-run-book-episode-55.html").rename(
        site / "thoughts" / "quotes-that-sync-and-more.html"
    )
    for page in (site / "thoughts.html", site / "thoughts" / "quotes-that-sync-and-more.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("/thoughts/by-the-run-book-episode-55", moved))
    data_dir = tmp_path / "data"
    with serving(server, site):
        server.clear()
        result = crawl(server, data_dir)
    assert result.returncode == 0, result.stderr
    assert moved in server.paths()
    episodes = {e["episode"]: e for e in jsonl(data_dir / "episodes.jsonl")}
    assert set(episodes) == EPISODES
    assert episodes[55]["url"] == f"{server.origin}{moved}"
    assert any(f["episode"] == 55 and f["ticket_id"] for f in jsonl(data_dir / "features.jsonl"))


def test_a_post_only_the_sitemap_lists_is_found_by_its_slug_without_a_number(tmp_path):
    """Episode 51 moved to a slug that names the series but no number, and nothing links to
    it any more: the sitemap's entry is the only way to it, and its page names the episode."""
    site = tmp_path / "site"
    shutil.copytree(sample_site_dir(), site)
    old, moved = "/thoughts/by-the-run-book-episode-51", "/thoughts/by-the-run-book-halopsa-2-216"
    (site / f"{old[1:]}.html").rename(site / f"{moved[1:]}.html")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f'href="{old}"', 'href="/thoughts"'), encoding="utf-8")
    sitemap = site / "sitemap.xml"
    sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(old, moved), encoding="utf-8")
    with LoggingServer(site) as running:
        result = crawl(running, tmp_path / "data")
        assert moved in running.paths()
    assert result.returncode == 0, result.stderr
    episodes = {e["episode"]: e for e in jsonl(tmp_path / "data" / "episodes.jsonl")}
    assert set(episodes) == EPISODES
    assert episodes[51]["url"].endswith(moved)
