"""The coverage page: release notes sorted by what the show did with them."""

from __future__ import annotations

from html_page import text


def test_coverage_sorts_release_notes_by_what_the_show_did(site_client):
    html = text(site_client.get("/coverage"))
    at_length = html[html.index('class="coverage-at-length"') :]
    assert "Preview recurring invoices" in at_length.split("</ul>")[0]
    full_list = html[html.index('class="coverage-full-list"') :].split("</ul>")[0]
    assert "Portal sign-in with one-time links" in full_list
    not_discussed = html[html.index('class="coverage-not-discussed"') :].split("</ul>")[0]
    assert "Ticket merge keeps SLA timers" in not_discussed
