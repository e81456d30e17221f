"""Upgrade checklists as Markdown and CSV, with crawled text neutralised for each format.

The neutralising itself lives in ``webapp.shownotes`` (Markdown text, http(s)-only URLs,
formula-safe CSV cells), so the checklist and the show notes escape alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from index import Hit
from webapp.shownotes import csv_text, markdown_text, safe_url
from webapp.views.helpers import FLAG_LABELS, attention_first

CSV_COLUMNS = (
    "version",
    "ticket_id",
    "title",
    "flags",
    "areas",
    "summary",
    "bullets",
    "episode",
    "timestamp",
    "video",
    "ticket_page",
)


def _checklist_line(hit: Hit) -> list[str]:
    facts = [
        f"v{hit.version}" if hit.version else None,
        f"#{hit.ticket_id}" if hit.ticket_id else None,
    ]
    facts += [FLAG_LABELS.get(flag, flag) for flag in hit.flags]
    line = (
        f"- [ ] **{markdown_text(hit.title, line_start=False)}** "
        f"({markdown_text(', '.join(f for f in facts if f), line_start=False)})"
    )
    video = safe_url(hit.video_at)
    if video and hit.episode is not None:
        at = f" at {markdown_text(hit.timestamp, line_start=False)}" if hit.timestamp else ""
        line += f" [episode {hit.episode}{at}]({video})"
    lines = [line]
    if hit.summary:
        lines.append(f"  {markdown_text(hit.summary)}")
    lines += [f"  - {markdown_text(bullet)}" for bullet in hit.bullets if bullet.strip()]
    return lines


def upgrade_markdown(version_from: str | None, version_to: str, hits: list[Hit]) -> str:
    """The upgrade path as a Markdown checklist: items needing attention first, then by version.

    Each item carries its bullets, so the callouts saying why it needs attention are there.
    """
    attention, rest = attention_first(hits)
    start = f"v{version_from} to " if version_from else "up to "
    out = [
        f"# Upgrade checklist: {start}v{version_to}",
        "",
        f"{len(hits)} features from the episode posts, in release order.",
    ]
    if attention:
        out += ["", "## Needs attention (caution or not enabled by default)", ""]
        for hit in attention:
            out += _checklist_line(hit)
    version = object()
    for hit in rest:
        if hit.version != version:
            version = hit.version
            out += [
                "",
                f"## v{markdown_text(version, line_start=False)}"
                if version
                else "## Unknown version",
                "",
            ]
        out += _checklist_line(hit)
    return "\n".join(out) + "\n"


def features_csv(hits: Iterable[Hit], *, ticket_page: Callable[[str], str]) -> str:
    """Features as CSV rows, one per feature, every cell neutralised."""
    rows = (
        (
            hit.version,
            hit.ticket_id,
            hit.title,
            "; ".join(FLAG_LABELS.get(flag, flag) for flag in hit.flags),
            "; ".join(hit.areas),
            hit.summary,
            "\n".join(hit.bullets),
            hit.episode,
            hit.timestamp,
            safe_url(hit.video_at),
            ticket_page(hit.ticket_id) if hit.ticket_id else None,
        )
        for hit in hits
    )
    return csv_text(CSV_COLUMNS, rows)
