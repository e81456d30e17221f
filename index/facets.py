"""Document sets as bit masks, and the per-generation tables that filters and facets read.

Whoosh's grouping and filter machinery runs a Python loop per document per facet, which made
one faceted search cost several times an SQLite query. Here each facet value is a bit mask over
document numbers, built once per index generation; a filter is an AND of masks and a facet
count is ``(results & value).bit_count()`` on a byte range, which Python does in C.
"""

from __future__ import annotations

import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from typing import NamedTuple

from whoosh.idsets import DocIdSet

from crawler.versions import version_key
from index.cache import LruCache
from index.model import FacetCount
from index.ordering import sorted_by
from index.schema import (
    KIND_EPISODE,
    KIND_FEATURE,
    KIND_RELEASE_NOTE,
    TAG_FIELDS,
    stored_record,
)


def mask_of(docnums: Iterable[int], size: int) -> int:
    """A bit mask with the bit of each document number set."""
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def docnums(mask: int) -> list[int]:
    """The document numbers set in a mask, ascending."""
    bits = bin(mask)[:1:-1]  # least significant bit first, without "0b"
    found = []
    position = bits.find("1")
    while position >= 0:
        found.append(position)
        position = bits.find("1", position + 1)
    return found


class MaskDocs(DocIdSet):
    """A bit mask as the document set Whoosh's collector accepts as a filter."""

    def __init__(self, mask: int, size: int):
        self._bytes = mask.to_bytes((size >> 3) + 1, "little")
        self._count = mask.bit_count()

    def __len__(self) -> int:
        return self._count

    def __contains__(self, docnum: int) -> bool:
        return bool(self._bytes[docnum >> 3] >> (docnum & 7) & 1)

    def __iter__(self):
        return iter(docnums(int.from_bytes(self._bytes, "little")))


class FacetValue:
    """One facet value's documents, kept as the byte range of the mask that has bits set."""

    __slots__ = ("count", "docs", "high", "low", "mask")

    def __init__(self, docnums: list[int]):
        self.docs = docnums
        self.low = min(docnums) >> 3
        self.high = (max(docnums) >> 3) + 1
        bits = bytearray(self.high - self.low)
        for docnum in docnums:
            bits[(docnum >> 3) - self.low] |= 1 << (docnum & 7)
        self.mask = int.from_bytes(bits, "little")
        self.count = len(set(docnums))

    def full_mask(self) -> int:
        """The value's documents as a mask over the whole index."""
        return self.mask << (self.low * 8)

    def count_in(self, results: bytes) -> int:
        """How many of the value's documents are set in ``results`` (a mask's bytes)."""
        window = int.from_bytes(results[self.low : self.high], "little")
        return (window & self.mask).bit_count()


class BuiltOnRequest(NamedTuple):
    """What requests built of a generation after its tables: the sort orders, whether the
    ticket column, and the keys of the term masks, rankings and scores kept (least recently
    used first)."""

    orders: list[str]
    tickets: bool
    term_masks: list
    rankings: list
    term_scores: list


