"""The one rule for text every output may carry: no XML-forbidden or invisible code points.

Crawled text is cleaned with ``safe_text`` once, when a page is parsed; outputs call it
again as a guard (a hand-edited or older store may hold anything), so no stored record
can break an RSS or Atom feed, hide a ticket ID or make a page read backwards.
"""

from __future__ import annotations

import re

# Code points XML 1.0 forbids or discourages: C0 controls other than tab, newline and
# carriage return; DEL and the C1 controls; lone surrogates; the noncharacters U+FDD0-U+FDEF
# and U+xFFFE/U+xFFFF of every plane.
_XML_UNSAFE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane * 0x10000 + end) for plane in range(1, 17) for end in (0xFFFE, 0xFFFF))
)
# Characters no post means to show: bidi marks, embeddings, overrides and isolates (they
# make text read backwards), zero-width spaces, word joiners, soft hyphens and stray
# byte-order marks. Zero-width (non-)joiners stay: emoji and some scripts need them.
_INVISIBLE = "\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[{_XML_UNSAFE}{_INVISIBLE}]")
# A joiner next to a digit or "#" joins nothing: it only splits a ticket ID.
_JOINER_IN_ID = re.compile(r"(?<=[#0-9])[\u200c\u200d]+|[\u200c\u200d]+(?=[0-9])")


def safe_text(text: str) -> str:
    """The text without XML-forbidden, control and invisible code points."""
    if text.isprintable() or _without_kept_controls(text).isprintable():
        return text  # every code point removed here is non-printable (and not kept)
    return _JOINER_IN_ID.sub("", _UNSAFE.sub("", text))


def _without_kept_controls(text: str) -> str:
    """``text`` without the tabs and line breaks ``safe_text`` keeps.

    Most summaries hold a line break, so ``isprintable`` alone sends them to the regular
    expressions (some 150 µs on 500 characters, many times a page); this check costs a
    twentieth of that.
    """
    return text.replace("\n", "").replace("\t", "").replace("\r", "")


def safe_data(value: object) -> object:
    """JSON-shaped data with ``safe_text`` applied to every string in it, keys included."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {safe_text(k): safe_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_data(item) for item in value]
    return value


def is_safe(text: str) -> bool:
    """True when ``safe_text`` would leave the text unchanged."""
    return safe_text(text) == text
