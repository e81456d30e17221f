"""Version pages and the upgrade path between two versions, with checklist exports."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from index import FeaturePage, Hit, QueryError, canonical_version, parse_request, version_key
from webapp.app import current_reader
from webapp.views.checklist import features_csv, upgrade_markdown
from webapp.views.helpers import ATTENTION_FLAGS, completeness, current_picks, one_per_ticket

bp = Blueprint("versions", __name__)
PAGE_SIZE = 100  # features per version or upgrade page


def _version_param(name: str) -> str:
    value = request.args.get(name, "").strip()
    version = canonical_version(value)
    if version is None:
        raise QueryError(
            f"'{value[:40]}' is not a HaloPSA version for '{name}'. Write it like v2.210."
        )
    return version


def upgrade_range() -> tuple[str, str]:
    """Read and check ``from`` and ``to``: both versions, ``from`` older than ``to``."""
    version_from, version_to = _version_param("from"), _version_param("to")
    if version_key(version_from) >= version_key(version_to):
        raise QueryError(
            f"'from' (v{version_from}) must be an older version than 'to' (v{version_to})."
        )
    return version_from, version_to


def upgrade_hits(version_from: str, version_to: str) -> list[Hit]:
    """The features of every version after ``from`` up to ``to``, in release order."""
    return one_per_ticket(current_reader().upgrade_path(version_from, version_to))


def features_page(versions: list[str]) -> FeaturePage:
    """The requested page of these versions' features: one per ticket, attention first."""
    # The search page's own check, so a bad page number reads the same everywhere.
    page = parse_request({"page": request.args.get("page", "")}).page
    return current_reader().version_features(
        versions,
        page=page,
        page_size=PAGE_SIZE,
        first_flags=ATTENTION_FLAGS,
        fullest=completeness,
    )


def page_sections(features: FeaturePage) -> tuple[list[Hit], list[Hit]]:
    """The page's features split into those needing attention and the rest, in order."""
    before_page = (features.page - 1) * features.page_size
    on_page = min(max(features.flagged - before_page, 0), len(features.hits))
    return features.hits[:on_page], features.hits[on_page:]


@bp.get("/version/<version>")
def version(version: str):
    """The features of one version, those needing attention first, a page at a time."""
    canonical = canonical_version(version)
    if canonical is None:
        abort(404, description=f"'{version[:40]}' is not a HaloPSA version. Write it like v2.210.")
    if canonical != version:
        return redirect(url_for("versions.version", version=canonical), code=301)
    reader = current_reader()
    known = {v.value: v.count for v in reader.versions()}
    if canonical not in known:
        abort(404, description=f"No features of v{canonical} are in the index.")
    features = features_page([canonical])
    attention, rest = page_sections(features)
    ordered = sorted(known, key=version_key)
    position = ordered.index(canonical)
    return render_template(
        "versions/version.html",
        version=canonical,
        features=features,
        attention=attention,
        rest=rest,
        previous=ordered[position - 1] if position > 0 else None,
        following=ordered[position + 1] if position + 1 < len(ordered) else None,
        picks=current_picks(),
    )


@bp.get("/upgrade")
def upgrade():
    """Everything between the version you run and the one you move to, a page at a time."""
    reader = current_reader()
    versions = reader.versions()
    picks = current_picks()
    if not request.args.get("from") and not request.args.get("to"):
        return render_template(
            "versions/upgrade.html", versions=versions, picks=picks, features=None
        )
    version_from, version_to = upgrade_range()
    low, high = version_key(version_from), version_key(version_to)
    features = features_page([v.value for v in versions if low < version_key(v.value) <= high])
    attention, rest = page_sections(features)
    return render_template(
        "versions/upgrade.html",
        versions=versions,
        picks=picks,
        features=features,
        attention=attention,
        groups=[(v, list(group)) for v, group in groupby(rest, key=lambda hit: hit.version)],
        version_from=version_from,
        version_to=version_to,
    )


@bp.get("/upgrade.md", endpoint="upgrade_markdown")
def upgrade_markdown_export():
    """The upgrade path as a Markdown checklist."""
    version_from, version_to = upgrade_range()
    text = upgrade_markdown(version_from, version_to, upgrade_hits(version_from, version_to))
    return Response(text, mimetype="text/markdown")


@bp.get("/upgrade.csv", endpoint="upgrade_csv")
def upgrade_csv_export():
    """The upgrade path as CSV, one row per feature."""
    version_from, version_to = upgrade_range()
    text = features_csv(
        upgrade_hits(version_from, version_to),
        ticket_page=lambda ticket_id: url_for(
            "tickets.ticket", ticket_id=ticket_id, _external=True
        ),
    )
    filename = f"upgrade-{version_from}-to-{version_to}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
