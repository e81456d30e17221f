"""Status: when the last crawl or import ran, what it found and what it could not parse."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.app import current_reader

bp = Blueprint("status", __name__)


@bp.get("/status")
def status():
    """The last run's report, page by page, and episodes the last crawl had trouble with."""
    reader = current_reader()
    episodes = reader.episodes()
    return render_template(
        "status/status.html",
        run=reader.last_run(),
        index_updated=reader.last_modified,
        episode_count=len(episodes),
        troubled=[
            ep
            for ep in episodes
            if ep.status != "ok" or ep.unparsed_ids or ep.parse.startswith("partial")
        ],
    )
