"""Running a SearchRequest on one index generation: filters, the text query, ticket lookups,
a "did you mean" retry, the ranking strategy for the result set's size, and facet counts."""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.query import Query, Term
from whoosh.query.compound import DefaultOr as Or

from index.facets import Tables, docnums, mask_of
from index.hits import hit
from index.model import FacetCount, ResultPage, SearchRequest
from index.ordering import sorted_by
from index.query import ParsedQuery, Word, parse_query, request_filters
from index.ranking import top_by_query, top_by_terms
from index.schema import stored_record, text_analyzer
from index.suggest import MAX_WORDS as MAX_SUGGESTED_WORDS
from index.suggest import closest_term
from index.text_query import TextQuery

FACETS = ("version", "episode", "area", "integration", "flag")
_FACET_FIELDS = {"version": "version", "episode": "episode", "area": "areas"}
_FACET_FIELDS |= {"integration": "integrations", "flag": "flags"}
TICKET_BOOST = 1000.0  # a ticket number in a query puts that ticket first
SORT_DIRECTLY = 3_000  # result sets up to this size are sorted directly, not by a global order


@dataclass
class _Matches:
    """What a search found: its words, the query that ranks the results (None: the sort order
    alone does) and the results as a mask."""

    text: TextQuery
    query: Query | None
    results: int


def search(searcher, tables: Tables, request: SearchRequest) -> ResultPage:
    """One page of a search's hits, with the total, facet counts, suggestion and notice."""
    parsed = request_filters(request, parse_query(request.q))
    notices = list(parsed.notices)
    allowed = filter_mask(tables, parsed)
    matches = _match(searcher, tables, parsed, allowed)
    suggestion = None
    if not matches.results and matches.text.missing:
        suggestion = _suggest(searcher, matches.text, request)
        retried = _retry(searcher, tables, request, allowed, suggestion)
        if retried is not None:
            notices.append(
                f"No features matched {request.q!r}; showing results for {suggestion!r}."
            )
            matches = retried
    result_bytes = tables.mask_bytes(matches.results)
    total = matches.results.bit_count()
    docs = docnums(matches.results) if total <= SORT_DIRECTLY else None
    scored = _page_of_results(searcher, tables, request, matches, result_bytes, docs)
    return ResultPage(
        request=request,
        hits=[hit(searcher, tables, d, score=s, text=matches.text) for d, s in scored],
        total=total,
        facets=facet_counts(tables, result_bytes, docs),
        suggestion=suggestion,
        notice=" ".join(notices) or None,
    )


def filter_mask(tables: Tables, parsed: ParsedQuery) -> int:
    """The features passing the query's filters (versions, ranges, episodes, tags), less
    those of its excluded ones (``-area:billing``)."""
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
    for left_out in parsed.excluded:
        mask &= ~filter_mask(tables, left_out)
    return mask


def _lookup_query(parsed: ParsedQuery) -> Query | None:
    terms = [Term("ticket_id", t) for t in parsed.tickets]
    terms += [Term("timestamp", t) for t in parsed.timestamps]
    if not terms:
        return None
    return Or(terms, boost=TICKET_BOOST) if len(terms) > 1 else terms[0].with_boost(TICKET_BOOST)


def _words(searcher, tables: Tables, parsed: ParsedQuery, allowed: int) -> _Matches:
    text = TextQuery(searcher, tables, parsed)
    return _Matches(text, text.query, allowed & text.mask)


def _match(searcher, tables: Tables, parsed: ParsedQuery, allowed: int) -> _Matches:
    """The features matching the words and the ticket numbers or timestamps of the query."""
    matches = _words(searcher, tables, parsed, allowed)
    lookup = _lookup_query(parsed)
    if lookup is None:
        return matches
    found = mask_of(searcher.docs_for_query(lookup), tables.size) & allowed
    if not parsed.only_lookups:
        if matches.query is not None:
            matches.query, matches.results = Or([matches.query, lookup]), matches.results | found
        return matches
    if found:  # every result is the ticket asked for: newest first
        return _Matches(matches.text, None, found)
    # No such ticket: the number may be a word ("2021", "365").
    parsed.words.extend(Word(t) for t in parsed.tickets)
    return _words(searcher, tables, parsed, allowed)


def _retry(
    searcher, tables: Tables, request: SearchRequest, allowed: int, suggestion: str | None
) -> _Matches | None:
    """The matches of the suggested query, or None when it has none either."""
    if not suggestion:
        return None
    parsed = request_filters(request, parse_query(suggestion))
    retried = _words(searcher, tables, parsed, allowed)
    return retried if retried.query is not None and retried.results else None


def _page_of_results(
    searcher,
    tables: Tables,
    request: SearchRequest,
    matches: _Matches,
    result_bytes: bytes,
    docs: list[int] | None,
) -> list[tuple[int, float]]:
    """(docnum, score) of the requested page, by the cheapest way for the result set's size:
    scored when ranked by relevance, else sorted directly (``docs``, a small set) or read
    off the generation's order of every feature."""
    start = (request.page - 1) * request.page_size
    total = matches.results.bit_count()
    if matches.query is not None and request.sort == "relevance" and total:
        limit = min(start + request.page_size, total)
        text = matches.text
        if matches.query is text.query and text.score_terms is not None:
            top = top_by_terms(searcher, tables, text.score_terms, matches.results, docs, limit)
        else:
            top = top_by_query(searcher, tables, matches.query, matches.results, limit, docs)
        return top[start:]
    if docs is not None:
        ordered = sorted_by(docs, *tables.sort_keys(request.sort))
        return [(d, 0.0) for d in ordered[start : start + request.page_size]]
    return _walk_order(tables.order(request.sort), result_bytes, start, request.page_size)


def _walk_order(order: list[int], results: bytes, start: int, size: int):
    """(docnum, 0.0) of the ``size`` results after the first ``start`` in ``order``."""
    page: list[tuple[int, float]] = []
    skipped = 0
    for docnum in order:
        if results[docnum >> 3] >> (docnum & 7) & 1:
            if skipped < start:
                skipped += 1
                continue
            page.append((docnum, 0.0))
            if len(page) == size:
                break
    return page


def facet_counts(
    tables: Tables, results: bytes, docs: list[int] | None = None
) -> dict[str, list[FacetCount]]:
    """Each facet's values among ``results`` (a mask's bytes; ``docs``, the same as a list of
    a small set) with counts: versions newest first, episodes by number, the rest by count."""
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


def facet_values(tables: Tables) -> dict[str, list[FacetCount]]:
    """Every value of each facet over the whole index, with counts."""
    return facet_counts(tables, tables.mask_bytes(tables.features))


def _suggest(searcher, text: TextQuery, request: SearchRequest) -> str | None:
    """The query with each word that has no hits replaced by a close word that has."""
    if len(text.missing) > MAX_SUGGESTED_WORDS or not all(w.suggest for w in text.missing):
        return None
    reader = searcher.reader()
    suggestion = request.q
    for word in text.missing:
        stem = text_analyzer()(word.text).__next__().text
        best = closest_term(reader, stem)
        if best is None:
            return None
        surface = _surface(searcher, best) or best
        suggestion = suggestion.replace(word.text, surface, 1)
    return suggestion if suggestion != request.q else None


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
