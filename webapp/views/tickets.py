"""A page per ticket ID: everything the show said about one feature."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template

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
    ticket_id = ticket_id.lstrip("#")
    if not re.fullmatch(r"[0-9]{1,12}", ticket_id):
        abort(404, description=f"#{ticket_id[:40]} is not a ticket number. Ticket IDs are digits.")
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
