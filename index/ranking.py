"""Ranking: BM25F scores of analysed terms, as Whoosh's matchers give them, read cheaply.

A query of plain words and prefixes scores a document with the sum of its terms' scores over
the full-text fields (what Whoosh's union and intersection matchers add up). Per index
generation a term's scores (terms with few postings) or its documents in score order (one-word
queries) are kept in the generation's Tables; a common word of a many-word query is scored for
the filtered results only. Anything else (phrases, ticket lookups) is scored by Whoosh.
"""

from __future__ import annotations

import bisect
import heapq
from array import array

from whoosh.query import Query, Term

from index.facets import MaskDocs, Tables, docnums
from index.ordering import sorted_by
from index.schema import TEXT_FIELDS

KEEP_SCORES_LIMIT = 10_000  # postings of a term whose every score is computed and kept
SCORE_ALL_LIMIT = 2_000  # above this many results, Whoosh's own top-N collector ranks them


def term_scores(searcher, text: str) -> dict[int, float]:
    """Each document's score for the analysed term ``text``: the sum over the full-text fields."""
    scores: dict[int, float] = {}
    context = searcher.context()
    for name in TEXT_FIELDS:
        query = Term(name, text)
        for sub, offset in searcher.leaf_searchers():
            matcher = query.matcher(sub, context)
            while matcher.is_active():
                docnum = matcher.id() + offset
                scores[docnum] = scores.get(docnum, 0.0) + matcher.score()
                matcher.next()
    return scores


def ranking(searcher, tables: Tables, text: str) -> tuple[array, array]:
    """The documents having the analysed term, best score first, and their scores."""
    scores = term_scores(searcher, text)
    newest = tables.newest_key
    order = sorted_by(scores, lambda d: -scores[d], newest.__getitem__)
    return array("i", order), array("d", [scores[d] for d in order])


def kept_ranking(searcher, tables: Tables, text: str) -> tuple[array, array]:
    """``ranking`` of the term, as the generation keeps it."""
    return tables.ranking(text, lambda: ranking(searcher, tables, text))


def kept_scores(searcher, tables: Tables, text: str) -> dict[int, float]:
    """``term_scores`` of the term, as the generation keeps them."""
    return tables.term_scores(text, lambda: term_scores(searcher, text))


def top_of_term(searcher, tables: Tables, text: str, results: bytes, limit: int):
    """The ``limit`` best (docnum, score) pairs among ``results`` (a mask's bytes) for one term.

    The term's documents are kept ranked for the generation, so a search walks them best
    first and stops at the ``limit``-th result, however many documents match.
    """
    order, scores = kept_ranking(searcher, tables, text)
    top = []
    for index, docnum in enumerate(order):
        if results[docnum >> 3] >> (docnum & 7) & 1:
            top.append((docnum, scores[index]))
            if len(top) >= limit:
                break
    return top


def term_frequency(searcher, tables: Tables, text: str) -> int:
    """How many postings the analysed term has over the full-text fields (kept per generation)."""
    known = tables.word_frequency
    found = known.get(text)
    if found is None:
        reader = searcher.reader()
        found = known[text] = sum(reader.doc_frequency(name, text) for name in TEXT_FIELDS)
    return found


def scores_of(searcher, query: Query, docs: list[int]):
    """(docnum, score) for each of ``docs`` (ascending) that ``query`` matches.

    Skipping the matcher to each document is much cheaper than letting Whoosh score every
    match when the documents are few.
    """
    context = searcher.context()
    index = 0
    for sub, offset in searcher.leaf_searchers():
        end = offset + sub.doc_count_all()
        matcher = query.matcher(sub, context)
        while index < len(docs) and docs[index] < end:
            docnum = docs[index] - offset
            index += 1
            if matcher.is_active() and matcher.id() < docnum:
                matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                yield docnum + offset, matcher.score()


def add_result_scores(searcher, text: str, totals: dict[int, float]) -> None:
    """Add the analysed term's score to each document of ``totals`` (keys ascending).

    Field by field, either the term's postings are walked and looked up in ``totals`` or the
    matcher skips to each result, whichever visits fewer documents.
    """
    docs = list(totals)
    context = searcher.context()
    for name in TEXT_FIELDS:
        query = Term(name, text)
        start = 0
        for sub, offset in searcher.leaf_searchers():
            end = bisect.bisect_left(docs, offset + sub.doc_count_all(), start)
            matcher = query.matcher(sub, context)
            if matcher.is_active() and sub.doc_frequency(name, text) <= end - start:
                while matcher.is_active():
                    docnum = matcher.id() + offset
                    if docnum in totals:
                        totals[docnum] += matcher.score()
                    matcher.next()
            elif matcher.is_active():
                for docnum, score in _scores_of_leaf(matcher, docs[start:end], offset):
                    totals[docnum] += score
            start = end


def _scores_of_leaf(matcher, docs: list[int], offset: int):
    """(docnum, score) for each of ``docs`` (ascending, in the matcher's segment) it matches."""
    for docnum in docs:
        local = docnum - offset
        if matcher.id() < local:
            matcher.skip_to(local)
            if not matcher.is_active():
                return
        if matcher.id() == local:
            yield docnum, matcher.score()


def top_by_terms(
    searcher, tables: Tables, terms: list[str], results: int, docs: list[int] | None, limit: int
):
    """The ``limit`` best (docnum, score) pairs among ``results`` for a query of plain words and
    prefixes, given as its analysed terms (a repeated word counts twice, as in Whoosh)."""
    if len(terms) == 1:
        return top_of_term(searcher, tables, terms[0], tables.mask_bytes(results), limit)
    totals = dict.fromkeys(docs if docs is not None else docnums(results), 0.0)
    for text in terms:
        if term_frequency(searcher, tables, text) > KEEP_SCORES_LIMIT:
            add_result_scores(searcher, text, totals)  # too many to keep every score
            continue
        scores = kept_scores(searcher, tables, text)
        if len(scores) < len(totals):
            for docnum, score in scores.items():
                if docnum in totals:
                    totals[docnum] += score
        else:
            for docnum in totals:
                score = scores.get(docnum)
                if score:
                    totals[docnum] += score
    newest = tables.newest_key
    return heapq.nsmallest(limit, totals.items(), key=lambda item: (-item[1], newest[item[0]]))


def top_by_query(searcher, tables: Tables, query: Query, results: int, limit: int, docs=None):
    """The ``limit`` best-scoring (docnum, score) pairs among the documents in ``results``.

    Scoring only the documents that passed the filters (skipping the matcher to each) is
    much cheaper than letting Whoosh score every match and drop the filtered ones.
    """
    if docs is None or len(docs) > SCORE_ALL_LIMIT:
        top = searcher.search(query, filter=MaskDocs(results, tables.size), limit=limit)
        return [(hit.docnum, hit.score) for hit in top]
    scored = list(scores_of(searcher, query, docs))
    newest = tables.newest_key
    scored.sort(key=lambda item: (-item[1], newest[item[0]]))
    return scored[:limit]
