"""Fuzzing with hypothesis: the parser, the version reader and the query translator never fail
on any input with anything but the errors they document, and what they return stays sane.

About four thousand generated cases in all, sized to run in well under a minute on two cores.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parse import parse_page
from crawler.records import Episode, Feature
from crawler.versions import canonical_version, find_versions, version_key
from index import IndexReader, QueryError, SearchRequest, parse_request

FUZZ = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_SEARCH = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Pieces of the blog's feature lines, and pieces that break naive readers.
LINE_PARTS = st.sampled_from(
    [
        "Invoice preview",
        " | ",
        "|",
        "v2.216",
        "v2.21",
        "2.",
        "v",
        "#1085470",
        "#",
        "#12",
        "49:41",
        "1:02:17",
        ":",
        "99:99",
        "Watch Now:",
        "By the [run]Book: Episode 7",
        "Episode",
        "Full Feature List",
        "v2.212 Features",
        "•",
        "⚠️ Caution:",
        "✅ Recommended",
        "Not enabled by default",
        "(#4400101)",
        "\u202e",
        "\x00",
        "\t",
        "\r\n",
        "&amp;",
        "<",
        ">",
        "\ufffd",
    ]
)
PAGE_TEXT = st.lists(st.one_of(LINE_PARTS, st.text(max_size=12)), max_size=40).map(
    lambda parts: "".join(parts)
)
PAGE_LINES = st.lists(PAGE_TEXT, max_size=25).map("\n".join)

TAGS = st.sampled_from(
    ["p", "h1", "h2", "h3", "h4", "li", "ul", "div", "span", "a", "strong", "br"]
)
ATTRIBUTES = st.sampled_from(
    [
        "",
        ' href="https://www.youtube.com/watch?v=x"',
        ' href="javascript:alert(1)"',
        ' href="/thoughts/by-the-run-book-episode-3"',
        ' class="rich-text w-richtext"',
        ' style="display:none"',
        " hidden",
        ' onclick="x()"',
        ' href="',
    ]
)


@st.composite
def html_fragments(draw, depth: int = 0) -> str:
    """A fragment of markup: text and nested elements, sometimes unclosed or mismatched."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(TAGS)
            inner = draw(html_fragments(depth=depth + 1))
            closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</p>"]))
            parts.append(f"<{tag}{draw(ATTRIBUTES)}>{inner}{closing}")
        else:
            parts.append(draw(PAGE_TEXT))
    return "".join(parts)


HTML_PAGES = html_fragments().map(
    lambda body: f"<!DOCTYPE html><html><head><title>x</title></head><body>{body}</body></html>"
)
URLS = st.sampled_from(
    [
        "https://blog.example.test/thoughts/by-the-run-book-episode-7",
        "https://blog.example.test/thoughts",
        "file:///tmp/page.html",
        "",
        "not a url",
        "https://blog.example.test/thoughts/by-the-run-book-episode-99999999999999999999",
    ]
)


def assert_sane(parsed) -> None:
    """Records a page gives are whole: each converts to its store form and back."""
    numbers = {episode.episode for episode in parsed.episodes}
    for episode in parsed.episodes:
        assert Episode.from_dict(episode.to_dict()) == episode
    for feature in parsed.features:
        assert Feature.from_dict(feature.to_dict()) == feature
        assert feature.episode in numbers
        assert feature.title.strip()
        assert "\x00" not in feature.title and "\u202e" not in feature.title
        if feature.version is not None:
            assert canonical_version(feature.version) == feature.version


@FUZZ
@given(PAGE_LINES, URLS)
def test_parser_reads_any_text_capture(text, url):
    assert_sane(parse_page("By the [run]Book: Episode 7\n" + text, url))


@FUZZ
@given(HTML_PAGES, URLS)
def test_parser_reads_any_markup(html, url):
    assert_sane(parse_page(html, url))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_reads_any_string(text):
    assert_sane(parse_page(text, "https://blog.example.test/thoughts/x"))


VERSION_TEXT = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\s*(version\s*)?[vV]?\d{1,3}\.\d{0,4}(\.\d{0,5})?\s*", fullmatch=True),
    st.lists(st.sampled_from(["v", "2", ".", "21", "0", "$", "£", " ", "x"]), max_size=12).map(
        "".join
    ),
)


@settings(max_examples=1000, deadline=None)
@given(VERSION_TEXT)
def test_version_reader_is_total_and_stable(text):
    version = canonical_version(text)
    if version is not None:
        assert canonical_version(version) == version  # canonical means a fixed point
        assert canonical_version(f"v{version}") == version
        assert version_key(version) == version_key(text)
    for found in find_versions(text):
        assert canonical_version(found) == found


SEARCH_KEYS = st.sampled_from(
    [
        "q",
        "version",
        "from",
        "to",
        "version_from",
        "version_to",
        "episode",
        "area",
        "integration",
        "flag",
        "sort",
        "page",
        "page_size",
        "other",
    ]
)
SEARCH_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "invoice",
            "recur*",
            '"recurring invoice"',
            "-portal",
            "#900101",
            "900101",
            "v2.212",
            "version:2.208..2.216",
            "version:>=2.212",
            "episode:18",
            "area:billing",
            "integration:xero",
            "flag:caution",
            "3:18",
            "title:(",
            "NOT",
            "*",
            "a*",
            "2.212",
            "18",
            "1",
            "-1",
            "0",
            "100",
            "relevance",
            "newest",
            "version",
        ]
    ),
)
SEARCH_ARGS = st.dictionaries(SEARCH_KEYS, SEARCH_VALUES, max_size=6)


@settings(max_examples=800, deadline=None)
@given(SEARCH_ARGS)
def test_parse_request_only_raises_query_errors_with_a_message(args):
    try:
        request = parse_request(args)
    except QueryError as error:
        assert str(error).strip()
        return
    assert isinstance(request, SearchRequest)
    assert request.page >= 1 and 1 <= request.page_size <= 100


# Mostly valid filters around any query text, so most cases reach the index.
VALID_SEARCH_ARGS = st.fixed_dictionaries(
    {"q": st.one_of(SEARCH_VALUES, PAGE_TEXT)},
    optional={
        "version": st.sampled_from(["2.212", "v2.216", "2.21"]),
        "from": st.sampled_from(["2.200", "2.212"]),
        "to": st.sampled_from(["2.216", "2.218"]),
        "episode": st.sampled_from(["18", "19", "77"]),
        "area": st.sampled_from(["billing", "portal", "assets"]),
        "flag": st.sampled_from(["caution", "recommended"]),
        "sort": st.sampled_from(["relevance", "newest", "version", "timestamp"]),
        "page": st.sampled_from(["1", "2", "500"]),
        "page_size": st.sampled_from(["1", "3", "100"]),
    },
)


@pytest.fixture(scope="module")
def reader(site_data_dir):
    """An IndexReader over the small invented archive."""
    return IndexReader(site_data_dir, cache_size=0)


@FUZZ_SEARCH
@given(st.one_of(VALID_SEARCH_ARGS, SEARCH_ARGS))
def test_any_valid_request_searches_without_error(reader, args):
    try:
        request = parse_request(args)
    except QueryError:
        return
    page = reader.search(request)
    assert len(page.hits) <= request.page_size
    assert page.total >= len(page.hits)
    if request.page == 1 and page.total:
        assert page.hits
    for counts in page.facets.values():
        assert all(count.count > 0 for count in counts)
