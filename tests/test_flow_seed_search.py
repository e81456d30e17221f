"""Every sentence of a post is searchable: a seed page imported, then searched from the CLI."""

import json

import pytest
from click.testing import CliRunner

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
