"""The home page: faceted search over every feature."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from index import parse_request
from webapp.app import current_reader
from webapp.responses import search_args
from webapp.views.helpers import current_picks

bp = Blueprint("search", __name__)

# (facet name in ResultPage.facets and URL parameter, heading)
FACETS = (
    ("version", "Version"),
    ("area", "Area"),
    ("integration", "Integration"),
    ("flag", "Flags"),
    ("episode", "Episode"),
)
SORTS = (("relevance", "Relevance"), ("newest", "Newest"), ("version", "Version"))
FACET_SHOWN = 10  # values a facet lists until "Show all" (?more=<facet>) is followed


@bp.get("/")
def home():
    """Search features with the query language, filters, facets, sort and pages."""
    search_request = parse_request(search_args())
    picks = current_picks()
    reader = current_reader()
    result = reader.search(search_request)
    expanded = request.args.get("more")
    return render_template(
        "search/home.html",
        result=result,
        versions=tuple(reader.versions()),  # hashable: the pickers are cached fragments
        facets=FACETS,
        facet_shown=FACET_SHOWN,
        expanded=expanded if expanded in dict(FACETS) else None,
        sorts=SORTS,
        picks=picks,
    )
