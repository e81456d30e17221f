"""The list of episodes and a page per episode with its features in timestamp order."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from index import EpisodeInfo, FeaturePage, parse_request
from webapp.app import current_reader
from webapp.shownotes import check_chapters
from webapp.views.helpers import current_picks

bp = Blueprint("episodes", __name__)
EPISODE_PAGE_SIZE = 100  # features per episode page (an episode has about 50)


@bp.get("/episodes")
def index():
    """Every episode, newest first."""
    return render_template("episodes/index.html", episodes=current_reader().episodes())


def episode_page(number: int) -> tuple[EpisodeInfo, FeaturePage]:
    """An episode and the asked-for page of its features (404 for an unknown episode)."""
    page = parse_request({"page": request.args.get("page", "")}).page  # the search's check
    reader = current_reader()
    info = reader.episode(number)
    if info is None:
        abort(404, description=f"Episode {number} is not in the index.")
    hits = reader.episode_features(number, page=page, page_size=EPISODE_PAGE_SIZE)
    features = FeaturePage(
        hits=hits,
        total=info.feature_count,
        flagged=0,
        version_counts={},
        page=page,
        page_size=EPISODE_PAGE_SIZE,
    )
    return info, features


@bp.get("/episode/<int:number>")
def episode(number: int):
    """One episode: its metadata, features in the order of the video (a page at a time), and
    exports."""
    info, features = episode_page(number)
    return render_template(
        "episodes/episode.html",
        episode=info,
        features=features,
        chapters=check_chapters(current_reader().episode_features(number)),
        picks=current_picks(),
    )
