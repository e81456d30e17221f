"""The query API: IndexReader answers searches with plain dataclasses from index.model.

Thread-safe by construction: each thread keeps its own Whoosh searcher and checks at the start
of every call that it still reads the latest commit (a searcher shared between threads returns
wrong results). What every
thread reads alike (facet masks, sort orders, episode records) lives in ``Tables``, built once
per index generation and never changed after.
"""

from __future__ import annotations

import heapq
import logging
import math
import os
import stat
import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import And, AndNot, NullQuery, Phrase, Query, Term
from whoosh.query.compound import DefaultOr as Or

from crawler.errors import IndexMissingError, QueryError
from crawler.records import read_ticket_id
from crawler.versions import canonical_version, version_key
from index.build import index_path, open_index, unreadable_index
from index.cache import LruCache
from index.facets import MaskDocs, Tables, docnums, mask_of
from index.model import EpisodeInfo, FacetCount, FeaturePage, Hit, ResultPage, SearchRequest
from index.query import ParsedQuery, VersionRange, Word, parse_query, request_filters
from index.ranking import term_frequency, top_by_query, top_by_terms
from index.schema import KIND_FEATURE, TEXT_FIELDS, stored_record, text_analyzer
from index.snippets import snippet, video_at
from index.suggest import MAX_WORDS as MAX_SUGGESTED_WORDS
from index.suggest import closest_term

log = logging.getLogger(__name__)

FACETS = ("version", "episode", "area", "integration", "flag")
_FACET_FIELDS = {"version": "version", "episode": "episode", "area": "areas"}
_FACET_FIELDS |= {"integration": "integrations", "flag": "flags"}
MAX_PREFIX_TERMS = 64  # terms one prefix* may expand to (the most frequent are kept)
TICKET_BOOST = 1000.0  # a ticket number in a query puts that ticket first
RESULT_CACHE_SIZE = 256
_OPEN_ATTEMPTS = 5
SETTLED_NS = 2_000_000_000  # a folder unchanged this long is not read again to find commits
MAX_KEYS = 500  # keys in one features_by_keys call
SORT_DIRECTLY = 3_000  # result sets up to this size are sorted directly, not by a global order
RELATED_WORDS = 8  # rarest words of a feature that related() looks for
RELATED_POSTINGS = 1_500  # documents related() reads for words, rarest words first
RELATED_CANDIDATES = 200  # features one shared integration adds to the related candidates


def _word_docs(reader, text: str):
    """Document numbers having the analysed term ``text`` in any full-text field."""

    def docs():
        for name in TEXT_FIELDS:
            if (name, text) in reader:
                yield from reader.postings(name, text).all_ids()

    return docs


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…" else f"{text}."


def _snippet_texts(hit: Hit) -> list[str]:
    """Where a snippet may come from, in order of preference: each paragraph of the summary
    (a ticket listed twice has two), then the bullets read as sentences. Never the title,
    which the card shows above it."""
    return [*hit.summary.split("\n\n"), " ".join(_sentence(b) for b in hit.bullets)]


