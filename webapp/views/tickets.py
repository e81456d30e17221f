"""A page per ticket ID: everything the show said about one feature."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from crawler.records import TICKET_ID_RULE
from index import read_ticket_id
from webapp.app import current_reader
from webapp.views.helpers import completeness, current_picks

bp = Blueprint("tickets", __name__)

HALORELEASES_SEARCH = "https://haloreleases.remmy.dev/?search={ticket_id}"


def merged(values_per_hit) -> list[str]:
    """Every distinct value across the records of a ticket, first seen first."""
    seen: list[str] = []
    for values in values_per_hit:
        for value in values:
            if value and value not in seen:
                seen.append(value)
    return seen


@bp.get("/ticket/<ticket_id>")
def ticket(ticket_id: str):
    """Title, aliases, version, summary, bullets, flags, areas, episodes and related features."""
    digits = read_ticket_id(ticket_id)
    if digits is None:
        shown = ticket_id.lstrip("#")[:40]
        abort(404, description=f"#{shown} is not a ticket number. {TICKET_ID_RULE}.")
    ticket_id = digits
    reader = current_reader()
    hits = reader.ticket(ticket_id)
    if not hits:
        abort(404, description=f"No feature with ticket #{ticket_id} is in the index.")
    main = max(hits, key=completeness)  # max keeps the newest among equals
    names = merged([[h.title for h in hits], *(h.aliases for h in hits)])
    return render_template(
        "tickets/ticket.html",
        main=main,
        hits=hits,
        ticket_id=ticket_id,
        aliases=[name for name in names if name != main.title],
        flags=merged(h.flags for h in hits),
        areas=merged(h.areas for h in hits),
        integrations=merged(h.integrations for h in hits),
        versions=merged([h.version] for h in hits),
        moments=[h for h in hits if h.episode is not None],
        related=reader.related(main),
        halo_releases=HALORELEASES_SEARCH.format(ticket_id=ticket_id),
        picks=current_picks(),
    )
