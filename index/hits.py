"""Index documents as Hits: a generation keeps each document's plain Hit, and a search marks
its own words in a copy's snippet."""

from __future__ import annotations

from dataclasses import replace

from index.facets import Tables
from index.model import Hit
from index.schema import stored_record
from index.snippets import snippet, video_at


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…" else f"{text}."


def _snippet_texts(hit: Hit) -> list[str]:
    """Where a snippet may come from, in order of preference: each paragraph of the summary
    (a ticket listed twice has two), then the bullets read as sentences. Never the title,
    which the card shows above it."""
    return [*hit.summary.split("\n\n"), " ".join(_sentence(b) for b in hit.bullets)]


def hit(searcher, tables: Tables, docnum: int, *, score: float = 0.0, text=None) -> Hit:
    """The document as a Hit; with ``text`` (a TextQuery), its snippet marks that query's words."""
    plain = tables.hits.get(docnum, lambda: plain_hit(searcher, tables, docnum))
    if text is None and not score:
        return plain
    marked = plain.snippet
    if text is not None and (text.terms or text.prefixes):
        marked = snippet(_snippet_texts(plain), frozenset(text.terms), tuple(text.prefixes))
    return plain.marked(marked, float(score))


def plain_hit(searcher, tables: Tables, docnum: int) -> Hit:
    """The document as a Hit with no query's words marked and no score."""
    record = stored_record(searcher.stored_fields(docnum))
    episode = tables.episodes.get(record.get("episode")) or {}
    found = Hit(
        key=record["key"],
        title=record["title"],
        url=record["url"],
        episode=record.get("episode"),
        ticket_id=record.get("ticket_id"),
        version=record.get("version"),
        timestamp=record.get("timestamp"),
        seconds=record.get("seconds"),
        aliases=tuple(record.get("aliases", ())),
        summary=record.get("summary", ""),
        bullets=tuple(record.get("bullets", ())),
        flags=tuple(record.get("flags", ())),
        highlighted=bool(record.get("highlighted")),
        position=record.get("position", 0),
        areas=tuple(record.get("areas", ())),
        integrations=tuple(record.get("integrations", ())),
        episode_title=episode.get("title"),
        episode_date=episode.get("date"),
        episode_first_seen=episode.get("first_seen"),
        video_url=episode.get("video_url"),
        video_at=video_at(episode.get("video_url"), record.get("seconds")),
    )
    return replace(found, snippet=snippet(_snippet_texts(found), frozenset()))
