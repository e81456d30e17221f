"""The list of episodes and a page per episode with its features in timestamp order."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from webapp.app import current_reader
from webapp.shownotes import check_chapters
from webapp.views.helpers import current_picks

bp = Blueprint("episodes", __name__)


@bp.get("/episodes")
def index():
    """Every episode, newest first."""
    return render_template("episodes/index.html", episodes=current_reader().episodes())


@bp.get("/episode/<int:number>")
def episode(number: int):
    """One episode: its metadata, features in the order of the video, and exports."""
    reader = current_reader()
    info = reader.episode(number)
    if info is None:
        abort(404, description=f"Episode {number} is not in the index.")
    features = reader.episode_features(number)
    return render_template(
        "episodes/episode.html",
        episode=info,
        features=features,
        chapters=check_chapters(features),
        picks=current_picks(),
    )
