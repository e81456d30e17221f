"""Turning a saved page's bytes into text: byte-order marks, declared charsets, old Windows text.

Deterministic on purpose (no statistical guessing): a BOM wins, then a charset the page
declares, then UTF-8, then Windows-1252, which is what older Windows tools save.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class UndecodableError(ValueError):
    """The bytes are not text (a binary file) or not in any encoding we read."""


def decode_page(data: bytes) -> str:
    """Decode a saved page to text.

    Raises:
        UndecodableError: the data is binary (NUL bytes) or breaks the encoding its BOM names.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"not valid {encoding} after its byte-order mark") from exc
    if b"\x00" in data:
        raise UndecodableError("binary data (NUL bytes), not an HTML or text page")
    declared = _DECLARED.search(data[:4096])
    if declared:
        try:
            return data.decode(codecs.lookup(declared.group(1).decode("ascii")).name)
        except (LookupError, UnicodeDecodeError):
            # An unknown charset name, or a page saved in another charset than it declares:
            # read it like an undeclared page.
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 leaves five byte values undefined; they become U+FFFD.
        return data.decode("cp1252", errors="replace")
