"""``halonotes crawl``: fetch new and changed episode posts into the store, politely.

Runs the spider in this process through Scrapy's CrawlerProcess, prints a progress line
while it runs (on a terminal) and one summary line at the end, brings an existing search
index up to date with what the crawl stored, and writes the run report to
``data/last_run.json``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy.crawler import CrawlerProcess

from crawler.bounds import (
    MAX_LISTING_PAGES,
    MAX_PAGES,
    MAX_SECONDS,
    MAX_SITEMAP_URLS,
    CrawlBounds,
)
from crawler.errors import HalonotesError
from crawler.pipelines import NOT_AN_EPISODE, CrawlRun
from crawler.project import CRAWL_OPTIONS, LIVE_DELAY, SAMPLE_DELAY
from crawler.report import PageRow, write_last_run
from crawler.sample_site import sample_server
from crawler.spider import CHANGED, LIVE_START_URL, NEW, UNCHANGED, EpisodeSpider, crawl_settings
from crawler.state import crawl_lock
from crawler.store import default_data_dir
from index.build import update_index
from webapp.options import data_option

# Loggers whose warnings restate a failed page's report line (retries given up, size cap).
QUIET_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.core.downloader.handlers.http11")


def run_crawl(
    start_url: str,
    *,
    data_dir: Path,
    timeout: float = 30.0,
    retries: int = 2,
    delay: float = LIVE_DELAY,
    http_cache: bool = False,
    refresh: bool = False,
    bounds: CrawlBounds | None = None,
    on_page=None,
) -> CrawlRun:
    """Crawl from ``start_url`` into ``data_dir`` and return the finished run.

    The crawl stops short at ``bounds`` (``CrawlBounds()`` by default), noting there which
    bounds it reached; what it fetched until then is stored as usual.

    Raises:
        HalonotesError: the store or crawl state cannot be read or written.
    """
    run = CrawlRun(data_dir, refresh=refresh, on_page=on_page)
    bounds = bounds if bounds is not None else CrawlBounds()
    settings = crawl_settings(
        data_dir=data_dir,
        timeout=timeout,
        retries=retries,
        delay=delay,
        http_cache=http_cache,
        max_seconds=bounds.seconds,
    )
    # Scrapy sets its loggers to DEBUG; the handlers keep to the level the CLI chose.
    root = logging.getLogger()
    for handler in root.handlers:
        handler.setLevel(max(handler.level, root.level))
    process = CrawlerProcess(settings)
    if root.level > logging.INFO:
        # Each failed page gets its own line in the summary; these logs would repeat it.
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    process.crawl(EpisodeSpider, start_url=start_url, run=run, bounds=bounds)
    process.start()
    if run.error is not None:
        raise run.error
    return run


def update_search_index(data_dir: Path) -> HalonotesError | None:
    """Bring an existing search index up to date; the error, when it fails, is not fatal."""
    try:
        update_index(data_dir)
    except HalonotesError as exc:
        return exc
    return None


def summary_line(run: CrawlRun) -> str:
    """The one-line summary printed at the end of a crawl."""
    totals = run.report.totals
    others = run.count(NOT_AN_EPISODE)
    not_episodes = f", {others} not episode posts" if others else ""
    return (
        f"Crawl: {run.fetched} pages fetched, {run.count(UNCHANGED)} unchanged, "
        f"{run.count(NEW)} new, {run.count(CHANGED)} changed{not_episodes}, {run.failed} failed; "
        f"features {run.report.store.added} added, {run.report.store.updated} updated; "
        f"{totals['unparsed_ids']} unparsed ID tokens; {totals['partial']} posts partial."
    )


class ProgressDisplay:
    """A live progress line on stderr while the crawl runs; silent when stderr is no terminal."""

    def __init__(self):
        self.progress = None
        self.seen = 0
        if sys.stderr.isatty():
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task("Crawling", total=None)

    def __enter__(self) -> ProgressDisplay:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()

    def page(self, row: PageRow) -> None:
        """Show the latest page."""
        self.seen += 1
        if self.progress is not None:
            self.progress.update(
                self.task, description=f"{self.seen} pages · {row.outcome} {row.url}"
            )


@dataclass
class CrawlOutcome:
    """A finished crawl: the run, the URL it started from, its bounds and the index update."""

    run: CrawlRun
    start_url: str
    bounds: CrawlBounds
    index_error: HalonotesError | None

    def write_report(self) -> None:
        """Write ``data/last_run.json``, with the bounds the crawl stopped at."""
        self.run.report.finish()
        self.run.report.stopped_at = list(self.bounds.reached)
        write_last_run(self.run.data_dir, self.run.report)

    def echo(self) -> None:
        """One line on stderr per failed page and for an index left behind; the summary."""
        for row in self.run.report.pages:
            if row.failed:
                click.echo(f"{row.url}: {row.outcome}", err=True)
        if self.index_error is not None:
            click.echo(f"Search index not updated: {self.index_error}", err=True)
        click.echo(summary_line(self.run))

    def failure(self) -> str | None:
        """Why the command exits non-zero, or None: the first of the bounds reached, nothing
        fetched, a format change, every post failing, posts read in part, and an index left
        behind (the site would keep serving the old records)."""
        run, partial = self.run, self.run.report.totals["partial"]
        if self.bounds.message():
            return self.bounds.message()
        if run.fetched == 0:
            return f"Nothing could be fetched from {self.start_url}."
        if run.format_changed:
            return (
                "A fetched episode post gave no features: the blog's format has probably "
                "changed. Its stored records were kept."
            )
        if run.posts_answered == 0 and run.posts_failed:
            return (
                f"None of the {run.posts_failed} episode posts could be fetched (see above). "
                "Their stored records were kept."
            )
        if partial:
            read = "; ".join(p for row in run.report.pages for p in row.partial)
            return (
                f"{partial} episode posts were read only in part: {read}. "
                "Their records hold what could be read."
            )
        if self.index_error is not None:
            return "The store is up to date but the search index is not (see above)."
        return None


def crawl_then_index(
    start_url: str | None, *, data_dir: Path, sample: bool, bounds: CrawlBounds, **options
) -> CrawlOutcome:
    """Crawl under the folder's crawl lock (the bundled sample site with ``sample``), showing
    progress, then bring an existing search index up to date when the store changed.

    ``options`` are the other options of ``run_crawl``.
    """
    with crawl_lock(data_dir), contextlib.ExitStack() as stack:
        if sample:
            start_url = stack.enter_context(sample_server()).origin + "/thoughts"
        start_url = start_url or LIVE_START_URL
        display = stack.enter_context(ProgressDisplay())
        run = run_crawl(
            start_url, data_dir=data_dir, bounds=bounds, on_page=display.page, **options
        )
        index_error = update_search_index(data_dir) if run.store_changed else None
    return CrawlOutcome(run, start_url, bounds, index_error)


@click.command("crawl")
@click.option(
    "--start-url",
    metavar="URL",
    help=f"Listing (or post) to start from.  [default: {LIVE_START_URL}]",
)
@data_option("Data folder.  [default: $HALONOTES_DATA or data]", resolved=False)
@click.option("--sample", is_flag=True, help="Crawl the bundled sample site, served on 127.0.0.1.")
@click.option(
    "--http-cache", is_flag=True, help="Keep an HTTP cache in DATA/.httpcache (for development)."
)
@click.option(
    "--timeout",
    type=CRAWL_OPTIONS["timeout"].type,
    default=CRAWL_OPTIONS["timeout"].default,
    show_default=True,
    help="Seconds to wait for one page.",
)
@click.option(
    "--retries",
    type=CRAWL_OPTIONS["retries"].type,
    default=CRAWL_OPTIONS["retries"].default,
    show_default=True,
    help="Retries of a page that times out or answers 5xx/429.",
)
@click.option(
    "--delay",
    type=CRAWL_OPTIONS["delay"].type,
    help=f"Seconds between requests.  [default: {LIVE_DELAY}, {SAMPLE_DELAY} with --sample]",
)
@click.option(
    "--refresh", is_flag=True, help="Fetch and re-parse every post in full, ignoring crawl state."
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=MAX_PAGES,
    show_default=True,
    help="Pages of any kind one crawl may fetch.",
)
@click.option(
    "--max-listing-pages",
    type=click.IntRange(min=1),
    default=MAX_LISTING_PAGES,
    show_default=True,
    help="Listing pages (the start page and its Next pages) one crawl may follow.",
)
@click.option(
    "--max-sitemap-urls",
    type=click.IntRange(min=0),
    default=MAX_SITEMAP_URLS,
    show_default=True,
    help="Post and nested-sitemap URLs one crawl may take from sitemaps.",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=1),
    default=MAX_SECONDS,
    show_default=True,
    help="Seconds one crawl may run before it stops, keeping what it fetched.",
)
def crawl_command(
    start_url: str | None,
    data_dir: Path | None,
    sample: bool,
    http_cache: bool,
    timeout: float,
    retries: int,
    delay: float | None,
    refresh: bool,
    max_pages: int,
    max_listing_pages: int,
    max_sitemap_urls: int,
    max_time: float,
) -> None:
    """Crawl the blog's episode posts into the store (only new or changed posts are parsed)."""
    if sample and start_url:
        raise click.UsageError("Use either --sample or --start-url, not both.")
    data_dir = data_dir or default_data_dir()
    bounds = CrawlBounds(
        pages=max_pages,
        listing_pages=max_listing_pages,
        sitemap_urls=max_sitemap_urls,
        seconds=max_time,
    )
    try:
        outcome = crawl_then_index(
            start_url,
            data_dir=data_dir,
            sample=sample,
            timeout=timeout,
            retries=retries,
            delay=delay if delay is not None else (SAMPLE_DELAY if sample else LIVE_DELAY),
            http_cache=http_cache,
            refresh=refresh,
            bounds=bounds,
        )
        outcome.write_report()
    except HalonotesError as exc:
        raise click.ClickException(str(exc)) from exc
    outcome.echo()
    failure = outcome.failure()
    if failure:
        raise click.ClickException(failure)
