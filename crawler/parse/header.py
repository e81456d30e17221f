"""Stage 3, post -> header and body: what a post says about itself, and the rest of its text.

The header is the page chrome and byline above the post (title, author, date, read time,
category labels, share row) and the intro paragraphs. The body starts at the first feature
line, section or version heading, video line, embedded player or bullet; a post with none of
those keeps only its first paragraph as the intro. The video is found wherever the post puts
it: the "Watch Now" line's link, an embedded player, or a video link in the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.parse.blocks import BULLET, HEADING, VIDEO, Block
from crawler.parse.lines import (
    is_feature_line,
    section_heading,
    titles_of_id_lines,
    version_heading,
)
from crawler.parse.meta import (
    TITLE,
    author_of,
    date_of,
    episode_marker,
    hosts_of,
    is_byline_word,
    is_empty_list,
    is_label,
    is_name,
    is_read_post,
    is_read_time,
    is_share_line,
    is_video_link,
    is_watch_line,
)
from crawler.versions import find_versions

_SAFE_VIDEO_SCHEMES = ("http://", "https://")
_WATCH_PREFIX = re.compile(r"^\s*watch(?:\s+now)?\s*[:|–—-]?\s*", re.I)


@dataclass(frozen=True)
class Header:
    """What a post says about itself."""

    title: str | None
    date: str | None
    author: str | None
    video_url: str | None
    intro: tuple[str, ...]  # the intro paragraphs
    teaser: tuple[str, ...]  # a post card's text above its "Read post" link
    versions: tuple[str, ...]  # canonical versions the title and intro name, in order
    hosts: tuple[str, ...]
    has_video: bool  # a "Watch Now" line or an embedded player

    @property
    def summary(self) -> str:
        """The intro paragraphs (a card's teaser when the post has no intro of its own)."""
        return "\n\n".join(self.intro or self.teaser)


def starts_body(block: Block) -> bool:
    """True for a block that can only belong to a post's body."""
    text = block.text
    return (
        block.kind in (VIDEO, BULLET)
        or is_watch_line(block)
        or is_feature_line(block)
        or section_heading(text) is not None
        or version_heading(text) is not None
    )


def is_chrome(text: str) -> bool:
    """True for page furniture that is never post text."""
    return (
        is_share_line(text)
        or is_empty_list(text)
        or is_read_post(text)
        or is_read_time(text)
        or text in {"•", "|"}
    )


def read_header(blocks: tuple[Block, ...]) -> tuple[Header, tuple[Block, ...]]:
    """Read a post's header; return it with the post's body blocks."""
    title = date = author = None
    intro: list[str] = []
    teaser: list[str] = []
    expect_author = False
    has_body = any(starts_body(block) for block in blocks)
    titles = titles_of_id_lines(blocks)  # a title above an ID-only line starts the body
    index = 0
    for index, block in enumerate(blocks):  # noqa: B007 - the loop's end is the body's start
        text = block.text
        if starts_body(block) or index in titles:
            break
        marker = episode_marker(block)
        if marker and marker[0] == TITLE:
            title = title or text
        elif expect_author and is_name(text):
            author = author or text
        elif date_of(text):
            date = date or date_of(text)
        elif is_byline_word(text):
            expect_author = True
            continue
        elif author_of(text) and not intro:
            author = author or author_of(text)
        elif is_read_post(text):
            # A post card: the text above "Read post" is the card's teaser, not the intro.
            teaser.extend(intro)
            intro = []
        elif is_chrome(text):
            pass
        elif not intro and (block.kind == HEADING or is_label(text)):
            pass  # a category label or a subtitle above the intro
        elif intro and (block.kind == HEADING or is_label(text) or not has_body):
            break  # a heading ends the intro; without a body marker it is one paragraph
        else:
            intro.append(text)
        expect_author = False
    else:
        index = len(blocks)
    video_url, watch_title = _video(blocks, header_end=index)
    intro_text = " ".join(intro + teaser)
    header = Header(
        title=title or watch_title,
        date=date,
        author=author,
        video_url=video_url,
        intro=tuple(intro),
        teaser=tuple(teaser),
        versions=tuple(find_versions(" ".join(filter(None, [title, intro_text])))),
        hosts=hosts_of(intro_text),
        has_video=any(b.kind == VIDEO or is_watch_line(b) for b in blocks),
    )
    return header, blocks[index:]


def _web_link(href: str) -> bool:
    # A video link is shown and followed as is: only http(s) may become one.
    return href.strip().lower().startswith(_SAFE_VIDEO_SCHEMES)


def _video(blocks: tuple[Block, ...], header_end: int) -> tuple[str | None, str | None]:
    """The post's video URL and the episode title its "Watch Now" line gives, if any.

    The "Watch Now" link wins, then an embedded player, then a video link in the header
    (a link in a feature's description is that feature's, not the episode's).
    """
    watch_url = player_url = other_url = watch_title = None
    for position, block in enumerate(blocks):
        if is_watch_line(block):
            if watch_title is None and episode_marker(block):
                watch_title = _WATCH_PREFIX.sub("", block.text)
            if watch_url is None and block.links:
                href = block.links[0].href
                watch_url = href if _web_link(href) else ""
        elif block.kind == VIDEO and player_url is None:
            player_url = block.links[0].href
        elif other_url is None and position < header_end:
            for link in block.links:
                if is_video_link(link.href) and _web_link(link.href):
                    other_url = link.href
                    break
    return (watch_url if watch_url is not None else player_url or other_url) or None, watch_title
