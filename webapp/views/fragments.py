"""Page fragments that depend only on their arguments, rendered once per worker and kept.

A result card's heading (title, ticket, version, episode and video links) and its tags are the
same in every search that shows the feature, and the version pickers of the search form are
the same for every search of an index generation. Rendering them was most of a results page's
cost, so each worker keeps the HTML of such macros, keyed by the macro and its arguments: the
arguments must be hashable and hold everything the macro reads.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from functools import lru_cache
from typing import NamedTuple

from flask import Flask, request

from index import Hit

KEPT_FRAGMENTS = 8192  # fragments a worker keeps (about 1 kB each)


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


class Fragment:
    """HTML a template prints as it is: a kept fragment, a card, a facet's links.

    Every value in it went through ``visible_text`` (the templates' ``finalize``, which drops
    invisible characters) and was escaped when it was built, so it is not a string:
    ``finalize`` lets it by without scanning a kilobyte of markup again, and no string
    operation can pass unchecked text off as it.
    """

    __slots__ = ("html",)

    def __init__(self, html: str):
        self.html = html

    def __html__(self) -> str:
        return self.html


def card_facts(hit: Hit) -> CardFacts:
    """The parts of ``hit`` a card's heading and tags show."""
    return CardFacts(
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


def register_fragments(app: Flask) -> None:
    """Give the app its fragment cache and the ``fragment`` template global.

    ``fragment(template, macro, *args)`` is the HTML of ``macro`` in ``template`` for ``args``,
    rendered once per worker. Links depend on where the site is mounted, so the script root of
    the request (noted per thread when it starts) is part of the key.
    """
    roots = threading.local()

    @lru_cache(maxsize=KEPT_FRAGMENTS)
    def rendered(_script_root: str, template: str, macro: str, args: tuple) -> Fragment:
        macros = app.jinja_env.get_template(template).module
        return Fragment(str(getattr(macros, macro)(*args)))

    @app.before_request
    def note_script_root() -> None:
        roots.script_root = request.script_root

    def fragment(template: str, macro: str, *args: Hashable) -> Fragment:
        return rendered(getattr(roots, "script_root", ""), template, macro, args)

    app.jinja_env.globals["fragment"] = fragment
