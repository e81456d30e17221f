"""The page cache answers repeated requests but never serves an answer from an older index."""

from __future__ import annotations

import pytest
from site_data import EP19, write_archive

from crawler.records import Feature
from crawler.report import RunReport, write_last_run
from index.build import update_index
from webapp.app import create_app
from webapp.pagecache import CachedResponse, PageCache


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "data"
    write_archive(data)
    return data


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()


def add_feature(data_dir, title: str) -> None:
    from crawler.store import Store

    feature = Feature(
        title=title, url=EP19, episode=19, ticket_id="900900", version="2.216", position=9
    )
    Store(data_dir).merge([], [feature])
    update_index(data_dir)


def test_a_page_reflects_an_index_update_at_once(client, data_dir):
    first = client.get("/?q=kanban")
    assert client.get("/?q=kanban").get_data() == first.get_data()  # answered again
    assert "Zebra kanban" not in first.get_data(as_text=True)
    add_feature(data_dir, "Zebra kanban swimlanes")
    assert "Zebra kanban swimlanes" in client.get("/?q=kanban").get_data(as_text=True)
    assert client.get("/ticket/900900").status_code == 200


def test_a_cached_feed_still_answers_conditional_requests(client):
    first = client.get("/feed.atom?q=invoice")
    etag = first.headers["ETag"]
    again = client.get("/feed.atom?q=invoice", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Content-Security-Policy"].startswith("default-src 'self'")
    cached = client.get("/feed.atom?q=invoice")
    assert cached.get_data() == first.get_data()
    assert len(cached.headers.getlist("Content-Security-Policy")) == 1


def test_a_feed_cached_for_one_host_is_not_sent_to_another(client):
    # A feed's links are absolute, so the host it was asked on is part of the answer.
    first = client.get("/feed.atom?q=invoice", base_url="http://notes.example")
    other = client.get("/feed.atom?q=invoice", base_url="https://mirror.example:8443")
    assert "http://notes.example/" in first.get_data(as_text=True)
    assert "https://mirror.example:8443/" in other.get_data(as_text=True)
    assert "notes.example" not in other.get_data(as_text=True)


def test_status_page_shows_a_new_run_without_an_index_change(client, data_dir):
    never = "No crawl or import has been recorded"
    assert never in client.get("/status").get_data(as_text=True)
    report = RunReport(command="import")
    report.finish()
    write_last_run(data_dir, report)
    assert never not in client.get("/status").get_data(as_text=True)


def test_the_cache_holds_at_most_its_byte_bound():
    cache = PageCache(max_bytes=100)
    cache.put(("g", "a"), CachedResponse(200, (), b"x" * 60))
    cache.put(("g", "b"), CachedResponse(200, (), b"y" * 60))  # over the bound: "a" goes
    assert cache.get(("g", "a")) is None
    assert cache.get(("g", "b")).body == b"y" * 60
    cache.put(("g", "c"), CachedResponse(200, (), b"z" * 101))  # larger than the whole cache
    assert cache.get(("g", "c")) is None


def test_bad_requests_are_answered_fresh_each_time(client):
    for _ in range(2):
        response = client.get("/?page=-1")
        assert response.status_code == 400


def test_cache_can_be_turned_off(data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "PAGE_CACHE_BYTES": 0})
    assert app.test_client().get("/?q=invoice").status_code == 200
    hooks = app.before_request_funcs.get(None, []) + app.after_request_funcs.get(None, [])
    assert not {"answer_from_cache", "keep_in_cache"} & {hook.__name__ for hook in hooks}
