"""Stage 2, blocks -> posts: one span of blocks per episode post on a page.

A page can carry several posts: the article the page is about, then more posts below it.
Each episode post is found by its markers (its title line, an intro that names it, its
"Watch Now" line) and runs until the next post starts; the byline, date, read time and
category labels just above its first marker are its own. A page at an episode's own URL
whose text names no episode number is that episode's post. Text before the first episode
post belongs to no episode.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.parse.blocks import Block
from crawler.parse.meta import (
    INTRO,
    WATCH,
    date_of,
    episode_marker,
    is_byline_word,
    is_empty_list,
    is_label,
    is_more_posts_heading,
    is_name,
    is_read_post,
    is_read_time,
    is_share_line,
)

# How many header lines (byline, date, read time, category labels) may sit above a post's title.
_MAX_HEADER_LINES = 10


@dataclass(frozen=True)
class PostSpan:
    """The blocks of one episode post."""

    number: int
    blocks: tuple[Block, ...]
    has_intro: bool  # the post has an intro that names the episode
    own_page: bool = False  # the page's URL is this episode's post


def _is_byline_line(block: Block) -> bool:
    text = block.text
    return bool(date_of(text)) or is_read_time(text) or is_byline_word(text) or text in {"•", "|"}


def _header_start(blocks: list[Block], start: int, claimed: set[int]) -> int:
    """Where a post's header begins: the topmost byline line just above ``start``.

    Labels and names count only between byline lines and the post, so the last lines of
    the article above are never taken for a category.
    """
    top = start
    index = start
    while index > 0 and start - index < _MAX_HEADER_LINES and index - 1 not in claimed:
        block = blocks[index - 1]
        if _is_byline_line(block):
            top = index - 1
        elif not (
            is_label(block.text)
            or is_name(block.text)
            or is_share_line(block.text)
            or is_empty_list(block.text)
        ):
            break
        index -= 1
    return top


def split_posts(blocks: list[Block], own_number: int | None = None) -> list[PostSpan]:
    """Find the episode posts among a page's blocks, in page order, one span per episode number.

    ``own_number`` is the episode number the page's URL names, if any.
    """
    starts: dict[int, int] = {}
    markers: dict[int, list[tuple[int, str]]] = {}
    for index, block in enumerate(blocks):
        found = episode_marker(block)
        if not found:
            continue
        kind, number = found
        starts[number] = min(starts.get(number, index), index)
        markers.setdefault(number, []).append((index, kind))
    for number, found in markers.items():
        if all(kind == WATCH for _, kind in found):
            # Named only by its video line: the intro and any highlights above it are its own.
            starts[number] = _start_above_video(blocks, found[0][0], markers)

    if own_number is not None and own_number not in starts:
        # The post names no number: it is the page's own post, above any other post's card.
        end = min([*starts.values(), _more_posts_index(blocks)])
        if end > 0:
            starts[own_number] = 0
            markers[own_number] = []

    claimed = set(starts.values())
    for number, start in list(starts.items()):
        starts[number] = _header_start(blocks, start, claimed)

    ordered = sorted(starts.items(), key=lambda item: item[1])
    spans = []
    for position, (number, start) in enumerate(ordered):
        end = ordered[position + 1][1] if position + 1 < len(ordered) else len(blocks)
        end = _more_posts_index(blocks, start, end)
        marker_indexes = [index for index, _ in markers[number] if start <= index < end]
        end = _article_end(blocks, marker_indexes, end)
        kinds = {kind for index, kind in markers[number] if start <= index < end}
        spans.append(
            PostSpan(
                number=number,
                blocks=tuple(blocks[start:end]),
                has_intro=INTRO in kinds,
                own_page=number == own_number,
            )
        )
    return spans


def _start_above_video(
    blocks: list[Block], watch: int, markers: dict[int, list[tuple[int, str]]]
) -> int:
    """Where a post named only by its "Watch Now" line starts: after the nearest line above
    it that closes something else (another post's marker, a "Read post" link, a byline or
    date line), else at the top of the page."""
    others = {index for found in markers.values() for index, _ in found if index < watch}
    for index in range(watch - 1, -1, -1):
        block = blocks[index]
        if index in others or is_read_post(block.text) or is_more_posts_heading(block.text):
            return index + 1
        if _is_byline_line(block):
            return index  # the post's own header line: the header search takes it from here
    return 0


def _more_posts_index(blocks: list[Block], start: int = 0, end: int | None = None) -> int:
    """The first "more posts" heading (above other posts' cards) in ``blocks[start:end]``,
    else ``end``."""
    end = len(blocks) if end is None else end
    for index in range(start, end):
        if is_more_posts_heading(blocks[index].text):
            return index
    return end


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
