"""The spider: which pages of the blog to fetch, and how politely.

It reads the listing (following Webflow's "Next" pagination) and the host's sitemap.xml,
and fetches only episode posts (``/…/by-the-run-book-episode-N``) on the start URL's
host. A post the crawl state already holds is asked for conditionally, so an unchanged
post costs the blog a 304. The callback hands each new or changed page to the parser;
the spider itself reads no content beyond links.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from crawler.parse import parse_page
from crawler.records import Episode, Feature
from crawler.retry_after import RETRY_AFTER_MAX_SETTING, retry_after_seconds
from crawler.state import content_hash

LIVE_START_URL = "https://www.risingtidegroup.net/thoughts"
PROJECT_URL = "https://github.com/halonotes/halonotes"
USER_AGENT_ENV = "HALONOTES_USER_AGENT"

_EPISODE_PATH = re.compile(r"/by-the-run-book-episode-(\d+)/?$", re.I)
_PAGE_PARAMETER = re.compile(r"_page$")
MAX_PAGE_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5
RETRY_AFTER_MAX = 60.0  # seconds: a longer Retry-After gives the page up for this run

# Outcomes of the pages a crawl touches (PageRow.outcome in the run report).
LISTING = "listing"
SITEMAP = "sitemap"
NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"


def default_user_agent() -> str:
    """The User-Agent sent when ``$HALONOTES_USER_AGENT`` is not set."""
    try:
        release = version("halonotes")
    except PackageNotFoundError:
        release = "dev"
    return f"halonotes/{release} (+{PROJECT_URL})"


def episode_number(url: str) -> int | None:
    """The episode number in a post URL (``…/by-the-run-book-episode-19`` -> 19), or None."""
    match = _EPISODE_PATH.search(urlsplit(url).path)
    return int(match.group(1)) if match else None


def post_url(url: str) -> str:
    """A post URL without fragment or query string, so one post is one URL."""
    parts = urlsplit(urldefrag(url)[0])
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, "", ""))


def is_episode_url(url: str, *, host: str) -> bool:
    """True for an http(s) episode post on ``host``."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc.lower() == host.lower()
        and episode_number(url) is not None
    )


def _links(response: Response) -> list[tuple[str, scrapy.Selector]]:
    return [(urljoin(response.url, a.attrib["href"].strip()), a) for a in response.css("a[href]")]


def episode_links(response: Response, *, host: str) -> list[str]:
    """The episode posts on ``host`` that a page links to, in page order, each once."""
    found: list[str] = []
    for url, _ in _links(response):
        if is_episode_url(url, host=host) and post_url(url) not in found:
            found.append(post_url(url))
    return found


def next_page_links(response: Response) -> list[str]:
    """The listing's "Next" pagination links (Webflow's ``?<id>_page=N``) on the same host."""
    host = urlsplit(response.url).netloc.lower()
    found: list[str] = []
    for url, anchor in _links(response):
        parts = urlsplit(url)
        label = " ".join(
            [*anchor.css("::text").getall(), anchor.attrib.get("aria-label", "")]
        ).lower()
        is_next = "w-pagination-next" in anchor.attrib.get("class", "") or "next" in label.split()
        paged = any(_PAGE_PARAMETER.search(key) for key, _ in parse_qsl(parts.query))
        if is_next and paged and parts.netloc.lower() == host and url not in found:
            found.append(urldefrag(url)[0])
    return found


def sitemap_url(start_url: str) -> str:
    """``sitemap.xml`` at the root of the start URL's host."""
    parts = urlsplit(start_url)
    return urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))