class _TextQuery:
    """A parsed query's words as a Whoosh query (for scores) and a document mask (for counts)."""

    def __init__(self, searcher, tables: Tables, parsed: ParsedQuery):
        self.terms: set[str] = set()
        self.prefixes: list[str] = []
        # The terms whose scores add up to the query's score, or None when a phrase needs
        # Whoosh's own matchers to score.
        self.score_terms: list[str] | None = []
        self.missing: list[Word] = []  # plain words with no hits anywhere
        self._searcher, self._tables = searcher, tables
        positive: list[tuple[Query, int]] = []
        negative: list[tuple[Query, int]] = []
        for word in parsed.words:
            clause = self._clause(word)
            if clause is not None:
                (negative if word.negated else positive).append(clause)
        self.query: Query | None = None
        self.mask = tables.features
        for _query, mask in positive:
            self.mask &= mask
        for _query, mask in negative:
            self.mask &= ~mask
        if positive:
            queries = [q for q, _mask in positive]
            self.query = And(queries) if len(queries) > 1 else queries[0]
            if negative:
                self.query = AndNot(self.query, Or([q for q, _mask in negative]))
        elif negative:
            self.query = AndNot(Term("kind", KIND_FEATURE), Or([q for q, _mask in negative]))

    def _term_mask(self, text: str) -> int:
        reader = self._searcher.reader()
        return self._tables.term_mask(("term", text), _word_docs(reader, text))

    def _clause(self, word: Word) -> tuple[Query, int] | None:
        if word.either:
            clauses = [c for c in map(self._clause, word.either) if c is not None]
            if not clauses:
                return None
            mask = 0
            for _query, found in clauses:
                mask |= found
            return Or([q for q, _found in clauses]), mask
        if word.prefix:
            return self._prefix(word)
        tokens = [t.text for t in text_analyzer()(word.text)]
        if not tokens:
            return None  # only stop words
        if not word.negated:
            self.terms.update(tokens)
        if len(tokens) == 1:
            mask = self._term_mask(tokens[0])
            if not word.negated:
                if not mask:
                    self.missing.append(word)
                self._scored_by(tokens)
            return Or([Term(name, tokens[0]) for name in TEXT_FIELDS]), mask
        if not word.negated:
            self.score_terms = None
        query = Or([Phrase(name, tokens) for name in TEXT_FIELDS])
        searcher = self._searcher
        mask = self._tables.term_mask(("phrase", *tokens), lambda: searcher.docs_for_query(query))
        return query, mask

    def _scored_by(self, terms: list[str]) -> None:
        if self.score_terms is not None:
            self.score_terms.extend(terms)

    def _prefix(self, word: Word) -> tuple[Query, int]:
        # Stems are indexed, so "invoicing*" looks for the stem "invoic" as well as "invoicing".
        reader = self._searcher.reader()
        starts = {word.text.lower()}
        starts.update(t.text for t in text_analyzer()(word.text))
        found: dict[str, int] = {}
        for name in TEXT_FIELDS:
            for start in starts:
                for count, term in enumerate(reader.expand_prefix(name, start)):
                    if count > 4 * MAX_PREFIX_TERMS:
                        break
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    found[text] = found.get(text, 0) + reader.doc_frequency(name, text)
        # Bound "a*"-style storms: keep the most frequent expansions.
        kept = sorted(found, key=found.get, reverse=True)[:MAX_PREFIX_TERMS]
        if not word.negated:
            self.prefixes.extend(starts)
            self._scored_by(kept)
        if not kept:
            return NullQuery, 0
        mask = 0
        for text in kept:
            mask |= self._term_mask(text)
        return Or([Term(name, text) for text in kept for name in TEXT_FIELDS]), mask


