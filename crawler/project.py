"""The spider as a Scrapy project: ``scrapy list``, ``scrapy crawl episodes``, ``scrapy check``.

``scrapy.cfg`` names ``crawler.settings``, which lists the spider of this module. ``scrapy
crawl episodes`` takes the options of ``halonotes crawl`` as spider arguments (``-a data=DIR``,
``-a sample=true``, ``-a start_url=URL``, ``-a timeout=20``; dashes work as underscores) and
stores what it fetches the same way, under the same crawl lock, ending with
``data/last_run.json``. It leaves the search index alone: run ``halonotes index`` after it, or
use ``halonotes crawl``, which does both and exits non-zero when pages failed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import click

from crawler.errors import HalonotesError
from crawler.pipelines import CrawlRun
from crawler.report import write_last_run
from crawler.sample_site import sample_server
from crawler.spider import LIVE_START_URL, EpisodeSpider, crawl_settings
from crawler.state import crawl_lock
from crawler.store import default_data_dir

LIVE_DELAY = 1.0
SAMPLE_DELAY = 0.05


@dataclass(frozen=True)
class CrawlOption:
    """One option of a crawl: how its text is read, and its value when it is not given."""

    type: click.ParamType
    default: object = None


# The options of a crawl, as ``halonotes crawl --name`` and ``scrapy crawl -a name=`` read them.
CRAWL_OPTIONS = {
    "start_url": CrawlOption(click.STRING),
    "data": CrawlOption(click.Path(file_okay=False, path_type=Path)),
    "sample": CrawlOption(click.BOOL, False),
    "http_cache": CrawlOption(click.BOOL, False),
    "timeout": CrawlOption(click.FloatRange(min=0.1), 30.0),
    "retries": CrawlOption(click.IntRange(0, 10), 2),
    "delay": CrawlOption(click.FloatRange(min=0)),
    "refresh": CrawlOption(click.BOOL, False),
}


def crawl_arguments(arguments: dict[str, str]) -> dict[str, object]:
    """Read spider arguments as crawl options, with the defaults of the ones not given.

    Raises:
        HalonotesError: an unknown argument or a value that cannot be read, named.
    """
    values = {name: option.default for name, option in CRAWL_OPTIONS.items()}
    for given, text in arguments.items():
        name = given.replace("-", "_")
        if name not in CRAWL_OPTIONS:
            known = ", ".join(CRAWL_OPTIONS)
            raise HalonotesError(f"Unknown spider argument {given!r}; the arguments are {known}.")
        try:
            values[name] = CRAWL_OPTIONS[name].type.convert(text, None, None)
        except click.BadParameter as exc:
            raise HalonotesError(f"-a {given}={text}: {exc.message}") from None
    if values["sample"] and values["start_url"]:
        raise HalonotesError("Use either -a sample=true or -a start_url=URL, not both.")
    return values


class ProjectEpisodeSpider(EpisodeSpider):
    """The episode spider as the ``scrapy`` command starts it, with the crawl's options."""

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """Apply the options: settings, data folder, crawl lock and sample server.

        Bad options, or a crawl already running on the folder, end the command with one line
        and a non-zero exit before anything is fetched.
        """
        held = contextlib.ExitStack()
        try:
            options = crawl_arguments(kwargs)
            data_dir = options["data"] or default_data_dir()
            start_url = options["start_url"] or LIVE_START_URL
            if not os.environ.get("SCRAPY_CHECK"):  # contracts read bundled pages, store nothing
                held.enter_context(crawl_lock(data_dir))
                if options["sample"]:
                    start_url = held.enter_context(sample_server()).origin + "/thoughts"
            run = CrawlRun(data_dir, refresh=options["refresh"])
        except HalonotesError as exc:
            held.close()
            raise SystemExit(f"scrapy crawl {cls.name}: {exc}") from None
        delay = options["delay"]
        if delay is None:
            delay = SAMPLE_DELAY if options["sample"] else LIVE_DELAY
        settings = crawl_settings(
            data_dir=data_dir,
            timeout=options["timeout"],
            retries=options["retries"],
            delay=delay,
            http_cache=options["http_cache"],
        )
        crawler.settings.setdict(settings, priority="spider")
        spider = super().from_crawler(crawler, *args, start_url=start_url, run=run)
        spider.held = held
        return spider

    def closed(self, reason: str) -> None:
        """Write the run report, say what was stored, and let go of the lock and the server."""
        with self.held:
            if os.environ.get("SCRAPY_CHECK"):
                return
            self.run.report.finish()
            write_last_run(self.run.data_dir, self.run.report)
            for row in self.run.report.pages:
                if row.failed:
                    self.logger.error("%s: %s", row.url, row.outcome)
            if self.run.error is not None:
                self.logger.error("Nothing was stored: %s", self.run.error)
                return
            store = self.run.report.store
            self.logger.info(
                "Stored in %s: features %d added, %d updated. Run: halonotes index",
                self.run.data_dir,
                store.added,
                store.updated,
            )
