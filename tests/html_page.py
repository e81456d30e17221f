"""Reading a page of the site as a browser would: what runs, what it links, which tags."""

from __future__ import annotations

from html.parser import HTMLParser


class PageParser(HTMLParser):
    """Collect what a browser would run: script elements and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(attributes)
        if tag in ("a", "link"):
            self.links.append(attributes)
        self.handlers += [(tag, name) for name in attributes if name.startswith("on")]


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def text(response) -> str:
    return response.get_data(as_text=True)