def _close_all(searchers: set, lock: threading.Lock) -> None:
    with lock:
        open_searchers = list(searchers)
        searchers.clear()
    for searcher in open_searchers:
        searcher.close()


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
        keeps answering from the one it has while another thread reads the new one's tables,
        and moves to it once they are built: no request waits for them. Otherwise every call
        sees the latest commit at once.
        """
        self._warm_in_background = warm_in_background
        self._warming: set[tuple[str, int]] = set()
        self._warmed_idents: set[tuple[str, int]] = set()
        self.data_dir = Path(data_dir)
        self._link = index_path(self.data_dir)
        self._link_folder = os.path.dirname(self._link)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._tables_lock = threading.Lock()  # one thread builds a generation's tables
        self._indexes: dict[str, object] = {}
        self._tables: dict[tuple[str, int], Tables] = {}
        self._cache: LruCache[ResultPage] | None = LruCache(cache_size) if cache_size else None
        # Every searcher this reader opened and has not closed: closed when the reader is
        # closed or garbage-collected, so no segment file is left open behind a thread.
        self._open_searchers: set = set()
        self._finalizer = weakref.finalize(self, _close_all, self._open_searchers, self._lock)
        self._searcher()

    def close(self) -> None:
        """Close every searcher this reader opened (it must not be used afterwards)."""
        self._finalizer()

    def _target(self) -> tuple[str, int]:
        """The snapshot folder the link points at, and the time its contents last changed."""
        try:
            name = os.readlink(self._link)
        except OSError:  # a plain folder (an index from before snapshots), or nothing
            name = None
        target = os.path.join(self._link_folder, name) if name else str(self._link)
        try:
            found = os.stat(target)
        except OSError:
            found = None
        if found is None or not stat.S_ISDIR(found.st_mode):
            raise IndexMissingError(f"No search index at {self._link}. Run: halonotes index")
        return target, found.st_mtime_ns

    def _open(self, target: str):
        with self._lock:
            ix = self._indexes.get(target)
            if ix is None:
                ix = open_index(target)
                # Only the current folder's index object is kept; old searchers keep theirs.
                self._indexes = {target: ix}
            return ix

    def pin(self) -> None:
        """Answer this thread's calls from the index as it is now, until ``unpin``.

        A web request pins its thread, so every part of a page comes from one snapshot, and
        the index folder is checked for changes once per request rather than once per call.

        Raises:
            IndexMissingError: there is no index to pin.
        """
        self._local.pinned = False
        self._searcher()
        self._local.pinned = True

    def unpin(self) -> None:
        """Let this thread's next call see the latest committed index again."""
        self._local.pinned = False

    def _searcher(self):
        """This thread's searcher, on the latest committed generation (or the pinned one)."""
        if getattr(self._local, "pinned", False):
            return self._local.searcher
        for _attempt in range(_OPEN_ATTEMPTS):
            target, stamp = self._target()
            local = self._local
            searcher = getattr(local, "searcher", None)
            if (
                searcher is not None
                and (local.target, local.stamp) == (target, stamp)
                and time.time_ns() - stamp > SETTLED_NS
            ):
                # Nothing was added to or removed from the folder since this searcher was
                # checked, and long enough ago that a change within the same clock tick of
                # the file system's timestamps would show.
                return searcher
            try:
                if searcher is not None and self._warm_in_background:
                    latest = (target, self._open(target).latest_generation())
                    if latest != (local.target, searcher.reader().generation()) and not (
                        self._warmed(latest)
                    ):
                        return searcher  # the warm generation answers until the new one is
                if searcher is not None and local.target == target:
                    ix = self._open(target)
                    if ix.latest_generation() != searcher.reader().generation():
                        # Not Searcher.refresh(): it reuses segment readers by segment id,
                        # so documents deleted since keep matching (stale deletion sets).
                        self._retire(searcher)
                        searcher = self._track(ix.searcher())
                else:
                    if searcher is not None:
                        self._retire(searcher)
                    searcher = self._track(self._open(target).searcher())
            except (OSError, whoosh_index.EmptyIndexError):
                # A commit removed the files of the generation being opened, or a rebuild
                # swapped the folder between reading the link and opening it: try again.
                local.searcher = None
                with self._lock:
                    self._indexes.pop(target, None)
                continue
            except Exception as exc:  # unpickling, a renamed class, a format, cut-off files
                raise unreadable_index(self._link, exc) from exc
            local.searcher, local.target, local.stamp = searcher, target, stamp
            return searcher
        raise IndexMissingError(
            f"The search index at {self._link} cannot be opened. Run: halonotes index --rebuild"
        )

    def _warmed(self, ident: tuple[str, int]) -> bool:
        """Whether the tables of generation ``ident`` are built; if not, start building them
        on a thread of their own (once)."""
        with self._lock:
            if ident in self._warmed_idents:
                return True
            if ident in self._warming:
                return False
            self._warming.add(ident)
        threading.Thread(target=self._warm, args=(ident,), name="index-warm", daemon=True).start()
        return False

    def _warm(self, ident: tuple[str, int]) -> None:
        """Read a new generation off the request threads: its tables, then what the pages ask
        first (so facet counts, the ticket column and term scores are built too)."""
        try:
            self._rehearse()
        except Exception:  # the requests read it themselves then; say what failed
            log.exception("Could not warm index generation %s of %s", ident[1], ident[0])
        finally:
            searcher = getattr(self._local, "searcher", None)
            idents = {ident}
            if searcher is not None:
                idents.add((self._local.target, searcher.reader().generation()))
                self._retire(searcher)
            with self._lock:
                self._warming.discard(ident)
                self._warmed_idents = idents

    def _rehearse(self) -> None:
        """Calls like the site's first pages make, on this thread's (the latest) generation."""
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

    def _track(self, searcher):
        with self._lock:
            self._open_searchers.add(searcher)
        return searcher

    def _retire(self, searcher) -> None:
        with self._lock:
            self._open_searchers.discard(searcher)
        searcher.close()

    def _state(self) -> tuple[object, Tables, tuple[str, int]]:
        searcher = self._searcher()
        ident = (self._local.target, searcher.reader().generation())
        tables = self._tables.get(ident)
        if tables is None:
            # Not under self._lock, which every request takes to look for a new generation:
            # a request answered from the previous one never waits for these to be built.
            with self._tables_lock:
                tables = self._tables.get(ident)
                if tables is None:
                    try:
                        tables = Tables(searcher)
                    except Exception as exc:  # segment files cut short or garbled
                        raise unreadable_index(self._link, exc) from exc
                with self._lock:  # this generation's, and the one before for the requests
                    # still answered from it while this one was read
                    self._tables = dict(list(self._tables.items())[-1:]) | {ident: tables}
        return searcher, tables, ident

    @property
    def generation(self) -> int:
        """A number that changes whenever the index does (for ETags)."""
        searcher = self._searcher()
        name = os.path.basename(self._local.target)
        serial = int(name.rsplit(".", 1)[-1]) if name.rsplit(".", 1)[-1].isdigit() else 0
        return serial * 1_000_000 + searcher.reader().generation()

    @property
    def last_modified(self) -> datetime:
        """When the index last changed (timezone-aware UTC)."""
        searcher = self._searcher()
        generation = searcher.reader().generation()
        toc = Path(self._local.target) / f"_MAIN_{generation}.toc"
        try:
            stamp = toc.stat().st_mtime
        except OSError:
            stamp = Path(self._local.target).stat().st_mtime
        return datetime.fromtimestamp(int(stamp), tz=UTC)

    # --- turning documents into hits --------------------------------------------------------

    def _hit(self, searcher, tables: Tables, docnum: int, *, score: float = 0.0, text=None) -> Hit:
        """The document as a Hit; with ``text``, its snippet marks that query's words."""
        plain = tables.hits.get(docnum, lambda: self._plain_hit(searcher, tables, docnum))
        if text is None and not score:
            return plain
        marked = plain.snippet
        if text is not None and (text.terms or text.prefixes):
            marked = snippet(_snippet_texts(plain), frozenset(text.terms), tuple(text.prefixes))
        return plain.marked(marked, float(score))

    @staticmethod
    def _plain_hit(searcher, tables: Tables, docnum: int) -> Hit:
        record = stored_record(searcher.stored_fields(docnum))
        episode = tables.episodes.get(record.get("episode")) or {}
        hit = Hit(
            key=record["key"],
            title=record["title"],
            url=record["url"],
            episode=record.get("episode"),
            ticket_id=record.get("ticket_id"),
            version=record.get("version"),
            timestamp=record.get("timestamp"),
            seconds=record.get("seconds"),
            aliases=tuple(record.get("aliases", ())),
            summary=record.get("summary", ""),
            bullets=tuple(record.get("bullets", ())),
            flags=tuple(record.get("flags", ())),
            highlighted=bool(record.get("highlighted")),
            position=record.get("position", 0),
            areas=tuple(record.get("areas", ())),
            integrations=tuple(record.get("integrations", ())),
            episode_title=episode.get("title"),
            episode_date=episode.get("date"),
            episode_first_seen=episode.get("first_seen"),
            video_url=episode.get("video_url"),
            video_at=video_at(episode.get("video_url"), record.get("seconds")),
        )
        return replace(hit, snippet=snippet(_snippet_texts(hit), frozenset()))

    # --- search ------------------------------------------------------------------------------

    def _filter_mask(self, tables: Tables, parsed: ParsedQuery) -> int:
        mask = tables.features
        for version in parsed.versions:
            mask &= tables.value_mask("version", version)
        for wanted in parsed.ranges:
            in_range = 0
            for version, key in tables.version_keys.items():
                if wanted.contains(key):
                    in_range |= tables.value_mask("version", version)
            mask &= in_range
        for number in parsed.episodes:
            mask &= tables.value_mask("episode", str(number))
        for fieldname, values in (
            ("areas", parsed.areas),
            ("integrations", parsed.integrations),
            ("flags", parsed.flags),
        ):
            for value in values:
                mask &= tables.value_mask(fieldname, value)
        return mask

    @staticmethod
    def _lookup_query(parsed: ParsedQuery) -> Query | None:
        terms = [Term("ticket_id", t) for t in parsed.tickets]
        terms += [Term("timestamp", t) for t in parsed.timestamps]
        if not terms:
            return None
        return (
            Or(terms, boost=TICKET_BOOST) if len(terms) > 1 else terms[0].with_boost(TICKET_BOOST)
        )

    def _facets(
        self, tables: Tables, results: bytes, docs: list[int] | None = None
    ) -> dict[str, list[FacetCount]]:
        facets = {}
        for name in FACETS:
            counts = tables.counts(_FACET_FIELDS[name], results, docs)
            if name == "version":
                ordered = sorted(counts, key=lambda v: tables.version_keys.get(v, 0), reverse=True)
            elif name == "episode":
                ordered = sorted(counts, key=int, reverse=True)
            else:
                ordered = sorted(counts, key=lambda v: (-counts[v], v))
            facets[name] = [FacetCount(value, counts[value]) for value in ordered]
        return facets

    def _suggest(self, searcher, text: _TextQuery, request: SearchRequest) -> str | None:
        """The query with each word that has no hits replaced by a close word that has."""
        if (
            not text.missing
            or len(text.missing) > MAX_SUGGESTED_WORDS
            or not all(word.suggest for word in text.missing)
        ):
            return None
        reader = searcher.reader()
        suggestion = request.q
        for word in text.missing:
            stem = text_analyzer()(word.text).__next__().text
            best = closest_term(reader, stem)
            if best is None:
                return None
            surface = self._surface(searcher, best) or best
            suggestion = suggestion.replace(word.text, surface, 1)
        return suggestion if suggestion != request.q else None

    @staticmethod
    def _surface(searcher, stem: str) -> str | None:
        """A word as written in the index's text whose stem is ``stem`` ("invoic" -> "invoice")."""
        for name in ("title", "summary"):
            for docnum in searcher.docs_for_query(Term(name, stem)):
                record = stored_record(searcher.stored_fields(docnum))
                text = record.get(name) or ""
                for token in text_analyzer()(text, chars=True):
                    if token.text == stem:
                        return text[token.startchar : token.endchar].lower()
                break
        return None

    def search(self, request: SearchRequest) -> ResultPage:
        """Run one search: the page of hits, the total, facet counts, suggestion and notice.

        Args:
            request: from ``parse_request``; its query text is read by ``parse_query`` and never
                makes this raise.

        Returns:
            The page; ``notice`` says when part of the query was read as plain words.
        """
        searcher, tables, ident = self._state()
        if self._cache is None:
            return self._search(searcher, tables, request)
        return self._cache.get((request, ident), lambda: self._search(searcher, tables, request))

    def _search(self, searcher, tables: Tables, request: SearchRequest) -> ResultPage:
        parsed = request_filters(request, parse_query(request.q))
        notices = list(parsed.notices)
        allowed = self._filter_mask(tables, parsed)
        text = _TextQuery(searcher, tables, parsed)
        lookup = self._lookup_query(parsed)
        query = text.query
        results = allowed & text.mask
        if lookup is not None:
            found = mask_of(searcher.docs_for_query(lookup), tables.size) & allowed
            if parsed.only_lookups:
                if found:
                    query, results = lookup, found
                else:
                    # No such ticket: the number may be a word ("2021", "365").
                    parsed.words.extend(Word(t) for t in parsed.tickets)
                    text = _TextQuery(searcher, tables, parsed)
                    query, results = text.query, allowed & text.mask
            elif query is not None:
                query, results = Or([query, lookup]), results | found
        suggestion = None
        if not results and text.missing:
            suggestion = self._suggest(searcher, text, request)
            if suggestion:
                retry_text = _TextQuery(
                    searcher, tables, request_filters(request, parse_query(suggestion))
                )
                if retry_text.query is not None:
                    retried = allowed & retry_text.mask
                    if retried:
                        notices.append(
                            f"No features matched {request.q!r}; "
                            f"showing results for {suggestion!r}."
                        )
                        results, text, query = retried, retry_text, retry_text.query
        result_bytes = tables.mask_bytes(results)
        total = results.bit_count()
        docs = docnums(results) if total <= SORT_DIRECTLY else None
        start = (request.page - 1) * request.page_size
        if parsed.only_lookups and query is lookup:
            query = None  # every result is the ticket asked for: newest first
        if query is not None and request.sort == "relevance" and total:
            limit = min(start + request.page_size, total)
            if query is text.query and text.score_terms is not None:
                top = top_by_terms(searcher, tables, text.score_terms, results, docs, limit)
            else:
                top = top_by_query(searcher, tables, query, results, limit, docs)
            scored = top[start:]
        elif docs is not None:
            ordered = sorted(docs, key=tables.sort_key(request.sort))
            scored = [(d, 0.0) for d in ordered[start : start + request.page_size]]
        else:
            scored = []
            skipped = 0
            for docnum in tables.order(request.sort):
                if result_bytes[docnum >> 3] >> (docnum & 7) & 1:
                    if skipped < start:
                        skipped += 1
                        continue
                    scored.append((docnum, 0.0))
                    if len(scored) == request.page_size:
                        break
        hits = [self._hit(searcher, tables, d, score=s, text=text) for d, s in scored]
        return ResultPage(
            request=request,
            hits=hits,
            total=total,
            facets=self._facets(tables, result_bytes, docs),
            suggestion=suggestion,
            notice=" ".join(notices) or None,
        )

    # --- pages other than search -----------------------------------------------------------

    @staticmethod
    def _sorted_docs(tables: Tables, mask: int, key) -> list[int]:
        return sorted(MaskDocs(mask, tables.size), key=key) if mask else []

    def ticket(self, ticket_id: str) -> list[Hit]:
        """Every record of a ticket: episode discussions newest first, then release notes."""
        digits = read_ticket_id(str(ticket_id))
        if digits is None:
            return []
        searcher, tables, _ident = self._state()
        docs = mask_of(searcher.docs_for_query(Term("ticket_id", digits)), tables.size)
        features = docs & tables.features
        notes = docs & tables.release_notes
        ordered = self._sorted_docs(tables, features, tables.newest_key.__getitem__)
        ordered += self._sorted_docs(tables, notes, lambda d: -tables.version_key[d])
        return [self._hit(searcher, tables, d) for d in ordered]

    def related(self, hit: Hit, *, limit: int = 5) -> list[Hit]:
        """Other features most like ``hit`` (shared rare words, integrations and areas).

        Candidates come only from the hit's rarest words and its integrations, never from its
        areas (most features have one), so the cost stays small at any index size.
        """
        searcher, tables, _ident = self._state()
        allowed = tables.features
        if hit.ticket_id:
            allowed &= ~mask_of(
                searcher.docs_for_query(Term("ticket_id", hit.ticket_id)), tables.size
            )
        allowed &= ~mask_of(searcher.docs_for_query(Term("key", hit.key)), tables.size)
        if not allowed or limit <= 0:
            return []
        total = tables.features.bit_count() or 1
        scores: dict[int, float] = {}
        budget = RELATED_POSTINGS
        for weight, mask in self._related_words(searcher, tables, hit):
            found = mask & allowed
            budget -= found.bit_count()
            if budget < 0:
                break  # the rarer words are counted; the rest say little about relations
            gain = weight * math.log(1 + total / mask.bit_count())
            for docnum in docnums(found):
                scores[docnum] = scores.get(docnum, 0.0) + gain
        if len(scores) > RELATED_CANDIDATES:
            kept = heapq.nlargest(RELATED_CANDIDATES, scores, key=scores.get)
            scores = {docnum: scores[docnum] for docnum in kept}
        for name in hit.integrations:
            docs = docnums(tables.value_mask("integrations", name) & allowed)
            for docnum in docs[-RELATED_CANDIDATES:]:  # the latest indexed
                scores.setdefault(docnum, 0.0)
        if not scores:
            return []
        shared = {"integrations": (set(hit.integrations), 2.0), "areas": (set(hit.areas), 0.5)}
        for docnum in scores:
            for fieldname, (wanted, weight) in shared.items():
                for value in tables.doc_values[fieldname][docnum]:
                    if value in wanted:
                        facet = tables.values[fieldname][value]
                        scores[docnum] += weight * math.log(1 + total / facet.count)
        newest = tables.newest_key
        ranked = sorted(scores, key=lambda d: (-scores[d], newest[d]))
        return [self._hit(searcher, tables, d, score=scores[d]) for d in ranked[:limit]]

    def _related_words(self, searcher, tables: Tables, hit: Hit):
        """The hit's rarest words as (weight, documents): title and alias words count 3x."""
        analyzer = text_analyzer()
        weights: dict[str, float] = {}
        for token in analyzer(hit.summary):
            weights.setdefault(token.text, 1.0)
        for token in analyzer(" ".join([hit.title, *hit.aliases])):
            weights[token.text] = 3.0
        reader = searcher.reader()
        frequency = {word: term_frequency(searcher, tables, word) for word in weights}
        rarest = sorted((w for w in weights if frequency[w] > 1), key=frequency.get)
        for word in rarest[:RELATED_WORDS]:
            mask = tables.term_mask(("term", word), _word_docs(reader, word))
            if mask:
                yield weights[word], mask

    def _episode_info(self, tables: Tables, record: dict) -> EpisodeInfo:
        facet = tables.values["episode"].get(str(record["episode"]))
        return EpisodeInfo(
            episode=record["episode"],
            title=record.get("title", ""),
            url=record.get("url", ""),
            date=record.get("date"),
            video_url=record.get("video_url"),
            versions=tuple(record.get("versions", ())),
            hosts=tuple(record.get("hosts", ())),
            author=record.get("author"),
            summary=record.get("summary", ""),
            notes=tuple(record.get("notes", ())),
            unparsed_ids=tuple(record.get("unparsed_ids", ())),
            status=record.get("status", "ok"),
            feature_count=facet.count if facet else 0,
            parse=record.get("parse", "complete"),
        )

    def episodes(self) -> list[EpisodeInfo]:
        """Every episode, newest first."""
        _searcher, tables, _ident = self._state()
        numbers = sorted(tables.episodes, reverse=True)
        return [self._episode_info(tables, tables.episodes[n]) for n in numbers]

    def episode(self, number: int) -> EpisodeInfo | None:
        """One episode, or None when the index has no such episode."""
        _searcher, tables, _ident = self._state()
        record = tables.episodes.get(number)
        return self._episode_info(tables, record) if record else None

    def episode_features(
        self, number: int, *, page: int = 1, page_size: int | None = None
    ) -> list[Hit]:
        """The features of one episode, in the order the video reaches them; with
        ``page_size``, only that page of them (the episode's ``feature_count`` is the total)."""
        searcher, tables, _ident = self._state()
        mask = tables.value_mask("episode", str(number)) & tables.features
        seconds, position = tables.seconds, tables.position
        ordered = self._sorted_docs(
            tables, mask, lambda d: (seconds[d] if seconds[d] >= 0 else 1 << 30, position[d])
        )
        if page_size is not None:
            ordered = ordered[(page - 1) * page_size : page * page_size]
        return [self._hit(searcher, tables, d) for d in ordered]

    def versions(self) -> list[FacetCount]:
        """Every version with its feature count, in release order (oldest first)."""
        _searcher, tables, _ident = self._state()
        return list(tables.versions)

    def upgrade_path(self, version_from: str, version_to: str) -> list[Hit]:
        """Features of the versions after ``version_from`` up to and including ``version_to``.

        Raises:
            QueryError: either version cannot be read.
        """
        low, high = canonical_version(version_from), canonical_version(version_to)
        if low is None or high is None:
            bad = version_from if low is None else version_to
            raise QueryError(f"{bad!r} is not a HaloPSA version such as 2.212.")
        searcher, tables, _ident = self._state()
        wanted = VersionRange(
            low_key=version_key(low), high_key=version_key(high), low_inclusive=False
        )
        mask = 0
        for version, key in tables.version_keys.items():
            if wanted.contains(key):
                mask |= tables.value_mask("version", version)
        mask &= tables.features
        vkey, newest = tables.version_key, tables.newest_key
        ordered = self._sorted_docs(tables, mask, lambda d: (vkey[d], newest[d]))
        return [self._hit(searcher, tables, d) for d in ordered]

    def features_by_keys(self, keys: Iterable[str]) -> list[Hit]:
        """The features with these store keys, in the given order (unknown keys skipped)."""
        searcher, tables, _ident = self._state()
        wanted = tables.features | tables.release_notes
        hits = []
        for key in list(keys)[:MAX_KEYS]:
            for docnum in searcher.docs_for_query(Term("key", key)):
                if wanted >> docnum & 1:
                    hits.append(self._hit(searcher, tables, docnum))
                    break
        return hits

    def release_notes(self) -> list[Hit]:
        """Features known only from release notes (no episode), in release order."""
        searcher, tables, _ident = self._state()
        vkey = tables.version_key
        ordered = sorted(tables.release_note_docs, key=lambda d: (vkey[d], d))
        return [self._hit(searcher, tables, d) for d in ordered]

    def facet_values(self) -> dict[str, list[FacetCount]]:
        """Every value of each facet over the whole index, with counts."""
        _searcher, tables, _ident = self._state()
        return self._facets(tables, tables.mask_bytes(tables.features))

    def newest(self, *, limit: int = 50) -> list[Hit]:
        """The newest features: newest episode first, then in post order."""
        searcher, tables, _ident = self._state()
        return [self._hit(searcher, tables, d) for d in tables.order("newest")[: max(0, limit)]]

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
        searcher, tables, _ident = self._state()
        mask = 0
        for version in set(versions):
            mask |= tables.value_mask("version", version)
        mask &= tables.features
        vkey, newest = tables.version_key, tables.newest_key
        ordered = self._sorted_docs(tables, mask, lambda d: (vkey[d], newest[d]))
        tickets = tables.tickets(searcher.reader())
        records: dict[str, list[int]] = {}
        for docnum in ordered:
            if ticket := tickets[docnum]:
                records.setdefault(ticket, []).append(docnum)
        hits: dict[int, Hit] = {}
        chosen: dict[str, int] = {}
        for ticket, docs in records.items():
            if len(docs) > 1 and fullest is not None:
                hits.update((d, self._hit(searcher, tables, d)) for d in docs)
                chosen[ticket] = max(docs, key=lambda d: fullest(hits[d]))
            else:
                chosen[ticket] = docs[0]
        flags, wanted = tables.doc_values["flags"], frozenset(first_flags)
        first: list[int] = []
        rest: list[int] = []
        for docnum in ordered:
            if ticket := tickets[docnum]:
                if chosen.get(ticket) is None:
                    continue  # listed already, at the ticket's first record
                docnum = chosen.pop(ticket)
            (first if wanted.intersection(flags[docnum]) else rest).append(docnum)
        version_counts: dict[str, int] = {}
        for docnum in rest:
            for version in tables.doc_values["version"][docnum]:
                version_counts[version] = version_counts.get(version, 0) + 1
        start = (page - 1) * page_size
        shown = (first + rest)[start : start + page_size]
        return FeaturePage(
            hits=[hits.get(d) or self._hit(searcher, tables, d) for d in shown],
            total=len(first) + len(rest),
            flagged=len(first),
            version_counts=version_counts,
            page=page,
            page_size=page_size,
        )
