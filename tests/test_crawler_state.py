"""The crawl state: validators per post, kept texts, previous texts, and the crawl lock."""

import json
import os

import pytest

from crawler.errors import HalonotesError, StoreError
from crawler.state import CrawlState, content_hash, crawl_lock

POST = "https://www.risingtidegroup.net/thoughts/by-the-run-book-episode-7"
OLD = b"<h1>Episode 7</h1><p>Old text</p>"
NEW = b"<h1>Episode 7</h1><p>New text</p>"


def test_state_round_trips_and_gives_conditional_headers(tmp_path):
    state = CrawlState(tmp_path)
    assert state.conditional_headers(POST) == {}
    state.keep_text(POST, OLD, seen_at="2026-01-01T00:00:00+00:00")
    post = state.post(POST)
    post.etag, post.last_modified = '"abc"', "Thu, 01 Jan 2026 00:00:00 GMT"
    state.save()

    loaded = CrawlState.load(tmp_path)
    assert loaded.posts[POST].content_hash == content_hash(OLD)
    assert loaded.conditional_headers(POST) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT",
    }
    assert json.loads((tmp_path / "crawl" / "state.json").read_text())["format"] == 1


def test_no_conditional_request_when_the_kept_text_is_missing(tmp_path):
    state = CrawlState(tmp_path)
    state.keep_text(POST, OLD, seen_at="t1")
    state.post(POST).etag = '"abc"'
    state.page_path(POST).unlink()
    assert state.conditional_headers(POST) == {}


def test_a_changed_post_keeps_its_previous_text(tmp_path):
    state = CrawlState(tmp_path)
    assert state.keep_text(POST, OLD, seen_at="t1") is False
    assert state.keep_text(POST, NEW, seen_at="t2") is True
    post = state.post(POST)
    assert (state.crawl_dir / post.previous).read_bytes() == OLD
    assert state.page_text(POST) == NEW
    assert post.changed_at == "t2"


def test_a_rerun_after_a_killed_crawl_does_not_overwrite_the_previous_text(tmp_path):
    state = CrawlState(tmp_path)
    state.keep_text(POST, OLD, seen_at="t1")
    state.save()
    state.keep_text(POST, NEW, seen_at="t2")  # texts written, then the crawl dies unsaved

    again = CrawlState.load(tmp_path)
    assert again.posts[POST].content_hash == content_hash(OLD)
    assert again.keep_text(POST, NEW, seen_at="t3") is True  # the change is recorded now
    post = again.post(POST)
    assert (again.crawl_dir / post.previous).read_bytes() == OLD
    assert post.changed_at == "t3" and again.page_text(POST) == NEW


def test_an_unreadable_state_file_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "crawl" / "state.json"
    path.parent.mkdir()
    path.write_text("{not json")
    with pytest.raises(StoreError, match=r"crawl/state.json.*Delete it"):
        CrawlState.load(tmp_path)


def test_a_second_crawl_on_the_same_folder_is_refused(tmp_path):
    refused = pytest.raises(HalonotesError, match=rf"Another crawl \(process {os.getpid()}\)")
    with crawl_lock(tmp_path), refused, crawl_lock(tmp_path):
        pass
    with crawl_lock(tmp_path):  # released when the first crawl ends
        pass


def test_taking_the_lock_clears_temporary_files_a_killed_crawl_left(tmp_path):
    state = CrawlState(tmp_path)
    state.keep_text(POST, OLD, seen_at="t1")
    state.save()
    leftovers = [
        state.crawl_dir / ".state.json.k1ll3d.tmp",
        state.crawl_dir / "pages" / ".by-the-run-book-episode-7.html.k1ll3d.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"half a fi")
    with crawl_lock(tmp_path):
        assert not [path for path in leftovers if path.exists()]
    assert state.page_text(POST) == OLD and CrawlState.load(tmp_path).posts[POST].content_hash
