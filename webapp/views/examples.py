"""Search examples taken from the archive itself, so every one the site suggests finds
something: a ticket, the newest version, a version range and the commonest area."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask

from index import IndexMissingError
from webapp.app import current_reader


@dataclass(frozen=True)
class Examples:
    """One value of each kind the query language takes (None when the archive has none)."""

    ticket: str | None = None
    version: str | None = None
    version_range: tuple[str, str] | None = None
    area: str | None = None


def examples_of(reader) -> Examples:
    """The examples an index offers."""
    ticket = next((hit.ticket_id for hit in reader.newest(limit=20) if hit.ticket_id), None)
    versions = [count.value for count in reader.versions()]
    areas = reader.facet_values().get("area", [])
    return Examples(
        ticket=ticket,
        version=versions[-1] if versions else None,
        version_range=(versions[-3:][0], versions[-1]) if len(versions) > 1 else None,
        area=max(areas, key=lambda count: count.count).value if areas else None,
    )


def register_examples(app: Flask) -> None:
    """Give templates ``examples()``, worked out once per index generation."""
    lock = threading.Lock()
    kept: dict[int, Examples] = {}

    def examples() -> Examples:
        try:
            reader = current_reader()
            generation = reader.generation
            with lock:
                found = kept.get(generation)
            if found is None:
                found = examples_of(reader)
                with lock:
                    kept.clear()
                    kept[generation] = found
        except IndexMissingError:
            return Examples()  # the page (the 503 one, say) still renders, without examples
        return found

    app.jinja_env.globals["examples"] = examples
    app.jinja_env.globals["placeholder"] = placeholder


def placeholder(examples: Examples) -> str:
    """The search box's hint, naming only examples the archive has."""
    parts = ["Search features"]
    if examples.ticket:
        parts.append(f"#{examples.ticket}")
    if examples.version:
        parts.append(f"v{examples.version}")
    if examples.area:
        parts.append(f"area:{examples.area}")
    return ", ".join(parts) + "…"
