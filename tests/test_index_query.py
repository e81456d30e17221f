"""Reading query text and request parameters before Whoosh sees them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.versions import version_key
from index import QueryError, parse_request
from index.query import MAX_PREFIXES, Word, parse_query


def test_words_phrases_prefixes_and_exclusions():
    parsed = parse_query('invoice "recurring billing" recur* -draft')
    assert parsed.words == [
        Word("invoice"),
        Word("recurring billing", phrase=True),
        Word("recur", prefix=True),
        Word("draft", negated=True),
    ]
    assert parsed.notices == []


def test_ticket_numbers_timestamps_and_versions_are_recognised():
    parsed = parse_query("#1085470 1003085 49:41 v2.21 version:2.212")
    assert parsed.tickets == ["1085470", "1003085"]
    assert parsed.timestamps == ["49:41"]
    assert parsed.versions == ["2.210", "2.212"]
    assert parsed.words == []
    assert parsed.only_lookups


def test_version_ranges_use_release_order():
    (span,) = parse_query("version:2.208..2.214").ranges
    assert span.contains(version_key("2.210"))
    assert span.contains(version_key("2.214")) and not span.contains(version_key("2.216"))
    (reverse,) = parse_query("version:2.214..2.208").ranges
    assert reverse == span
    (at_least,) = parse_query("version:>=2.212").ranges
    assert at_least.contains(version_key("2.212")) and not at_least.contains(version_key("2.21"))
    (above,) = parse_query("version:>2.212").ranges
    assert not above.contains(version_key("2.212"))
    (open_low,) = parse_query("version:..2.21").ranges
    assert open_low.contains(version_key("2.190")) and not open_low.contains(version_key("2.212"))


def test_filters_resolve_names():
    parsed = parse_query("area:Invoicing integration:QBO flag:not-enabled-by-default episode:18")
    assert parsed.areas == ["billing"]
    assert parsed.integrations == ["quickbooks-online"]
    assert parsed.flags == ["not_enabled_by_default"]
    assert parsed.episodes == [18]


@pytest.mark.parametrize("text", ["version:banana", "colour:blue", 'an "odd quote', "(sla AND"])
def test_unreadable_syntax_becomes_words_with_a_notice(text):
    parsed = parse_query(text)
    assert parsed.notices and "Could not read" in parsed.notices[-1]


def test_prefix_storms_are_bounded():
    parsed = parse_query(" ".join(f"{letter}{letter}*" for letter in "abcdefgh") + " q*")
    assert sum(word.prefix for word in parsed.words) == MAX_PREFIXES
    assert parsed.notices


@given(st.text(max_size=400))
def test_any_text_parses(text):
    parse_query(text)


def test_parse_request_validates_and_canonicalises():
    request = parse_request(
        {
            "q": " sla ",
            "version": "v2.21",
            "from": "2.208",
            "to": "2.214",
            "episode": "18",
            "area": "Billing",
            "integration": "xero",
            "flag": "caution",
            "sort": "newest",
            "page": "2",
            "page_size": "50",
            "unknown": "ignored",
        }
    )
    assert (request.q, request.version, request.version_from, request.version_to) == (
        "sla",
        "2.210",
        "2.208",
        "2.214",
    )
    assert (request.episode, request.area, request.integration, request.flag) == (
        18,
        "billing",
        "xero",
        "caution",
    )
    assert (request.sort, request.page, request.page_size) == ("newest", 2, 50)
    assert parse_request({}).page == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"page": "0"}, "page must be from 1"),
        ({"page": "-3"}, "page must be a whole number"),
        ({"page": "99999999"}, "page must be from 1"),
        ({"page_size": "1000"}, "page_size must be from 1 to 100"),
        ({"sort": "random"}, "sort must be one of"),
        ({"version": "latest"}, "version must be a HaloPSA version"),
        ({"episode": "x"}, "episode must be a whole number"),
        ({"area": "nowhere"}, "Unknown area"),
        ({"q": "a" * 5000}, "too long"),
    ],
)
def test_parse_request_explains_bad_parameters(args, message):
    with pytest.raises(QueryError, match=message):
        parse_request(args)
