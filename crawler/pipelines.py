"""Item pipelines: check what the spider hands over, collect it, write it once at the end.

Nothing reaches disk while the crawl runs. When the spider closes, the run keeps the new
page texts, merges every post's records into the store in one go, updates the search index
when one exists, and saves the crawl state last. A crawl killed (or failing to write) before
the store merge leaves the store as it was; killed before the state is saved, the next
crawl fetches those posts in full again and finds their previous texts where this one put
them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from crawler.errors import HalonotesError
from crawler.parse.meta import post_link_number
from crawler.records import COMPLETE, Episode, Feature, keep_first_seen, read_ticket_id
from crawler.report import PageRow, RunReport, now_iso, partial_posts
from crawler.spider import (
    CHANGED,
    LISTING,
    NEW,
    SITEMAP,
    UNCHANGED,
    FetchedPost,
    PageOutcome,
)
from crawler.state import CrawlState, content_hash
from crawler.store import MergeReport, Store

NO_FEATURES = "error: no features (the blog's format may have changed)"
# A post fetched because its listing card names the series, whose page holds no episode.
NOT_AN_EPISODE = "not an episode post"
GONE_STATUSES = (404, 410)

logger = logging.getLogger(__name__)


def valid_feature(feature: Feature) -> bool:
    """True for a feature worth storing: a title, and a well-formed ticket ID when it has one."""
    return bool(feature.title.strip()) and (
        feature.ticket_id is None or read_ticket_id(feature.ticket_id) == feature.ticket_id
    )


def check_post(post: FetchedPost) -> FetchedPost | PageOutcome:
    """Keep only the post's own episode and its valid features; a post without any fails.

    The post's own episode is the one its URL names, or else the one its title names (the
    parser gives it the post's URL). Other posts a page carries ("more posts" sections) are
    read from their own pages.
    """
    number = post_link_number(post.url)
    if number is None:
        own = [e.episode for e in post.episodes if e.url == post.url]
        if not own:  # found by its card only: a post about the series, say
            return PageOutcome(post.url, NOT_AN_EPISODE, is_post=True)
        number = own[0]
    episodes = tuple(e for e in post.episodes if e.episode == number)
    if not episodes:
        return PageOutcome(post.url, f"error: no episode {number} on the page", is_post=True)
    features = []
    for feature in post.features:
        if feature.episode != number:
            continue
        if valid_feature(feature):
            features.append(feature)
        else:
            logger.warning("Skipped a feature without title or with a bad ID on %s", post.url)
    if not holds_a_feature_list(episodes[0], features):
        return PageOutcome(post.url, NO_FEATURES, is_post=True)
    return replace(post, episodes=episodes[:1], features=tuple(features))


def holds_a_feature_list(episode: Episode, features: list[Feature]) -> bool:
    """True when a post's records are its feature list: a feature holds a ticket ID, or the
    post names no ticket at all and was read whole (its features come from title lines such
    as ``Title | v2.216 | 49:41``). Paragraphs alone are no feature list: the stored records
    stay."""
    if any(feature.ticket_id for feature in features):
        return True
    return bool(features) and episode.ids_found == 0 and episode.parse == COMPLETE


class CrawlRun:
    """One crawl of one data folder: what the spider needs to know, and what it found."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        refresh: bool = False,
        on_page: Callable[[PageRow], None] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.store = Store(self.data_dir)
        self.state = CrawlState.load(self.data_dir)
        self.stored_urls = frozenset(episode.url for episode in self.store.episodes())
        self.refresh = refresh
        self.on_page = on_page
        self.report = RunReport("crawl")
        self.posts: list[FetchedPost] = []
        self.outcomes: list[PageOutcome] = []
        self.store_changed = False  # set when write() changed records the index is built from
        self.error: HalonotesError | None = None

    def add(self, item: FetchedPost | PageOutcome) -> None:
        """Record one page the spider handled."""
        if isinstance(item, FetchedPost):
            self.posts.append(item)
            episode = item.episodes[0]
            row = PageRow(
                item.url,
                self._fetched_outcome(item),
                episodes=(episode.episode,),
                features=len(item.features),
                unparsed_ids=episode.unparsed_ids,
                partial=partial_posts(item.episodes),
            )
        else:
            self.outcomes.append(item)
            row = PageRow(item.url, item.outcome)
        self.report.add_page(row)
        if self.on_page is not None:
            self.on_page(row)

    def _fetched_outcome(self, post: FetchedPost) -> str:
        if post.url not in self.stored_urls:
            return NEW
        known = self.state.posts.get(post.url)
        if known is None or known.content_hash != content_hash(post.body):
            return CHANGED
        return UNCHANGED

    def count(self, outcome: str) -> int:
        """How many pages of this run had ``outcome``."""
        return sum(1 for row in self.report.pages if row.outcome == outcome)

    @property
    def fetched(self) -> int:
        """Pages the site answered: listings, sitemaps and posts (304 included)."""
        answered = {LISTING, SITEMAP, NEW, CHANGED, UNCHANGED, NOT_AN_EPISODE}
        return sum(1 for row in self.report.pages if row.outcome in answered)

    @property
    def failed(self) -> int:
        """Pages that could not be fetched or read."""
        return sum(1 for row in self.report.pages if row.failed)

    @property
    def posts_answered(self) -> int:
        """Episode posts the site answered (new, changed or unchanged)."""
        return sum(1 for row in self.report.pages if row.outcome in (NEW, CHANGED, UNCHANGED))

    @property
    def posts_failed(self) -> int:
        """Episode posts that could not be fetched or read."""
        return sum(1 for o in self.outcomes if o.is_post and o.outcome.startswith("error"))

    @property
    def format_changed(self) -> bool:
        """True when a fetched episode post gave no features at all."""
        return any(row.outcome == NO_FEATURES for row in self.report.pages)

    def write(self) -> None:
        """Keep page texts, merge all posts into the store at once, save the crawl state."""
        seen_at = now_iso()
        for post in self.posts:
            self.state.keep_text(post.url, post.body, seen_at=seen_at)
        episodes: list[Episode] = keep_first_seen(
            [e for post in self.posts for e in post.episodes], self.store.episodes(), seen_at
        )
        features: list[Feature] = [f for post in self.posts for f in post.features]
        self.report.store = self.store.merge(episodes, features) if episodes else MergeReport()
        gone = [
            o.url
            for o in self.outcomes
            if o.is_post and o.http_status in GONE_STATUSES and o.url in self.stored_urls
        ]
        marked = [url for url in gone if self.store.set_episode_status(url, "gone")]
        self.store_changed = bool(episodes or marked)
        for post in self.posts:
            self._remember(post.url, self._row_outcome(post.url), post.etag, post.last_modified)
            self.state.post(post.url).last_seen = seen_at
        for outcome in self.outcomes:
            if not outcome.is_post:
                continue
            self._remember(outcome.url, outcome.outcome, outcome.etag, outcome.last_modified)
            if outcome.outcome == UNCHANGED:
                self.state.post(outcome.url).last_seen = seen_at
        self.state.save()

    def _row_outcome(self, url: str) -> str:
        return next(row.outcome for row in self.report.pages if row.url == url)

    def _remember(self, url: str, outcome: str, etag: str | None, last_modified: str | None):
        post = self.state.post(url)
        post.outcome = outcome
        if etag or last_modified:
            post.etag, post.last_modified = etag, last_modified


class ValidatePipeline:
    """Drop what a post page should not contribute; turn an empty post into a failure."""

    def process_item(self, item, spider=None):
        """Check a fetched post; pass every other item through."""
        return check_post(item) if isinstance(item, FetchedPost) else item


class StorePipeline:
    """Collect the crawl's pages and write them to the store when the spider closes."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> StorePipeline:
        """Keep the crawler: its spider carries the run."""
        return cls(crawler)

    @property
    def run(self) -> CrawlRun:
        return self.crawler.spider.run

    def process_item(self, item, spider=None):
        """Record one page."""
        self.run.add(item)
        return item

    def close_spider(self, spider=None) -> None:
        """Write everything once; a store error is kept for the command to report."""
        try:
            self.run.write()
        except HalonotesError as exc:
            self.run.error = exc
