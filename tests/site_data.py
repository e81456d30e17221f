"""A small invented archive for the site's tests: written to a Store, then indexed for real."""

from __future__ import annotations

from pathlib import Path

from archive import build_archive, discussed_feature

from crawler.records import Episode, Feature
from crawler.store import Store

HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Hostile heading'
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click") formula bait'

EP18 = "https://blog.example/thoughts/by-the-run-book-episode-18"
EP19 = "https://blog.example/thoughts/by-the-run-book-episode-19"
EP20 = "https://blog.example/thoughts/by-the-run-book-episode-20"
HOSTILE_VIDEO = "javascript:alert(document.domain)"

EPISODES = [
    Episode(
        episode=18,
        title="Episode 18: Halo v2.212 and v2.214",
        url=EP18,
        date="2026-01-10",
        video_url="https://www.youtube.com/watch?v=vid18aaaaaa",
        versions=("2.212", "2.214"),
        hosts=("Ada Host", "Ben Cohost"),
        summary="We go through the billing and portal changes of two releases.",
        unparsed_ids=("#77",),
    ),
    Episode(
        episode=19,
        title="Episode 19: Halo v2.216",
        url=EP19,
        date="2026-02-07",
        video_url="https://www.youtube.com/watch?v=vid19bbbbbb",
        versions=("2.216",),
        hosts=("Ada Host",),
        summary="Invoices again, asset discovery and a surprise.",
    ),
    Episode(
        episode=20,
        title="Episode 20: Halo v2.218",
        url=EP20,
        date="2026-03-07",
        video_url=HOSTILE_VIDEO,
        versions=("2.218",),
    ),
]


FEATURES = [
    discussed_feature(
        EP18,
        18,
        0,
        "Preview recurring invoices before they go out",
        "2.212",
        "900101",
        "3:18",
        aliases=("Recurring invoice preview",),
        summary="Admins can open a preview of each recurring invoice and check the totals first.",
        bullets=("Works for every billing plan.", "Previews show tax lines."),
        flags=("caution",),
        highlighted=True,
    ),
    discussed_feature(
        EP18,
        18,
        1,
        "Portal sign-in with one-time links",
        "2.212",
        "900102",
        "7:45",
        summary="End users can sign in to the self-service portal with a link sent by email.",
        flags=("recommended",),
    ),
    discussed_feature(
        EP18,
        18,
        2,
        "Asset discovery records MAC addresses",
        "2.214",
        "900103",
        "12:05",
        summary="Discovered assets now keep their MAC address for matching.",
        flags=("not_enabled_by_default",),
        highlighted=True,
    ),
    discussed_feature(
        EP19,
        19,
        0,
        "Invoice PDF export from the preview",
        "2.216",
        "900104",
        "1:02:10",
        summary="The invoice preview can be saved as a PDF for approval.",
    ),
    discussed_feature(
        EP19,
        19,
        1,
        "Recurring invoice preview, revisited",
        "2.212",
        "900101",
        "20:00",
        summary="A second look at previewing recurring invoices, now with discounts.",
    ),
    discussed_feature(
        EP19,
        19,
        2,
        HOSTILE_TITLE,
        "2.216",
        "900666",
        "25:00",
        summary='A summary with <b onmouseover="alert(2)">markup</b> in it.',
        bullets=("<iframe src=javascript:alert(3)></iframe>",),
    ),
    discussed_feature(
        EP19,
        19,
        3,
        FORMULA_TITLE,
        "2.216",
        "900667",
        "30:30",
        summary="-2+3 looks like a formula too.",
    ),
    discussed_feature(
        EP20,
        20,
        0,
        "Kanban lanes for projects",
        "2.218",
        "900301",
        "5:00",
        summary="Project tasks can be dragged between lanes.",
    ),
]

RELEASE_NOTES_2212 = [
    Feature(
        title="Preview recurring invoices",
        url="release-notes/2.212.txt",
        episode=None,
        ticket_id="900101",
        version="2.212",
    ),
    Feature(
        title="Portal sign-in with one-time links",
        url="release-notes/2.212.txt",
        episode=None,
        ticket_id="900102",
        version="2.212",
    ),
    Feature(
        title="Ticket merge keeps SLA timers",
        url="release-notes/2.212.txt",
        episode=None,
        ticket_id="900199",
        version="2.212",
    ),
]


def write_archive(data_dir: Path) -> Store:
    """Store the invented episodes, features and release notes, and build the index."""
    return build_archive(data_dir, EPISODES, FEATURES, release_notes={"2.212": RELEASE_NOTES_2212})
