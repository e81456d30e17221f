"""The query language says what it did: OR, unknown areas, ticket and version look-alikes,
and the page documents the version range syntax."""

from __future__ import annotations

import pytest
from site_data import write_archive

from crawler.versions import version_key
from index import IndexReader, QueryError, parse_request
from index.build import rebuild_index
from tests.index_data import write_store
from webapp.app import create_app


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("syntax")
    write_store(data_dir)
    rebuild_index(data_dir)
    return IndexReader(data_dir)


def search(reader, q: str, **params):
    return reader.search(parse_request({"q": q, "page_size": "100", **params}))


def tickets(page) -> set[str]:
    return {hit.ticket_id for hit in page.hits}


def test_or_finds_either_word(reader):
    xero, meter = tickets(search(reader, "xero")), tickets(search(reader, "meter"))
    assert xero and meter and not xero & meter
    either = search(reader, "xero OR meter")
    assert tickets(either) == xero | meter
    assert either.notice is None
    assert tickets(search(reader, "recurring OR xero OR timesheet")) == (
        tickets(search(reader, "recurring")) | xero | tickets(search(reader, "timesheet"))
    )
    # Other words still all have to match.
    assert tickets(search(reader, "credit xero OR meter")) == xero


def test_an_or_without_a_word_on_each_side_says_so(reader):
    page = search(reader, "xero OR")
    assert "OR goes between two words" in page.notice
    assert tickets(page) == tickets(search(reader, "xero"))


def test_an_unknown_area_names_the_known_ones_and_matches_nothing(reader):
    page = search(reader, "area:nonsense")
    assert page.total == 0
    assert page.notice.startswith("Unknown area 'nonsense'; known areas: ")
    assert "billing" in page.notice and "Could not read" not in page.notice
    with pytest.raises(QueryError, match="known areas: .*billing"):
        parse_request({"area": "nonsense"})


def test_a_minus_before_a_filter_leaves_out_what_it_would_keep(reader):
    """``-area:billing`` was searched as the phrase "area billing", which most features lack:
    it is the search without the features the filter keeps."""
    everything = search(reader, "")
    billing = search(reader, "area:billing")
    assert billing.total and billing.total < everything.total
    left = search(reader, "-area:billing")
    assert left.total == everything.total - billing.total
    assert all("billing" not in hit.areas for hit in left.hits)
    newer = search(reader, "-version:..2.212")
    assert newer.total
    assert all(version_key(hit.version) > version_key("2.212") for hit in newer.hits)


def test_a_minus_before_a_hyphenated_word_excludes_it(reader):
    assert tickets(search(reader, "-credit-notes")) == tickets(search(reader, '-"credit notes"'))


def test_ticket_syntax_without_digits_is_not_corrected_into_a_word(reader):
    page = search(reader, "#abc")
    assert page.suggestion is None
    assert "not a ticket number" in page.notice


def test_a_version_typed_wrong_gets_a_hint(reader):
    page = search(reader, "v2.2x")
    assert page.total == 0
    assert "is not a version: write one like v2.212" in page.notice
    assert "version:2.210..2.216" in page.notice


def test_the_search_page_documents_the_version_range(tmp_path):
    write_archive(tmp_path)
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "<code>version:2.214..2.218</code>" in page and "either OR other" in page