def sitemap_links(response: Response, *, host: str) -> tuple[list[str], list[str]]:
    """Read a sitemap: (episode posts on ``host``, nested sitemaps on ``host``)."""
    try:
        sitemap = Sitemap(response.body)
    except (StopIteration, ValueError, SyntaxError):
        return [], []
    locations = [urljoin(response.url, entry["loc"]) for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        nested = [url for url in locations if urlsplit(url).netloc.lower() == host.lower()]
        return [], nested
    posts: list[str] = []
    for url in locations:
        if is_episode_url(url, host=host) and post_url(url) not in posts:
            posts.append(post_url(url))
    return posts, []


@dataclass
class FetchedPost:
    """An episode post answered in full, and what the parser read from it."""

    url: str
    body: bytes = field(repr=False)
    episodes: tuple[Episode, ...]
    features: tuple[Feature, ...]
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class PageOutcome:
    """A page that needs no parsing: a listing, a sitemap, an unchanged or failed post."""

    url: str
    outcome: str
    is_post: bool = False
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _http_error_outcome(response: Response) -> str:
    status = response.status
    outcome = f"error: HTTP {status}"
    if status in (404, 410):
        outcome += ", post gone"
    wait = retry_after_seconds(response.headers.get("Retry-After"))
    if wait is not None:
        outcome += f", asked to retry after {wait:.0f} s"
        if wait > RETRY_AFTER_MAX:
            outcome += f" (more than the {RETRY_AFTER_MAX:.0f} s a crawl waits)"
    return outcome


def failure_outcome(failure) -> tuple[str, int | None]:
    """Describe why a request failed, in the run report's words: (outcome, HTTP status)."""
    if failure.check(HttpError):
        return _http_error_outcome(failure.value.response), failure.value.response.status
    if failure.check(IgnoreRequest):
        if "max redirections" in str(failure.value):
            return f"error: more than {MAX_REDIRECTS} redirects (a redirect loop)", None
        return f"skipped: {failure.value}", None
    if failure.check(DownloadCancelledError):  # the size cap (DOWNLOAD_MAXSIZE)
        return f"error: larger than {MAX_PAGE_BYTES // 2**20} MB, download stopped", None
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "error: timed out", None
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "error: host not found", None
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "error: connection refused", None
    if failure.check(
        DownloadFailedError,
        ResponseDataLossError,
        ConnectionLost,
        ResponseFailed,
        ResponseNeverReceived,
    ):
        return "error: connection lost (reset or closed before the answer)", None
    return f"error: {type(failure.value).__name__}", None


class EpisodeSpider(scrapy.Spider):
    """Find the episode posts of the blog and hand new or changed ones to the parser."""

    name = "episodes"

    def __init__(self, *, start_url: str, run, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = urlsplit(start_url).netloc.lower()
        self.run = run
        self.requested_posts: set[str] = set()

    async def start(self):
        """Start at the listing (or at the post, when the start URL is one) and the sitemap."""
        if is_episode_url(self.start_url, host=self.host):
            yield self.post_request(post_url(self.start_url))
        else:
            yield scrapy.Request(
                self.start_url, callback=self.parse_listing, errback=self.listing_failed
            )
        yield scrapy.Request(
            sitemap_url(self.start_url), callback=self.parse_sitemap, errback=self.sitemap_failed
        )

    def post_requests(self, urls: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the posts among ``urls`` this crawl has not asked for yet."""
        for url in urls:
            if url not in self.requested_posts:
                self.requested_posts.add(url)
                yield self.post_request(url)

    def post_request(self, url: str) -> scrapy.Request:
        """A request for a post: conditional when its records and text are already kept."""
        headers = {}
        if not self.run.refresh and url in self.run.stored_urls:
            headers = self.run.state.conditional_headers(url)
        return scrapy.Request(
            url,
            headers=headers,
            callback=self.parse_post,
            errback=self.post_failed,
            cb_kwargs={"url": url},
            meta={"handle_httpstatus_list": [304]},
            # Posts are asked for once by post_requests(). Unfiltered, a post that redirects
            # back to itself runs into the redirect cap and is reported, not silently dropped.
            dont_filter=True,
        )

    def parse_listing(self, response: Response):
        """Queue the posts a listing page links to, and its next page.

        The sample's first page links 3 posts and the next page; a post the sitemap queued
        first is not asked for twice.

        @sample thoughts.html
        @returns items 1 1
        @returns requests 1 4
        @scrapes url outcome
        """
        yield PageOutcome(response.url, LISTING, http_status=response.status)
        yield from self.post_requests(episode_links(response, host=self.host))
        for url in next_page_links(response):
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed)

    def parse_sitemap(self, response: Response):
        """Queue the posts a sitemap lists, and the sitemaps it nests.

        The sample's sitemap lists 5 posts (and other pages); posts the listing queued first
        are not asked for twice.

        @sample sitemap.xml
        @returns items 1 1
        @returns requests 2 5
        @scrapes url outcome
        """
        posts, nested = sitemap_links(response, host=self.host)
        yield PageOutcome(response.url, SITEMAP, http_status=response.status)
        yield from self.post_requests(posts)
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed)

    def parse_post(self, response: Response, url: str):
        """Hand a new or changed post to the parser; report an unchanged one as such.

        @sample thoughts/by-the-run-book-episode-52.html
        @cb_kwargs {"url": "https://www.risingtidegroup.net/thoughts/by-the-run-book-episode-52"}
        @returns items 1 1
        @returns requests 0 0
        @scrapes url episodes features
        """
        etag, last_modified = _header(response, "ETag"), _header(response, "Last-Modified")
        stored = url in self.run.stored_urls and not self.run.refresh
        known = self.run.state.posts.get(url)
        unchanged = response.status == 304 or (
            stored
            and (
                "cached" in response.flags
                or (known and known.content_hash == content_hash(response.body))
            )
        )
        if unchanged:
            yield PageOutcome(
                url, UNCHANGED, True, response.status, etag=etag, last_modified=last_modified
            )
            return
        if not isinstance(response, TextResponse):
            yield PageOutcome(url, "error: not an HTML page", True, response.status)
            return
        try:
            # Checked strictly: a page that breaks its own encoding never replaces records.
            response.body.decode(response.encoding)
        except UnicodeDecodeError as exc:
            outcome = f"error: not valid {response.encoding} (byte {exc.start})"
            yield PageOutcome(url, outcome, True, response.status)
            return
        parsed = parse_page(response.text, url)
        yield FetchedPost(url, response.body, parsed.episodes, parsed.features, etag, last_modified)

    def post_failed(self, failure):
        """Report a post that could not be fetched; its stored records stay as they are."""
        outcome, status = failure_outcome(failure)
        yield PageOutcome(failure.request.cb_kwargs["url"], outcome, True, status)

    def listing_failed(self, failure):
        """Report a listing page that could not be fetched."""
        outcome, status = failure_outcome(failure)
        yield PageOutcome(failure.request.url, outcome, http_status=status)

    def sitemap_failed(self, failure):
        """A missing sitemap is normal: note it in the log and go on."""
        outcome, _ = failure_outcome(failure)
        self.logger.info("No sitemap at %s (%s)", failure.request.url, outcome)


def crawl_settings(
    *,
    data_dir: Path,
    timeout: float,
    retries: int,
    delay: float,
    http_cache: bool,
) -> dict:
    """Scrapy settings for a polite crawl: ``halonotes crawl`` and ``scrapy crawl`` apply them."""
    settings = {
        "BOT_NAME": "halonotes",
        "USER_AGENT": os.environ.get(USER_AGENT_ENV) or default_user_agent(),
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.01),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": MAX_PAGE_BYTES // 4,
        "RETRY_ENABLED": retries > 0,
        "RETRY_TIMES": retries,
        RETRY_AFTER_MAX_SETTING: RETRY_AFTER_MAX,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.retry_after.RetryAfterMiddleware": 550,
        },
        "REDIRECT_MAX_TIMES": MAX_REDIRECTS,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,  # the CLI's logging settings apply
        "ITEM_PIPELINES": {
            "crawler.pipelines.ValidatePipeline": 100,
            "crawler.pipelines.StorePipeline": 200,
        },
    }
    if http_cache:
        settings.update(
            {
                "HTTPCACHE_ENABLED": True,
                "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",
                "HTTPCACHE_DIR": str((Path(data_dir) / ".httpcache").resolve()),
                # Revalidate every page, or an edited post is served from the cache for days.
                "DEFAULT_REQUEST_HEADERS": {
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                    "Cache-Control": "max-age=0",
                },
            }
        )
    return settings
