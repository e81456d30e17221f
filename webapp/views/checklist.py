"""Upgrade checklists as Markdown and CSV, with crawled text neutralised for each format."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable

from index import Hit
from webapp.views.helpers import FLAG_LABELS, attention_first, web_url

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "version",
    "ticket_id",
    "title",
    "flags",
    "areas",
    "summary",
    "episode",
    "timestamp",
    "video",
    "ticket_page",
)


def markdown_text(text: str | None) -> str:
    """One line of Markdown that shows ``text`` literally: no markup, links or HTML."""
    line = " ".join((text or "").split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", line.replace("&", "&amp;"))


def markdown_url(url: str | None) -> str | None:
    """An http(s) URL safe inside ``(...)`` of a Markdown link, or None."""
    url = web_url(url)
    if url is None:
        return None
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (leading = + - @ get a ')."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _checklist_line(hit: Hit) -> list[str]:
    facts = [
        f"v{hit.version}" if hit.version else None,
        f"#{hit.ticket_id}" if hit.ticket_id else None,
    ]
    facts += [FLAG_LABELS.get(flag, flag) for flag in hit.flags]
    line = (
        f"- [ ] **{markdown_text(hit.title)}** ({markdown_text(', '.join(f for f in facts if f))})"
    )
    video = markdown_url(hit.video_at)
    if video and hit.episode is not None:
        line += f" [episode {hit.episode} at {markdown_text(hit.timestamp or '0:00')}]({video})"
    lines = [line]
    if hit.summary:
        lines.append(f"  {markdown_text(hit.summary)}")
    return lines


def upgrade_markdown(version_from: str, version_to: str, hits: list[Hit]) -> str:
    """The upgrade path as a Markdown checklist: items needing attention first, then by version."""
    attention, rest = attention_first(hits)
    out = [
        f"# Upgrade checklist: v{version_from} to v{version_to}",
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
            out += ["", f"## v{markdown_text(version)}" if version else "## Unknown version", ""]
        out += _checklist_line(hit)
    return "\n".join(out) + "\n"


def features_csv(hits: Iterable[Hit], *, ticket_page: Callable[[str], str]) -> str:
    """Features as CSV rows, one per feature, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        row = (
            hit.version,
            hit.ticket_id,
            hit.title,
            "; ".join(FLAG_LABELS.get(flag, flag) for flag in hit.flags),
            "; ".join(hit.areas),
            hit.summary,
            hit.episode,
            hit.timestamp,
            web_url(hit.video_at),
            ticket_page(hit.ticket_id) if hit.ticket_id else None,
        )
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()
