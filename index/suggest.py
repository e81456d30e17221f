"""Close words for "did you mean", found at a bounded cost whatever the index's vocabulary.

Whoosh's ``terms_within`` reads every term sharing a word's first letter and measures its edit
distance in Python: on an index of random words that is tens of thousands of terms per
misspelt word, seconds per query. Here a word's candidates are at most ``SCAN_LIMIT`` terms
sharing its first two letters plus ``SCAN_LIMIT`` sharing its first letter, and a query looks
for close words for at most ``MAX_WORDS`` of its words. An archive of the blog's size (a few
thousand terms) has fewer terms per letter than that, so there nothing changes.
"""

from __future__ import annotations

from itertools import islice

from whoosh.support.levenshtein import distance

MAX_WORDS = 3  # misspelt words of one query that get a suggestion; beyond, none is made
SCAN_LIMIT = 500  # terms read per prefix (two letters, then one) and field
FIELDS = ("title", "summary")


def candidate_terms(reader, fieldname: str, stem: str) -> list[str]:
    """The terms of ``fieldname`` that may be close to ``stem``: at most 2 x SCAN_LIMIT."""
    found: dict[str, None] = {}
    for prefix in dict.fromkeys((stem[:2], stem[:1])):
        for term in islice(reader.expand_prefix(fieldname, prefix), SCAN_LIMIT):
            found[term.decode("utf-8") if isinstance(term, bytes) else term] = None
    return list(found)


def closest_term(reader, stem: str) -> str | None:
    """The most frequent term within one edit (two for words over four letters) of ``stem``."""
    limit = 1 if len(stem) <= 4 else 2
    best, best_count = None, 0
    for name in FIELDS:
        for term in candidate_terms(reader, name, stem):
            if abs(len(term) - len(stem)) > limit or distance(term, stem, limit=limit) > limit:
                continue
            count = reader.doc_frequency(name, term)
            if count > best_count:
                best, best_count = term, count
    return best
