"""Splitting a page's blocks into episode posts.

A page can carry several posts: the article the page is about, then more posts below it.
Each episode post is found by its markers (its title line, an intro that names it, its
"Watch Now" line) and runs until the next post starts. Text before the first episode
post belongs to no episode.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.parse.blocks import Block
from crawler.parse.meta import INTRO, WATCH, date_of, episode_marker, is_byline_word, is_read_time

# How many header lines (date, read time, byline) may sit just above a post's title.
_MAX_HEADER_LINES = 4


@dataclass(frozen=True)
class PostSpan:
    """The blocks of one episode post."""

    number: int
    blocks: tuple[Block, ...]
    has_intro: bool  # the post has an intro that names the episode


def _is_header_line(block: Block) -> bool:
    text = block.text
    return bool(date_of(text)) or is_read_time(text) or is_byline_word(text) or text in {"•", "|"}


def split_posts(blocks: list[Block]) -> list[PostSpan]:
    """Find the episode posts among a page's blocks, in page order, one span per episode number."""
    starts: dict[int, int] = {}
    markers: dict[int, list[tuple[int, str]]] = {}
    for index, block in enumerate(blocks):
        found = episode_marker(block)
        if not found:
            continue
        kind, number = found
        start = index
        if kind == WATCH and index > 0 and not episode_marker(blocks[index - 1]):
            start = index - 1  # the intro paragraph just above "Watch Now"
        starts[number] = min(starts.get(number, start), start)
        markers.setdefault(number, []).append((index, kind))

    claimed = set(starts.values())
    for number, start in list(starts.items()):
        steps = 0
        while (
            start > 0
            and steps < _MAX_HEADER_LINES
            and start - 1 not in claimed
            and _is_header_line(blocks[start - 1])
        ):
            start -= 1
            steps += 1
        starts[number] = start

    ordered = sorted(starts.items(), key=lambda item: item[1])
    spans = []
    for position, (number, start) in enumerate(ordered):
        end = ordered[position + 1][1] if position + 1 < len(ordered) else len(blocks)
        marker_indexes = [index for index, _ in markers[number] if start <= index < end]
        end = _article_end(blocks, marker_indexes, end)
        kinds = {kind for index, kind in markers[number] if start <= index < end}
        spans.append(
            PostSpan(
                number=number,
                blocks=tuple(blocks[start:end]),
                has_intro=INTRO in kinds,
            )
        )
    return spans


def _article_end(blocks: list[Block], marker_indexes: list[int], end: int) -> int:
    """Stop a post where its HTML <article> ends, when the page gives posts their own element."""
    articles = {blocks[index].article for index in marker_indexes} - {-1}
    if len(articles) != 1 or not marker_indexes:
        return end
    (article,) = articles
    for index in range(max(marker_indexes) + 1, end):
        if blocks[index].article != article:
            return index
    return end
