"""Hostile pages through the parser and ``halonotes import``: nothing raises, nothing invisible
or scriptable reaches the records, and every bad file gets a one-line message."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from click.testing import CliRunner
from hostile_data import BLOG, HOSTILE_DIR, hostile_pages, long_page, nested_page

from crawler.parse import parse_page
from crawler.store import Store
from webapp.cli import cli

# What no stored text may carry: C0/C1 controls other than whitespace, bidi controls.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def record_texts(parsed) -> list[str]:
    """Every text field of every record of a parsed page."""
    texts = []
    for episode in parsed.episodes:
        texts += [episode.title, episode.summary, episode.video_url or "", *episode.notes]
    for feature in parsed.features:
        texts += [feature.title, feature.summary, *feature.bullets, *feature.aliases]
        texts += [feature.ticket_id or "", feature.timestamp or "", feature.version or ""]
    return texts


@pytest.mark.parametrize("name", sorted(hostile_pages()))
def test_every_hostile_page_parses_without_invisible_characters(name):
    parsed = parse_page(hostile_pages()[name], BLOG + name)
    assert parsed.features, f"{name} gave no features"
    for text in record_texts(parsed):
        assert not INVISIBLE.search(text), f"{name}: {text!r}"


def test_script_in_titles_is_kept_as_text_not_dropped():
    parsed = parse_page(hostile_pages()["script_titles.html"], BLOG + "script_titles")
    titles = {f.ticket_id: f.title for f in parsed.features}
    # Escaped markup in the post is the post's text: shown literally (and escaped) later.
    assert titles["9900101"] == "<script>window.__pwned = 4</script> Invoice R&D totals"
    # Real tags in the post are markup: their text stays, the script's code does not.
    assert titles["9900102"] == "Asset tags with real tags around them"


def test_javascript_watch_link_never_becomes_the_video_url():
    (episode,) = parse_page(hostile_pages()["javascript_video.html"], BLOG + "x").episodes
    assert episode.video_url is None


def test_nul_inside_a_ticket_id_does_not_split_it():
    parsed = parse_page(hostile_pages()["control_chars.html"], BLOG + "control")
    by_ticket = {f.ticket_id: f for f in parsed.features}
    assert by_ticket["9900303"].timestamp == "4:00"
    assert by_ticket["9900302"].title == "Right-to-left gnp.exe override and isolates"


def test_invalid_utf8_page_still_gives_its_features():
    parsed = parse_page(hostile_pages()["invalid_utf8.html"], BLOG + "bad-bytes")
    assert [f.ticket_id for f in parsed.features] == ["9900401", "9900402"]


def test_a_100k_line_page_parses_in_bounded_time():
    started = time.monotonic()
    parsed = parse_page(long_page(100_000), BLOG + "long")
    assert time.monotonic() - started < 30
    assert [f.ticket_id for f in parsed.features if f.ticket_id] == [
        "9900201",
        "9900202",
        "9900203",
    ]
    # The filler paragraphs have no title line: each is kept as a feature without an ID.
    assert sum(1 for f in parsed.features if f.ticket_id is None) == 1000


@pytest.mark.parametrize("depth", [50, 3000])
def test_deeply_nested_markup_parses(depth):
    parsed = parse_page(nested_page(depth), BLOG + "deep")
    assert "9900999" in {f.ticket_id for f in parsed.features}


def test_import_of_the_hostile_folder_names_each_bad_file_in_one_line(tmp_path):
    pages = tmp_path / "pages"
    shutil.copytree(HOSTILE_DIR, pages)
    (pages / "long.html").write_text(long_page(100_000), encoding="utf-8")
    (pages / "deep.html").write_text(nested_page(3000), encoding="utf-8")
    (pages / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 100)
    result = CliRunner().invoke(cli, ["import", str(pages), "--data", str(tmp_path / "data")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    # The two files with NUL bytes are refused by name; everything else is imported.
    assert sorted(line.split(":")[1].strip().rsplit("/", 1)[-1] for line in errors) == [
        "binary.html",
        "control_chars.html",
    ]
    assert all("Skipped" in line for line in errors)
    assert result.exit_code == 1
    stored = {f.ticket_id for f in Store(tmp_path / "data").features()}
    assert {"9900101", "9900201", "9900401", "9900501", "9900999"} <= stored
    for feature in Store(tmp_path / "data").features():
        for text in (feature.title, feature.summary, *feature.bullets):
            assert not INVISIBLE.search(text), text
    for episode in Store(tmp_path / "data").episodes():
        assert episode.video_url is None or episode.video_url.startswith("https://")
