"""Stage 1, page -> blocks: headings, paragraphs, bullets and video players, in page order.

HTML is read by element kind (h1-h6, p, li), never by a site's own class names, so any
Webflow template works; text outside the usual elements still becomes blocks, which is the
"main text of the page" fallback, and a table row (in an embed) is one block, its cells
joined with bars. Two Webflow conventions are read: blocks with the class
``w-condition-invisible`` are never shown by a browser and are dropped, and an embedded
player (a rich-text video figure's ``iframe``) becomes a VIDEO block carrying the video's
link. A plain-text capture gives one block per non-empty line, so blank lines between
paragraphs change nothing; a line that starts with a bullet mark is a bullet. (Markdown
files are rendered to HTML before they get here.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4 import ProcessingInstruction as BsProcessingInstruction

from crawler.safe_text import safe_text

HEADING = "heading"
PARAGRAPH = "paragraph"
BULLET = "bullet"
VIDEO = "video"  # an embedded player: no text, one link to the video

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = HEADING_TAGS | frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "header", "hr", "html", "li", "main", "ol", "p", "pre",
        "section", "summary", "table", "tr", "ul",
    }
)  # fmt: skip
# A table row is one block, its cells joined with bars: "Title | v2.216 | #1085470 | 49:41".
CELL_TAGS = frozenset({"td", "th"})
CELL_BAR = " | "
# Elements whose text is never post text.
DROPPED_TAGS = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "nav", "footer", "iframe", "form"}
)
_HTML_SIGN = re.compile(
    r"<(?:!doctype|html|head|body|article|main|div|p|h[1-6]|ul|ol|li|br|span|a|strong)\b[^<>]*>",
    re.I,
)
_BULLET_MARK = re.compile(r"^(?:[•·▪◦●‣∙]|[-*+–](?=\s))\s*")
_SPACE = re.compile(r"\s+")
_NEVER_SHOWN_CLASS = "w-condition-invisible"
_RICH_TEXT_CLASS = "w-richtext"
_WATCH_PAGE = re.compile(
    r"^https?://(?:www\.)?(?:youtube\.com/watch\?|youtu\.be/|vimeo\.com/\d)", re.I
)
_EMBED = re.compile(
    r"^https?://(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/|player\.vimeo\.com/video/)"
    r"([\w-]{6,20})",
    re.I,
)


@dataclass(frozen=True)
class Link:
    """A link inside a block: its visible text and absolute target."""

    text: str
    href: str


@dataclass(frozen=True)
class Block:
    """One heading, paragraph, bullet or video player of a page."""

    kind: str  # HEADING, PARAGRAPH, BULLET or VIDEO
    text: str
    links: tuple[Link, ...] = ()
    article: int = -1  # which <article> element holds it (-1: none)
    rich: bool = False  # inside a Webflow rich-text element (the post's own text)


def looks_like_html(text: str) -> bool:
    """True when the text carries HTML markup rather than being a plain-text capture."""
    return bool(_HTML_SIGN.search(text[:200_000]))


def clean(text: str) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space and trim, without
    the invisible characters an HTML entity may spell (``&#8203;``, ``&shy;``)."""
    return _SPACE.sub(" ", safe_text(text).replace("\u00a0", " ")).strip()


def text_blocks(text: str) -> list[Block]:
    """One block per non-empty line of a plain-text capture; bullet marks make bullets."""
    blocks = []
    for raw in text.splitlines():
        line = clean(raw)
        if not line:
            continue
        mark = _BULLET_MARK.match(line)
        if mark:
            line = line[mark.end() :].strip()
            if line:
                blocks.append(Block(BULLET, line))
        else:
            blocks.append(Block(PARAGRAPH, line))
    return blocks


def _hidden(tag: Tag) -> bool:
    style = (tag.get("style") or "").replace(" ", "").lower()
    classes = tag.get("class") or ()
    return tag.has_attr("hidden") or "display:none" in style or _NEVER_SHOWN_CLASS in classes


