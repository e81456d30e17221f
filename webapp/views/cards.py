"""Result cards: one feature as the search, version, upgrade, episode and ticket pages list it.

A page lists 20 to 100 cards, and a template macro spent most of a card's time on its own
calls, so the card's frame is joined here. The parts that show crawled text, the heading and
the tags, are the macros of ``_card.html``, rendered once per feature and kept as fragments.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from jinja2.filters import do_truncate
from markupsafe import Markup

from index import Hit
from webapp.views.fragments import Fragment, card_facts
from webapp.views.helpers import join_picks, link, needs_attention, pick_link, visible_text

SUMMARY_CHARS = 320  # a card without a snippet shows this much of the summary
CARD = '<article class="card{}">{}{}{}{}<p class="card-actions">{}</p></article>\n'
NOTHING = Fragment(Markup(""))


def register_cards(app: Flask) -> None:
    """Give templates ``cards(hits, picks)``: the cards' HTML, with draft links for ``picks``."""
    fragment = app.jinja_env.globals["fragment"]

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
        parts = []
        for hit in hits:
            facts = card_facts(hit)
            if hit.key in picks:
                action = in_draft
            else:
                action = Fragment.format('<a href="{}">+ Add to draft</a>', add_to_draft(hit.key))
            parts.append(
                Fragment.format(
                    CARD,
                    " card-attention" if needs_attention(hit) else "",
                    fragment("_card.html", "card_head", facts),
                    card_text(hit),
                    bullet_list(hit) if bullets else NOTHING,
                    fragment("_card.html", "card_tags", facts),
                    action,
                )
            )
        return Fragment.join(parts)

    app.jinja_env.globals["cards"] = cards
