"""A draft list (``pick=``) survives navigation: every link to a page of the site, and the
header's search box, carry it; pages reached without one carry none."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from html_page import parse, text

PICKS = "2.216:900104:1:02:10,2.212:900102:7:45"
PAGE_PREFIXES = ("/episode", "/upgrade", "/coverage", "/stats", "/status", "/ticket/", "/version/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.hidden_picks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href", "").startswith("/"):
            self.hrefs.append(attributes["href"])
        if tag == "input" and attributes.get("name") == "pick":
            self.hidden_picks.append(attributes.get("value") or "")


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def page_links(hrefs: list[str]) -> list[str]:
    pages = [h for h in hrefs if urlsplit(h).path == "/" or h.startswith(PAGE_PREFIXES)]
    # The page's own exports and feeds (".json", ".md", "/feed.atom") are not pages.
    return [h for h in pages if "." not in urlsplit(h).path.rsplit("/", 1)[-1]]


@pytest.mark.parametrize("path", ["/?q=portal", "/episodes", "/ticket/900104", "/status"])
def test_every_link_to_a_page_keeps_the_draft(site_client, path):
    separator = "&" if "?" in path else "?"
    found = links_of(site_client.get(f"{path}{separator}pick={PICKS}").get_data(as_text=True))
    links = page_links(found.hrefs)
    assert links, path
    for href in links:
        assert parse_qs(urlsplit(href).query).get("pick") == [PICKS], href
    assert PICKS in found.hidden_picks  # the header's search box
    assert f"/draft?pick={PICKS}" in found.hrefs  # the nav shows the draft list exists


@pytest.mark.parametrize("path", ["/episodes", "/?q=portal"])
def test_pages_without_a_draft_link_without_one(site_client, path):
    separator = "&" if "?" in path else "?"
    # Built links and result cards are remembered: none may leak one visitor's draft list.
    site_client.get(f"{path}{separator}pick={PICKS}")
    found = links_of(site_client.get(path).get_data(as_text=True))
    links = page_links(found.hrefs)
    assert links, path
    assert all("pick=" not in href for href in links)
    assert found.hidden_picks == []


def test_result_cards_seen_without_a_draft_link_with_a_later_visitors(site_client):
    site_client.get("/?q=portal")
    found = links_of(site_client.get(f"/?q=portal&pick={PICKS}").get_data(as_text=True))
    tickets = [href for href in found.hrefs if href.startswith("/ticket/")]
    assert tickets
    assert all(parse_qs(urlsplit(href).query).get("pick") == [PICKS] for href in tickets)


def test_draft_keeps_picks_in_the_url_and_reorders_them(site_client):
    html = text(site_client.get("/draft?pick=2.216:900104:1:02:10,2.212:900102:7:45"))
    assert html.index("Invoice PDF export") < html.index("Portal sign-in")
    links = {a.get("href") for a in parse(html).links}
    swapped = "/draft?pick=2.212:900102:7:45,2.216:900104:1:02:10"
    assert swapped in {link.replace("%3A", ":").replace("%2C", ",") for link in links}
    assert any(link.startswith("/draft/shownotes.md?pick=") for link in links)


def test_draft_with_too_many_picks_is_a_400(site_client):
    picks = ",".join(f"key{n}" for n in range(500))
    assert site_client.get("/draft?pick=" + picks).status_code == 400
