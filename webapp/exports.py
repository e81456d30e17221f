"""Show-notes downloads for an episode or a curated draft list: Markdown, YouTube chapters and
Podcasting 2.0 chapters.json."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, request

from index import EpisodeInfo, Hit, QueryError
from webapp.app import current_reader
from webapp.responses import (
    answer_errors,
    attachment,
    conditional,
    json_error,
    json_text,
    page_url,
    text_error,
)
from webapp.shownotes import (
    ChaptersError,
    chapters_json,
    draft_markdown,
    episode_markdown,
    youtube_chapters,
)
from webapp.views.helpers import parse_picks

bp = Blueprint("exports", __name__)
answer_errors(bp, as_json=lambda: request.path.endswith(".json"))

MARKDOWN_TYPE = "text/markdown; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
CHAPTERS_TYPE = "application/json+chapters; charset=utf-8"


def youtube_text(hits: list[Hit]) -> str:
    """Only the chapter lines, ready to paste; the pages say what was left out and why."""
    return youtube_chapters(hits).text()


def chapters_document(hits: list[Hit], *, title: str | None) -> str:
    """A Podcasting 2.0 chapters.json whose URLs point at the ticket pages."""
    return json_text(chapters_json(hits, ticket_url=page_url, title=title))


def download(build: Callable[[], str], *, content_type: str, filename: str):
    """A conditional download; chapters that cannot be made answer 422 with the reason."""
    try:
        return conditional(build, content_type=content_type, headers=attachment(filename))
    except ChaptersError as error:
        if content_type == CHAPTERS_TYPE:
            return json_error(422, str(error))
        return text_error(422, str(error))


def episode_hits(number: int) -> tuple[EpisodeInfo, list[Hit]]:
    """The episode's title and features in timestamp order (404 for an unknown episode)."""
    reader = current_reader()
    info = reader.episode(number)
    if info is None:
        abort(404, description=f"Episode {number} is not in the index.")
    return info, reader.episode_features(number)


@bp.get("/episode/<int:number>/shownotes.md")
def episode_shownotes(number: int):
    """The episode's show notes as a Markdown draft in the blog's post format."""
    info, hits = episode_hits(number)
    return download(
        lambda: episode_markdown(info, hits),
        content_type=MARKDOWN_TYPE,
        filename=f"episode-{number}-shownotes.md",
    )


@bp.get("/episode/<int:number>/chapters.txt")
def episode_youtube(number: int):
    """YouTube description chapters for the episode, or 422 saying why they cannot be made."""
    _, hits = episode_hits(number)
    return download(
        lambda: youtube_text(hits),
        content_type=TEXT_TYPE,
        filename=f"episode-{number}-chapters.txt",
    )


@bp.get("/episode/<int:number>/chapters.json")
def episode_chapters(number: int):
    """Podcasting 2.0 chapters for the episode, linking each chapter to its ticket page."""
    info, hits = episode_hits(number)
    return download(
        lambda: chapters_document(hits, title=info.title),
        content_type=CHAPTERS_TYPE,
        filename=f"episode-{number}-chapters.json",
    )


def draft_hits() -> list[Hit]:
    """The picked features in the order given by ``pick=key,key``."""
    keys = parse_picks(request.args.get("pick"))
    if not keys:
        raise QueryError("Pick at least one feature: add ?pick=key,key from the draft page.")
    hits = current_reader().features_by_keys(keys)
    if not hits:
        abort(404, description="None of the picked features are in the index any more.")
    return hits


@bp.get("/draft/shownotes.md")
def draft_shownotes():
    """The draft list as Markdown show notes, in the picked order."""
    hits = draft_hits()
    return download(
        lambda: draft_markdown(hits), content_type=MARKDOWN_TYPE, filename="draft-shownotes.md"
    )


@bp.get("/draft/chapters.txt")
def draft_youtube():
    """YouTube chapters for the draft list, or 422 saying why they cannot be made."""
    hits = draft_hits()
    return download(
        lambda: youtube_text(hits), content_type=TEXT_TYPE, filename="draft-chapters.txt"
    )


@bp.get("/draft/chapters.json")
def draft_chapters():
    """Podcasting 2.0 chapters for the draft list."""
    hits = draft_hits()
    return download(
        lambda: chapters_document(hits, title=None),
        content_type=CHAPTERS_TYPE,
        filename="draft-chapters.json",
    )
