"""Every page family of the site over a small index built for real: security headers and no
inline script, the 404 page, crawled text escaped and its links kept only when they are web links,
feeds announced."""

from __future__ import annotations

import pytest
from html_page import parse, text
from markupsafe import escape
from site_data import HOSTILE_TITLE

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


@pytest.mark.parametrize("path", ["/ticket/123456", "/ticket/abc", "/episode/99", "/version/9.999"])
def test_unknown_things_get_a_404_page(site_client, path):
    response = site_client.get(path)
    assert response.status_code == 404
    assert "Back to search" in text(response)


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


@pytest.mark.parametrize("page", ["/episode/86", "/episode/87", "/status"])
def test_public_pages_show_no_server_paths_or_local_urls(card_client, page):
    html = card_client.get(page).get_data(as_text=True)
    assert "/srv/private" not in html and "127.0.0.1" not in html
