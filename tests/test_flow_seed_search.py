"""Searching the records parsed from the captured blog pages (read from the seeds at run time):
every sentence of a post is searchable from the CLI, ticket numbers come first, words find their
stems, versions and release order range over what the pages say."""

import json

import pytest
from click.testing import CliRunner

from crawler.versions import version_key
from index import IndexReader, parse_request
from webapp.cli import cli


@pytest.fixture(scope="module")
def seed_000_data(seeds_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("seed000") / "data"
    (seed,) = seeds_dir.glob("000_*.txt")
    imported = CliRunner().invoke(cli, ["import", str(seed), "--data", str(data)])
    assert imported.exit_code == 0, imported.output
    built = CliRunner().invoke(cli, ["index", "--data", str(data)])
    assert built.exit_code == 0, built.output
    return data


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Auvik", "Auvik imports"),
        ("Kaseya", "Kaseya VSA X"),
        ("SailPoint", "SailPoint IdentityIQ"),
        ('"invoice reminders"', "invoice reminders"),
        ('"JWT validation"', "JWT validation"),
    ],
)
def test_a_paragraph_without_a_title_line_is_found_by_search(seed_000_data, query, words):
    found = CliRunner().invoke(cli, ["search", query, "--json", "--data", str(seed_000_data)])
    assert found.exit_code == 0, found.output
    records = json.loads(found.output)
    assert any(words in r["title"] + " " + r["summary"] for r in records), records
    assert all(r["episode"] in {20, 21, 22} for r in records)


@pytest.fixture(scope="module")
def seed_reader(seed_data_dir):
    return IndexReader(seed_data_dir)


def search(reader, **params):
    return reader.search(parse_request(params))


@pytest.mark.parametrize(("query", "ticket"), [("1085470", "1085470"), ("#1003085", "1003085")])
def test_a_ticket_number_returns_that_ticket_first(seed_reader, query, ticket):
    page = search(seed_reader, q=query)
    assert page.hits and page.hits[0].ticket_id == ticket


def test_invoices_finds_features_that_say_invoicing(seed_reader):
    page = search(seed_reader, q="invoices", page_size="100")
    texts = [" ".join([h.title, h.summary, *h.bullets]).lower() for h in page.hits]
    assert any("invoicing" in text for text in texts)
    assert any("invoices" not in text for text in texts)  # found through the shared stem
    assert any("<mark>" in hit.snippet for hit in page.hits)


def test_the_version_written_v2_21_has_19_features_between_2_208_and_2_212(seed_reader):
    page = search(seed_reader, q="v2.21", page_size="100")
    assert page.total == 19
    assert {hit.version for hit in page.hits} == {"2.210"}
    assert search(seed_reader, version="2.210").total == 19
    order = [v.value for v in seed_reader.versions()]
    assert "2.210" in order
    assert version_key("2.208") < version_key("2.210") < version_key("2.212")
    assert order.index("2.210") < order.index("2.212")
    assert order == sorted(order, key=version_key)


def test_release_order_ranges_over_the_seed_versions(seed_reader):
    page = search(seed_reader, q="version:2.208..2.212", page_size="100")
    assert {hit.version for hit in page.hits} == {"2.210", "2.212"}
