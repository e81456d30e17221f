"""The text analyzer: Whoosh's StemmingAnalyzer in one pass, the hottest loop of a rebuild.

Whoosh chains a tokenizer and three filters as nested generators, which costs a Python call
per token per stage. This analyzer yields the same tokens (words, lowercased, stop words and
one-letter words dropped, Porter stems, the same positions and character offsets) from a
single loop with a dictionary of stems.
"""

from __future__ import annotations

from whoosh.analysis import STOP_WORDS, Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

MIN_WORD = 2  # shorter words are dropped, as StemmingAnalyzer does
_STEM_CACHE_SIZE = 200_000


class FastStemmingAnalyzer(Analyzer):
    """Tokens equal to ``StemmingAnalyzer()``'s, produced by one generator."""

    def __init__(self):
        self._stems: dict[str, str] = {}

    def __eq__(self, other):
        return type(other) is type(self)

    def __hash__(self):
        return hash(type(self))

    def __getstate__(self):
        return {}  # the stem cache is rebuilt in each process

    def __setstate__(self, state):
        self._stems = {}

    def _stem(self, word: str) -> str:
        stems = self._stems
        found = stems.get(word)
        if found is None:
            if len(stems) > _STEM_CACHE_SIZE:
                stems.clear()
            found = stems[word] = stem(word)
        return found

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        """Yield the tokens of ``value`` (one reused Token object, as Whoosh does)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        words = default_pattern.finditer(value) if tokenize else [None]
        pos = None
        for index, match in enumerate(words):
            original = match.group(0) if match is not None else value
            text = original.lower()
            stopped = len(text) < MIN_WORD or text in STOP_WORDS
            if stopped and removestops:
                continue
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = original
            if positions:
                if stopped:
                    token.pos = start_pos + index
                else:
                    # StopFilter's renumbering: the first kept word keeps its place, then +1.
                    pos = start_pos + index if pos is None else pos + 1
                    token.pos = pos
            if chars:
                start = match.start() if match is not None else 0
                token.startchar = start_char + start
                token.endchar = start_char + start + len(original)
            token.text = text if stopped else self._stem(text)
            yield token
