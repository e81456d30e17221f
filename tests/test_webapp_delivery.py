"""Compressed answers and cross-origin reads, through Flask's test client."""

from __future__ import annotations

import gzip

import brotli
import pytest
from site_data import write_archive

from webapp.app import create_app

COMPRESSED_URLS = [
    "/?q=invoice",  # HTML
    "/ticket/900101.json",  # JSON
    "/search.json?q=invoice",
    "/feed.rss",
    "/feed.atom",
    "/feed.json",
    "/search.csv?q=invoice",
    "/upgrade.csv?from=2.200&to=2.216",
    "/episode/19/shownotes.md",
    "/upgrade.md?from=2.200&to=2.216",
    "/episode/19/chapters.json",
]
CROSS_ORIGIN_URLS = [
    "/search.json?q=invoice",
    "/ticket/900101.json",
    "/version/2.216.json",
    "/episode/19.json",
    "/feed.json",
    "/feed.rss",
    "/version/2.216/feed.atom",
    "/feeds.opml",
    "/episode/19/chapters.json",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("delivery")
    write_archive(data_dir)
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


@pytest.mark.parametrize("url", COMPRESSED_URLS)
def test_text_answers_are_gzipped_for_clients_that_accept_it(client, url):
    plain = client.get(url)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)


def test_brotli_is_preferred_when_the_client_accepts_it(client):
    plain = client.get("/?q=invoice")
    packed = client.get("/?q=invoice", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data


def test_a_cached_page_is_sent_as_each_client_asked(client):
    """The page cache keeps one body per accepted encoding: a client that cannot read gzip
    never gets the gzipped copy another client's request left in the cache."""
    url = "/?q=invoice&sort=newest"
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    plain = client.get(url)
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert plain.data.startswith(b"<!doctype html") or b"<html" in plain.data[:200]
    assert again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.data) == plain.data == gzip.decompress(packed.data)


def test_a_compressed_answer_still_answers_conditional_requests(client):
    url = "/feed.atom?q=invoice"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("url", CROSS_ORIGIN_URLS)
def test_read_only_data_may_be_read_by_pages_on_other_origins(client, url):
    response = client.get(url, headers={"Origin": "https://player.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/?q=invoice", "/ticket/900101", "/draft", "/status"])
def test_pages_are_not_opened_to_other_origins(client, url):
    response = client.get(url, headers={"Origin": "https://player.example"})
    assert "Access-Control-Allow-Origin" not in response.headers
