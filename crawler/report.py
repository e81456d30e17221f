"""The run report: what the last ``import`` or ``crawl`` read, page by page, kept in last_run.json.

The site's status page shows it, so a maintainer sees at a glance whether the last run
read every page and how many ID-looking tokens it could not place in a feature.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.records import COMPLETE
from crawler.store import MergeReport, write_jsonl

LAST_RUN_FILE = "last_run.json"

OK = "ok"
NO_EPISODES = "no episodes"

log = logging.getLogger(__name__)


def now_iso() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class PageRow:
    """One page (or file) the run read."""

    url: str
    outcome: str = OK  # "ok", "no episodes", or "error: <what went wrong>"
    episodes: tuple[int, ...] = ()  # the episode numbers found on the page
    features: int = 0
    unparsed_ids: tuple[str, ...] = ()  # ID-looking tokens that ended in no feature
    partial: tuple[str, ...] = ()  # "episode N: <why>" for each post whose parse was partial

    @property
    def failed(self) -> bool:
        """True when the page could not be read or parsed."""
        return self.outcome.startswith("error")


@dataclass
class RunReport:
    """One run of ``halonotes import`` or ``halonotes crawl``."""

    command: str
    started_at: str = field(default_factory=now_iso)
    finished_at: str | None = None
    pages: list[PageRow] = field(default_factory=list)
    store: MergeReport = field(default_factory=MergeReport)

    def add_page(self, row: PageRow) -> PageRow:
        """Record one page's outcome and return it."""
        self.pages.append(row)
        return row

    def finish(self) -> None:
        """Stamp the end time."""
        self.finished_at = now_iso()

    @property
    def totals(self) -> dict[str, int]:
        """Counts over every page of the run."""
        return {
            "pages": len(self.pages),
            "failed": sum(1 for row in self.pages if row.failed),
            "episodes": sum(len(row.episodes) for row in self.pages),
            "features": sum(row.features for row in self.pages),
            "unparsed_ids": sum(len(row.unparsed_ids) for row in self.pages),
            "partial": sum(len(row.partial) for row in self.pages),
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict (the shape of last_run.json)."""
        return {
            "command": self.command,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "pages": [
                {
                    **asdict(row),
                    "episodes": list(row.episodes),
                    "unparsed_ids": list(row.unparsed_ids),
                    "partial": list(row.partial),
                }
                for row in self.pages
            ],
            "totals": self.totals,
            "store": asdict(self.store),
        }


def partial_posts(episodes) -> tuple[str, ...]:
    """``episode N: <why>`` for each episode whose parse was partial."""
    return tuple(
        f"episode {e.episode}: {e.parse.removeprefix('partial: ')}"
        for e in episodes
        if e.parse != COMPLETE
    )


def write_last_run(data_dir: Path | str, report: RunReport) -> Path:
    """Write the report to ``data_dir/last_run.json`` atomically and return the path.

    Raises:
        StoreError: the folder cannot be written.
    """
    path = Path(data_dir) / LAST_RUN_FILE
    # write_jsonl gives the temp-file-then-replace write; one object is one line of JSON.
    write_jsonl(path, [report.to_dict()])
    return path


def read_last_run(data_dir: Path | str) -> dict | None:
    """Return the last run report, or None when no run was recorded or the file is unreadable."""
    path = Path(data_dir) / LAST_RUN_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("Cannot read %s: %s", path, exc)
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        log.warning("%s is not valid JSON (%s); the next import or crawl rewrites it", path, exc)
        return None
    return data if isinstance(data, dict) else None
