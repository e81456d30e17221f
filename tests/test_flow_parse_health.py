"""Parse health is never hidden: partial posts are named by import, crawl and /status."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner

from crawler.sample_site import sample_site_dir
from tests.crawl_server import LoggingServer, crawl
from webapp.app import create_app
from webapp.cli import cli


@pytest.fixture(scope="module")
def seeds_imported(seeds_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("health") / "data"
    result = CliRunner().invoke(cli, ["import", str(seeds_dir), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["index", "--data", str(data)]).exit_code == 0
    return data, result.output


def test_each_import_line_and_the_total_say_which_posts_are_partial(seeds_imported):
    data, output = seeds_imported
    lines = {
        int(line.split(": episode ")[1].split()[0].rstrip(":")): line
        for line in output.splitlines()
        if ": episode " in line
    }
    for number in (20, 21, 22):
        assert "; partial: " in lines[number] and "without a title line" in lines[number]
    for number in (17, 18, 19):
        assert "partial" not in lines[number]
    assert "3 posts partial" in output.splitlines()[-1]
    last_run = json.loads((data / "last_run.json").read_text(encoding="utf-8"))
    assert last_run["totals"]["partial"] == 3
    (page,) = [p for p in last_run["pages"] if p["episodes"] == [22, 21, 20]]
    assert [row.split(":")[0] for row in page["partial"]] == [
        "episode 22",
        "episode 21",
        "episode 20",
    ]


def test_the_status_page_lists_partial_episodes(seeds_imported):
    data, _ = seeds_imported
    page = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client().get("/status")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Partial posts</dt><dd>3" in text
    for number in (20, 21, 22):
        assert re.search(rf"Episode {number}</a>:\s*the parse was partial: ", text)
    assert "Episode 19</a>" not in text.split("Episodes to check")[1]


def test_a_crawled_post_with_an_unplaced_id_is_partial_and_fails_the_run(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site_dir(), site)
    post = site / "thoughts" / "by-the-run-book-episode-55.html"
    text = post.read_text(encoding="utf-8")
    marker = "<h2>FullFeature List</h2>"
    # An ID in fullwidth digits is no ticket ID: it cannot be placed, and must not be hidden.
    unplaced = "<p>Portal logos per client #７７００１２３</p>"
    post.write_text(text.replace(marker, unplaced + marker), encoding="utf-8")
    with LoggingServer(site) as server:
        result = crawl(server, tmp_path / "data")
    assert result.returncode != 0, result.stdout
    assert "1 posts partial." in result.stdout
    assert "episode 55: 1 ID token in no feature (#７７００１２３)" in result.stderr
    lines = (tmp_path / "data" / "episodes.jsonl").read_text(encoding="utf-8").splitlines()
    episodes = [json.loads(line) for line in lines]
    (episode,) = [e for e in episodes if e["episode"] == 55]
    assert episode["parse"].startswith("partial: ")
    assert episode["unparsed_ids"] == ["#７７００１２３"]
