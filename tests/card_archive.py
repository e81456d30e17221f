"""An invented archive for what cards and the status page say: a ticket listed twice, bullets,
a page imported from a local file and one crawled from 127.0.0.1, and the last run."""

from __future__ import annotations

import json
from pathlib import Path

from archive import build_archive, discussed_feature

from crawler.records import Episode

POST = "https://blog.example/thoughts/by-the-run-book-episode-85"
FIRST = "Dispatchers can pin a ticket to the top of any queue."
SECOND = "Pinned tickets stay at the top of a queue for everyone."


def write_archive(data_dir: Path) -> None:
    """Store the invented records, build the index and write the last run's report."""
    episodes = [
        Episode(episode=85, title="Episode 85", url=POST, date="2026-06-10", versions=("2.270",)),
        Episode(
            episode=86,
            title="Episode 86",
            url="file:///srv/private/imports/episode-86.html",
            date="2026-06-24",
        ),
        Episode(
            episode=87,
            title="Episode 87",
            url="http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87",
            date="2026-07-08",
        ),
    ]
    features = [
        discussed_feature(
            POST,
            85,
            0,
            "Pinned tickets in queues",
            "2.270",
            "985001",
            "4:00",
            summary=f"{FIRST}\n\n{SECOND}",
        ),
        discussed_feature(
            POST,
            85,
            1,
            "Queue colour rules",
            "2.270",
            "985002",
            "9:00",
            bullets=("Colours follow the priority", "Rules apply per queue"),
        ),
        discussed_feature(
            "file:///srv/private/imports/episode-86.html",
            86,
            0,
            "Imported thing",
            "2.270",
            "985003",
            "1:00",
        ),
        discussed_feature(
            "http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87",
            87,
            0,
            "Sampled thing",
            "2.270",
            "985004",
            "2:00",
        ),
    ]
    build_archive(data_dir, episodes, features)
    (data_dir / "last_run.json").write_text(
        json.dumps(
            {
                "command": "import",
                "started_at": "2026-07-08T06:15:02+00:00",
                "finished_at": "2026-07-08T06:15:09+00:00",
                "pages": [
                    {"url": "file:///srv/private/imports/episode-86.html", "outcome": "ok"},
                    {"url": "http://127.0.0.1:8471/thoughts/by-the-run-book-episode-87"},
                ],
                "totals": {},
            }
        ),
        encoding="utf-8",
    )
