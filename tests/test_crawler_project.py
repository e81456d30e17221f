"""The Scrapy project: ``scrapy list``, ``scrapy check`` and ``scrapy crawl`` from the repository
root, with the arguments of ``halonotes crawl``, against the bundled sample site only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.errors import HalonotesError
from crawler.project import crawl_arguments

ROOT = Path(__file__).resolve().parents[1]


def scrapy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_scrapy_list_shows_the_spider():
    listed = scrapy("list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["episodes"]


def test_scrapy_check_runs_the_spider_contracts_on_the_sample_site():
    checked = scrapy("check", "-v")
    assert checked.returncode == 0, checked.stderr + checked.stdout
    output = checked.stderr + checked.stdout
    for callback in ("parse_listing", "parse_sitemap", "parse_post"):
        assert f"[episodes] {callback} (@returns post-hook) ... ok" in output
    assert "Ran 9 contracts" in output and "\nOK" in output


def test_scrapy_crawl_takes_the_crawl_options_and_stores_the_sample_site(tmp_path):
    crawled = scrapy("crawl", "episodes", "-a", "sample=true", "-a", f"data={tmp_path}",
                     "-a", "delay=0", "-a", "timeout=5")  # fmt: skip
    assert crawled.returncode == 0, crawled.stderr
    episodes = (tmp_path / "episodes.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["episode"] for line in episodes) == [51, 52, 53, 54, 55]
    report = json.loads((tmp_path / "last_run.json").read_text())
    assert report["command"] == "crawl" and report["totals"]["failed"] == 0
    assert "Run: halonotes index" in crawled.stderr


def test_scrapy_crawl_refuses_a_bad_argument_in_one_line(tmp_path):
    refused = scrapy("crawl", "episodes", "-a", f"data={tmp_path}", "-a", "retries=eleven")
    assert refused.returncode != 0
    assert "scrapy crawl episodes: -a retries=eleven: 'eleven' is not a valid integer range." in (
        refused.stderr
    )
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "episodes.jsonl").exists()


def test_spider_arguments_read_as_the_crawl_options():
    options = crawl_arguments({"start-url": "https://blog.test/thoughts", "refresh": "yes"})
    assert options["start_url"] == "https://blog.test/thoughts" and options["refresh"] is True
    assert (options["timeout"], options["retries"], options["delay"]) == (30.0, 2, None)
    with pytest.raises(HalonotesError, match="Unknown spider argument 'depth'"):
        crawl_arguments({"depth": "3"})
    with pytest.raises(HalonotesError, match="not both"):
        crawl_arguments({"sample": "true", "start_url": "https://blog.test/"})
