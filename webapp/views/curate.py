"""Curating: a draft list of picked features kept in the URL, ordered and exported."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.app import current_reader
from webapp.shownotes import check_chapters
from webapp.views.helpers import current_picks, join_picks

bp = Blueprint("curate", __name__)


def moved(keys: list[str], index: int, step: int) -> list[str]:
    """The list with the key at ``index`` swapped with its neighbour ``step`` away."""
    keys = list(keys)
    other = index + step
    keys[index], keys[other] = keys[other], keys[index]
    return keys


@bp.get("/draft")
def draft():
    """The picked features in their chosen order, with move, remove and export links.

    Chapter downloads are offered only when they can be made; otherwise the page says why.
    """
    hits = current_reader().features_by_keys(current_picks())
    keys = [hit.key for hit in hits]
    rows = [
        {
            "hit": hit,
            "up": join_picks(moved(keys, i, -1)) if i > 0 else None,
            "down": join_picks(moved(keys, i, 1)) if i + 1 < len(keys) else None,
            "remove": join_picks(keys[:i] + keys[i + 1 :]),
        }
        for i, hit in enumerate(hits)
    ]
    return render_template(
        "curate/draft.html",
        rows=rows,
        pick=join_picks(keys),
        picks=keys,
        chapters=check_chapters(hits),
    )
