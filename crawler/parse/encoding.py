"""Turning a page's bytes into text: byte-order marks, declared charsets, and bytes that
contradict the charset they declare.

Deterministic on purpose (no statistical guessing), and never silent: a BOM wins; bytes that
are valid UTF-8 are read as UTF-8 whatever the page declares (non-ASCII text in a single-byte
charset is practically never valid UTF-8, so a page declared latin-1 that is would otherwise
turn every accent into mojibake); a charset the page declares comes next; and bytes that are
neither come from older Windows tools, read as Windows-1252. Whenever the bytes contradict the
declared charset, the result carries a note saying what was done, for the caller to report.
A page that is UTF-8 with some bytes broken is marked damaged.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# A multi-byte UTF-8 sequence: legacy single-byte text almost never holds one.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class UndecodableError(ValueError):
    """The bytes are not text (a binary file) or not in any encoding we read."""


@dataclass(frozen=True)
class DecodedPage:
    """A page's text, the encoding it was read in, and what contradicted its declaration."""

    text: str
    encoding: str
    note: str | None = None  # set when the bytes contradict the declared charset
    damaged: bool = False  # UTF-8 with broken bytes (replaced by U+FFFD in ``text``)


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_page(data: bytes, *, declared: str | None = None) -> DecodedPage:
    """Decode a page's bytes, checking them against the charset it declares.

    Args:
        data: the page as fetched or saved.
        declared: the charset the HTTP answer declared; else the page's ``<meta charset>``.

    Raises:
        UndecodableError: the data is binary (NUL bytes) or breaks the encoding its BOM names.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedPage(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"not valid {encoding} after its byte-order mark") from exc
    if b"\x00" in data:
        raise UndecodableError("binary data (NUL bytes), not an HTML or text page")
    if declared is None and (found := _DECLARED.search(data[:4096])):
        declared = found.group(1).decode("ascii")
    codec = _codec_name(declared)
    if data.isascii():
        return DecodedPage(data.decode("ascii"), codec or "utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_byte = exc.start
    else:
        note = None
        if codec not in (None, "utf-8"):
            note = f"declared {declared} but its bytes are UTF-8; read as UTF-8"
        return DecodedPage(text, "utf-8", note)
    if codec not in (None, "utf-8"):
        try:
            return DecodedPage(data.decode(codec), codec)
        except UnicodeDecodeError:
            pass  # neither what it declares nor UTF-8: read below
    if _UTF8_SEQUENCE.search(data):
        return DecodedPage(
            data.decode("utf-8", errors="replace"),
            "utf-8",
            f"not valid utf-8 (byte {bad_byte})",
            damaged=True,
        )
    # Windows-1252 leaves five byte values undefined; they become U+FFFD.
    note = f"declared {declared} but its bytes are Windows-1252; read as Windows-1252"
    return DecodedPage(data.decode("cp1252", errors="replace"), "cp1252", note if codec else None)


def decode_page(data: bytes, *, source: str = "page") -> str:
    """Decode a saved page to text, logging a warning naming ``source`` when its bytes
    contradict its declared charset.

    Raises:
        UndecodableError: the data is binary (NUL bytes) or breaks the encoding its BOM names.
    """
    page = read_page(data)
    if page.note:
        log.warning("%s: %s", source, page.note)
    return page.text
