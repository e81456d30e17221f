"""Version pages and the upgrade path between two versions, with checklist exports."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from index import Hit, QueryError, SearchRequest, canonical_version, version_key
from webapp.app import current_reader
from webapp.views.checklist import features_csv, upgrade_markdown
from webapp.views.helpers import attention_first, current_picks, one_per_ticket

bp = Blueprint("versions", __name__)


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


@bp.get("/version/<version>")
def version(version: str):
    """Every feature of one version, those needing attention first."""
    canonical = canonical_version(version)
    if canonical is None:
        abort(404, description=f"'{version[:40]}' is not a HaloPSA version. Write it like v2.210.")
    if canonical != version:
        return redirect(url_for("versions.version", version=canonical), code=301)
    reader = current_reader()
    known = {v.value: v.count for v in reader.versions()}
    if canonical not in known:
        abort(404, description=f"No features of v{canonical} are in the index.")
    page = reader.search(
        SearchRequest(version=canonical, sort="version", page_size=known[canonical])
    )
    attention, rest = attention_first(one_per_ticket(page.hits))
    ordered = sorted(known, key=version_key)
    position = ordered.index(canonical)
    return render_template(
        "versions/version.html",
        version=canonical,
        attention=attention,
        rest=rest,
        previous=ordered[position - 1] if position > 0 else None,
        following=ordered[position + 1] if position + 1 < len(ordered) else None,
        picks=current_picks(),
    )


@bp.get("/upgrade")
def upgrade():
    """Everything between the version you run and the one you move to."""
    reader = current_reader()
    versions = reader.versions()
    picks = current_picks()
    if not request.args.get("from") and not request.args.get("to"):
        return render_template("versions/upgrade.html", versions=versions, picks=picks, hits=None)
    version_from, version_to = upgrade_range()
    hits = upgrade_hits(version_from, version_to)
    attention, rest = attention_first(hits)
    return render_template(
        "versions/upgrade.html",
        versions=versions,
        picks=picks,
        hits=hits,
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
