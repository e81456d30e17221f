"""Every page of the site through Flask's test client, over a small index built for real."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from site_data import FORMULA_TITLE, HOSTILE_TITLE


class PageParser(HTMLParser):
    """Collect what a browser would run: script elements and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(attributes)
        if tag in ("a", "link"):
            self.links.append(attributes)
        self.handlers += [(tag, name) for name in attributes if name.startswith("on")]


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def text(response) -> str:
    return response.get_data(as_text=True)


PAGES = [
    "/",
    "/?q=invoice",
    "/?area=billing",
    "/ticket/900101",
    "/version/2.212",
    "/upgrade",
    "/upgrade?from=2.210&to=2.216",
    "/episodes",
    "/episode/18",
    "/draft",
    "/coverage",
    "/status",
    "/stats",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_security_headers_and_no_inline_script(site_client, path):
    response = site_client.get(path)
    assert response.status_code == 200, text(response)[:500]
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]
    page = parse(text(response))
    assert page.scripts == [{"src": "/static/site.js", "defer": None}]
    assert page.handlers == []
    assert "style" not in page.tags


def test_search_home_lists_features_with_facet_counts(site_client):
    html = text(site_client.get("/"))
    assert "Preview recurring invoices before they go out" in html
    assert "Asset discovery records MAC addresses" in html
    links = {a.get("href") for a in parse(html).links}
    assert "/?version=2.212" in links
    assert "/?flag=caution" in links
    assert re.search(
        r'href="/\?version=2.216">v2.216</a>\s*<span class="facet-count">3</span>', html
    )


def test_search_filters_live_in_the_url_and_can_be_removed(site_client):
    html = text(site_client.get("/?version=2.214"))
    assert "Asset discovery records MAC addresses" in html
    assert "Portal sign-in with one-time links" not in html
    assert 'href="/"' in html  # the active filter's remove link drops it


def test_search_highlights_matches_in_snippets(site_client):
    html = text(site_client.get("/?q=preview"))
    assert "<mark>" in html
    assert "Portal sign-in with one-time links" not in html


def test_search_pages_and_sorts(site_client):
    html = text(site_client.get("/?page_size=2&sort=version"))
    assert "page 1 of" in html
    assert 'rel="next"' in html
    second = text(site_client.get("/?page_size=2&sort=version&page=2"))
    assert 'rel="prev"' in second


def test_a_misspelt_search_says_what_it_searched_and_offers_did_you_mean(site_client):
    response = site_client.get("/?q=invoce")
    html = text(response)
    assert response.status_code == 200
    assert "Did you mean" in html
    assert re.search(r'class="suggestion" href="/\?q=invoices?"', html)
    assert "Invoice PDF export from the preview" in html


def test_a_search_without_hits_has_a_clear_empty_state(site_client):
    html = text(site_client.get("/?q=zebra+giraffe&area=billing"))
    assert "No features match “zebra giraffe”" in html
    assert "Search again without filters" in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "sort=sideways",
        "version=banana",
        "page_size=100000",
        "q=" + "x" * 5000,
    ],
)
def test_bad_search_parameters_get_a_400_page_that_explains(site_client, query):
    response = site_client.get("/?" + query)
    assert response.status_code == 400
    html = text(response)
    assert "This search cannot be run" in html
    assert "Traceback" not in html


def test_ticket_page_shows_every_episode_with_the_video_second(site_client):
    html = text(site_client.get("/ticket/900101"))
    assert "<h1>Preview recurring invoices before they go out</h1>" in html
    assert "Recurring invoice preview" in html  # an alias
    assert "Admins can open a preview" in html
    assert "Previews show tax lines." in html
    assert "Caution" in html
    links = [a.get("href", "") for a in parse(html).links]
    video = [h for h in links if "vid18aaaaaa" in h]
    assert video and all("198" in h for h in video)  # 3:18
    assert any("vid19bbbbbb" in h and "1200" in h for h in links)  # 20:00 in episode 19
    assert "https://haloreleases.remmy.dev/?search=900101" in links
    assert "/episode/18" in links and "/episode/19" in links
    assert "Related features" in html


@pytest.mark.parametrize("path", ["/ticket/123456", "/ticket/abc", "/episode/99", "/version/9.999"])
def test_unknown_things_get_a_404_page(site_client, path):
    response = site_client.get(path)
    assert response.status_code == 404
    assert "Back to search" in text(response)


def test_version_page_puts_features_needing_attention_first(site_client):
    response = site_client.get("/version/2.212")
    html = text(response)
    assert html.index("Needs attention") < html.index("Preview recurring invoices before")
    assert html.index("Preview recurring invoices before") < html.index("Portal sign-in")
    assert site_client.get("/version/v2.212").headers["Location"].endswith("/version/2.212")


def test_upgrade_path_lists_versions_after_from_up_to_to(site_client):
    html = text(site_client.get("/upgrade?from=2.212&to=2.216"))
    assert "Asset discovery records MAC addresses" in html  # 2.214, not enabled by default
    assert "Invoice PDF export from the preview" in html  # 2.216
    assert "Portal sign-in with one-time links" not in html  # 2.212 is what you already run
    assert html.index("Needs attention") < html.index("Invoice PDF export")


