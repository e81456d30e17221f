"""A crawl is bounded in pages, listing pages, sitemap URLs and time: hitting a bound ends it
cleanly, keeps what it fetched, says which bound and exits non-zero (tests on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from endless_blog import REAL_POST, SITEMAP_URLS, EndlessBlog

from tests.crawl_server import jsonl, timed_crawl

POSTS = r"/by-the-run-book-episode-\d+$"


def bound_line(result: subprocess.CompletedProcess) -> str:
    (line,) = [x for x in result.stderr.splitlines() if "stopped at its bound" in x]
    return line


def kept_the_real_post(data_dir: Path) -> bool:
    return any(row["url"].endswith(REAL_POST) for row in jsonl(data_dir / "episodes.jsonl"))


def test_an_endless_listing_ends_at_the_listing_page_bound(tmp_path):
    with EndlessBlog(endless=True) as blog:
        result, _seconds = timed_crawl(blog, tmp_path / "data", "--max-listing-pages", "12")
        listing_pages = blog.count(r"^/thoughts(\?|$)")
    assert result.returncode == 1
    assert "12 listing pages (--max-listing-pages)" in bound_line(result)
    assert listing_pages == 12
    report = json.loads((tmp_path / "data" / "last_run.json").read_text())
    assert report["stopped_at"] == ["12 listing pages (--max-listing-pages)"]
    assert kept_the_real_post(tmp_path / "data")
    assert "Traceback" not in result.stderr


def test_a_100000_url_sitemap_ends_at_the_sitemap_bound(tmp_path):
    with EndlessBlog(endless=False, sitemap_urls=SITEMAP_URLS) as blog:
        result, _seconds = timed_crawl(
            blog, tmp_path / "data", "--max-sitemap-urls", "40", "--max-pages", "1000"
        )
        posts = blog.count(POSTS)
    assert result.returncode == 1
    assert "40 sitemap URLs (--max-sitemap-urls)" in bound_line(result)
    assert posts == 41  # the listing's real post and the sitemap's first 40
    assert kept_the_real_post(tmp_path / "data")


def test_the_pages_bound_counts_every_request(tmp_path):
    with EndlessBlog(endless=True, sitemap_urls=SITEMAP_URLS) as blog:
        result, _seconds = timed_crawl(blog, tmp_path / "data", "--max-pages", "25")
        pages = len([p for p in blog.paths if not p.startswith("/robots.txt")])
    assert result.returncode == 1
    assert "25 pages per run (--max-pages)" in bound_line(result)
    assert pages == 25
    assert kept_the_real_post(tmp_path / "data")


def test_the_time_bound_ends_a_crawl_that_would_run_on(tmp_path):
    with EndlessBlog(endless=True) as blog:
        result, seconds = timed_crawl(
            blog,
            tmp_path / "data",
            *("--max-time", "3", "--max-pages", "1000000", "--max-listing-pages", "1000000"),
        )
    assert result.returncode == 1
    assert "3 seconds (--max-time)" in bound_line(result)
    assert seconds < 20  # start-up included; without the bound it would never end
    assert kept_the_real_post(tmp_path / "data")
