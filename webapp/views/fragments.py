"""HTML joined outside templates, and page fragments rendered once per worker and kept.

Cards and facet links are joined in Python for speed; ``Fragment`` is the one way they are
built, and it escapes every text it is given, so no forgotten ``escape()`` can slip crawled
text into a page.

The version pickers of the search form are the same for every search of an index
generation, so each worker keeps the HTML of such macros (``fragment``), keyed by the macro
and its arguments: the arguments must be hashable and hold everything the macro reads.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from functools import lru_cache

from flask import Flask, request
from markupsafe import Markup, escape

from crawler.safe_text import safe_text

KEPT_FRAGMENTS = 1024  # fragments a worker keeps (a few kB each)


class Fragment:
    """HTML a template prints as it is: a kept fragment, a card, a facet's links.

    There are three ways to make one, and none lets unescaped text in:
    ``Fragment.format(template, *values)`` escapes every value (after ``visible_text``, the
    templates' ``finalize``) unless it is itself a Fragment or Markup; ``Fragment.join`` takes
    only fragments; ``Fragment(markup)`` takes only Markup, what Jinja renders. ``finalize``
    lets a Fragment by without scanning a kilobyte of markup again.
    """

    __slots__ = ("html",)

    def __init__(self, markup: Markup):
        if not isinstance(markup, Markup):
            raise TypeError("a Fragment holds Markup: build it with Fragment.format(template, …)")
        self.html = str(markup)

    @classmethod
    def format(cls, template: str, *values: object) -> Fragment:
        """``template`` (written in the code, with ``{}`` fields) filled with escaped values."""
        # Fragments, most of the values, are read in place rather than through _html.
        html = [value.html if type(value) is Fragment else _html(value) for value in values]
        return cls._holding(template.format(*html))

    @classmethod
    def join(cls, parts: Iterable[Fragment]) -> Fragment:
        """The fragments one after the other."""
        htmls = []
        for part in parts:
            if not isinstance(part, Fragment):
                raise TypeError(f"Fragment.join takes fragments, not {type(part).__name__}")
            htmls.append(part.html)
        return cls._holding("".join(htmls))

    @classmethod
    def _holding(cls, html: str) -> Fragment:
        fragment = object.__new__(cls)
        fragment.html = html
        return fragment

    def __html__(self) -> str:
        return self.html


def visible_text(value: object) -> object:
    """A template value made safe to show (``safe_text``); Markup stays Markup."""
    if not isinstance(value, str):
        return value
    cleaned = safe_text(value)
    if cleaned is value or cleaned == value:
        return value
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


def _html(value: object) -> str:
    """``value`` as HTML: text made visible and escaped as ``markupsafe.escape`` does, a
    number as it is, Markup only made visible (it is HTML already).

    A search page formats some 190 values; markupsafe built a ``Markup`` object for each, which cost
    more than the escaping, so text, the common case, is escaped by ``str.replace``.
    """
    kind = type(value)
    if kind is Fragment:
        return value.html
    if kind is str:
        return (
            safe_text(value)
            .replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    if kind is int:
        return str(value)
    if kind is Markup:  # already HTML: only made visible
        return str(visible_text(value))
    return str(escape(visible_text(value)))


def register_fragments(app: Flask) -> None:
    """Give the app its fragment cache and the ``fragment`` template global.

    ``fragment(template, macro, *args)`` is the HTML of ``macro`` in ``template`` for ``args``,
    rendered once per worker. Links depend on where the site is mounted and on the draft list
    the page carries (``pick``, which links to the site's pages keep), so the request's script
    root and draft list (noted per thread when it starts) are part of the key.
    """
    context = threading.local()

    @lru_cache(maxsize=KEPT_FRAGMENTS)
    def rendered(_links: tuple[str, str], template: str, macro: str, args: tuple) -> Fragment:
        macros = app.jinja_env.get_template(template).module
        return Fragment(getattr(macros, macro)(*args))

    @app.before_request
    def note_link_context() -> None:
        args = request.args
        picks = args["pick"] if "pick" in args else ""  # noqa: SIM401 (see helpers.link)
        context.links = (request.script_root, picks)

    def fragment(template: str, macro: str, *args: Hashable) -> Fragment:
        return rendered(getattr(context, "links", ("", "")), template, macro, args)

    app.jinja_env.globals["fragment"] = fragment
