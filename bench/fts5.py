"""The yardstick: the same store records in SQLite FTS5, built, updated and queried the same way.

One FTS5 table holds the full text (title, aliases, summary, bullets; Porter stems, bm25 weights
matching the Whoosh field boosts); a plain table holds each record with its ticket ID (indexed),
version key and episode; ``tags`` holds areas, integrations and flags, computed by
``index.areas`` so both engines facet identical data. Updates follow ``update_index``: hash every
store line, delete documents whose line is gone, add documents for new lines, one commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from crawler.records import Episode, Feature
from crawler.store import Store
from crawler.versions import version_key
from index.areas import areas_in, integrations_in

SCHEMA = """
CREATE TABLE features (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    digest TEXT NOT NULL,
    ticket_id TEXT,
    version TEXT,
    version_key INTEGER NOT NULL,
    episode INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX features_ticket ON features (ticket_id);
CREATE INDEX features_digest ON features (digest);
CREATE TABLE tags (feature INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX tags_feature ON tags (feature);
CREATE TABLE episodes (episode INTEGER PRIMARY KEY, digest TEXT NOT NULL, record TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5 (title, aliases, summary, bullets, tokenize='porter unicode61');
"""
RANK = "bm25(fts, 3.0, 2.0, 1.0, 1.0)"  # the Whoosh schema's field boosts
SNIPPET = "snippet(fts, -1, '<mark>', '</mark>', '…', 24)"
PAGE_SIZE = 20

KEYWORD_SQL = f"""
SELECT f.record, {SNIPPET}, {RANK} AS score FROM fts JOIN features f ON f.id = fts.rowid
WHERE fts MATCH ?1 ORDER BY score LIMIT {PAGE_SIZE}
"""
COUNT_SQL = "SELECT count(*) FROM fts WHERE fts MATCH ?1"
ID_SQL = "SELECT record FROM features WHERE ticket_id = ?1 ORDER BY episode DESC"
FILTERED_SQL = f"""
SELECT f.record, {SNIPPET}, {RANK} AS score FROM fts JOIN features f ON f.id = fts.rowid
WHERE fts MATCH ?1 AND f.version_key BETWEEN ?2 AND ?3 ORDER BY score LIMIT {PAGE_SIZE}
"""
FACETS_SQL = """
WITH hits (id) AS MATERIALIZED (
    SELECT f.id FROM fts JOIN features f ON f.id = fts.rowid
    WHERE fts MATCH ?1 AND f.version_key BETWEEN ?2 AND ?3
)
SELECT 'total', '', count(*) FROM hits
UNION ALL SELECT 'version', version, count(*) FROM features WHERE id IN hits GROUP BY version
UNION ALL SELECT 'episode', episode, count(*) FROM features WHERE id IN hits GROUP BY episode
UNION ALL SELECT facet, value, count(*) FROM tags WHERE feature IN hits GROUP BY facet, value
"""


def _lines(path: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (digest, line) for each non-empty line of a store file."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            line = line.strip()
            if line:
                yield hashlib.sha1(line).hexdigest(), line


def _add_feature(db: sqlite3.Connection, digest: str, line: bytes) -> None:
    feature = Feature.from_dict(json.loads(line))
    texts = [feature.title, *feature.aliases, feature.summary, *feature.bullets]
    areas, integrations = areas_in(texts), integrations_in(texts)
    record = feature.to_dict() | {"areas": list(areas), "integrations": list(integrations)}
    cursor = db.execute(
        "INSERT INTO features (key, digest, ticket_id, version, version_key, episode, record)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            feature.key,
            digest,
            feature.ticket_id,
            feature.version,
            version_key(feature.version),
            feature.episode or 0,
            json.dumps(record, ensure_ascii=False),
        ),
    )
    row = cursor.lastrowid
    db.execute(
        "INSERT INTO fts (rowid, title, aliases, summary, bullets) VALUES (?, ?, ?, ?, ?)",
        (
            row,
            feature.title,
            "\n".join(feature.aliases),
            feature.summary,
            "\n".join(feature.bullets),
        ),
    )
    tags = [("area", a) for a in areas] + [("integration", i) for i in integrations]
    tags += [("flag", f) for f in feature.flags]
    db.executemany("INSERT INTO tags VALUES (?, ?, ?)", [(row, f, v) for f, v in tags])


def _add_episode(db: sqlite3.Connection, digest: str, line: bytes) -> None:
    episode = Episode.from_dict(json.loads(line))
    db.execute(
        "INSERT OR REPLACE INTO episodes VALUES (?, ?, ?)",
        (episode.episode, digest, json.dumps(episode.to_dict(), ensure_ascii=False)),
    )


def build(data_dir: Path, db_path: Path) -> None:
    """Build the database from the store into a new file, then swap it in."""
    store = Store(data_dir)
    building = db_path.with_name(db_path.name + ".tmp")
    building.unlink(missing_ok=True)
    db = sqlite3.connect(building)
    try:
        with db:
            db.executescript(SCHEMA)
            for digest, line in _lines(store.features_path):
                _add_feature(db, digest, line)
            for digest, line in _lines(store.episodes_path):
                _add_episode(db, digest, line)
    finally:
        db.close()
    os.replace(building, db_path)


def update(data_dir: Path, db_path: Path) -> tuple[int, int]:
    """Bring the database up to date with the store by line digest; return (added, removed)."""
    store = Store(data_dir)
    db = sqlite3.connect(db_path)
    try:
        with db:
            lines = dict(_lines(store.features_path))
            indexed = dict(db.execute("SELECT digest, id FROM features"))
            removed = [indexed[d] for d in indexed.keys() - lines.keys()]
            for row in removed:
                db.execute("DELETE FROM features WHERE id = ?", (row,))
                db.execute("DELETE FROM fts WHERE rowid = ?", (row,))
                db.execute("DELETE FROM tags WHERE feature = ?", (row,))
            added = [d for d in lines if d not in indexed]
            for digest in added:
                _add_feature(db, digest, lines[digest])
            known = {d for (d,) in db.execute("SELECT digest FROM episodes")}
            for digest, line in _lines(store.episodes_path):
                if digest not in known:
                    _add_episode(db, digest, line)
    finally:
        db.close()
    return len(added), len(removed)


class Searcher:
    """The three benchmark queries over one open database."""

    def __init__(self, db_path: Path):
        self.db = sqlite3.connect(db_path, check_same_thread=False)

    def _page(self, sql: str, *params) -> list[tuple[dict, str, float]]:
        return [
            (json.loads(r), snippet, score) for r, snippet, score in self.db.execute(sql, params)
        ]

    def keyword(self, word: str) -> tuple[list, int]:
        """The first page of features matching a word, by bm25, and the total."""
        match = f'"{word}"'
        hits = self._page(KEYWORD_SQL, match)
        (total,) = self.db.execute(COUNT_SQL, (match,)).fetchone()
        return hits, total

    def ticket(self, ticket_id: str) -> list[dict]:
        """Every record of a ticket, newest episode first."""
        return [json.loads(r) for (r,) in self.db.execute(ID_SQL, (ticket_id,))]

    def filtered(self, word: str, low: str, high: str) -> tuple[list, dict]:
        """A word within a version range: first page by bm25, total and every facet's counts."""
        params = (f'"{word}"', version_key(low), version_key(high))
        hits = self._page(FILTERED_SQL, *params)
        facets: dict[str, dict[str, int]] = {}
        for facet, value, count in self.db.execute(FACETS_SQL, params):
            facets.setdefault(facet, {})[str(value)] = count
        return hits, facets
