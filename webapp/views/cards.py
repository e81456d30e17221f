"""Result cards: one feature as the search, version, upgrade, episode and ticket pages list it.

A page lists 20 to 100 cards, and a template macro spent most of a card's time on its own
calls, so the card's frame is joined here. The parts that show crawled text, the heading and
the tags, are the macros of ``_card.html``, rendered once per feature and kept as fragments.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from jinja2.filters import do_truncate
from markupsafe import escape

from index import Hit
from webapp.views.fragments import Fragment, card_facts
from webapp.views.helpers import join_picks, link, needs_attention, pick_url, visible_text

SUMMARY_CHARS = 320  # a card without a snippet shows this much of the summary


def register_cards(app: Flask) -> None:
    """Give templates ``card(hit, picks)``: the card's HTML, with the draft link for ``picks``."""
    fragment = app.jinja_env.globals["fragment"]

    def card(hit: Hit, picks: Sequence[str]) -> Fragment:
        facts = card_facts(hit)
        if hit.snippet:  # HTML: crawled text escaped, matches marked
            text = f'<p class="card-text">{visible_text(hit.snippet)}</p>'
        elif hit.summary:
            summary = do_truncate(app.jinja_env, visible_text(hit.summary), SUMMARY_CHARS)
            text = f'<p class="card-text">{escape(summary)}</p>'
        else:
            text = ""
        if hit.key in picks:
            draft = link("curate.draft", pick=join_picks(picks))
            action = f'<a href="{escape(draft)}">✓ In your draft</a>'
        else:
            action = f'<a href="{escape(pick_url(hit.key))}">+ Add to draft</a>'
        return Fragment(  # every crawled text in it went through visible_text
            f'<article class="card{" card-attention" if needs_attention(hit) else ""}">'
            f"{fragment('_card.html', 'card_head', facts).html}{text}"
            f"{fragment('_card.html', 'card_tags', facts).html}"
            f'<p class="card-actions">{action}</p></article>\n'
        )

    app.jinja_env.globals["card"] = card
