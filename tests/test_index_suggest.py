"""'Did you mean' on a hostile vocabulary: the work per misspelt word is bounded (terms read,
words looked at), and a close word is still found. Timings are in bench/hostile_query.py."""

from __future__ import annotations

import random
import string

import pytest

from crawler.records import Episode, Feature
from crawler.store import Store
from index import IndexReader, parse_request
from index.build import index_path, open_index, rebuild_index
from index.suggest import MAX_WORDS, SCAN_LIMIT, candidate_terms

URL = "https://blog.example/by-the-run-book-episode-1"
HOSTILE_TERMS = 6 * SCAN_LIMIT  # words starting with "q", far more than one scan reads


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """An index whose summaries hold thousands of random words sharing a first letter."""
    rng = random.Random(12)
    words = {"q" + "".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(HOSTILE_TERMS)}
    words = sorted(words)
    features = [
        Feature(
            title=f"Quarterly option {n}",
            url=URL,
            episode=1,
            ticket_id=str(5_000_000 + n),
            version="2.216",
            summary=" ".join(words[n * 100 : (n + 1) * 100]),
            position=n,
        )
        for n in range(len(words) // 100)
    ]
    features.append(
        Feature(title="Webhooks for invoices", url=URL, episode=1, position=len(features))
    )
    data_dir = tmp_path_factory.mktemp("vocabulary")
    Store(data_dir).merge([Episode(episode=1, title="Episode 1", url=URL)], features)
    rebuild_index(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def reader(data_dir):
    return IndexReader(data_dir, cache_size=0)


def test_a_misspelt_word_reads_a_bounded_number_of_terms(data_dir):
    with open_index(index_path(data_dir).resolve()).reader() as terms:
        in_bucket = sum(1 for _ in terms.expand_prefix("summary", "q"))
        read = candidate_terms(terms, "summary", "qzzzzzz")
    assert in_bucket >= HOSTILE_TERMS - 10
    assert len(read) <= 2 * SCAN_LIMIT


def test_a_close_word_is_still_suggested(reader):
    assert reader.search(parse_request({"q": "webhoks"})).suggestion == "webhooks"


def test_a_query_of_many_misspelt_words_looks_for_none(reader):
    many = ["webhoks", "invoces", "quartrly", "optiom"][: MAX_WORDS + 1]
    assert len(many) > MAX_WORDS
    page = reader.search(parse_request({"q": " ".join(many)}))
    assert page.total == 0 and page.suggestion is None
    few = reader.search(parse_request({"q": "webhoks invoces"}))
    assert few.suggestion == "webhooks invoices"
