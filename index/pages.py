"""The data of the pages other than search, read from one index generation: tickets,
episodes, versions, upgrade paths, release notes and the newest features."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from whoosh.query import Term

from crawler.records import read_ticket_id
from crawler.versions import version_key
from index.facets import MaskDocs, Tables, mask_of
from index.hits import hit
from index.model import EpisodeInfo, FacetCount, FeaturePage, Hit
from index.query import VersionRange

MAX_KEYS = 500  # keys in one features_by_keys call


def _sorted_docs(tables: Tables, mask: int, key) -> list[int]:
    return sorted(MaskDocs(mask, tables.size), key=key) if mask else []


def _release_order(tables: Tables, mask: int) -> list[int]:
    """The documents of ``mask`` oldest version first, each version's newest first."""
    vkey, newest = tables.version_key, tables.newest_key
    return _sorted_docs(tables, mask, lambda d: (vkey[d], newest[d]))


def _versions_mask(tables: Tables, versions: Iterable[str]) -> int:
    mask = 0
    for version in versions:
        mask |= tables.value_mask("version", version)
    return mask & tables.features


def ticket(searcher, tables: Tables, ticket_id: str) -> list[Hit]:
    """Every record of a ticket: episode discussions newest first, then release notes."""
    digits = read_ticket_id(str(ticket_id))
    if digits is None:
        return []
    docs = mask_of(searcher.docs_for_query(Term("ticket_id", digits)), tables.size)
    features = docs & tables.features
    notes = docs & tables.release_notes
    ordered = _sorted_docs(tables, features, tables.newest_key.__getitem__)
    ordered += _sorted_docs(tables, notes, lambda d: -tables.version_key[d])
    return [hit(searcher, tables, d) for d in ordered]


def _episode_info(tables: Tables, record: dict) -> EpisodeInfo:
    facet = tables.values["episode"].get(str(record["episode"]))
    return EpisodeInfo(
        episode=record["episode"],
        title=record.get("title", ""),
        url=record.get("url", ""),
        date=record.get("date"),
        video_url=record.get("video_url"),
        versions=tuple(record.get("versions", ())),
        hosts=tuple(record.get("hosts", ())),
        author=record.get("author"),
        summary=record.get("summary", ""),
        notes=tuple(record.get("notes", ())),
        unparsed_ids=tuple(record.get("unparsed_ids", ())),
        status=record.get("status", "ok"),
        feature_count=facet.count if facet else 0,
        parse=record.get("parse", "complete"),
    )


def episodes(tables: Tables) -> list[EpisodeInfo]:
    """Every episode, newest first."""
    numbers = sorted(tables.episodes, reverse=True)
    return [_episode_info(tables, tables.episodes[n]) for n in numbers]


def episode(tables: Tables, number: int) -> EpisodeInfo | None:
    """One episode, or None when the index has no such episode."""
    record = tables.episodes.get(number)
    return _episode_info(tables, record) if record else None


def episode_features(
    searcher, tables: Tables, number: int, page: int, page_size: int | None
) -> list[Hit]:
    """The features of one episode in the order the video reaches them (one page of them
    with ``page_size``)."""
    mask = tables.value_mask("episode", str(number)) & tables.features
    seconds, position = tables.seconds, tables.position
    ordered = _sorted_docs(
        tables, mask, lambda d: (seconds[d] if seconds[d] >= 0 else 1 << 30, position[d])
    )
    if page_size is not None:
        ordered = ordered[(page - 1) * page_size : page * page_size]
    return [hit(searcher, tables, d) for d in ordered]


def versions(tables: Tables) -> list[FacetCount]:
    """Every version with its feature count, in release order (oldest first)."""
    return list(tables.versions)


