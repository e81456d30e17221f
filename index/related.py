"""The features most like one feature: shared rare words, integrations and areas.

Candidates come only from the feature's rarest words and its integrations, never from its
areas (most features have one), so the cost stays small at any index size.
"""

from __future__ import annotations

import heapq
import math

from whoosh.query import Term

from index.facets import Tables, docnums, mask_of
from index.hits import hit as hit_of
from index.model import Hit
from index.ordering import sorted_by
from index.ranking import term_frequency
from index.schema import text_analyzer
from index.text_query import term_mask

RELATED_WORDS = 8  # rarest words of a feature that related() looks for
RELATED_POSTINGS = 1_500  # documents related() reads for words, rarest words first
RELATED_CANDIDATES = 200  # features one shared integration adds to the related candidates
# How much sharing one value of a facet counts, times how rare the value is.
SHARED_WEIGHTS = {"integrations": 2.0, "areas": 0.5}


def related(searcher, tables: Tables, hit: Hit, limit: int) -> list[Hit]:
    """Up to ``limit`` other features most like ``hit``, the most alike first."""
    allowed = _others(searcher, tables, hit)
    if not allowed or limit <= 0:
        return []
    scores = _by_words(searcher, tables, hit, allowed)
    for name in hit.integrations:
        docs = docnums(tables.value_mask("integrations", name) & allowed)
        for docnum in docs[-RELATED_CANDIDATES:]:  # the latest indexed
            scores.setdefault(docnum, 0.0)
    if not scores:
        return []
    _add_shared_values(tables, hit, scores)
    newest = tables.newest_key
    ranked = sorted_by(scores, lambda d: -scores[d], newest.__getitem__)
    return [hit_of(searcher, tables, d, score=scores[d]) for d in ranked[:limit]]


def _others(searcher, tables: Tables, hit: Hit) -> int:
    """The features that are neither ``hit`` nor another record of its ticket."""
    allowed = tables.features
    if hit.ticket_id:
        ticket = searcher.docs_for_query(Term("ticket_id", hit.ticket_id))
        allowed &= ~mask_of(ticket, tables.size)
    return allowed & ~mask_of(searcher.docs_for_query(Term("key", hit.key)), tables.size)


def _by_words(searcher, tables: Tables, hit: Hit, allowed: int) -> dict[int, float]:
    """Candidates sharing the hit's rarest words, scored by how rare the words are; at most
    RELATED_CANDIDATES of them."""
    total = tables.features.bit_count() or 1
    scores: dict[int, float] = {}
    budget = RELATED_POSTINGS
    for weight, mask in _rarest_words(searcher, tables, hit):
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
    return scores


def _add_shared_values(tables: Tables, hit: Hit, scores: dict[int, float]) -> None:
    """Add to each candidate's score the integrations and areas it shares with ``hit``."""
    total = tables.features.bit_count() or 1
    wanted = {"integrations": set(hit.integrations), "areas": set(hit.areas)}
    for fieldname, weight in SHARED_WEIGHTS.items():
        per_doc, values = tables.doc_values[fieldname], tables.values[fieldname]
        for docnum in scores:
            for value in per_doc[docnum]:
                if value in wanted[fieldname]:
                    scores[docnum] += weight * math.log(1 + total / values[value].count)


def _rarest_words(searcher, tables: Tables, hit: Hit):
    """The hit's rarest words as (weight, documents): title and alias words count 3x."""
    analyzer = text_analyzer()
    weights: dict[str, float] = {}
    for token in analyzer(hit.summary):
        weights.setdefault(token.text, 1.0)
    for token in analyzer(" ".join([hit.title, *hit.aliases])):
        weights[token.text] = 3.0
    frequency = {word: term_frequency(searcher, tables, word) for word in weights}
    rarest = sorted((w for w in weights if frequency[w] > 1), key=frequency.get)
    for word in rarest[:RELATED_WORDS]:
        mask = term_mask(searcher, tables, word)
        if mask:
            yield weights[word], mask
