"""The upgrade path as JSON, a Markdown checklist and CSV: the page's data in other formats,
with ETags, and errors as JSON or plain text rather than an HTML page."""

from __future__ import annotations

from flask import Blueprint, request, url_for

from webapp.api import hit_data
from webapp.app import current_reader
from webapp.responses import JSON, answer_errors, attachment, conditional, json_text
from webapp.views.checklist import features_csv, upgrade_markdown
from webapp.views.upgrade_path import upgrade_features, upgrade_range

bp = Blueprint("upgrade_exports", __name__)
answer_errors(bp, as_json=lambda: request.path.endswith(".json"))

MARKDOWN_TYPE = "text/markdown; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"


def _range_and_features():
    reader = current_reader()
    span = upgrade_range(reader, request.args)
    return span, upgrade_features(reader, span)


@bp.get("/upgrade.json")
def upgrade_json():
    """Every feature of the upgrade path, in the page's order, with the page's counts."""
    span, features = _range_and_features()
    return conditional(
        lambda: json_text(
            {
                "from": span.version_from,
                "to": span.version_to,
                "versions": list(span.versions),
                "total": features.total,
                "needs_attention": features.flagged,
                "features": [hit_data(hit) for hit in features.hits],
            }
        ),
        content_type=JSON,
    )


@bp.get("/upgrade.md")
def upgrade_md():
    """The upgrade path as a Markdown checklist."""
    span, features = _range_and_features()
    return conditional(
        lambda: upgrade_markdown(span.version_from, span.version_to, features.hits),
        content_type=MARKDOWN_TYPE,
    )


@bp.get("/upgrade.csv")
def upgrade_csv():
    """The upgrade path as CSV, one row per feature."""
    span, features = _range_and_features()
    start = span.version_from or "start"
    return conditional(
        lambda: features_csv(
            features.hits,
            ticket_page=lambda ticket_id: url_for(
                "tickets.ticket", ticket_id=ticket_id, _external=True
            ),
        ),
        content_type=CSV_TYPE,
        headers=attachment(f"upgrade-{start}-to-{span.version_to}.csv"),
    )
