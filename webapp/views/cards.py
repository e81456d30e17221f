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
from webapp.views.helpers import join_picks, link, needs_attention, pick_link, visible_text

SUMMARY_CHARS = 320  # a card without a snippet shows this much of the summary


def register_cards(app: Flask) -> None:
    """Give templates ``cards(hits, picks)``: the cards' HTML, with draft links for ``picks``."""
    fragment = app.jinja_env.globals["fragment"]

    def card_text(hit: Hit) -> str:
        if hit.snippet:  # HTML: crawled text escaped, matches marked
            return f'<p class="card-text">{visible_text(hit.snippet)}</p>'
        if hit.summary:
            summary = do_truncate(app.jinja_env, visible_text(hit.summary), SUMMARY_CHARS)
            return f'<p class="card-text">{escape(summary)}</p>'
        return ""

    def bullet_list(hit: Hit) -> str:
        items = "".join(f"<li>{escape(visible_text(b))}</li>" for b in hit.bullets if b.strip())
        return f'<ul class="card-bullets">{items}</ul>' if items else ""

    def cards(hits: Sequence[Hit], picks: Sequence[str], *, bullets: bool = False) -> Fragment:
        """The cards; with ``bullets``, each lists its bullets (the callouts saying why)."""
        in_draft = f'<a href="{escape(link("curate.draft", pick=join_picks(picks)))}">'
        add_to_draft = pick_link()
        parts = []
        for hit in hits:
            facts = card_facts(hit)
            if hit.key in picks:
                action = f"{in_draft}✓ In your draft</a>"
            else:
                action = f'<a href="{escape(add_to_draft(hit.key))}">+ Add to draft</a>'
            parts.append(  # every crawled text in it went through visible_text
                f'<article class="card{" card-attention" if needs_attention(hit) else ""}">'
                f"{fragment('_card.html', 'card_head', facts).html}{card_text(hit)}"
                f"{bullet_list(hit) if bullets else ''}"
                f"{fragment('_card.html', 'card_tags', facts).html}"
                f'<p class="card-actions">{action}</p></article>\n'
            )
        return Fragment("".join(parts))

    app.jinja_env.globals["cards"] = cards
