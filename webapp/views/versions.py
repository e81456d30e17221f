"""Version pages and the upgrade path between two versions."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, redirect, render_template, request, url_for

from index import FeaturePage, Hit, canonical_version, parse_request
from webapp.app import current_reader
from webapp.views.helpers import ATTENTION_FLAGS, completeness, current_picks
from webapp.views.upgrade_path import (
    known_versions,
    release_before,
    upgrade_features,
    upgrade_range,
)

bp = Blueprint("versions", __name__)
PAGE_SIZE = 100  # features per version or upgrade page


def requested_page() -> int:
    """The ``page`` parameter, checked as the search page checks it."""
    return parse_request({"page": request.args.get("page", "")}).page


def version_features(version: str, *, page: int, page_size: int = PAGE_SIZE) -> FeaturePage:
    """The version page's data: one per ticket, those needing attention first (404 if unknown).

    The page and its ``.json`` twin both show this, so their counts and order agree.
    """
    reader = current_reader()
    if version not in {v.value for v in reader.versions()}:
        abort(404, description=f"No features of v{version} are in the index.")
    return reader.version_features(
        [version],
        page=page,
        page_size=page_size,
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
    features = version_features(canonical, page=requested_page())
    attention, rest = page_sections(features)
    ordered = [v.value for v in current_reader().versions()]
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
    known = known_versions(reader)
    form = {"known": known, "before": release_before(known)}
    picks = current_picks()
    if not request.args.get("from") and not request.args.get("to"):
        return render_template("versions/upgrade.html", form=form, picks=picks, features=None)
    span = upgrade_range(reader, request.args)
    features = upgrade_features(reader, span, page=requested_page(), page_size=PAGE_SIZE)
    attention, rest = page_sections(features)
    return render_template(
        "versions/upgrade.html",
        form=form,
        picks=picks,
        span=span,
        features=features,
        attention=attention,
        groups=[(v, list(group)) for v, group in groupby(rest, key=lambda hit: hit.version)],
    )
