"""Invented episodes and features for the index tests, written to a real Store."""

from __future__ import annotations

from pathlib import Path

from crawler.records import Episode, Feature, timestamp_seconds
from crawler.store import Store
from index import parse_request

HOSTILE_TITLE = "<script>alert('x')</script> Banner text for the portal"

EPISODES = [
    Episode(
        episode=30,
        title="Episode 30",
        url="https://blog.example/episode-30",
        date="2025-03-01",
        video_url="https://www.youtube.com/watch?v=ep30video",
        versions=("2.208",),
    ),
    Episode(
        episode=31,
        title="Episode 31",
        url="https://blog.example/episode-31",
        date="2025-04-01",
        video_url="https://youtu.be/ep31video",
        versions=("2.210",),
    ),
    Episode(
        episode=32,
        title="Episode 32",
        url="https://blog.example/episode-32",
        date="2025-05-01",
        video_url="https://video.example/ep32.mp4",
        versions=("2.212", "2.214"),
    ),
]


def _feature(episode, position, ticket, version, timestamp, title, summary="", **extra) -> Feature:
    return Feature(
        title=title,
        url=f"https://blog.example/episode-{episode}" if episode else "https://notes.example",
        episode=episode,
        ticket_id=ticket,
        version=version,
        timestamp=timestamp,
        seconds=timestamp_seconds(timestamp),
        summary=summary,
        position=position,
        **extra,
    )


FEATURES = [
    _feature(
        30,
        0,
        "2000001",
        "2.208",
        "12:05",
        "Recurring invoices can carry meter readings",
        "Meter readings now flow onto each recurring invoice line.",
        flags=("caution",),
        bullets=("Check your recurring templates before the upgrade.",),
    ),
    _feature(
        30,
        1,
        "2000002",
        "2.208",
        "20:10",
        "Xero export sends credit notes",
        "Credit notes raised in Halo are exported to Xero with the rest of the batch.",
    ),
    _feature(
        31,
        0,
        "2000003",
        "2.210",
        "3:30",
        HOSTILE_TITLE,
        "Admins can show a <b>banner</b> on the self-service portal login page.",
    ),
    _feature(
        31,
        1,
        "2000004",
        "2.210",
        "49:41",
        "Runbooks can start when an asset changes",
        "A new runbook trigger fires when an asset field is edited.",
        aliases=("Asset change trigger",),
    ),
    _feature(
        32,
        0,
        "2000005",
        "2.212",
        "5:00",
        "API endpoint for recurring billing profiles",
        "Recurring billing profiles are now exposed to the API, which helps automate invoicing.",
    ),
    _feature(
        32,
        1,
        "2000006",
        "2.214",
        "9:15",
        "QuickBooks Online sync uses webhooks",
        "The QBO connector now listens for webhooks instead of polling.",
        flags=("recommended",),
    ),
    _feature(
        32,
        2,
        "2000007",
        "2.214",
        "14:40",
        "Rapid ticket entry screen",
        "Agents can log a ticket from a compact screen in a few keystrokes.",
    ),
    _feature(
        32,
        3,
        None,
        "2.212",
        "30:00",
        "Timesheet approvals show weekly totals",
        "Managers approving timesheets see the total hours per week.",
    ),
]

RELEASE_NOTES = [
    _feature(None, 0, "2000006", "2.214", None, "QuickBooks Online webhook processing"),
    _feature(None, 1, "2000099", "2.214", None, "Dark mode for the agent application"),
]


def write_store(data_dir: Path, *, features=FEATURES, episodes=EPISODES) -> Store:
    """Write the invented records to a store in ``data_dir`` and return it."""
    store = Store(data_dir)
    store.merge(episodes, features)
    store.replace_release_notes("2.214", RELEASE_NOTES)
    return store


def search(reader, q="", **params):
    """The reader's result page for the query ``q`` and search parameters ``params``."""
    return reader.search(parse_request({"q": q, **params}))
