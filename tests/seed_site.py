"""The site over the records parsed from the captured blog pages (read from the seeds at run
time, never copied)."""

from __future__ import annotations

from pathlib import Path

from crawler.parse import parse_page
from crawler.store import Store
from index.build import rebuild_index

EPISODE_PAGES = ("000_dd9977c256b1bb16.txt", "001_9e286cf3ee453553.txt")


def write_seed_archive(seeds_dir: Path, data_dir: Path) -> Store:
    """Parse the seed pages that carry episodes into a store and build its index."""
    store = Store(data_dir)
    for name in EPISODE_PAGES:
        page = parse_page(
            (seeds_dir / name).read_text(encoding="utf-8"), f"https://seed.test/{name}"
        )
        store.merge(page.episodes, page.features)
    rebuild_index(data_dir)
    return store
