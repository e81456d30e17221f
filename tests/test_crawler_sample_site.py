"""The bundled sample site and the loopback server that serves it."""

import urllib.error
import urllib.request

import pytest

from crawler.sample_site import LIVE_ORIGIN, SampleSiteServer, page_file, sample_site_dir


@pytest.fixture(scope="module")
def server():
    with SampleSiteServer(sample_site_dir()) as running:
        yield running


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_request_targets_map_to_files():
    site = sample_site_dir()
    assert page_file(site, "/thoughts") == site / "thoughts.html"
    assert page_file(site, "/thoughts?5f1e2d3c_page=2") == site / "thoughts.page-2.html"
    assert page_file(site, "/thoughts/by-the-run-book-episode-51/") == (
        site / "thoughts" / "by-the-run-book-episode-51.html"
    )
    assert page_file(site, "/robots.txt") == site / "robots.txt"
    assert page_file(site, "/../../pyproject.toml") is None
    assert page_file(site, "/thoughts?5f1e2d3c_page=9") is None


def test_sample_has_the_shapes_the_crawler_must_handle():
    site = sample_site_dir()
    posts = sorted((site / "thoughts").glob("by-the-run-book-episode-*.html"))
    assert len(posts) == 5
    text = "\n".join(p.read_text(encoding="utf-8") for p in posts)
    for shape in ("| 2:05", "| 1:04:12", "#1190095<", "(1190146)</strong>", "#1190219, #1190220"):
        assert shape in text
    for marker in ("Important Mentions", "v2.218 Features", "v2.22 Features", "youtube.com/watch"):
        assert marker in text
    assert "feed – 1:17:40</h4>" in text  # a title line that names no ticket
    assert "Disallow: /previews/" in (site / "robots.txt").read_text()


def test_pages_answer_with_validators_and_live_links_point_here(server):
    status, headers, body = fetch(server.origin + "/thoughts/by-the-run-book-episode-52")
    assert status == 200
    assert headers["ETag"] and headers["Last-Modified"]
    assert LIVE_ORIGIN.encode() not in body
    assert f'href="{server.origin}/thoughts/by-the-run-book-episode-52"'.encode() in body
    assert fetch(server.origin + "/thoughts/no-such-post")[0] == 404


def test_conditional_requests_get_304(server):
    url = server.origin + "/thoughts/by-the-run-book-episode-53"
    _, headers, _ = fetch(url)
    assert fetch(url, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, **{"If-None-Match": '"stale"'})[0] == 200
    assert fetch(url, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
