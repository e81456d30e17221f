"""``halonotes crawl`` as a command: its options, the index update it chains after the crawl,
and the exit code and lines that say what a run could not do.

Each crawl runs as its own subprocess against a copy of the sample site on 127.0.0.1 (the
Twisted reactor cannot be restarted in one process).
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from index import IndexReader, parse_request
from index.build import rebuild_index
from tests.crawl_server import (
    crawl,
    fresh_server,  # noqa: F401 (autouse: runs around every test here)
    jsonl,
)
from tests.index_data import write_store
from webapp.cli import cli

POST_53 = "thoughts/by-the-run-book-episode-53.html"
SAMPLE_TICKET = "1190095"  # a feature of episode 53 of the sample site


@pytest.fixture
def partial_site(server, tmp_path):
    """The site with one line of episode 53 naming a ticket that is in no feature."""
    site = tmp_path / "edited-site"
    shutil.copytree(server.site_dir, site)
    post = site / POST_53
    heading = "<h3>v2.218 Features</h3>"
    text = post.read_text(encoding="utf-8")
    assert heading in text
    post.write_text(
        text.replace(heading, f"{heading}\n<p>Both #1190199 and #1190198 came up.</p>", 1),
        encoding="utf-8",
    )
    original, server.site_dir = server.site_dir, site
    yield site
    server.site_dir = original


def test_sample_and_start_url_together_is_a_usage_error(tmp_path):
    data_dir = tmp_path / "data"
    result = CliRunner().invoke(
        cli,
        ["crawl", "--sample", "--start-url", "http://127.0.0.1:9/", "--data", str(data_dir)],
    )
    assert result.exit_code == 2
    assert "Error: Use either --sample or --start-url, not both." in result.output
    assert not data_dir.exists()


def test_a_post_read_only_in_part_is_stored_named_and_fails_the_run(server, partial_site, tmp_path):
    data_dir = tmp_path / "data"
    result = crawl(server, data_dir)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: 1 episode posts were read only in part: episode 53: 1 ID token in no feature "
        "(#1190198). Their records hold what could be read."
    )
    assert result.stdout == (
        "Crawl: 8 pages fetched, 0 unchanged, 5 new, 0 changed, 0 failed; "
        "features 42 added, 0 updated; 1 unparsed ID tokens; 1 posts partial.\n"
    )
    assert SAMPLE_TICKET in {f["ticket_id"] for f in jsonl(data_dir / "features.jsonl")}
    report = json.loads((data_dir / "last_run.json").read_text(encoding="utf-8"))
    assert report["totals"]["partial"] == 1


def test_a_crawl_brings_an_existing_search_index_up_to_date(server, tmp_path):
    data_dir = tmp_path / "data"
    write_store(data_dir)  # an invented episode 30 with ticket 2000001, already indexed
    rebuild_index(data_dir)
    result = crawl(server, data_dir)
    assert result.returncode == 0, result.stderr
    assert "Search index not updated" not in result.stderr
    reader = IndexReader(data_dir)
    for ticket in (SAMPLE_TICKET, "2000001"):
        assert [hit.ticket_id for hit in reader.search(parse_request({"q": ticket})).hits] == [
            ticket
        ]


def test_an_index_that_cannot_be_updated_is_named_fails_the_run_and_the_crawl_still_stores(
    server, tmp_path
):
    data_dir = tmp_path / "data"
    index_dir = data_dir / "index"
    index_dir.mkdir(parents=True)
    (index_dir / "_MAIN_1.toc").write_bytes(b"not an index")
    result = crawl(server, data_dir)
    # The store is current, but the site would go on serving the old records: say so, exit 1.
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert any(
        line.startswith("Search index not updated: The search index at ")
        and line.endswith("Run: halonotes index --rebuild")
        for line in lines
    ), result.stderr
    assert "The store is up to date but the search index is not" in result.stderr
    assert SAMPLE_TICKET in {f["ticket_id"] for f in jsonl(data_dir / "features.jsonl")}