def _player_link(tag: Tag) -> str | None:
    """The watch URL of an embedded YouTube or Vimeo player, or None.

    The player's ``src`` is the video's embed URL, or an embed.ly widget that carries the
    video's own URL in its ``url`` or ``src`` query parameter.
    """
    src = str(tag.get("src") or "").strip()
    if "embedly.com/" in src:
        query = parse_qs(urlsplit(src).query)
        src = next((query[k][0] for k in ("src", "url") if query.get(k)), "")
    if _WATCH_PAGE.match(src):
        return src
    match = _EMBED.match(src)
    if not match:
        return None
    if "vimeo" in match.group(0).lower():
        return f"https://vimeo.com/{match.group(1)}"
    return f"https://www.youtube.com/watch?v={match.group(1)}"


@dataclass(frozen=True)
class _Place:
    """Where a node sits: the kind of block it is in, its <article>, and rich text or not."""

    kind: str
    article: int = -1
    rich: bool = False


class _Collector:
    """Gathers inline text and links until a block boundary flushes them into a Block."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.links: list[Link] = []

    def add_link(self, tag: Tag) -> None:
        href = tag.get("href")
        if isinstance(href, str) and href.strip() and not href.strip().startswith("#"):
            try:
                target = urljoin(self.base_url, href.strip())
            except ValueError:
                return
            self.links.append(Link(clean(tag.get_text(" ")), target))

    def add_player(self, href: str, place: _Place) -> None:
        self.blocks.append(Block(VIDEO, "", (Link("", href),), place.article, place.rich))

    def start_cell(self) -> None:
        """Put a bar between this cell and the row's cells before it."""
        if "".join(self.parts).strip():
            self.parts.append(CELL_BAR)

    def flush(self, place: _Place) -> None:
        text = clean("".join(self.parts))
        self.parts = []
        if text:
            self.blocks.append(
                Block(place.kind, text, tuple(self.links), place.article, place.rich)
            )
            self.links = []
        # Links with no text of their own (a link wrapped around a card or a button)
        # stay pending and belong to the next block that has text.


def _inner_place(tag: Tag, name: str, place: _Place, articles: int) -> _Place:
    kind = place.kind
    if name in HEADING_TAGS:
        kind = HEADING
    elif name == "li":
        kind = BULLET
    elif name == "thead" or (name == "tr" and tag.find("td") is None):
        kind = HEADING  # a table's column names
    elif name == "p" and kind != BULLET:
        kind = PARAGRAPH
    return _Place(
        kind,
        articles if name == "article" else place.article,
        place.rich or _RICH_TEXT_CLASS in (tag.get("class") or ()),
    )


def html_blocks(html: str, base_url: str = "") -> list[Block]:
    """Read an HTML page into blocks, in document order, dropping navigation and scripts."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    collector = _Collector(base_url)
    articles = 0
    # An explicit stack instead of recursion: deeply nested markup must not overflow.
    stack: list[tuple[bool, object, _Place]] = [(False, root, _Place(PARAGRAPH))]
    while stack:
        closing, node, place = stack.pop()
        if closing:
            collector.flush(place)
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, Comment | Declaration | Doctype | BsProcessingInstruction):
                collector.parts.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if _hidden(node):
            continue
        if name == "iframe":
            player = _player_link(node)
            if player:
                collector.flush(place)
                collector.add_player(player, place)
            continue
        if name in DROPPED_TAGS:
            continue
        if name == "br":
            collector.flush(place)
            continue
        inner = _inner_place(node, name, place, articles)
        if name == "article":
            articles += 1
        if name in BLOCK_TAGS:
            collector.flush(place)
            stack.append((True, node, inner))
        if name in CELL_TAGS:
            collector.start_cell()
        if name == "a":
            collector.add_link(node)
        stack.extend((False, child, inner) for child in reversed(node.contents))
    collector.flush(_Place(PARAGRAPH))
    return collector.blocks


def page_blocks(text: str, base_url: str = "") -> list[Block]:
    """Read a page, HTML or plain text, into blocks."""
    if looks_like_html(text):
        return html_blocks(text, base_url)
    return text_blocks(text)
