"""index/search.py: running searches on a small real index built in a temporary folder."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index import IndexReader, QueryError, SearchRequest, parse_request
from tests.index_data import HOSTILE_TITLE, search


def tickets(page):
    return [hit.ticket_id for hit in page.hits]


def test_plain_words_are_anded(reader):
    assert tickets(search(reader, "recurring meter")) == ["2000001"]
    assert search(reader, "recurring xero").total == 0


def test_words_are_stemmed_invoices_finds_invoicing(reader):
    page = search(reader, "invoices")
    assert "2000005" in tickets(page)  # says only "invoicing"
    assert "2000001" in tickets(page)  # says "invoice"


def test_quoted_phrase_matches_words_in_order(reader):
    assert tickets(search(reader, '"recurring billing"')) == ["2000005"]
    assert search(reader, '"billing recurring"').total == 0


def test_prefix_matches_word_starts(reader):
    assert set(tickets(search(reader, "recur*"))) == {"2000001", "2000005"}
    assert set(tickets(search(reader, "timesh*"))) == {None}


def test_excluded_word(reader):
    found = tickets(search(reader, "recurring -meter"))
    assert found == ["2000005"]


def test_typo_gets_did_you_mean_and_results(reader):
    page = search(reader, "webhoks")
    assert page.suggestion == "webhooks"
    assert tickets(page) == ["2000006"]
    assert "webhoks" in page.notice


def test_unknown_word_without_close_match_has_no_suggestion(reader):
    page = search(reader, "zzzzqqq")
    assert page.total == 0 and page.suggestion is None


@pytest.mark.parametrize("query", ["2000004", "#2000004"])
def test_ticket_number_alone_is_that_ticket(reader, query):
    page = search(reader, query)
    assert tickets(page) == ["2000004"]


def test_ticket_number_with_words_puts_the_ticket_first(reader):
    page = search(reader, "recurring 2000006")
    assert tickets(page)[0] == "2000006"
    assert {"2000001", "2000005"} <= set(tickets(page))


def test_unknown_number_is_searched_as_a_word(reader):
    assert search(reader, "9999999").total == 0


def test_timestamp_is_recognised(reader):
    assert tickets(search(reader, "49:41")) == ["2000004"]


@pytest.mark.parametrize("query", ["v2.21", "version:2.210", "version:v2.21"])
def test_version_filter_reads_short_forms(reader, query):
    assert set(tickets(search(reader, query))) == {"2000003", "2000004"}


def test_version_ranges_follow_release_order(reader):
    in_range = search(reader, "version:2.208..2.212")
    assert {hit.version for hit in in_range.hits} == {"2.208", "2.210", "2.212"}
    newer = search(reader, "version:>=2.212")
    assert {hit.version for hit in newer.hits} == {"2.212", "2.214"}
    older = search(reader, "version:<2.210")
    assert {hit.version for hit in older.hits} == {"2.208"}
    assert search(reader, "version:>2.214").total == 0  # open ranges never match everything


def test_range_from_parameters(reader):
    page = search(reader, "", **{"from": "2.210", "to": "2.212"})
    assert {hit.version for hit in page.hits} == {"2.210", "2.212"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("episode:31", {"2000003", "2000004"}),
        ("area:billing", {"2000001", "2000002", "2000005"}),
        ("integration:xero", {"2000002"}),
        ("integration:qbo", {"2000006"}),
        ("flag:caution", {"2000001"}),
        ("flag:recommended webhooks", {"2000006"}),
    ],
)
def test_filters_in_the_query(reader, query, expected):
    assert set(tickets(search(reader, query))) == expected


def test_facet_counts(reader):
    page = search(reader, "")
    assert page.total == 8
    facets = {name: {f.value: f.count for f in values} for name, values in page.facets.items()}
    assert facets["version"] == {"2.208": 2, "2.210": 2, "2.212": 2, "2.214": 2}
    assert [f.value for f in page.facets["version"]] == ["2.214", "2.212", "2.210", "2.208"]
    assert facets["episode"] == {"30": 2, "31": 2, "32": 4}
    assert facets["flag"] == {"caution": 1, "recommended": 1}
    assert facets["integration"] == {"xero": 1, "quickbooks-online": 1}
    filtered = search(reader, "recurring")
    counts = {f.value: f.count for f in filtered.facets["version"]}
    assert counts == {"2.208": 1, "2.212": 1}


def test_snippet_escapes_crawled_text_and_marks_matches(reader):
    page = search(reader, "banner")
    hit = page.hits[0]
    assert hit.title == HOSTILE_TITLE  # plain text, escaped by whoever renders it
    assert "<mark>banner</mark>" in hit.snippet
    assert "&lt;b&gt;" in hit.snippet
    assert "<b>" not in hit.snippet and "<script" not in hit.snippet


def test_search_for_markup_finds_nothing_unsafe(reader):
    page = search(reader, "<script>alert")
    for hit in page.hits:
        assert "<script" not in hit.snippet


@pytest.mark.parametrize(
    "query",
    ["foo:bar (recurring", 'recurring "unbalanced', "version:abc recurring"],
)
def test_unparseable_queries_fall_back_to_words(reader, query):
    page = search(reader, query)
    assert page.notice
    assert "could not read" in page.notice.lower()


def test_long_query_and_wildcard_storm_are_bounded(reader):
    with pytest.raises(QueryError, match="too long"):
        parse_request({"q": "recurring " * 1000})
    page = reader.search(SearchRequest(q="recurring " * 1000))
    assert "cut" in page.notice and page.total == 2
    storm = search(reader, " ".join(f"{c}*" for c in "abcdefghij"))
    assert storm.notice


def test_sort_and_pages(reader):
    by_version = search(reader, "", sort="version")
    assert [hit.version for hit in by_version.hits][:2] == ["2.214", "2.214"]
    newest = search(reader, "", sort="newest", page_size="3")
    assert [hit.episode for hit in newest.hits] == [32, 32, 32]
    assert newest.page_count == 3
    last = search(reader, "", sort="newest", page_size="3", page="3")
    assert [hit.episode for hit in last.hits] == [30, 30]
    timestamps = search(reader, "episode:32", sort="timestamp")
    assert [hit.seconds for hit in timestamps.hits] == [300, 555, 880, 1800]


def test_relevance_puts_title_matches_first(reader):
    page = search(reader, "runbook")
    assert tickets(page)[0] == "2000004"


def test_release_notes_are_kept_out_of_search(reader):
    assert search(reader, "dark mode").total == 0
    assert [h.ticket_id for h in reader.release_notes()] == ["2000006", "2000099"]


def test_requests_built_directly_work_too(reader):
    page = reader.search(SearchRequest(q="asset", area="automation", page_size=5))
    assert tickets(page) == ["2000004"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_query_text_gives_a_page(reader, text):
    page = reader.search(SearchRequest(q=text))
    assert page.total >= 0


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["q", "version", "from", "to", "episode", "page", "page_size", "sort"]),
        st.text(max_size=12),
    )
)
def test_any_parameters_give_a_request_or_a_query_error(reader, args):
    try:
        request = parse_request(args)
    except QueryError as exc:
        assert str(exc)
        return
    assert reader.search(request).total >= 0


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "recurring"},
        {"q": "recurring", "sort": "version"},
        {"q": "asset OR portal -banner"},
        {"q": "2000006 webhooks"},
        {"q": "", "sort": "timestamp", "page_size": "3", "page": "2"},
        {"q": "version:>=2.210", "sort": "newest"},
    ],
)
def test_large_result_paths_give_the_same_pages(built_index, monkeypatch, params):
    """Big result sets are counted per facet value and ranked by Whoosh's collector; small ones
    one by one: both ways must agree (the thresholds are lowered to force the big-set path)."""
    request = parse_request(params)
    small = IndexReader(built_index, cache_size=0).search(request)
    monkeypatch.setattr("index.facets.COUNT_ONE_BY_ONE", 0)
    monkeypatch.setattr("index.search.SORT_DIRECTLY", 0)
    monkeypatch.setattr("index.ranking.SCORE_ALL_LIMIT", 0)
    large = IndexReader(built_index, cache_size=0).search(request)
    assert large.total == small.total
    assert large.facets == small.facets
    assert [h.key for h in large.hits] == [h.key for h in small.hits]


@pytest.mark.parametrize("kept_postings", [10_000, 0])
@pytest.mark.parametrize(
    "q", ["recurring", "invoice billing", "recur*", "recurring -meter", "recurring area:billing"]
)
def test_scores_are_whoosh_bm25f_scores_of_the_same_query(
    built_index, monkeypatch, q, kept_postings
):
    """Plain words and prefixes are ranked from per-term scores, kept per generation for terms
    with few postings and worked out for the results only for the others: each hit must get
    the score Whoosh's own matchers give the same query, and the order must follow the scores."""
    monkeypatch.setattr("index.ranking.KEEP_SCORES_LIMIT", kept_postings)
    from whoosh import index as whoosh_index
    from whoosh.query import And, Or, Term

    from index.schema import TEXT_FIELDS, text_analyzer

    page = IndexReader(built_index, cache_size=0).search(parse_request({"q": q}))
    assert page.hits
    words = [w for w in q.split() if not w.startswith("-") and ":" not in w]
    clauses = []
    with whoosh_index.open_dir(built_index / "index").searcher() as searcher:
        for word in words:
            if word.endswith("*"):
                stems = {word[:-1], *(t.text for t in text_analyzer()(word[:-1]))}
                texts = {
                    term.decode() if isinstance(term, bytes) else term
                    for name in TEXT_FIELDS
                    for stem in stems
                    for term in searcher.reader().expand_prefix(name, stem)
                }
            else:
                texts = {t.text for t in text_analyzer()(word)}
            clauses.append(Or([Term(name, text) for text in texts for name in TEXT_FIELDS]))
        expected = {
            json.loads(hit["record"])["key"]: hit.score
            for hit in searcher.search(And(clauses), limit=None)
        }
    for hit in page.hits:
        assert hit.score == pytest.approx(expected[hit.key], rel=1e-9)
    assert [hit.score for hit in page.hits] == sorted((h.score for h in page.hits), reverse=True)
