"""Every example URL the README gives, and every example the search box suggests, works on
the bundled sample right after ``make run`` (``halonotes crawl --sample``, then ``index``)."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from tests.crawl_server import crawl_sample
from webapp.app import create_app

README = Path(__file__).resolve().parents[1] / "README.md"
CLI = [sys.executable, "-c", "from webapp.cli import main; main()"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = crawl_sample(tmp_path_factory.mktemp("make-run") / "data")
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


def readme_urls() -> list[str]:
    """The site URLs in the README's tables of pages, feeds and API (first column)."""
    urls = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `/"):
            first = line.split(" | ")[0]
            urls += re.findall(r"`(/[^`\s]*)`", first)
    return [url for url in urls if "key,key" not in url and "<" not in url]


def test_every_readme_example_works_on_the_sample(client):
    urls = readme_urls()
    assert len(urls) >= 20
    failing = {url: client.get(url).status_code for url in urls}
    assert {url: status for url, status in failing.items() if status != 200} == {}


def test_every_search_box_suggestion_finds_something(client):
    page = client.get("/").get_data(as_text=True)
    placeholder = unescape(re.search(r'id="q"[^>]*placeholder="([^"]*)"', page, re.S).group(1))
    suggested = [part.strip("…") for part in placeholder.split(", ")[1:]]
    help_text = re.search(r'<p class="query-help">(.*?)</p>', page, re.S).group(1)
    suggested += [
        unescape(code)
        for code in re.findall(r"<code>([^<]*)</code>", help_text)
        if code[0] in "#v" or ":" in code
    ]
    assert len(suggested) >= 6, suggested
    for query in suggested:
        found = client.get("/search.json", query_string={"q": query}).get_json()
        assert found["total"] > 0 and not found["notice"], query


@pytest.mark.parametrize(
    ("args", "command"),
    [((), "--port 8000 --next-free-port"), (("PORT=8080",), "--port 8080")],
)
def test_make_run_serves_on_the_port_asked_for(args, command):
    """The default port gives way to the next free one; a port asked for is insisted on."""
    dry_run = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=README.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    serve = next(line for line in dry_run.stdout.splitlines() if " serve " in line)
    assert serve.strip().endswith(command)
