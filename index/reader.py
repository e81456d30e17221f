"""The query API: IndexReader answers searches and page data with plain dataclasses from
index.model, safe to share between threads.

It is a facade over the search layers: ``index.generations`` (which generation each thread
reads, and its tables), ``index.search`` (running a search), ``index.pages`` and
``index.related`` (the data of the other pages). A server's reader also warms each new
generation (``warm``) before requests move to it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from pathlib import Path

from crawler.errors import QueryError
from crawler.versions import canonical_version
from index import pages
from index.cache import LruCache
from index.facets import Tables
from index.generations import Generations
from index.model import EpisodeInfo, FacetCount, FeaturePage, Hit, ResultPage, SearchRequest
from index.related import related
from index.search import facet_values, search
from index.warming import carry_over

RESULT_CACHE_SIZE = 256


class IndexReader:
    """Searches the index in ``data_dir/index``; safe to share between threads."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        cache_size: int = RESULT_CACHE_SIZE,
        warm_in_background: bool = False,
    ):
        """Open the index, or raise IndexMissingError naming the fix.

        With ``warm_in_background`` (a server's readers), a thread that finds a new generation
        keeps answering from the one it has while another thread reads the new one and warms
        it, and moves to it once that is done: no request waits for it. Otherwise every call
        sees the latest commit at once.
        """
        self.data_dir = Path(data_dir)
        self._cache: LruCache[ResultPage] | None = LruCache(cache_size) if cache_size else None
        self._generations = Generations(
            self.data_dir,
            warm=self.warm if warm_in_background else None,
        )

    def close(self) -> None:
        """Close every searcher this reader opened (it must not be used afterwards)."""
        self._generations.close()

    def pin(self) -> None:
        """Answer this thread's calls from the index as it is now, until ``unpin``.

        A web request pins its thread, so every part of a page comes from one snapshot, and
        the index folder is checked for changes once per request rather than once per call.

        Raises:
            IndexMissingError: there is no index to pin.
        """
        self._generations.pin()

    def unpin(self) -> None:
        """Let this thread's next call see the latest committed index again."""
        self._generations.unpin()

    @property
    def generation(self) -> int:
        """A number that changes whenever the index does (for ETags)."""
        return self._generations.generation

    @property
    def last_modified(self) -> datetime:
        """When the index last changed (timezone-aware UTC)."""
        return self._generations.last_modified

    def warm(self, previous: Tables | None = None) -> None:
        """Build on this thread's (the latest) generation what requests built on
        ``previous`` (another generation's tables), then make calls like the site's first
        pages, so what requests read of it is built before a request needs it."""
        if previous is not None:
            searcher, tables, _ident = self._generations.state()
            carry_over(searcher, previous, tables)
        self.versions()
        self.facet_values()
        newest = self.newest(limit=20)
        self.search(SearchRequest())
        for hit in newest[:3]:
            word = next((w for w in hit.title.split() if len(w) > 3 and w.isalpha()), None)
            if word:
                self.search(SearchRequest(q=word, version=hit.version))
            if hit.ticket_id:
                self.related(self.ticket(hit.ticket_id)[0])

    def search(self, request: SearchRequest) -> ResultPage:
        """Run one search: the page of hits, the total, facet counts, suggestion and notice.

        Args:
            request: from ``parse_request``; its query text is read by ``parse_query`` and never
                makes this raise.

        Returns:
            The page; ``notice`` says when part of the query was read as plain words.
        """
        searcher, tables, ident = self._generations.state()
        if self._cache is None:
            return search(searcher, tables, request)
        return self._cache.get((request, ident), lambda: search(searcher, tables, request))

    def facet_values(self) -> dict[str, list[FacetCount]]:
        """Every value of each facet over the whole index, with counts."""
        _searcher, tables, _ident = self._generations.state()
        return facet_values(tables)

    def ticket(self, ticket_id: str) -> list[Hit]:
        """Every record of a ticket: episode discussions newest first, then release notes."""
        searcher, tables, _ident = self._generations.state()
        return pages.ticket(searcher, tables, ticket_id)

    def related(self, hit: Hit, *, limit: int = 5) -> list[Hit]:
        """Other features most like ``hit`` (shared rare words, integrations and areas)."""
        searcher, tables, _ident = self._generations.state()
        return related(searcher, tables, hit, limit)

    def episodes(self) -> list[EpisodeInfo]:
        """Every episode, newest first."""
        _searcher, tables, _ident = self._generations.state()
        return pages.episodes(tables)

    def episode(self, number: int) -> EpisodeInfo | None:
        """One episode, or None when the index has no such episode."""
        _searcher, tables, _ident = self._generations.state()
        return pages.episode(tables, number)

    def episode_features(
        self, number: int, *, page: int = 1, page_size: int | None = None
    ) -> list[Hit]:
        """The features of one episode, in the order the video reaches them; with
        ``page_size``, only that page of them (the episode's ``feature_count`` is the total)."""
        searcher, tables, _ident = self._generations.state()
        return pages.episode_features(searcher, tables, number, page, page_size)

    def versions(self) -> list[FacetCount]:
        """Every version with its feature count, in release order (oldest first)."""
        _searcher, tables, _ident = self._generations.state()
        return pages.versions(tables)

    def upgrade_path(self, version_from: str, version_to: str) -> list[Hit]:
        """Features of the versions after ``version_from`` up to and including ``version_to``.

        Raises:
            QueryError: either version cannot be read.
        """
        low, high = canonical_version(version_from), canonical_version(version_to)
        if low is None or high is None:
            bad = version_from if low is None else version_to
            raise QueryError(f"{bad!r} is not a HaloPSA version such as 2.212.")
        searcher, tables, _ident = self._generations.state()
        return pages.upgrade_path(searcher, tables, low, high)

    def features_by_keys(self, keys: Iterable[str]) -> list[Hit]:
        """The features with these store keys, in the given order (unknown keys skipped)."""
        searcher, tables, _ident = self._generations.state()
        return pages.features_by_keys(searcher, tables, keys)

    def release_notes(self) -> list[Hit]:
        """Features known only from release notes (no episode), in release order."""
        searcher, tables, _ident = self._generations.state()
        return pages.release_notes(searcher, tables)

    def newest(self, *, limit: int = 50) -> list[Hit]:
        """The newest features: newest episode first, then in post order."""
        searcher, tables, _ident = self._generations.state()
        return pages.newest(searcher, tables, limit)

    def last_run(self) -> dict | None:
        """The report of the last import or crawl (``data/last_run.json``), or None."""
        from crawler.report import read_last_run

        return read_last_run(self.data_dir)

    def version_features(
        self,
        versions: Iterable[str],
        *,
        page: int = 1,
        page_size: int = 100,
        first_flags: Collection[str] = (),
        fullest: Callable[[Hit], object] | None = None,
    ) -> FeaturePage:
        """One page of the features of some versions, in upgrade_path's order.

        A ticket recorded more than once is listed once, where its first record is, as the
        record ``fullest`` ranks highest (the first of equals; the first record when None).
        Features carrying any of ``first_flags`` come before the others, keeping that order.
        Only the page's features (and the records of repeated tickets, to choose between
        them) become Hits: the order and the tickets come from the generation's tables.
        """
        searcher, tables, _ident = self._generations.state()
        return pages.version_features(
            searcher,
            tables,
            versions,
            page=page,
            page_size=page_size,
            first_flags=first_flags,
            fullest=fullest,
        )
