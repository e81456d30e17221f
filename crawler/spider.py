"""The spider: which pages of the blog to fetch, and how politely.

It reads the listing (following Webflow's "Next" pagination) and the host's sitemap.xml,
and fetches only episode posts on the start URL's host: a post whose URL names the series
and a number (``/…/by-the-run-book-episode-N``, however the slug was typed), or a listing
card that names the series ("By the [run]Book Ep. 31") whatever its link. A post the crawl
state already holds is asked for conditionally, so an unchanged post costs the blog a 304.
The callback hands each new or changed page to the parser; the spider itself reads no
content beyond links.
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
from w3lib.encoding import http_content_type_encoding

from crawler.bounds import CrawlBounds
from crawler.parse import parse_page
from crawler.parse.encoding import UndecodableError, read_page
from crawler.parse.meta import names_the_series, post_link_number, slug_names_the_series
from crawler.records import Episode, Feature
from crawler.retry_after import RETRY_AFTER_MAX_SETTING, retry_after_seconds
from crawler.state import content_hash

LIVE_START_URL = "https://www.risingtidegroup.net/thoughts"
PROJECT_URL = "https://github.com/halonotes/halonotes"
USER_AGENT_ENV = "HALONOTES_USER_AGENT"

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


def post_url(url: str, host: str | None = None) -> str:
    """A post URL without fragment or query string, so one post is one URL; with ``host``, on
    that host when the URL names its "www." twin (``blog.example`` and ``www.blog.example``)."""
    parts = urlsplit(urldefrag(url)[0])
    netloc = parts.netloc.lower()
    if host is not None and _same_site(netloc, host):
        netloc = host.lower()
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def is_episode_url(url: str, *, host: str) -> bool:
    """True for an http(s) post on ``host`` whose URL names an episode."""
    return _on_host(url, host) and post_link_number(url) is not None


def _on_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and _same_site(parts.netloc, host)


def _same_site(netloc: str, host: str) -> bool:
    """True for ``host`` and its "www." twin: a site links and lists itself under either."""
    return netloc.lower().removeprefix("www.") == host.lower().removeprefix("www.")


def _card_text(anchor: scrapy.Selector) -> str:
    """A link's text, with the rest of its Webflow collection item (``w-dyn-item``): the
    card's title when the link itself is only "Read more"."""
    card = anchor.xpath(
        "ancestor-or-self::*[contains(concat(' ', normalize-space(@class), ' '), ' w-dyn-item ')]"
    )
    return " ".join((card[-1] if card else anchor).css("::text").getall())


def _links(response: Response) -> list[tuple[str, scrapy.Selector]]:
    return [(urljoin(response.url, a.attrib["href"].strip()), a) for a in response.css("a[href]")]


def episode_links(response: Response, *, host: str) -> list[str]:
    """The episode posts on ``host`` that a page links to, in page order, each once: links
    whose URL names an episode, and posts whose card names the series."""
    page = post_url(response.url, host)
    found: list[str] = []
    for url, anchor in _links(response):
        target = post_url(url, host)
        if target in found or target == page or not _on_host(url, host):
            continue
        if post_link_number(url) is not None or (
            _is_post_path(url) and names_the_series(_card_text(anchor))
        ):
            found.append(target)
    return found


def _is_post_path(url: str) -> bool:
    """True for a collection item's path (``/thoughts/some-post``), not a top-level page."""
    return len([part for part in urlsplit(url).path.split("/") if part]) >= 2


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


