"""Link discovery and crawl settings of the spider, on pages built in the test (no network)."""

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, XmlResponse

from crawler.parse.meta import post_link_number
from crawler.sample_site import sample_site_dir
from crawler.spider import (
    USER_AGENT_ENV,
    crawl_settings,
    episode_links,
    is_episode_url,
    next_page_links,
    sitemap_links,
    sitemap_url,
)

HOST = "www.risingtidegroup.net"
LISTING = f"https://{HOST}/thoughts"


def html_page(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def sample_page(name: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=(sample_site_dir() / name).read_bytes(), encoding="utf-8")


def test_episode_number_and_host_rules():
    assert post_link_number(f"{LISTING}/by-the-run-book-episode-19") == 19
    assert post_link_number(f"{LISTING}/by-the-run-book-episode-19/") == 19
    assert post_link_number(f"{LISTING}/the-msp-business-model-fallacy") is None
    assert is_episode_url(f"https://{HOST}/thoughts/by-the-run-book-episode-7", host=HOST)
    assert not is_episode_url("https://other.example/thoughts/by-the-run-book-episode-7", host=HOST)
    assert not is_episode_url(f"mailto:{HOST}/by-the-run-book-episode-7", host=HOST)


@pytest.mark.parametrize(
    ("slug", "number"),
    [
        ("by-the-runbook-episode-19", 19),
        ("by-the-run-book-ep-19", 19),
        ("by-the-run-book-ep19", 19),
        ("by-the-run-book-19", 19),
        ("by-the-run-book-episode-19-halopsa-2-212", 19),
        ("by-the-runbook-2-212-updates", None),  # a version, not an episode
        ("episode-19-of-another-show", None),  # not the series
    ],
)
def test_a_post_url_names_its_episode_however_the_slug_was_typed(slug, number):
    assert post_link_number(f"{LISTING}/{slug}") == number


def test_a_listing_card_that_names_the_series_is_followed_whatever_its_link():
    page = html_page(
        LISTING,
        """<div class="w-dyn-item"><h3>By the [run]Book Ep. 60: Quotes that sync</h3>
        <a href="/thoughts/halopsa-2-230-quotes">Read more</a></div>
        <div class="w-dyn-item"><h3>Three questions before you switch</h3>
        <a href="/thoughts/three-questions">Read more</a></div>
        <a href="/podcast">By the [run]Book</a>""",
    )
    assert episode_links(page, host=HOST) == [f"{LISTING}/halopsa-2-230-quotes"]


def test_listing_links_only_episode_posts_on_the_start_host():
    page = html_page(
        LISTING,
        """<a href="/thoughts/by-the-run-book-episode-12">Episode 12</a>
        <a href="https://www.risingtidegroup.net/thoughts/by-the-run-book-episode-11#watch">11</a>
        <a href="/thoughts/by-the-run-book-episode-12?utm_source=x">12 again</a>
        <a href="/thoughts/the-msp-business-model-fallacy">An article</a>
        <a href="https://mirror.example/thoughts/by-the-run-book-episode-10">Elsewhere</a>
        <a href="https://www.youtube.com/watch?v=abc">Watch</a>""",
    )
    assert episode_links(page, host=HOST) == [
        f"{LISTING}/by-the-run-book-episode-12",
        f"{LISTING}/by-the-run-book-episode-11",
    ]


def test_sample_listing_pages_link_posts_and_the_next_page():
    first = sample_page("thoughts.html", LISTING)
    assert [post_link_number(url) for url in episode_links(first, host=HOST)] == [55, 54, 53]
    assert next_page_links(first) == [f"{LISTING}?5f1e2d3c_page=2"]

    second = sample_page("thoughts.page-2.html", f"{LISTING}?5f1e2d3c_page=2")
    # The preview link is an episode URL too: robots.txt, not link discovery, keeps it out.
    assert [post_link_number(url) for url in episode_links(second, host=HOST)] == [52, 51, 56]
    assert next_page_links(second) == []  # the last page only links back


@pytest.mark.parametrize(
    "anchor",
    [
        '<a href="?5f1e2d3c_page=3" class="w-pagination-previous">Previous</a>',
        '<a href="/thoughts/next-steps-for-your-msp">Next</a>',  # "Next" but not pagination
        '<a href="https://other.example/thoughts?5f1e2d3c_page=3">Next</a>',
    ],
)
def test_links_that_are_not_the_next_listing_page_are_not_followed(anchor):
    assert next_page_links(html_page(f"{LISTING}?5f1e2d3c_page=2", anchor)) == []


def test_next_link_recognised_by_text_as_well_as_by_webflow_class():
    page = html_page(LISTING, '<a href="?a1b2_page=2"><div>Next</div></a>')
    assert next_page_links(page) == [f"{LISTING}?a1b2_page=2"]


def test_sitemap_gives_episode_posts_on_the_host_and_nested_sitemaps():
    assert sitemap_url(f"{LISTING}?x=1") == f"https://{HOST}/sitemap.xml"
    urlset = XmlResponse(
        url=f"https://{HOST}/sitemap.xml",
        body=b"""<?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://www.risingtidegroup.net/thoughts/by-the-run-book-episode-3</loc></url>
          <url><loc>https://www.risingtidegroup.net/thoughts/a-post-about-pricing</loc></url>
          <url><loc>https://other.example/thoughts/by-the-run-book-episode-4</loc></url>
        </urlset>""",
    )
    assert sitemap_links(urlset, host=HOST) == ([f"{LISTING}/by-the-run-book-episode-3"], [])

    index = XmlResponse(
        url=f"https://{HOST}/sitemap.xml",
        body=b"""<?xml version="1.0" encoding="UTF-8"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>https://www.risingtidegroup.net/sitemap-posts.xml</loc></sitemap>
          <sitemap><loc>https://other.example/sitemap.xml</loc></sitemap>
        </sitemapindex>""",
    )
    assert sitemap_links(index, host=HOST) == ([], [f"https://{HOST}/sitemap-posts.xml"])


def test_the_www_twin_of_the_start_host_is_the_same_site_and_each_post_one_url():
    bare = HOST.removeprefix("www.")
    page = html_page(
        f"https://{bare}/thoughts",
        f"""<a href="https://{HOST}/thoughts/by-the-run-book-episode-12">12</a>
        <a href="/thoughts/by-the-run-book-episode-12">12 again</a>
        <a href="https://{bare}/thoughts/by-the-run-book-episode-11">11</a>""",
    )
    assert episode_links(page, host=bare) == [
        f"https://{bare}/thoughts/by-the-run-book-episode-12",
        f"https://{bare}/thoughts/by-the-run-book-episode-11",
    ]
    urlset = XmlResponse(
        url=f"https://{bare}/sitemap.xml",
        body=f"""<?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://{HOST}/thoughts/by-the-run-book-episode-3</loc></url>
        </urlset>""".encode(),
    )
    assert sitemap_links(urlset, host=bare) == (
        [f"https://{bare}/thoughts/by-the-run-book-episode-3"],
        [],
    )


def test_a_sitemap_post_whose_slug_names_the_series_without_a_number_is_asked_for():
    """A sitemap has no card text: a slug naming the series is the only sign of an episode."""
    urlset = XmlResponse(
        url=f"https://{HOST}/sitemap.xml",
        body=b"""<?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>https://www.risingtidegroup.net/thoughts/by-the-runbook-halopsa-2-230</loc></url>
          <url><loc>https://www.risingtidegroup.net/thoughts/halopsa-2-230-what-changed</loc></url>
        </urlset>""",
    )
    assert sitemap_links(urlset, host=HOST) == ([f"{LISTING}/by-the-runbook-halopsa-2-230"], [])


def test_a_broken_sitemap_yields_nothing():
    page = XmlResponse(url=f"https://{HOST}/sitemap.xml", body=b"<html>not a sitemap")
    assert sitemap_links(page, host=HOST) == ([], [])


def test_settings_are_polite_and_the_cache_revalidates(monkeypatch, tmp_path: Path):
    monkeypatch.delenv(USER_AGENT_ENV, raising=False)
    settings = crawl_settings(data_dir=tmp_path, timeout=12, retries=2, delay=1, http_cache=False)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert settings["DOWNLOAD_TIMEOUT"] == 12
    assert settings["USER_AGENT"].startswith("halonotes/") and "+http" in settings["USER_AGENT"]
    assert "HTTPCACHE_ENABLED" not in settings and "JOBDIR" not in settings

    monkeypatch.setenv(USER_AGENT_ENV, "halonotes-test (+mailto:ops@example.org)")
    cached = crawl_settings(data_dir=tmp_path, timeout=12, retries=2, delay=1, http_cache=True)
    assert cached["USER_AGENT"] == "halonotes-test (+mailto:ops@example.org)"
    assert cached["HTTPCACHE_POLICY"].endswith("RFC2616Policy")
    assert cached["DEFAULT_REQUEST_HEADERS"]["Cache-Control"] == "max-age=0"
    assert Path(cached["HTTPCACHE_DIR"]).is_relative_to(tmp_path.resolve())


def test_crawl_settings_replace_the_retry_middleware_with_the_retry_after_one(tmp_path):
    settings = crawl_settings(data_dir=tmp_path, timeout=5, retries=2, delay=0, http_cache=False)
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert middlewares["crawler.retry_after.RetryAfterMiddleware"] == 550