def upgrade_path(searcher, tables: Tables, low: str, high: str) -> list[Hit]:
    """Features of the versions after ``low`` up to and including ``high`` (canonical)."""
    wanted = VersionRange(low_key=version_key(low), high_key=version_key(high), low_inclusive=False)
    chosen = [v for v, key in tables.version_keys.items() if wanted.contains(key)]
    ordered = _release_order(tables, _versions_mask(tables, chosen))
    return [hit(searcher, tables, d) for d in ordered]


def features_by_keys(searcher, tables: Tables, keys: Iterable[str]) -> list[Hit]:
    """The features with these store keys, in the given order (unknown keys skipped)."""
    wanted = tables.features | tables.release_notes
    hits = []
    for key in list(keys)[:MAX_KEYS]:
        for docnum in searcher.docs_for_query(Term("key", key)):
            if wanted >> docnum & 1:
                hits.append(hit(searcher, tables, docnum))
                break
    return hits


def release_notes(searcher, tables: Tables) -> list[Hit]:
    """Features known only from release notes (no episode), in release order."""
    vkey = tables.version_key
    ordered = sorted(tables.release_note_docs, key=lambda d: (vkey[d], d))
    return [hit(searcher, tables, d) for d in ordered]


def newest(searcher, tables: Tables, limit: int) -> list[Hit]:
    """The newest features: newest episode first, then in post order."""
    return [hit(searcher, tables, d) for d in tables.order("newest")[: max(0, limit)]]


def _chosen_records(
    searcher, tables: Tables, records: dict[str, list[int]], fullest, hits: dict[int, Hit]
) -> dict[str, int]:
    """Each ticket's record to list: the one ``fullest`` ranks highest (the first of equals),
    or the first; the Hits read to choose are kept in ``hits``."""
    chosen: dict[str, int] = {}
    for ticket_id, docs in records.items():
        if len(docs) > 1 and fullest is not None:
            hits.update((d, hit(searcher, tables, d)) for d in docs)
            chosen[ticket_id] = max(docs, key=lambda d: fullest(hits[d]))
        else:
            chosen[ticket_id] = docs[0]
    return chosen


def _once_per_ticket(ordered: list[int], tickets, chosen: dict[str, int]) -> list[int]:
    """``ordered`` with each ticket's records replaced by its chosen one, where the first was."""
    listed = []
    for docnum in ordered:
        if ticket_id := tickets[docnum]:
            if chosen.get(ticket_id) is None:
                continue  # listed already, at the ticket's first record
            docnum = chosen.pop(ticket_id)
        listed.append(docnum)
    return listed


def version_features(
    searcher,
    tables: Tables,
    versions: Iterable[str],
    *,
    page: int,
    page_size: int,
    first_flags: Collection[str],
    fullest: Callable[[Hit], object] | None,
) -> FeaturePage:
    """One page of the features of some versions, in upgrade_path's order (see
    IndexReader.version_features)."""
    ordered = _release_order(tables, _versions_mask(tables, set(versions)))
    tickets = tables.tickets(searcher.reader())
    records: dict[str, list[int]] = {}
    for docnum in ordered:
        if ticket_id := tickets[docnum]:
            records.setdefault(ticket_id, []).append(docnum)
    hits: dict[int, Hit] = {}
    chosen = _chosen_records(searcher, tables, records, fullest, hits)
    flags, wanted = tables.doc_values["flags"], frozenset(first_flags)
    first: list[int] = []
    rest: list[int] = []
    for docnum in _once_per_ticket(ordered, tickets, chosen):
        (first if wanted.intersection(flags[docnum]) else rest).append(docnum)
    version_counts: dict[str, int] = {}
    for docnum in rest:
        for version in tables.doc_values["version"][docnum]:
            version_counts[version] = version_counts.get(version, 0) + 1
    start = (page - 1) * page_size
    shown = (first + rest)[start : start + page_size]
    return FeaturePage(
        hits=[hits.get(d) or hit(searcher, tables, d) for d in shown],
        total=len(first) + len(rest),
        flagged=len(first),
        version_counts=version_counts,
        page=page,
        page_size=page_size,
    )
