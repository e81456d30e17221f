"""Stats: features per version and per area as bar charts drawn on the server in SVG."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template

from index import FacetCount, version_key
from index.areas import area_label
from webapp.app import current_reader

bp = Blueprint("stats", __name__)

CHART_WIDTH = 640
LABEL_WIDTH = 170
VALUE_WIDTH = 50
ROW_HEIGHT = 22
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    """One bar: its label, count and place in the chart."""

    label: str
    count: int
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart laid out in SVG user units."""

    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(title: str, counts: list[FacetCount], *, label=str) -> BarChart:
    """Lay out one bar per value, the longest bar filling the chart."""
    most = max((c.count for c in counts), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(label(c.value), c.count, i * ROW_HEIGHT + 4, round(room * c.count / most, 1))
        for i, c in enumerate(counts)
    ]
    return BarChart(title, bars, CHART_WIDTH, len(bars) * ROW_HEIGHT + 8, LABEL_WIDTH, BAR_HEIGHT)


@bp.get("/stats")
def stats():
    """Features per version (release order) and per area (most first)."""
    facets = current_reader().facet_values()
    versions = sorted(facets.get("version", []), key=lambda c: version_key(c.value))
    areas = sorted(facets.get("area", []), key=lambda c: (-c.count, c.value))
    charts = [
        bar_chart("Features per version", versions, label=lambda value: f"v{value}"),
        bar_chart("Features per area", areas, label=area_label),
    ]
    return render_template("stats/stats.html", charts=charts)
