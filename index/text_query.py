"""A parsed query's words as a Whoosh query (for scores) and a document mask (for counts)."""

from __future__ import annotations

from whoosh.query import And, AndNot, NullQuery, Phrase, Query, Term
from whoosh.query.compound import DefaultOr as Or

from index.facets import Tables
from index.query import ParsedQuery, Word
from index.schema import KIND_FEATURE, TEXT_FIELDS, text_analyzer

MAX_PREFIX_TERMS = 64  # terms one prefix* may expand to (the most frequent are kept)


def _word_docs(reader, text: str):
    """A function listing the documents having the analysed term ``text`` in any full-text
    field (for ``Tables.term_mask``, which calls it on a cache miss only)."""

    def docs():
        for name in TEXT_FIELDS:
            if (name, text) in reader:
                yield from reader.postings(name, text).all_ids()

    return docs


def term_mask(searcher, tables: Tables, text: str) -> int:
    """The documents having the analysed term ``text``, as the generation keeps them."""
    return tables.term_mask(("term", text), _word_docs(searcher.reader(), text))


def term_mask_from(tables: Tables, text: str, documents) -> int:
    """``term_mask`` of the term, from ``documents``, every document having it (when the
    generation has none kept yet)."""
    return tables.term_mask(("term", text), lambda: documents)


def phrase_query(tokens: list[str]) -> Query:
    """The analysed words ``tokens`` in that order, in any full-text field."""
    return Or([Phrase(name, tokens) for name in TEXT_FIELDS])


def phrase_mask(searcher, tables: Tables, tokens: list[str]) -> int:
    """The documents having the phrase, as the generation keeps them."""
    query = phrase_query(tokens)
    return tables.term_mask(("phrase", *tokens), lambda: searcher.docs_for_query(query))


def mask_again(searcher, tables: Tables, key: tuple) -> int:
    """The mask another generation keeps under ``key``, built on this one."""
    kind, *tokens = key
    if kind == "term":
        return term_mask(searcher, tables, tokens[0])
    return phrase_mask(searcher, tables, tokens)


def _combined(positive: list[Query], negative: list[Query]) -> Query | None:
    """The words that must match ANDed, less any that must not."""
    if not positive and not negative:
        return None
    if positive:
        query = And(positive) if len(positive) > 1 else positive[0]
    else:
        query = Term("kind", KIND_FEATURE)
    return AndNot(query, Or(negative)) if negative else query


class TextQuery:
    """The words of one query: its Whoosh ``query`` (None without words), the ``mask`` of the
    features matching it, and what snippets, ranking and suggestions need to know of it."""

    def __init__(self, searcher, tables: Tables, parsed: ParsedQuery):
        self.terms: set[str] = set()
        self.prefixes: list[str] = []
        # The terms whose scores add up to the query's score, or None when a phrase needs
        # Whoosh's own matchers to score.
        self.score_terms: list[str] | None = []
        self.missing: list[Word] = []  # plain words with no hits anywhere
        self._searcher, self._tables = searcher, tables
        positive: list[Query] = []
        negative: list[Query] = []
        self.mask = tables.features
        for word in parsed.words:
            clause = self._clause(word)
            if clause is None:
                continue
            query, mask = clause
            if word.negated:
                negative.append(query)
                self.mask &= ~mask
            else:
                positive.append(query)
                self.mask &= mask
        self.query: Query | None = _combined(positive, negative)

    def _clause(self, word: Word) -> tuple[Query, int] | None:
        if word.either:
            return self._either(word)
        if word.prefix:
            return self._prefix(word)
        tokens = [t.text for t in text_analyzer()(word.text)]
        if not tokens:
            return None  # only stop words
        if not word.negated:
            self.terms.update(tokens)
        if len(tokens) == 1:
            return self._term(word, tokens[0])
        return self._phrase(word, tokens)

    def _either(self, word: Word) -> tuple[Query, int] | None:
        clauses = [c for c in map(self._clause, word.either) if c is not None]
        if not clauses:
            return None
        mask = 0
        for _query, found in clauses:
            mask |= found
        return Or([q for q, _found in clauses]), mask

    def _term(self, word: Word, token: str) -> tuple[Query, int]:
        mask = term_mask(self._searcher, self._tables, token)
        if not word.negated:
            if not mask:
                self.missing.append(word)
            self._scored_by([token])
        return Or([Term(name, token) for name in TEXT_FIELDS]), mask

    def _phrase(self, word: Word, tokens: list[str]) -> tuple[Query, int]:
        if not word.negated:
            self.score_terms = None
        return phrase_query(tokens), phrase_mask(self._searcher, self._tables, tokens)

    def _scored_by(self, terms: list[str]) -> None:
        if self.score_terms is not None:
            self.score_terms.extend(terms)

    def _expansions(self, starts: set[str]) -> list[str]:
        """The most frequent terms starting with any of ``starts`` (bounds "a*"-style storms)."""
        reader = self._searcher.reader()
        found: dict[str, int] = {}
        for name in TEXT_FIELDS:
            for start in starts:
                for count, term in enumerate(reader.expand_prefix(name, start)):
                    if count > 4 * MAX_PREFIX_TERMS:
                        break
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    found[text] = found.get(text, 0) + reader.doc_frequency(name, text)
        return sorted(found, key=found.get, reverse=True)[:MAX_PREFIX_TERMS]

    def _prefix(self, word: Word) -> tuple[Query, int]:
        # Stems are indexed, so "invoicing*" looks for the stem "invoic" as well as "invoicing".
        starts = {word.text.lower()}
        starts.update(t.text for t in text_analyzer()(word.text))
        kept = self._expansions(starts)
        if not word.negated:
            self.prefixes.extend(starts)
            self._scored_by(kept)
        if not kept:
            return NullQuery, 0
        mask = 0
        for text in kept:
            mask |= term_mask(self._searcher, self._tables, text)
        return Or([Term(name, text) for text in kept for name in TEXT_FIELDS]), mask
