"""The stats page: bar charts drawn in SVG."""

from __future__ import annotations

from html_page import text


def test_stats_draws_bar_charts_in_svg(site_client):
    html = text(site_client.get("/stats"))
    assert html.count("<svg") == 2
    assert 'class="bar"' in html
    assert "v2.216" in html
    assert "Billing" in html or "billing" in html
