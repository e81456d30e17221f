"""Warming a new index generation with what requests built of the one before.

Requests build parts of a generation when they first need them: sort orders, the ticket
column, the documents of each word and phrase, each word's ranking and scores. A new
generation starts without them, so the first request to need each would pay for it (about a
second for a common word's ranking at 100,000 features). The thread that warms a new
generation builds on it everything the previous one had built, before requests move to it.
"""

from __future__ import annotations

from index.facets import Tables
from index.ranking import kept_ranking, kept_scores
from index.text_query import mask_again, term_mask_from


def carry_over(searcher, previous: Tables, tables: Tables) -> None:
    """Build on ``tables`` (read by ``searcher``) what requests built on ``previous``."""
    built = previous.built_on_request()
    for sort in built.orders:
        tables.order(sort)
    if built.tickets:
        tables.tickets(searcher.reader())
    for text in built.rankings:
        documents, _scores = kept_ranking(searcher, tables, text)
        # A word's ranking lists every document having it: its mask without reading postings.
        term_mask_from(tables, text, documents)
    for key in built.term_masks:
        mask_again(searcher, tables, key)
    for text in built.term_scores:
        kept_scores(searcher, tables, text)
