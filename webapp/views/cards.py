"""Result cards: one feature as the search, version, upgrade, episode and ticket pages list it.

A page lists 20 to 100 cards, and a template macro spent most of a card's time on its own
calls, so a card is joined here with ``Fragment.format``, which escapes every crawled text it
is given. A card's heading and tags are the same wherever the feature is listed, so each
worker keeps them per feature, and per mount point and draft list, which their links carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from flask import Flask, request
from jinja2.filters import do_truncate
from markupsafe import Markup

from index import Hit
from webapp.views.fragments import Fragment
from webapp.views.helpers import (
    FLAG_LABELS,
    facet_label,
    join_picks,
    link,
    needs_attention,
    pick_link,
    visible_text,
    web_url,
)

KEPT_CARDS = 8192  # card headings and tags a worker keeps (about 1 kB each)
SUMMARY_CHARS = 320  # a card without a snippet shows this much of the summary
CARD = '<article class="card{}">{}{}{}{}<p class="card-actions">{}</p></article>\n'
NOTHING = Fragment(Markup(""))
SPACE = Fragment(Markup(" "))
NOT_TIMED = Fragment(Markup('<span class="untimed">not timed</span>'))
HEAD = '<h3 class="card-title">{}</h3>\n<p class="card-meta">{}</p>'
TAG = '<li><a class="tag" href="{}">{}</a></li>'
FLAG_TAG = '<li><a class="tag flag flag-{}" href="{}">{}</a></li>'


class CardFacts(NamedTuple):
    """What a card's heading and tags show, and so what their kept HTML is keyed by."""

    title: str
    ticket_id: str | None
    version: str | None
    episode: int | None
    timestamp: str | None
    video_at: str | None
    flags: tuple[str, ...]
    areas: tuple[str, ...]
    integrations: tuple[str, ...]


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


@lru_cache(maxsize=KEPT_CARDS)
def kept_head_and_tags(_links: tuple[str, str], facts: CardFacts) -> tuple[Fragment, Fragment]:
    """A card's heading and tags, built once per feature for a mount point and draft list."""
    return card_head(facts), card_tags(facts)


def card_head(hit: CardFacts) -> Fragment:
    """A card's title (linking to its ticket page) and its version, ticket, episode and video."""
    if hit.ticket_id:
        title = Fragment.format(
            '<a href="{}">{}</a>', link("tickets.ticket", ticket_id=hit.ticket_id), hit.title
        )
    else:
        title = Fragment.format("{}", hit.title)
    meta = []
    if hit.version:
        version_page = link("versions.version", version=hit.version)
        meta.append(Fragment.format('<a href="{}">v{}</a>', version_page, hit.version))
    if hit.ticket_id:
        meta.append(Fragment.format('<span class="ticket-id">#{}</span>', hit.ticket_id))
    if hit.episode is not None:
        episode_page = link("episodes.episode", number=hit.episode)
        meta.append(Fragment.format('<a href="{}">Episode {}</a>', episode_page, hit.episode))
    video = web_url(hit.video_at)
    if video and hit.timestamp:
        meta.append(
            Fragment.format(
                '<a class="video-link" href="{}" rel="noopener noreferrer">▶ Watch at {}</a>',
                video,
                hit.timestamp,
            )
        )
    elif hit.episode is not None:
        meta.append(NOT_TIMED)
    return Fragment.format(HEAD, title, Fragment.join(_spaced(meta)))


def card_tags(hit: CardFacts) -> Fragment:
    """A card's flags, areas and integrations, each a link to the search for it."""
    tags = [
        Fragment.format(FLAG_TAG, flag, link("search.home", flag=flag), FLAG_LABELS.get(flag, flag))
        for flag in hit.flags
    ]
    for facet, values in (("area", hit.areas), ("integration", hit.integrations)):
        tags += [
            Fragment.format(TAG, link("search.home", **{facet: value}), facet_label(value, facet))
            for value in values
        ]
    if not tags:
        return NOTHING
    return Fragment.format('<ul class="tags">{}</ul>', Fragment.join(tags))


def _spaced(parts: list[Fragment]) -> list[Fragment]:
    """The parts with a space between each two, as the page shows them."""
    spaced = []
    for part in parts:
        if spaced:
            spaced.append(SPACE)
        spaced.append(part)
    return spaced


def register_cards(app: Flask) -> None:
    """Give templates ``cards(hits, picks)``: the cards' HTML, with draft links for ``picks``."""

    def card_text(hit: Hit) -> Fragment:
        if hit.snippet:  # HTML built by index.snippets: crawled text escaped, matches marked
            return Fragment.format('<p class="card-text">{}</p>', Markup(hit.snippet))
        if hit.summary:
            summary = do_truncate(app.jinja_env, visible_text(hit.summary), SUMMARY_CHARS)
            return Fragment.format('<p class="card-text">{}</p>', summary)
        return NOTHING

    def bullet_list(hit: Hit) -> Fragment:
        items = [Fragment.format("<li>{}</li>", b) for b in hit.bullets if b.strip()]
        if not items:
            return NOTHING
        return Fragment.format('<ul class="card-bullets">{}</ul>', Fragment.join(items))

    def cards(hits: Sequence[Hit], picks: Sequence[str], *, bullets: bool = False) -> Fragment:
        """The cards; with ``bullets``, each lists its bullets (the callouts saying why)."""
        in_draft = Fragment.format(
            '<a href="{}">✓ In your draft</a>', link("curate.draft", pick=join_picks(picks))
        )
        add_to_draft = pick_link()
        args = request.args
        links = (request.script_root, args["pick"] if "pick" in args else "")  # noqa: SIM401
        parts = []
        for hit in hits:
            head, tags = kept_head_and_tags(links, card_facts(hit))
            if hit.key in picks:
                action = in_draft
            else:
                action = Fragment.format('<a href="{}">+ Add to draft</a>', add_to_draft(hit.key))
            parts.append(
                Fragment.format(
                    CARD,
                    " card-attention" if needs_attention(hit) else "",
                    head,
                    card_text(hit),
                    bullet_list(hit) if bullets else NOTHING,
                    tags,
                    action,
                )
            )
        return Fragment.join(parts)

    app.jinja_env.globals["cards"] = cards