def sitemap_links(
    response: Response, *, host: str, limit: int | None = None
) -> tuple[list[str], list[str]]:
    """Read a sitemap: (episode posts on ``host``, nested sitemaps on ``host``), each once in
    sitemap order; with ``limit``, stop reading after that many of them.

    A sitemap has no card to name the series, so a post whose slug names it is asked for
    with or without an episode number (``by-the-run-book-halopsa-2-230``): its page says
    which episode it is, or that it is none."""
    try:
        sitemap = Sitemap(response.body)
    except (StopIteration, ValueError, SyntaxError):
        return [], []
    locations = (urljoin(response.url, entry["loc"]) for entry in sitemap if entry.get("loc"))
    nested = sitemap.type == "sitemapindex"
    found: dict[str, None] = {}
    for url in locations:
        if limit is not None and len(found) >= limit:
            break
        if nested and _on_host(url, host):
            found[url] = None
        elif not nested and _on_host(url, host) and slug_names_the_series(url):
            found[post_url(url, host)] = None
    return ([], list(found)) if nested else (list(found), [])


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

    def __init__(self, *, start_url: str, run, bounds: CrawlBounds | None = None, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = urlsplit(start_url).netloc.lower()
        self.run = run
        self.bounds = bounds or CrawlBounds()
        self.requested_posts: set[str] = set()
        self.pages_asked = 0  # requests of every kind, against bounds.pages
        self.listing_pages_asked = 0
        self.sitemap_urls_taken = 0

    async def start(self):
        """Start at the listing (or at the post, when the start URL is one) and the sitemap."""
        if is_episode_url(self.start_url, host=self.host):
            first = self.post_requests([post_url(self.start_url)])
        else:
            first = self.listing_requests([self.start_url])
        for request in first:
            yield request
        if self.take_page():
            yield scrapy.Request(
                sitemap_url(self.start_url),
                callback=self.parse_sitemap,
                errback=self.sitemap_failed,
            )

    def take_page(self) -> bool:
        """Count one more request against the pages-per-run bound; False once it is reached."""
        if self.pages_asked >= self.bounds.pages:
            self.bounds.reach_pages()
            return False
        self.pages_asked += 1
        return True

    def listing_requests(self, urls: list[str]) -> Iterator[scrapy.Request]:
        """Requests for listing pages, within the listing-pages and pages bounds."""
        for url in urls:
            if self.listing_pages_asked >= self.bounds.listing_pages:
                self.bounds.reach_listing_pages()
                return
            if not self.take_page():
                return
            self.listing_pages_asked += 1
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed)

    def post_requests(self, urls: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the posts among ``urls`` this crawl has not asked for yet."""
        for url in urls:
            if url not in self.requested_posts:
                if not self.take_page():
                    return
                self.requested_posts.add(url)
                yield self.post_request(url)

    def from_sitemap(self, urls: list[str]) -> list[str]:
        """The first of a sitemap's URLs that fit within the sitemap-URLs bound."""
        room = max(self.bounds.sitemap_urls - self.sitemap_urls_taken, 0)
        if len(urls) > room:
            self.bounds.reach_sitemap_urls()
        taken = urls[:room]
        self.sitemap_urls_taken += len(taken)
        return taken

    def closed(self, reason: str) -> None:
        """Note the time bound when Scrapy closed the crawl for it (CLOSESPIDER_TIMEOUT)."""
        if reason == "closespider_timeout":
            self.bounds.reach_time()

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
        yield from self.listing_requests(next_page_links(response))

    def parse_sitemap(self, response: Response):
        """Queue the posts a sitemap lists, and the sitemaps it nests.

        The sample's sitemap lists 5 posts (and other pages); posts the listing queued first
        are not asked for twice.

        @sample sitemap.xml
        @returns items 1 1
        @returns requests 2 5
        @scrapes url outcome
        """
        # One more than there is room for, to tell a sitemap that fits from one that does not.
        room = max(self.bounds.sitemap_urls - self.sitemap_urls_taken, 0)
        posts, nested = sitemap_links(response, host=self.host, limit=room + 1)
        yield PageOutcome(response.url, SITEMAP, http_status=response.status)
        yield from self.post_requests(self.from_sitemap(posts))
        for url in self.from_sitemap(nested):
            if not self.take_page():
                return
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
        declared = http_content_type_encoding(_header(response, "Content-Type"))
        try:
            page = read_page(response.body, declared=declared)
        except UndecodableError as exc:
            yield PageOutcome(url, f"error: {exc}", True, response.status)
            return
        if page.damaged:  # UTF-8 with broken bytes: never replaces the stored records
            yield PageOutcome(url, f"error: {page.note}", True, response.status)
            return
        if page.note:
            self.logger.warning("%s: %s", url, page.note)
        parsed = parse_page(page.text, url)
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
    max_seconds: float | None = None,
) -> dict:
    """Scrapy settings for a polite crawl: ``halonotes crawl`` and ``scrapy crawl`` apply them."""
    settings = {
        "CLOSESPIDER_TIMEOUT": max_seconds or 0,  # the time bound; 0 is none
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