# Without "to" the path goes up to the newest version (v2.218): nothing lies after it.
@pytest.mark.parametrize("query", ["from=2.216&to=2.212", "from=nope&to=2.216", "from=2.218"])
def test_upgrade_path_rejects_bad_ranges(site_client, query):
    assert site_client.get("/upgrade?" + query).status_code == 400


def test_upgrade_checklist_exports_markdown_and_csv(site_client):
    markdown = text(site_client.get("/upgrade.md?from=2.210&to=2.216"))
    assert markdown.startswith("# Upgrade checklist: v2.210 to v2.216")
    assert "- [ ] **Asset discovery records MAC addresses**" in markdown
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown

    response = site_client.get("/upgrade.csv?from=2.210&to=2.216")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text(response))))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert any(row["ticket_page"].endswith("/ticket/900103") for row in rows)


def test_hostile_text_is_escaped_everywhere(site_client):
    for path in ("/?q=hostile", "/ticket/900666", "/episode/19", "/version/2.216"):
        html = text(site_client.get(path))
        page = parse(html)
        assert page.scripts == [{"src": "/static/site.js", "defer": None}], path
        assert page.handlers == [], path
        assert "iframe" not in page.tags and "img" not in page.tags, path
        assert str(escape(HOSTILE_TITLE)) in html, path


def test_links_from_crawled_data_are_only_kept_when_they_are_http(site_client):
    for path in ("/episode/20", "/ticket/900301", "/?q=kanban", "/version/2.218"):
        html = text(site_client.get(path))
        hrefs = [a.get("href", "") for a in parse(html).links]
        assert not any(h.strip().lower().startswith("javascript:") for h in hrefs), path
        assert "Kanban lanes for projects" in html, path


def test_episode_page_lists_features_in_video_order_with_exports(site_client):
    html = text(site_client.get("/episode/19"))
    first, second = (
        html.index("Invoice PDF export"),
        html.index("Recurring invoice preview, revisited"),
    )
    assert second < first  # 20:00 comes before 1:02:10
    links = {a.get("href") for a in parse(html).links}
    assert {
        "/episode/19/shownotes.md",
        "/episode/19/chapters.txt",
        "/episode/19/chapters.json",
    } <= links
    assert "/episode/19/feed.atom" in links


def test_episode_list_shows_every_episode(site_client):
    html = text(site_client.get("/episodes"))
    assert "Episode 18: Halo v2.212 and v2.214" in html
    assert "Episode 19: Halo v2.216" in html


def test_draft_keeps_picks_in_the_url_and_reorders_them(site_client):
    html = text(site_client.get("/draft?pick=2.216:900104:1:02:10,2.212:900102:7:45"))
    assert html.index("Invoice PDF export") < html.index("Portal sign-in")
    links = {a.get("href") for a in parse(html).links}
    swapped = "/draft?pick=2.212:900102:7:45,2.216:900104:1:02:10"
    assert swapped in {link.replace("%3A", ":").replace("%2C", ",") for link in links}
    assert any(link.startswith("/draft/shownotes.md?pick=") for link in links)


def test_search_results_offer_to_add_to_the_draft(site_client):
    html = text(site_client.get("/?q=portal&pick=2.214:900103:12:05"))
    links = [a.get("href", "").replace("%3A", ":").replace("%2C", ",") for a in parse(html).links]
    assert "/draft?pick=2.214:900103:12:05,2.212:900102:7:45" in links


def test_draft_with_too_many_picks_is_a_400(site_client):
    picks = ",".join(f"key{n}" for n in range(500))
    assert site_client.get("/draft?pick=" + picks).status_code == 400


def test_coverage_sorts_release_notes_by_what_the_show_did(site_client):
    html = text(site_client.get("/coverage"))
    at_length = html[html.index('class="coverage-at-length"') :]
    assert "Preview recurring invoices" in at_length.split("</ul>")[0]
    full_list = html[html.index('class="coverage-full-list"') :].split("</ul>")[0]
    assert "Portal sign-in with one-time links" in full_list
    not_discussed = html[html.index('class="coverage-not-discussed"') :].split("</ul>")[0]
    assert "Ticket merge keeps SLA timers" in not_discussed


def test_status_page_shows_the_last_run(site_data_dir, site_client):
    from crawler.report import PageRow, RunReport, write_last_run

    report = RunReport("crawl")
    report.add_page(PageRow(EP_URL, episodes=(18,), features=3, unparsed_ids=("#12ab",)))
    report.finish()
    write_last_run(site_data_dir, report)
    html = text(site_client.get("/status"))
    assert "halonotes crawl" in html
    assert EP_URL in html
    assert "#12ab" in html


EP_URL = "https://blog.example/thoughts/by-the-run-book-episode-18"


def test_stats_draws_bar_charts_in_svg(site_client):
    html = text(site_client.get("/stats"))
    assert html.count("<svg") == 2
    assert 'class="bar"' in html
    assert "v2.216" in html
    assert "Billing" in html or "billing" in html


def test_pages_with_feeds_announce_them(site_client):
    links = parse(text(site_client.get("/?q=invoice&area=billing"))).links
    alternates = [a for a in links if a.get("rel") == "alternate"]
    assert {a["type"] for a in alternates} == {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
    }
    assert any(
        a["href"].startswith("/feed.atom?") and "area=billing" in a["href"] for a in alternates
    )
    version_links = parse(text(site_client.get("/version/2.212"))).links
    assert any(a.get("href") == "/version/2.212/feed.rss" for a in version_links)
