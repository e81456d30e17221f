"""Reading query text and request parameters before Whoosh sees them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.versions import version_key
from index import QueryError, parse_request
from index.query import (
    KNOWN_AREAS,
    KNOWN_FLAGS,
    KNOWN_INTEGRATIONS,
    MAX_PREFIXES,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    ParsedQuery,
    VersionRange,
    Word,
    parse_query,
)

W = Word
CUT = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
TOO_MANY = f"Only the first {MAX_TERMS} words of the query were used."
OR_HINT = "OR goes between two words, like: invoice OR quote."


def unreadable(shown: str) -> str:
    return f"Could not read {shown} as search syntax; searched for the words."


def not_a_version(token: str) -> str:
    return f"{token} is not a version: write one like v2.212, or a range like version:2.210..2.216."


def not_a_ticket(token: str, word: str) -> str:
    return (
        f"{token} is not a ticket number (ticket IDs are digits, like #1085470); "
        f"searched for the word {word!r}."
    )


# Query text -> the parts of the ParsedQuery it is read into (parts left empty are not listed):
# every kind of token, each filter, the look-alikes, OR in and out of place, and the bounds.
PARSED = [
    ("", {}),
    ("   ", {}),
    ("invoice", {"words": [W("invoice")]}),
    ("Invoice Quote", {"words": [W("Invoice"), W("Quote")]}),
    ("invoice\x00quote", {"words": [W("invoice"), W("quote")]}),
    (
        "a" * 290 + " tail end here",
        {"words": [W("a" * 290), W("tail"), W("end")], "notices": [CUT]},
    ),
    (
        " ".join(f"w{n}" for n in range(30)),
        {"words": [W(f"w{n}") for n in range(24)], "notices": [TOO_MANY]},
    ),
    (
        " ".join(f"w{n}" for n in range(23)) + " OR last",
        {"words": [W(f"w{n}") for n in range(23)], "notices": [TOO_MANY, OR_HINT]},
    ),
    (
        " ".join(f"w{n}" for n in range(22)) + " x OR y",
        {"words": [*(W(f"w{n}") for n in range(22)), W("x")], "notices": [TOO_MANY, OR_HINT]},
    ),
    ('"recurring billing"', {"words": [W("recurring billing", phrase=True)]}),
    ('-"recurring billing"', {"words": [W("recurring billing", phrase=True, negated=True)]}),
    ('""', {}),
    ('"  ,, "', {}),
    ('"re-run, twice!"', {"words": [W("re run twice", phrase=True)]}),
    ('an "odd quote', {"words": [W("an"), W("odd"), W("quote")], "notices": [unreadable('"')]}),
    ('"', {"notices": [unreadable('"')]}),
    ('-"', {}),
    ('"abc', {"words": [W("abc")], "notices": [unreadable('"')]}),
    ('" " "', {"notices": [unreadable('"')]}),
    ("1085470", {"tickets": ["1085470"]}),
    ("#1085470", {"tickets": ["1085470"]}),
    ("-1085470", {"words": [W("1085470", negated=True)]}),
    ("-#1085470", {"words": [W("1085470", negated=True)]}),
    ("12345678901", {"words": [W("12345678901")]}),
    ("49:41", {"timestamps": ["49:41"]}),
    ("1:02:03", {"timestamps": ["1:02:03"]}),
    ("-49:41", {"words": [W("49 41", phrase=True, negated=True)]}),
    ("99:99", {"words": [W("99 99", phrase=True)]}),
    ("\u0664\u0669:41", {"timestamps": ["\u0664\u0669:41"]}),
    ("v2.212", {"versions": ["2.212"]}),
    ("V2.21", {"versions": ["2.210"]}),
    ("v2.212.1", {"versions": ["2.212.1"]}),
    ("-v2.212", {"excluded": [ParsedQuery(versions=["2.212"])]}),
    (
        "v\u0662.212",
        {"words": [W("v\u0662 212", phrase=True)], "notices": [not_a_version("v\u0662.212")]},
    ),
    ("OR", {"notices": [OR_HINT]}),
    ("-OR", {"words": [W("OR", negated=True)]}),
    ("or", {"words": [W("or")]}),
    ("invoice OR quote", {"words": [W("invoice OR quote", either=(W("invoice"), W("quote")))]}),
    (
        "invoice OR quote OR order",
        {"words": [W("invoice OR quote OR order", either=(W("invoice"), W("quote"), W("order")))]},
    ),
    ("OR invoice", {"words": [W("invoice")], "notices": [OR_HINT]}),
    ("invoice OR", {"words": [W("invoice")], "notices": [OR_HINT]}),
    (
        "invoice OR -quote",
        {"words": [W("invoice"), W("quote", negated=True)], "notices": [OR_HINT]},
    ),
    ('x OR "" y', {"words": [W("x"), W("y")], "notices": [OR_HINT]}),
    (
        "-invoice OR quote",
        {"words": [W("invoice", negated=True), W("quote")], "notices": [OR_HINT]},
    ),
    (
        'invoice OR "sales order"',
        {
            "words": [
                W("invoice OR sales order", either=(W("invoice"), W("sales order", phrase=True)))
            ]
        },
    ),
    ("invoice OR 1085470", {"words": [W("invoice")], "tickets": ["1085470"], "notices": [OR_HINT]}),
    (
        "invoice OR OR quote",
        {"words": [W("invoice OR quote", either=(W("invoice"), W("quote")))], "notices": [OR_HINT]},
    ),
    (
        "a OR b c OR d",
        {"words": [W("a OR b", either=(W("a"), W("b"))), W("c OR d", either=(W("c"), W("d")))]},
    ),
    ("version:2.212", {"versions": ["2.212"]}),
    ("v:v2.21", {"versions": ["2.210"]}),
    ("VERSION:2.212", {"versions": ["2.212"]}),
    ("version:2.208..2.214", {"ranges": [VersionRange(low_key=22080000, high_key=22140000)]}),
    ("version:2.214..2.208", {"ranges": [VersionRange(low_key=22080000, high_key=22140000)]}),
    ("version:2.208..", {"ranges": [VersionRange(low_key=22080000)]}),
    ("version:..2.21", {"ranges": [VersionRange(high_key=22100000)]}),
    ("version:..", {"words": [W("version")], "notices": [unreadable("version:..")]}),
    ("version:>=2.212", {"ranges": [VersionRange(low_key=22120000)]}),
    ("version:>2.212", {"ranges": [VersionRange(low_key=22120000, low_inclusive=False)]}),
    ("version:<=2.212", {"ranges": [VersionRange(high_key=22120000)]}),
    ("version:<2.212", {"ranges": [VersionRange(high_key=22120000, high_inclusive=False)]}),
    (
        "version:>=banana",
        {"words": [W("version"), W("banana")], "notices": [unreadable("version:>=banana")]},
    ),
    (
        "version:2.208..banana",
        {
            "words": [W("version"), W("2"), W("208"), W("banana")],
            "notices": [unreadable("version:2.208..banana")],
        },
    ),
    (
        "version:banana",
        {"words": [W("version"), W("banana")], "notices": [unreadable("version:banana")]},
    ),
    ("episode:18", {"episodes": [18]}),
    ("ep:7", {"episodes": [7]}),
    (
        "episode:1234567",
        {"words": [W("episode"), W("1234567")], "notices": [unreadable("episode:1234567")]},
    ),
    ("episode:x", {"words": [W("episode"), W("x")], "notices": [unreadable("episode:x")]}),
    ("episode:\u0661\u0668", {"episodes": [18]}),
    ("ticket:1085470", {"tickets": ["1085470"]}),
    ("id:#1003085", {"tickets": ["1003085"]}),
    ("ticket:12", {"words": [W("ticket"), W("12")], "notices": [unreadable("ticket:12")]}),
    ("area:billing", {"areas": ["billing"]}),
    ("area:Invoicing", {"areas": ["billing"]}),
    (
        "area:nowhere",
        {"areas": ["nowhere"], "notices": [f"Unknown area 'nowhere'; known areas: {KNOWN_AREAS}."]},
    ),
    ("AREA:billing", {"areas": ["billing"]}),
    ("integration:QBO", {"integrations": ["quickbooks-online"]}),
    (
        "integration:nowhere",
        {
            "integrations": ["nowhere"],
            "notices": [
                f"Unknown integration 'nowhere'; known integrations: {KNOWN_INTEGRATIONS}."
            ],
        },
    ),
    ("flag:caution", {"flags": ["caution"]}),
    ("flag:not-enabled-by-default", {"flags": ["not_enabled_by_default"]}),
    ("flag:not_enabled_by_default", {"flags": ["not_enabled_by_default"]}),
    ("flag:Not-Enabled-By-Default", {"flags": ["not_enabled_by_default"]}),
    (
        "flag:shiny",
        {
            "flags": ["shiny"],
            "notices": [f"Unknown flag 'shiny'; known flags: {KNOWN_FLAGS}."],
        },
    ),
    ("colour:blue", {"words": [W("colour"), W("blue")], "notices": [unreadable("colour:blue")]}),
    ("-area:billing", {"excluded": [ParsedQuery(areas=["billing"])]}),
    (
        "-version:2.210..2.212",
        {"excluded": [ParsedQuery(ranges=[VersionRange(low_key=22100000, high_key=22120000)])]},
    ),
    (
        "-area:nonsense",
        {"notices": [f"Unknown area 'nonsense'; known areas: {KNOWN_AREAS}."]},
    ),
    ("-colour:blue", {"words": [W("colour blue", phrase=True, negated=True)]}),
    (
        "area:" + "x" * 60,
        {
            "areas": ["x" * 60],
            "notices": [f"Unknown area '{'x' * 40}'; known areas: {KNOWN_AREAS}."],
        },
    ),
    ("#abc", {"words": [W("abc", suggest=False)], "notices": [not_a_ticket("#abc", "abc")]}),
    (
        "#" + "y" * 60,
        {
            "words": [W("y" * 60, suggest=False)],
            "notices": [not_a_ticket("#" + "y" * 39, "y" * 40)],
        },
    ),
    ("-#abc", {"words": [W("abc", negated=True)]}),
    ("#", {}),
    ("#12ab", {"words": [W("12ab", suggest=False)], "notices": [not_a_ticket("#12ab", "12ab")]}),
    ("v2.2x", {"words": [W("v2 2x", phrase=True)], "notices": [not_a_version("v2.2x")]}),
    ("-v2.2x", {"words": [W("v2 2x", phrase=True, negated=True)]}),
    ("V9z", {"words": [W("V9z", phrase=True)], "notices": [not_a_version("V9z")]}),
    (
        "v" + "9" * 50,
        {"words": [W("v" + "9" * 50, phrase=True)], "notices": [not_a_version("v" + "9" * 39)]},
    ),
    ("recur*", {"words": [W("recur", prefix=True)]}),
    ("recur**", {"words": [W("recur", prefix=True)]}),
    ("-recur*", {"words": [W("recur", prefix=True, negated=True)]}),
    ("r*", {"words": [W("r")], "notices": [unreadable("r*")]}),
    ("-r*", {"words": [W("r", negated=True)], "notices": [unreadable("r*")]}),
    (
        "aa* bb* cc* dd* ee* ff*",
        {
            "words": [
                W("aa", prefix=True),
                W("bb", prefix=True),
                W("cc", prefix=True),
                W("dd", prefix=True),
                W("ee"),
                W("ff"),
            ],
            "notices": [unreadable("ee* ff*")],
        },
    ),
    ("re*cur", {"words": [W("re cur", phrase=True)]}),
    ("*", {}),
    ("***", {}),
    ("(sla", {"words": [W("sla")], "notices": [unreadable("(sla")]}),
    ("(sla AND", {"words": [W("sla"), W("AND")], "notices": [unreadable("(sla")]}),
    ("sla)", {"words": [W("sla")], "notices": [unreadable("sla)")]}),
    ("foo-bar", {"words": [W("foo bar", phrase=True)]}),
    ("-foo-bar", {"words": [W("foo bar", phrase=True, negated=True)]}),
    ("-draft", {"words": [W("draft", negated=True)]}),
    ("-", {}),
    ("--", {}),
    ("---draft", {"words": [W("draft", negated=True)]}),
    ("it's", {"words": [W("it s", phrase=True)]}),
    ("'quoted'", {"words": [W("quoted")], "notices": [unreadable("'quoted'")]}),
    (
        "+must ~fuzzy ^boost !bang",
        {
            "words": [W("must"), W("fuzzy"), W("boost"), W("bang")],
            "notices": [unreadable("+must ~fuzzy ^boost")],
        },
    ),
    ("a\\b", {"words": [W("a b", phrase=True)]}),
    ("path/to", {"words": [W("path to", phrase=True)]}),
    (
        "(a) (b) (c) (d)",
        {"words": [W("a"), W("b"), W("c"), W("d")], "notices": [unreadable("(a) (b) (c)")]},
    ),
    ("...", {}),
    ("é café naïve", {"words": [W("é"), W("café"), W("naïve")]}),
    ("x:", {"words": [W("x")], "notices": [unreadable("x:")]}),
    (":y", {"words": [W("y")], "notices": [unreadable(":y")]}),
    ("a:b:c", {"words": [W("a"), W("b"), W("c")], "notices": [unreadable("a:b:c")]}),
    (
        'invoice -draft recur* "sales order" #1085470 49:41 v2.212 area:billing episode:18',
        {
            "words": [
                W("invoice"),
                W("draft", negated=True),
                W("recur", prefix=True),
                W("sales order", phrase=True),
            ],
            "tickets": ["1085470"],
            "timestamps": ["49:41"],
            "versions": ["2.212"],
            "episodes": [18],
            "areas": ["billing"],
        },
    ),
]


@pytest.mark.parametrize(("text", "parts"), PARSED, ids=[ascii(text)[:40] for text, _ in PARSED])
def test_each_kind_of_token_is_read_into_its_part(text, parts):
    parsed = parse_query(text)
    assert {name: value for name, value in vars(parsed).items() if value} == parts


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"area": " nowhere "}, f"Unknown area ' nowhere '; known areas: {KNOWN_AREAS}."),
        (
            {"integration": "nowhere"},
            f"Unknown integration 'nowhere'; known integrations: {KNOWN_INTEGRATIONS}.",
        ),
        ({"flag": "shiny"}, f"Unknown flag 'shiny'; known flags: {KNOWN_FLAGS}."),
        ({"episode": "0"}, "episode must be from 1 to 999999, not 0."),
        ({"from": "x"}, "from must be a HaloPSA version such as 2.212, not 'x'."),
        ({"version_to": "x"}, "to must be a HaloPSA version such as 2.212, not 'x'."),
        (
            {"sort": " RANDOM "},
            "sort must be one of relevance, version, newest, timestamp, not 'random'.",
        ),
    ],
)
def test_each_bad_parameter_gets_its_own_whole_message(args, message):
    with pytest.raises(QueryError) as raised:
        parse_request(args)
    assert str(raised.value) == message


def test_blank_parameters_are_not_given_and_names_are_read_loosely():
    request = parse_request(
        {
            "area": "  ",
            "episode": " ",
            "version": " ",
            "from": "",
            "version_to": "v2.3",
            "integration": " QBO ",
            "flag": "Not-Enabled-By-Default",
            "sort": " Version ",
        }
    )
    assert (request.area, request.episode, request.version, request.version_from) == (None,) * 4
    assert (request.version_to, request.integration, request.flag, request.sort) == (
        "2.300",
        "quickbooks-online",
        "not_enabled_by_default",
        "version",
    )


@pytest.mark.parametrize(
    "written", ["not-enabled-by-default", "not_enabled_by_default", "Not enabled by default"]
)
def test_a_flag_is_read_alike_in_a_url_and_in_the_query(written):
    """``?flag=`` and ``flag:`` take the same names and name the same known flags."""
    assert parse_request({"flag": written}).flag == "not_enabled_by_default"
    assert parse_query(f"flag:{written.replace(' ', '-')}").flags == ["not_enabled_by_default"]
