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
from crawler.parse.feature_lines import (
    is_feature_line,
    lines_without_id,
    titles_of_id_lines,
)
from crawler.parse.lines import section_heading, version_heading
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
# A video's address written out as text (a plain-text capture, or a link the editor never made).
_VIDEO_URL_TEXT = re.compile(
    r"https?://(?:www\.|m\.)?(?:youtube\.com/watch\?v=[\w-]{6,20}|youtu\.be/[\w-]{6,20}"
    r"|vimeo\.com/\d{5,12})(?:[?&][\w=&%.-]*)?"
)
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
    # A title above an ID-only line starts the body, and so does a title line without an ID
    # ("Title | v2.216 | 49:41", "Title – 49:41" above its description).
    titles = titles_of_id_lines(blocks) | {
        index for index, line in lines_without_id(blocks).items() if line.version or line.timestamp
    }
    lines = _HeaderLines(has_body=bool(titles) or any(starts_body(block) for block in blocks))
    end = len(blocks)
    for index, block in enumerate(blocks):
        if starts_body(block) or index in titles or not lines.read(block):
            end = index
            break
    video_url, watch_title = _video(blocks, header_end=end)
    intro_text = " ".join(lines.intro + lines.teaser)
    header = Header(
        title=lines.title or watch_title,
        date=lines.date,
        author=lines.author,
        video_url=video_url,
        intro=tuple(lines.intro),
        teaser=tuple(lines.teaser),
        versions=tuple(find_versions(" ".join(filter(None, [lines.title, intro_text])))),
        hosts=hosts_of(intro_text),
        has_video=any(b.kind == VIDEO or is_watch_line(b) for b in blocks),
    )
    return header, blocks[end:]


class _HeaderLines:
    """What the lines of a header have said so far: title, byline, date, intro, teaser."""

    def __init__(self, *, has_body: bool):
        self.has_body = has_body  # without a body marker, the intro is one paragraph
        self.title: str | None = None
        self.date: str | None = None
        self.author: str | None = None
        self.intro: list[str] = []
        self.teaser: list[str] = []
        self.expect_author = False  # the line before was a lone "By"

    def read(self, block: Block) -> bool:
        """Take one header line; False when the block is no longer the header's."""
        expecting, self.expect_author = self.expect_author, False
        return self._byline(block, expecting) or self._intro_line(block)

    def _byline(self, block: Block, expecting_author: bool) -> bool:
        """Take a title, author or date line."""
        text = block.text
        marker = episode_marker(block)
        if marker and marker[0] == TITLE:
            self.title = self.title or text
        elif expecting_author and is_name(text):
            self.author = self.author or text
        elif date_of(text):
            self.date = self.date or date_of(text)
        elif is_byline_word(text):
            self.expect_author = True
        elif author_of(text) and not self.intro:
            self.author = self.author or author_of(text)
        else:
            return False
        return True

    def _intro_line(self, block: Block) -> bool:
        """Take an intro paragraph or page chrome; False at a heading after the intro."""
        text = block.text
        if is_read_post(text):
            # A post card: the text above "Read post" is the card's teaser, not the intro.
            self.teaser.extend(self.intro)
            self.intro = []
        elif is_chrome(text):
            pass
        elif not self.intro:
            if not (block.kind == HEADING or is_label(text)):  # a category label, a subtitle
                self.intro.append(text)
        elif block.kind == HEADING or is_label(text) or not self.has_body:
            return False  # a heading ends the intro
        else:
            self.intro.append(text)
        return True


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
            elif watch_url is None and (written := _VIDEO_URL_TEXT.search(block.text)):
                watch_url = written.group(0)
        elif block.kind == VIDEO and player_url is None:
            player_url = block.links[0].href
        elif other_url is None and position < header_end:
            for link in block.links:
                if is_video_link(link.href) and _web_link(link.href):
                    other_url = link.href
                    break
            else:
                written = _VIDEO_URL_TEXT.search(block.text)
                other_url = written.group(0) if written else None
    return (watch_url if watch_url is not None else player_url or other_url) or None, watch_title
