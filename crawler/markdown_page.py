"""Saved Markdown pages (``.md``): rendered to HTML with CommonMark before the parser reads them.

The show-notes exports are Markdown in the blog's post shape; CommonMark turns their
headings, bold lines, lists and backslash escapes into the HTML the parser reads, so an
exported post imports back to the same features.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_COMMONMARK = MarkdownIt("commonmark")


def is_markdown(path: Path) -> bool:
    """True for a file saved as Markdown."""
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def markdown_html(text: str) -> str:
    """A Markdown page as HTML (CommonMark: raw HTML in it stays HTML, as a blog shows it)."""
    return _COMMONMARK.render(text)
