"""Whoosh's W3 codec with field lengths held in memory and uncompressed posting blocks.

Writing a segment looks up a document's field length for every posting, and scoring does
for every scored document; the stock reader seeks and reads one byte from the length column
each time, which was a quarter of a rebuild. This reader loads each length column once. Small
posting blocks are also left uncompressed: zlib on blocks of a few postings cost more time than
the bytes it saved. Segments record their codec, so readers of this index use it too.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

_LENGTHS = tuple(byte_to_length(value) if value else None for value in range(256))


class LengthsInMemoryReader(W3PerDocReader):
    """A per-document reader that answers field lengths from arrays loaded once per field."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._length_arrays: dict[str, array | None] = {}

    def _lengths(self, fieldname: str) -> array | None:
        found = self._length_arrays.get(fieldname, False)
        if found is False:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            found = array("B", column) if column is not None else None
            self._length_arrays[fieldname] = found
        return found

    def doc_field_length(self, docnum, fieldname, default=0):
        """The field's length in the document (as the stock reader: None when it is empty)."""
        lengths = self._lengths(fieldname)
        if lengths is None:
            return default
        return _LENGTHS[lengths[docnum]]


class HalonotesCodec(W3Codec):
    """W3 with in-memory field lengths and no compression of posting blocks."""

    def __init__(self, blocklimit=128, compression=0, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def per_document_reader(self, storage, segment):
        """The per-document reader of a segment."""
        return LengthsInMemoryReader(storage, segment)
