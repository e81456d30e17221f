"""An invented archive for the feed, API and export tests, stored and indexed for real."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from archive import build_archive, discussed_feature

from crawler.records import Episode, Feature
from crawler.store import Store

HOSTILE_FORMULA = '=HYPERLINK("http://evil.example","x")'
HOSTILE_TITLE = f"<script>alert(1)</script> {HOSTILE_FORMULA}"
HOSTILE_SUMMARY = "Shows <img src=x onerror=alert(2)> in the summary."

EP30 = "https://blog.example/thoughts/by-the-run-book-episode-30"
EP31 = "https://blog.example/thoughts/by-the-run-book-episode-31"
VIDEO30 = "https://www.youtube.com/watch?v=episode30xx"
VIDEO31 = "https://www.youtube.com/watch?v=episode31xx"

EPISODES = [
    Episode(
        episode=30,
        title="By the [run]Book: Episode 30",
        url=EP30,
        date="2026-03-01",
        video_url=VIDEO30,
        versions=("2.220", "2.222"),
        hosts=("Ada Host",),
        summary="Boards, invoices and email previews across two releases.",
    ),
    Episode(
        episode=31,
        title="By the [run]Book: Episode 31",
        url=EP31,
        date="2026-03-20",
        video_url=VIDEO31,
        versions=("2.224",),
        hosts=("Ada Host",),
        summary="A short one.",
    ),
]


FEATURES = [
    discussed_feature(
        EP30,
        30,
        0,
        "Kanban board for project tasks",
        "2.220",
        "910001",
        "2:05",
        summary="Project tasks can be dragged between columns on a board.",
        bullets=("Columns follow the task statuses", "Cards show the assigned agent"),
    ),
    discussed_feature(
        EP30,
        30,
        1,
        HOSTILE_TITLE,
        "2.220",
        "910002",
        "4:10",
        summary=HOSTILE_SUMMARY,
        bullets=("<b>bold</b> claims", "=1+1 in a bullet"),
    ),
    discussed_feature(
        EP30,
        30,
        2,
        "Invoice rounding options",
        "2.220",
        "910003",
        "4:15",
        summary="Invoice totals can be rounded per currency.",
        bullets=("Rounding applies to new invoices only",),
    ),
    discussed_feature(
        EP30,
        30,
        3,
        "Email templates can be previewed",
        "2.222",
        "910004",
        "9:40",
        summary="A preview shows an email template with sample ticket values.",
    ),
    discussed_feature(
        EP30,
        30,
        4,
        "Webhook retries with back-off",
        "2.222",
        "910005",
        "1:02:03",
        summary="Failed webhook calls are retried with growing delays.",
    ),
    discussed_feature(
        EP31,
        31,
        0,
        "Ticket merge keeps attachments",
        "2.224",
        "910006",
        "1:00",
        summary="Merged tickets keep every attachment.",
    ),
    discussed_feature(
        EP31,
        31,
        1,
        f"{HOSTILE_FORMULA} warranty dates",
        "2.224",
        "910007",
        "2:00",
        summary="Asset warranty end dates can be filled in from the vendor.",
    ),
    discussed_feature(
        EP31,
        31,
        2,
        "Quote expiry reminders",
        "2.224",
        "910008",
        None,
        summary="Quotes can send a reminder before they expire.",
    ),
]

RELEASE_NOTES_2220 = [
    Feature(
        title="Kanban board for project tasks",
        url="notes/2.220.txt",
        episode=None,
        ticket_id="910001",
        version="2.220",
    ),
    Feature(
        title="Only in the release notes",
        url="notes/2.220.txt",
        episode=None,
        ticket_id="910099",
        version="2.220",
    ),
]


def write_archive(data_dir: Path) -> Store:
    """Store the invented records and build the index."""
    return build_archive(data_dir, EPISODES, FEATURES, release_notes={"2.220": RELEASE_NOTES_2220})


def edit_summary(data_dir: Path, ticket_id: str, summary: str) -> None:
    """Change one feature's summary in the store, as a re-crawl of an edited post would."""
    from index.build import rebuild_index

    store = Store(data_dir)
    episode = next(f.episode for f in FEATURES if f.ticket_id == ticket_id)
    features = [
        replace(f, summary=summary) if f.ticket_id == ticket_id else f
        for f in FEATURES
        if f.episode == episode
    ]
    store.merge([], features)
    rebuild_index(data_dir)
