"""A draft's items as the plain feature data the show-notes exports are made from."""

from __future__ import annotations

from crawler.records import timestamp_seconds
from index import Hit
from webapp.shownotes import PostHeader
from webapp.workbench.drafts import Draft

SERIES_TITLE = "By the [run]Book: Episode {number}"


def draft_hits(draft: Draft) -> list[Hit]:
    """The draft's features, in its order, as the exports take them."""
    hits = []
    for item in draft.items:
        headline = item.headline.strip()
        hits.append(
            Hit(
                key=f"{item.version or '-'}:{item.ticket_id}:{item.timestamp or '-'}",
                title=item.title,
                url="",
                episode=draft.episode,
                ticket_id=item.ticket_id,
                version=item.version,
                timestamp=item.timestamp,
                seconds=timestamp_seconds(item.timestamp),
                aliases=(headline,) if headline and headline != item.title else (),
                summary=item.summary,
                bullets=item.bullets,
                highlighted=item.important,
                position=item.position,
            )
        )
    return hits


def draft_post(draft: Draft) -> PostHeader:
    """The draft's post header: the series title for its episode, its date and intro."""
    return PostHeader(SERIES_TITLE.format(number=draft.episode), draft.date, draft.intro)


def order_problems(hits: list[Hit]) -> list[str]:
    """Where the list's order and the video's disagree, and which features have no time yet."""
    problems = []
    timed = [hit for hit in hits if hit.seconds is not None]
    for before, after in zip(timed, timed[1:], strict=False):
        if after.seconds <= before.seconds:
            problems.append(
                f'"{after.title}" at {after.timestamp} comes after "{before.title}" at '
                f"{before.timestamp} in the list, but not later in the video: "
                "move it or correct a time."
            )
    untimed = len(hits) - len(timed)
    if untimed:
        problems.append(f"{untimed} of {len(hits)} features have no time in the video yet.")
    return problems
