"""Whoosh's W3 codec with field lengths held in memory and uncompressed posting blocks.

Writing a segment looks up a document's field length for every posting, and scoring does
for every scored document; the stock reader seeks and reads one byte from the length column
each time, which was a quarter of a rebuild. This reader loads each length column once per
segment and process: a segment's lengths never change, so every searcher of every thread
reads the same arrays, and one that warmed a segment leaves nothing for the others to load
(about 0.7 s a field at 100,000 features, paid by a request's first search). Small
posting blocks are also left uncompressed: zlib on blocks of a few postings cost more time than
the bytes it saved. Segments record their codec, so readers of this index use it too.

The reader also opens all of a segment's column files (stored records, lengths, sort columns)
when it is created. Whoosh opens them on first use, but a commit that merges segments deletes
their files, and a searcher opened just before it would then find its records gone mid-search.
Files already open stay readable after they are deleted.

This is the one module of the project that touches Whoosh's private names (``_lenfield``,
and ``W3PerDocReader``'s ``_colfiles``, ``_get_column_file`` and ``_cached_reader``), checked
against Whoosh-Reloaded 2.7.5, the only release pyproject.toml allows (``>=2.7.5,<2.8``).
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

from index.cache import LruCache

_COLUMN_EXT = W3Codec.COLUMN_EXT
_LENGTHS = tuple(byte_to_length(value) if value else None for value in range(256))
LENGTH_BYTES = 64_000_000  # bytes of length arrays kept (a byte per document and field)
# The length arrays of segments, by folder, segment id and field, for every reader of them.
_length_arrays: LruCache[array] = LruCache(LENGTH_BYTES, weigh=len)


class LengthsInMemoryReader(W3PerDocReader):
    """A per-document reader that opens every column file at once and answers field lengths
    from arrays loaded once per field."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._lengths_key = (getattr(storage, "folder", id(storage)), segment.segment_id())
        self._length_arrays: dict[str, array | None] = {}
        prefix = f"{segment.segment_id()}."
        for name in segment.list_files(storage):
            if name.endswith(_COLUMN_EXT):
                fieldname = name[len(prefix) : -len(_COLUMN_EXT)]
                self._colfiles[fieldname] = self._get_column_file(fieldname)
        if "_stored" not in self._colfiles:  # every segment has one: a commit removed this one
            raise FileNotFoundError(f"The files of index segment {prefix[:-1]} were removed")

    def has_column(self, fieldname):
        """Whether the segment has the column (from the files opened with the reader)."""
        return fieldname in self._colfiles

    def _lengths(self, fieldname: str) -> array | None:
        found = self._length_arrays.get(fieldname, False)
        if found is False:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is not None:
                key = (*self._lengths_key, fieldname)
                found = _length_arrays.get(key, lambda: array("B", column))
            else:
                found = None
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
