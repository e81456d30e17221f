"""Every output format over stored records holding each XML-forbidden and invisible code point.

The records are written straight into the store (as a hand-edited or older store could hold
them), so the parser's cleaning plays no part: what keeps the feeds well-formed and the pages
free of invisible characters is the guard on the way out.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from crawler.store import Store
from index.build import rebuild_index
from webapp.app import create_app

# Every code point XML 1.0 forbids or discourages, spelled out here rather than taken from
# the module under test: C0 controls but tab, newline and return; DEL and C1 but NEL;
# surrogates; the noncharacters U+FDD0-U+FDEF and the last two of every plane.
FORBIDDEN = (
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
    + [chr(c) for c in range(0x7F, 0xA0) if c != 0x85]
    + ["\ud800", "\udbff", "\udc00", "\udfff"]
    + [chr(c) for c in range(0xFDD0, 0xFDF0)]
    + [chr(plane * 0x10000 + end) for plane in range(17) for end in (0xFFFE, 0xFFFF)]
)
# Characters no post means to show: soft hyphen, bidi marks, embeddings, overrides and
# isolates, zero-width space, word joiner and invisible operators, a stray byte-order mark.
INVISIBLE = (
    ["\u00ad", "\u061c", "\u200b", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff"]
)
CODE_POINTS = FORBIDDEN + INVISIBLE
UNWANTED = frozenset(CODE_POINTS)
PER_EPISODE = 40
FIRST_EPISODE = 700
VERSION = "2.250"
BLOG = "https://blog.example.test/thoughts/by-the-run-book-episode-"


def _episodes() -> list[list[str]]:
    return [CODE_POINTS[i : i + PER_EPISODE] for i in range(0, len(CODE_POINTS), PER_EPISODE)]


def _lines() -> tuple[list[dict], list[dict]]:
    """Store lines: one feature per code point, the code point in every text it has."""
    episodes, features = [], []
    for offset, points in enumerate(_episodes()):
        number = FIRST_EPISODE + offset
        url = f"{BLOG}{number}"
        mark = points[0]
        episodes.append(
            {
                "episode": number,
                "title": f"Episode {number}{mark} with marks",
                "url": url,
                "date": "2026-10-01",
                "video_url": "https://www.youtube.com/watch?v=markedvideo",
                "versions": [VERSION],
                "hosts": [f"Host{mark}name"],
                "author": f"Writer{mark}",
                "summary": f"Summary{mark} of episode {number}",
                "notes": [f"Note{mark} left over"],
                "unparsed_ids": [],
                "status": "ok",
            }
        )
        for position, point in enumerate(points):
            seconds = 30 * position
            ticket = f"97{offset:02d}{position:03d}"
            features.append(
                {
                    "key": f"{VERSION}:{ticket}:{seconds // 60}:{seconds % 60:02d}",
                    "title": f"Marked{point}feature {ticket}",
                    "url": url,
                    "episode": number,
                    "ticket_id": ticket,
                    "version": VERSION,
                    "timestamp": f"{seconds // 60}:{seconds % 60:02d}",
                    "seconds": seconds,
                    "aliases": [f"Alias{point}headline"],
                    "summary": f"Summary{point} text of the marked feature",
                    "bullets": [f"Bullet{point} point", f"\u26a0\ufe0f Caution{point} bullet"],
                    "flags": ["caution"],
                    "highlighted": position == 0,
                    "position": position,
                }
            )
    return episodes, features


def _write(path, rows) -> None:
    # ASCII escapes, so a lone surrogate is stored as the JSON text "\\ud800".
    path.write_text("".join(json.dumps(row, sort_keys=True) + "\n" for row in rows))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The site over a store holding every unwanted code point, indexed."""
    data_dir = tmp_path_factory.mktemp("marks") / "data"
    data_dir.mkdir()
    store = Store(data_dir)
    episodes, features = _lines()
    _write(store.episodes_path, episodes)
    _write(store.features_path, features)
    rebuild_index(data_dir)
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()


def _urls() -> list[str]:
    episodes, features = _lines()
    numbers = [e["episode"] for e in episodes]
    tickets = [f["ticket_id"] for f in features]
    keys = ",".join(f["key"] for f in features[:PER_EPISODE])
    urls = ["/", "/?q=marked", "/episodes", "/stats", f"/version/{VERSION}"]
    urls += [f"/version/{VERSION}.json", f"/ticket/{tickets[0]}", f"/ticket/{tickets[-1]}.json"]
    urls += ["/search.json?q=marked&page_size=100", "/search.csv?q=marked"]
    urls += [f"/upgrade.md?from=2.248&to={VERSION}", f"/upgrade.csv?from=2.248&to={VERSION}"]
    urls += [f"/upgrade?from=2.248&to={VERSION}", f"/draft?pick={keys}"]
    urls += [f"/draft/{name}?pick={keys}" for name in ("shownotes.md", "chapters.txt")]
    urls += [f"/draft/chapters.json?pick={keys}"]
    urls += [f"/{feed}.{fmt}" for feed in ("feed",) for fmt in ("rss", "atom", "json")]
    urls += [f"/feed.{fmt}?q=marked&page_size=100" for fmt in ("rss", "atom", "json")]
    urls += [f"/version/{VERSION}/feed.{fmt}" for fmt in ("rss", "atom", "json")]
    for number in numbers:
        urls += [f"/episode/{number}", f"/episode/{number}.json"]
        urls += [f"/episode/{number}/feed.{fmt}" for fmt in ("rss", "atom", "json")]
        urls += [f"/episode/{number}/{name}" for name in ("shownotes.md", "chapters.txt")]
        urls += [f"/episode/{number}/chapters.json"]
    return urls


def _texts(url: str, body: str) -> list[str]:
    """The text a reader of ``url`` gets: JSON decoded, CSV split, the rest as it is."""
    path = url.split("?")[0]
    if path.endswith(".json"):
        found: list[str] = []

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str):
                found.append(value)

        walk(json.loads(body))
        return found
    if path.endswith(".csv"):
        return [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    return [body]


@pytest.mark.parametrize("url", _urls())
def test_every_output_answers_without_unwanted_code_points(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    body = response.get_data(as_text=True)
    for text in _texts(url, body):
        found = sorted({f"U+{ord(ch):04X}" for ch in text if ch in UNWANTED})
        assert not found, (url, found)
    assert "Marked" in body or "Episode" in body or "marked" in body.lower()


@pytest.mark.parametrize("url", [u for u in _urls() if u.split("?")[0].endswith((".rss", ".atom"))])
def test_rss_and_atom_feeds_parse_cleanly(client, url):
    body = client.get(url).get_data()
    ET.fromstring(body)  # well-formed XML, or this raises
    parsed = feedparser.parse(body)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    assert parsed.entries
    assert all(entry.title.startswith("Marked") for entry in parsed.entries)


def test_emoji_joiners_survive_the_guard(client):
    """The guard removes only what it must: an emoji's variation selector stays."""
    body = client.get(f"/episode/{FIRST_EPISODE}.json").get_data(as_text=True)
    assert "\u26a0\ufe0f Caution" in json.loads(body)["features"][0]["bullets"][1]
