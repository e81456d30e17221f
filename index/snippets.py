"""What a hit shows besides its record: an escaped, highlighted snippet and a video link."""

from __future__ import annotations

import sys
from array import array
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from markupsafe import escape

from index.schema import text_analyzer

SNIPPET_CHARS = 220  # about two lines of a result card
WORD_SPANS_CACHE_SIZE = 16_384  # texts whose word spans are kept (about 1 kB each)


@lru_cache(maxsize=WORD_SPANS_CACHE_SIZE)
def _word_spans(text: str) -> tuple[tuple[str, ...], array]:
    """The stems of the words of ``text`` (stop words kept, unstemmed) and their spans.

    The spans are one array of start, end offsets. Remembered per text: the same features come
    back in search after search, and this compact form keeps thousands in a few MB.
    """
    stems: list[str] = []
    offsets = array("I")
    for token in text_analyzer()(text, chars=True, removestops=False):
        stems.append(sys.intern(token.text))
        offsets.append(token.startchar)
        offsets.append(token.endchar)
    return tuple(stems), offsets


def _matches(text: str, terms: frozenset[str], prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` whose stems are query terms."""
    stems, offsets = _word_spans(text)
    return [
        (offsets[2 * index], offsets[2 * index + 1])
        for index, stem in enumerate(stems)
        if stem in terms or (prefixes and stem.startswith(prefixes))
    ]


def _cut(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The window of ``text`` to show: around the first match, on word boundaries."""
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_CHARS // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def snippet(texts: list[str], terms: frozenset[str], prefixes: tuple[str, ...] = ()) -> str:
    """Return safe HTML: the text with the most query matches, escaped, matches in <mark>.

    ``texts`` are candidates in order of preference (summary, bullets, title); ``terms`` are
    analysed query terms and ``prefixes`` the stems of ``prefix*`` words.
    """
    best_text, best_spans = "", []
    for text in texts:
        if not text:
            continue
        spans = _matches(text, terms, prefixes) if terms or prefixes else []
        if not best_text or len(spans) > len(best_spans):
            best_text, best_spans = text, spans
    start, end = _cut(best_text, best_spans)
    parts = ["… " if start else ""]
    position = start
    for span_start, span_end in best_spans:
        if span_start < position or span_end > end:
            continue
        parts.append(escape(best_text[position:span_start]))
        parts.append(f"<mark>{escape(best_text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(best_text[position:end]))
    if end < len(best_text):
        parts.append(" …")
    return "".join(parts)  # every piece of text escaped above


@lru_cache(maxsize=4096)
def video_at(video_url: str | None, seconds: int | None) -> str | None:
    """Return the video URL opened at ``seconds`` (YouTube ``t=``, others ``#t=``)."""
    if not video_url:
        return None
    if seconds is None or seconds < 0:
        return video_url
    parts = urlsplit(video_url)
    host = (parts.hostname or "").lower()
    if host == "youtu.be" or host.endswith("youtube.com") or host.endswith("youtube-nocookie.com"):
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{seconds}s"))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))
