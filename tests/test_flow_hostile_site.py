"""Hostile queries and parameters on every route family, and the hostile corpus in every output.

A hostile request gets a 200 or a 400 (a 404 for a path naming nothing, a 422 for chapters that
cannot be made), fast, and never a 500. Crawled text from tests/hostile/ comes out escaped or
neutralised for each format: no script, event handler or scripting link in HTML (pages, feed
entries, rendered Markdown), well-formed feeds, JSON without raw ``<``, formula-safe CSV.
"""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hostile_data import write_hostile_archive
from markdown_it import MarkdownIt

from index import IndexReader
from webapp.app import create_app

SLOW_SECONDS = 5.0  # a generous bound on a busy 2-core machine; answers take milliseconds
SCRIPTING_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "xlink:href"})
FORBIDDEN_TAGS = frozenset({"iframe", "object", "embed", "base", "img", "frame", "link", "style"})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_QUERIES = [
    "x" * 10_000,
    "invoice " * 1200,
    "*" * 300,
    "* " * 200,
    " ".join(f"{letter}*" for letter in "abcdefghijklmnopqrstuvwxyz"),
    "a*",
    "title:(",
    "title:(invoice",
    "NOT",
    "NOT NOT NOT",
    "AND OR NOT",
    "^",
    "invoice^99999",
    "~",
    "invoice~5",
    '"unbalanced',
    '"',
    '""',
    '-"x"',
    "((((",
    "))))",
    "[a TO",
    "{x TO y}",
    "*:*",
    "?",
    "\\",
    "#",
    "#99999999999999999999",
    "version:",
    "version:..",
    "version:>=",
    "version:2.1..2.0..3",
    "episode:-1",
    "episode:99999999999999999999999",
    "area:",
    "area:nope",
    "flag:nope",
    "integration:",
    "v99.999.9999",
    "99:99:99",
    "-",
    "--",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\u202eevil\u202c",
    "\x00",
    "%00",
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]
HOSTILE_PARAMS = [
    {"page": "-1"},
    {"page": "0"},
    {"page": "99999999999999999999999"},
    {"page": "abc"},
    {"page": "1e9"},
    {"page_size": "0"},
    {"page_size": "100000"},
    {"page_size": "-5"},
    {"sort": "evil"},
    {"sort": "relevance;drop"},
    {"version": "abc"},
    {"version": "v2.216' OR '1"},
    {"from": "2.300", "to": "2.100"},
    {"from": "x", "to": "y"},
    {"episode": "-5"},
    {"episode": "1" * 40},
    {"area": "<script>"},
    {"integration": "x" * 5000},
    {"flag": "bogus"},
    {"unknown": "1", "utm_source": "x"},
    {"_external": "1", "_scheme": "javascript", "_anchor": "x"},
    {"q": "invoice", "page": "500"},
]
# Percent-escapes that are not UTF-8: overlong, lone surrogate, Latin-1, invalid bytes.
RAW_QUERIES = ["q=%ff%fe%fd", "q=%c0%af", "q=caf%e9", "%ff=%ff", "q=%ed%a0%80", "q=a&q=b", "q=%"]
# Route families whose query string is the search's: every hostile query and parameter.
SEARCH_ROUTES = ["/", "/search.json", "/search.csv", "/feed.rss", "/feed.atom", "/feed.json"]
PATH_ROUTES = [
    "/ticket/{}",
    "/ticket/{}.json",
    "/version/{}",
    "/version/{}.json",
    "/version/{}/feed.atom",
    "/episode/{}",
    "/episode/{}/shownotes.md",
]
PATH_VALUES = [
    "-1",
    "0",
    "9" * 40,
    "%FF%FE",
    "%C0%AF",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>",
    quote("\u202e"),
    "x" * 3000,
    "2.",
    "v2.240",
]


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory):
    """A data folder holding the hostile corpus, indexed."""
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    write_hostile_archive(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def client(hostile_data):
    """A test client of the site over the hostile archive."""
    app = create_app({"DATA_DIR": str(hostile_data), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def hostile_keys(hostile_data):
    """Store keys of the hostile episode's three raw features, for draft lists."""
    reader = IndexReader(hostile_data)
    return [hit.key for hit in reader.episode_features(990)]


def fetch(client, url, *, query_string=None):
    """GET a URL; return the response and the seconds it took."""
    started = time.monotonic()
    response = client.get(url, query_string=query_string)
    return response, time.monotonic() - started


def assert_answers(results, allowed):
    bad = [(url, status) for url, status, seconds in results if status not in allowed]
    slow = [(url, seconds) for url, status, seconds in results if seconds > SLOW_SECONDS]
    assert not bad, bad[:10]
    assert not slow, slow[:10]


@pytest.mark.parametrize("route", SEARCH_ROUTES)
def test_hostile_queries_get_200_or_400_quickly(client, route):
    results = []
    for q in HOSTILE_QUERIES:
        response, seconds = fetch(client, route, query_string={"q": q})
        results.append((f"{route}?q={q[:40]!r}", response.status_code, seconds))
    for params in HOSTILE_PARAMS:
        response, seconds = fetch(client, route, query_string=params)
        results.append((f"{route}?{params}", response.status_code, seconds))
    for raw in RAW_QUERIES:
        response, seconds = fetch(client, f"{route}?{raw}")
        results.append((f"{route}?{raw}", response.status_code, seconds))
    assert_answers(results, {200, 400})


def test_a_10000_character_query_is_refused_with_a_reason(client):
    response = client.get("/", query_string={"q": "x" * 10_000})
    assert response.status_code == 400
    assert "too long" in response.get_data(as_text=True)
    answer = client.get("/search.json", query_string={"q": "x" * 10_000})
    assert answer.status_code == 400
    assert "too long" in answer.get_json()["error"]


@pytest.mark.parametrize("route", PATH_ROUTES)
def test_hostile_path_values_get_a_plain_answer(client, route):
    results = []
    for value in PATH_VALUES:
        response, seconds = fetch(client, route.format(value))
        results.append((route.format(value[:40]), response.status_code, seconds))
    assert_answers(results, {200, 301, 400, 404})


@pytest.mark.parametrize(
    "route",
    [
        "/upgrade",
        "/upgrade.md",
        "/upgrade.csv",
        "/draft",
        "/draft/shownotes.md",
        "/draft/chapters.txt",
        "/draft/chapters.json",
    ],
)
def test_hostile_upgrade_and_draft_parameters(client, route, hostile_keys):
    cases = [
        *HOSTILE_PARAMS,
        {"from": "2.240", "to": "2.248", "pick": ",".join(hostile_keys)},
        {"pick": ",".join(f"key{n}" for n in range(10_000))},
        {"pick": "k" * 5000},
        {"pick": ",,,,"},
        {"pick": "<script>,javascript:alert(1)"},
        {"pick": ",".join([hostile_keys[0]] * 500)},
    ]
    results = []
    for params in cases:
        response, seconds = fetch(client, route, query_string=params)
        results.append((f"{route}?{str(params)[:60]}", response.status_code, seconds))
    for raw in RAW_QUERIES:
        response, seconds = fetch(client, f"{route}?{raw}")
        results.append((f"{route}?{raw}", response.status_code, seconds))
    # 404: a draft whose picked features are all gone; 422: chapters that cannot be made.
    assert_answers(results, {200, 400, 404, 422})


def test_pages_without_parameters_answer(client):
    for route in ("/episodes", "/coverage", "/stats", "/status", "/feeds.opml", "/draft"):
        response, seconds = fetch(client, route)
        assert response.status_code == 200, route
        assert seconds < SLOW_SECONDS, route


# --- outputs ---------------------------------------------------------------------------------


class ScriptFinder(HTMLParser):
    """Collects everything in an HTML document that could run script or load another page."""

    def __init__(self, *, own_script: str | None = None):
        super().__init__(convert_charrefs=True)
        self.own_script = own_script
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src") != self.own_script or self.own_script is None:
                self.problems.append(f"<script {attrs}>")
            self._in_script = True
        if tag in FORBIDDEN_TAGS and not self._site_head_link(tag, attributes):
            self.problems.append(f"<{tag} {attrs}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            cleaned = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(SCRIPTING_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def _site_head_link(self, tag: str, attributes: dict) -> bool:
        # The site's own <link rel=stylesheet|alternate|icon> point at this site's paths.
        href = attributes.get("href") or ""
        return (
            self.own_script is not None
            and tag == "link"
            and href.startswith(("/", "http://localhost/"))
        )

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def script_problems(html: str, *, own_script: str | None = None) -> list[str]:
    finder = ScriptFinder(own_script=own_script)
    finder.feed(html)
    finder.close()
    return finder.problems


PAGES = [
    "/?q=invoice",
    "/?q=breaker",
    "/?q=raw",
    "/?q=script",
    "/?q=%3Cscript%3E",
    "/ticket/9900101",
    "/ticket/9900102",
    "/ticket/9900103",
    "/ticket/9900104",
    "/ticket/9900105",
    "/ticket/9909901",
    "/ticket/9909902",
    "/episode/901",
    "/episode/902",
    "/episode/903",
    "/episode/990",
    "/episodes",
    "/version/2.240",
    "/version/2.248",
    "/upgrade?from=2.238&to=2.248",
    "/status",
    "/stats",
    "/coverage",
]


@pytest.mark.parametrize("url", PAGES)
def test_hostile_records_never_become_markup_on_pages(client, url, hostile_keys):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert script_problems(html, own_script="/static/site.js") == []
    assert "\u202e" not in html and "\x00" not in html  # no bidi override, no NUL


def test_hostile_draft_page_and_exports(client, hostile_keys):
    pick = ",".join(hostile_keys)
    html = client.get("/draft", query_string={"pick": pick}).get_data(as_text=True)
    assert script_problems(html, own_script="/static/site.js") == []
    assert "Raw" in html  # the features are there, as text


def test_escaped_title_shows_as_text_on_the_ticket_page(client):
    html = client.get("/ticket/9900101").get_data(as_text=True)
    assert "&lt;script&gt;window.__pwned = 4&lt;/script&gt; Invoice R&amp;D totals" in html


def feed_entry_html(document: str, fmt: str) -> list[str]:
    """Every HTML fragment a feed reader would render from a feed document."""
    if fmt == "json":
        return [item.get("content_html", "") for item in json.loads(document)["items"]]
    root = ET.fromstring(document.encode("utf-8"))  # well-formed XML, or this raises
    fragments = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if not element.text:
            continue
        if tag == "description" or (
            tag in ("content", "summary") and element.get("type") == "html"
        ):
            fragments.append(element.text)
        elif tag in ("title", "summary", "content"):
            assert element.get("type") in (None, "text", "html"), element.attrib
    return fragments


def feed_links(document: str, fmt: str) -> list[str]:
    """Every link a feed reader would follow."""
    if fmt == "json":
        feed = json.loads(document)
        return [
            value
            for item in feed["items"]
            for key in ("url", "external_url")
            if (value := item.get(key))
        ]
    root = ET.fromstring(document.encode("utf-8"))
    links = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "link":
            links.append(element.get("href") or element.text or "")
    return [link for link in links if link]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
@pytest.mark.parametrize(
    "url", ["/feed.{}", "/feed.{}?q=script", "/episode/990/feed.{}", "/version/2.240/feed.{}"]
)
def test_feeds_carry_hostile_text_as_text(client, fmt, url):
    response = client.get(url.format(fmt))
    assert response.status_code == 200
    document = response.get_data(as_text=True)
    fragments = feed_entry_html(document, fmt)
    assert fragments
    for fragment in fragments:
        assert script_problems(fragment) == [], fragment[:200]
    for link in feed_links(document, fmt):
        assert link.startswith(("http://", "https://")), link
    if fmt == "json":
        assert "<" not in document  # \u003c, so the document never closes a <script>


@pytest.mark.parametrize(
    "url",
    [
        "/search.json?q=script",
        "/search.json?q=raw",
        "/ticket/9909901.json",
        "/ticket/9900101.json",
        "/episode/990.json",
        "/episode/902.json",
        "/version/2.248.json",
        "/episode/990/chapters.json",
    ],
)
def test_json_has_no_raw_markup_and_only_web_links(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<" not in text and ">" not in text
    assert "\u2028" not in text and "\u2029" not in text

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                yield from walk(item, name)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key)
        elif isinstance(value, str) and ("url" in key.lower() or key in ("video_at", "page")):
            yield key, value

    for key, link in walk(json.loads(text)):
        assert link.startswith(("http://", "https://")), (key, link)


@pytest.mark.parametrize(
    "url",
    [
        "/search.csv?q=raw",
        "/search.csv?q=spreadsheet",
        "/search.csv?version=2.246",
        "/upgrade.csv?from=2.238&to=2.248",
    ],
)
def test_csv_cells_never_start_a_formula(client, url):
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
            assert not cell.lower().startswith(SCRIPTING_SCHEMES), cell


@pytest.mark.parametrize(
    "url",
    [
        "/episode/901/shownotes.md",
        "/episode/902/shownotes.md",
        "/episode/990/shownotes.md",
        "/upgrade.md?from=2.238&to=2.248",
        "/draft/shownotes.md?pick={keys}",
    ],
)
def test_markdown_renders_without_markup_or_scripting_links(client, url, hostile_keys):
    response = client.get(url.format(keys=",".join(hostile_keys)))
    assert response.status_code == 200
    markdown = response.get_data(as_text=True)
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    assert script_problems(rendered) == [], rendered[:400]


def test_chapters_text_has_no_angle_brackets(client):
    response = client.get("/episode/990/chapters.txt")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<" not in text and ">" not in text
    assert text.startswith("0:00 ")


def test_javascript_video_url_is_never_a_link_anywhere(client):
    for url in ("/episode/902", "/ticket/9900201", "/?q=timesheets"):
        html = client.get(url).get_data(as_text=True)
        assert "javascript:" not in html, url
    for url in ("/episode/902.json", "/ticket/9900201.json", "/feed.json?q=timesheets"):
        assert "javascript:" not in client.get(url).get_data(as_text=True), url
    assert "data:text" not in client.get("/episode/990").get_data(as_text=True)
    markdown = client.get("/episode/990/shownotes.md").get_data(as_text=True)
    assert "data:" not in markdown and "Watch Now" not in markdown