class Tables:
    """Everything searches read besides postings, for one generation of one index folder."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        kinds = {kind: self._docs(searcher, "kind", kind) for kind in _KINDS}
        self.features = mask_of(kinds[KIND_FEATURE], self.size)
        self.release_notes = mask_of(kinds[KIND_RELEASE_NOTE], self.size)
        self.feature_docs = kinds[KIND_FEATURE]
        self.release_note_docs = kinds[KIND_RELEASE_NOTE]
        self.version_key = self._column(reader, "version_key", "q")
        self.episode = self._column(reader, "episode", "i")
        self.seconds = self._column(reader, "seconds", "i")
        self.position = self._column(reader, "position", "i")
        # The order features are listed in unless asked otherwise, and every other order's
        # tie-break: newest episode first, then as the post lists them (smaller comes first).
        # The columns can differ in length after a cut-short commit: the key covers the
        # documents both do, which are the ones the sort keys before it read.
        pairs = zip(self.episode, self.position, strict=False)
        self.newest_key = array("q", [(-episode << 32) + position for episode, position in pairs])
        self.values: dict[str, dict[str, FacetValue]] = {}
        for fieldname in ("version", *TAG_FIELDS):
            self.values[fieldname] = self._values(searcher, fieldname)
        self.version_keys = {v: version_key(v) for v in self.values["version"]}
        by_episode: dict[int, list[int]] = {}
        for docnum in self.feature_docs:
            by_episode.setdefault(self.episode[docnum], []).append(docnum)
        self.values["episode"] = {str(n): FacetValue(docs) for n, docs in by_episode.items() if n}
        self._one_by_one_below = _one_by_one_limits(self.values, len(self.feature_docs))
        # Each document's values per facet, for counting small result sets one by one.
        self.doc_values: dict[str, list] = {}
        for fieldname, values in self.values.items():
            per_doc: list = [()] * self.size
            for value, facet in values.items():
                single = (value,)
                for docnum in facet.docs:
                    per_doc[docnum] = per_doc[docnum] + single if per_doc[docnum] else single
                facet.docs = None  # only needed until here
            self.doc_values[fieldname] = per_doc
        self.episodes: dict[int, dict] = {}
        for docnum in kinds[KIND_EPISODE]:
            record = stored_record(searcher.stored_fields(docnum))
            self.episodes[record["episode"]] = record
        self._orders: dict[str, list[int]] = {}
        self._tickets: list[str | None] | None = None  # read on first use: see tickets()
        self._tickets_lock = threading.Lock()
        self._term_masks: LruCache[int] = LruCache(TERM_CACHE_SIZE)
        self._term_scores: LruCache[dict[int, float]] = LruCache(TERM_SCORE_ENTRIES, weigh=len)
        self._rankings: LruCache = LruCache(RANKING_ENTRIES, weigh=lambda ranking: len(ranking[0]))
        # Each document's hit without query-dependent parts, for the pages that list it again.
        self.hits: LruCache = LruCache(HIT_CACHE_SIZE)
        # Words' document frequencies over the full-text fields, filled in by related lookups
        # (at most the index's vocabulary).
        self.word_frequency: dict[str, int] = {}
        # Every version with its number of features (release notes aside), oldest first.
        features = self.mask_bytes(self.features)
        self.versions = tuple(
            FacetCount(version, count)
            for version in sorted(self.version_keys, key=self.version_keys.get)
            if (count := self.values["version"][version].count_in(features))
        )

    @staticmethod
    def _docs(searcher, fieldname: str, text: str) -> list[int]:
        reader = searcher.reader()
        if (fieldname, text) not in reader:
            return []
        return list(reader.postings(fieldname, text).all_ids())

    def _values(self, searcher, fieldname: str) -> dict[str, FacetValue]:
        values = {}
        for term in searcher.reader().lexicon(fieldname):
            text = term.decode("utf-8")
            docs = self._docs(searcher, fieldname, text)
            if docs:
                values[text] = FacetValue(docs)
        return values

    def _column(self, reader, fieldname: str, typecode: str) -> array:
        if not reader.has_column(fieldname):
            return array(typecode, bytes(self.size * array(typecode).itemsize))
        return array(typecode, reader.column_reader(fieldname))

    def tickets(self, reader) -> list[str | None]:
        """Each document's ticket id (None without one), read once per generation.

        ``reader`` reads this generation. Reading takes about a second at 100,000 features, so
        it waits for the first page that groups records by ticket instead of slowing every
        generation's first search.
        """
        with self._tickets_lock:
            if self._tickets is None:
                self._tickets = _ticket_column(reader, self.size)
            return self._tickets

    def built_on_request(self) -> BuiltOnRequest:
        """What requests built of this generation so far (to build the same on the next)."""
        return BuiltOnRequest(
            orders=list(self._orders),
            tickets=self._tickets is not None,
            term_masks=self._term_masks.keys(),
            rankings=self._rankings.keys(),
            term_scores=self._term_scores.keys(),
        )

    def sort_keys(self, sort: str) -> tuple[Callable[[int], int], ...]:
        """The keys, most significant first, that put documents in a search's sort order
        (relevance ties: newest), for ``sorted_by``."""
        newest = self.newest_key.__getitem__
        if sort == "version":
            vkey = self.version_key
            return (lambda d: -vkey[d], newest)
        if sort == "timestamp":
            episode = self.episode
            return (lambda d: -episode[d], self.seconds.__getitem__, newest)
        return (newest,)

    def order(self, sort: str) -> list[int]:
        """Feature document numbers in a sort order (computed once per generation)."""
        if sort not in self._orders:
            self._orders[sort] = sorted_by(self.feature_docs, *self.sort_keys(sort))
        return self._orders[sort]

    def term_mask(self, key: tuple, docs: Callable[[], Iterable[int]]) -> int:
        """The documents a term or phrase matches, cached for this generation.

        ``docs`` is called (with no arguments) to list the document numbers on a cache miss.
        """
        return self._term_masks.get(key, lambda: mask_of(docs(), self.size))

    def term_scores(self, text: str, scores: Callable[[], dict[int, float]]) -> dict[int, float]:
        """Each document's score for one analysed term, cached for this generation.

        ``scores`` is called (with no arguments) on a cache miss. The cache holds at most
        TERM_SCORE_ENTRIES document scores in all, dropping the least recently used terms.
        """
        return self._term_scores.get(text, scores)

    def ranking(self, text: str, ranked: Callable[[], tuple]) -> tuple:
        """One analysed term's documents in score order with their scores (arrays), cached for
        this generation; ``ranked`` is called (with no arguments) on a cache miss."""
        return self._rankings.get(text, ranked)

    def mask_bytes(self, mask: int) -> bytes:
        """A mask as bytes, for facet counting and membership tests."""
        return mask.to_bytes((self.size >> 3) + 1, "little")

    def counts(
        self, fieldname: str, results: bytes, docs: list[int] | None = None
    ) -> dict[str, int]:
        """Counts of each value of a facet among the documents set in ``results``.

        ``docs``, the same documents as a list, lets a small result set be counted document by
        document, when that costs less than counting the facet value by value (see
        ``_one_by_one_limits``).
        """
        if docs is not None and len(docs) < self._one_by_one_below.get(fieldname, 0):
            per_doc = self.doc_values.get(fieldname)
            if per_doc is None:
                return {}
            return dict(Counter(value for docnum in docs for value in per_doc[docnum]))
        counts = {}
        for value, facet in self.values.get(fieldname, {}).items():
            count = facet.count_in(results)
            if count:
                counts[value] = count
        return counts

    def value_mask(self, fieldname: str, value: str) -> int:
        """The documents carrying one facet value (0 when none do)."""
        facet = self.values.get(fieldname, {}).get(value)
        return facet.full_mask() if facet else 0


def _one_by_one_limits(values: dict[str, dict[str, FacetValue]], features: int) -> dict:
    """Per facet, the result sets smaller than which are counted one document at a time.

    Measured at 100,000 features (2,000 random results, best of 20 runs, on the 2-core VM):
    counting one by one costs about 0.12 µs per value a result carries plus 0.06 µs per
    result; value by value, about 0.35 µs per value plus 0.0013 µs per byte of the value's
    window (the AND and bit_count run in C). In units of one value read one by one, that is
    3 per facet value and 1 per 100 window bytes, against 1 per carried value and 0.5 per
    result: e.g. areas (21 values over 269 kB, 6.3 a feature) are counted one by one below
    about 400 results, episodes (2,008 values over 14 kB) always (up to COUNT_ONE_BY_ONE).
    """
    limits = {}
    for fieldname, facet_values in values.items():
        by_value = sum(3 + (facet.high - facet.low) / 100 for facet in facet_values.values())
        per_result = sum(facet.count for facet in facet_values.values()) / max(1, features)
        limits[fieldname] = min(COUNT_ONE_BY_ONE + 1, by_value / (per_result + 0.5))
    return limits


def _ticket_column(reader, size: int) -> list[str | None]:
    """Each document's ticket id (None without one), from the terms of the ticket_id field.

    A term held by a single document names it in its term info, so postings are read only
    for tickets recorded more than once in a segment; stored records are never decoded.
    A deleted document may keep its ticket here: it is in no kind's documents, so no page
    reads it.
    """
    tickets: list[str | None] = [None] * size
    for segment, offset in reader.leaf_readers():
        for term, info in segment.iter_field("ticket_id"):
            ticket = term.decode("utf-8")
            if info.doc_frequency() == 1:
                docs = (info.min_id(),)
            else:
                docs = segment.postings("ticket_id", ticket).all_ids()
            for docnum in docs:
                tickets[offset + docnum] = ticket
    return tickets


_KINDS = (KIND_FEATURE, KIND_RELEASE_NOTE, KIND_EPISODE)
COUNT_ONE_BY_ONE = 3000  # result sets above this size are always counted value by value
TERM_CACHE_SIZE = 2048  # words and phrases whose document masks a generation keeps
TERM_SCORE_ENTRIES = 400_000  # document scores of terms a generation keeps (about 40 MB)
RANKING_ENTRIES = 2_000_000  # documents in the term rankings a generation keeps (12 bytes each)
HIT_CACHE_SIZE = 4096  # hits a generation keeps, about 2 kB each
