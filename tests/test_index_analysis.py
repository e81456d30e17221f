"""The one-pass analyzer yields exactly the tokens of Whoosh's StemmingAnalyzer."""

import pickle

from hypothesis import given
from hypothesis import strategies as st
from whoosh.analysis import StemmingAnalyzer

from index.analysis import FastStemmingAnalyzer

STOCK = StemmingAnalyzer()
FAST = FastStemmingAnalyzer()


def tokens(analyzer, text, **options):
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.stopped)
        for t in analyzer(text, positions=True, chars=True, **options)
    ]


def test_words_are_lowercased_stemmed_and_stop_words_dropped():
    text = "The Invoices are now Invoicing v2.212 #1085470 at 49:41 a e-mail"
    assert tokens(FAST, text) == tokens(STOCK, text)
    assert [t.text for t in FAST(text)] == [
        "invoic",
        "now",
        "invoic",
        "v2.212",
        "1085470",
        "49",
        "41",
        "mail",
    ]


@given(st.text(max_size=200))
def test_any_text_gives_the_stock_tokens(text):
    assert tokens(FAST, text) == tokens(STOCK, text)
    assert tokens(FAST, text, removestops=False) == tokens(STOCK, text, removestops=False)


def test_survives_pickling_for_indexing_processes():
    copy = pickle.loads(pickle.dumps(FAST))
    assert [t.text for t in copy("recurring billing")] == ["recurr", "bill"]
