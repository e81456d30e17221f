"""Result cards: the parts that depend only on the feature are rendered once and kept.

A card's heading (title, ticket, version, episode and video links) and its tags are the same in
every search that shows the feature; only the snippet and the draft link change. Rendering
them is most of a card's cost, so each worker keeps them per feature, keyed by what they show.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from flask import Flask, current_app, request
from markupsafe import Markup

from index import Hit

KEPT_CARDS = 4096  # features whose card fragments a worker keeps (about 1.5 kB each)


class CardFacts(NamedTuple):
    """What a card's heading and tags show, and so what their cached HTML is keyed by."""

    title: str
    ticket_id: str | None
    version: str | None
    episode: int | None
    timestamp: str | None
    video_at: str | None
    flags: tuple[str, ...]
    areas: tuple[str, ...]
    integrations: tuple[str, ...]


def card_fragments(hit: Hit) -> tuple[Markup, Markup]:
    """The card heading and tags of ``hit`` as safe HTML, rendered once per feature."""
    facts = CardFacts(
        hit.title,
        hit.ticket_id,
        hit.version,
        hit.episode,
        hit.timestamp,
        hit.video_at,
        hit.flags,
        hit.areas,
        hit.integrations,
    )
    return current_app.extensions["halonotes_card_fragments"](request.script_root, facts)


def register_card_fragments(app: Flask) -> None:
    """Give the app its cache of card fragments and the ``card_fragments`` template global."""

    @lru_cache(maxsize=KEPT_CARDS)
    def rendered(_script_root: str, facts: CardFacts) -> tuple[Markup, Markup]:
        macros = app.jinja_env.get_template("_card.html").module
        return Markup(macros.card_head(facts)), Markup(macros.card_tags(facts))

    app.extensions["halonotes_card_fragments"] = rendered
    app.jinja_env.globals["card_fragments"] = card_fragments
