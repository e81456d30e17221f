"""``halonotes import`` reads saved pages into the store, reports each episode, and never
damages the store, whatever the files hold."""

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.report import read_last_run
from crawler.store import Store
from webapp.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def run_import(*args):
    result = CliRunner().invoke(cli, ["import", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def store_bytes(data: Path) -> dict[str, bytes]:
    return {name: (data / name).read_bytes() for name in ("episodes.jsonl", "features.jsonl")}


def test_import_seed_folder_prints_each_episode_and_a_total(seeds_dir, tmp_path):
    data = tmp_path / "data"
    result = run_import(seeds_dir, "--data", data)
    assert result.exit_code == 0, result.output
    episode_lines = [line for line in result.output.splitlines() if ": episode " in line]
    assert len(episode_lines) == 6
    assert any(
        "episode 19 (2026-04-14): 44 features, 44 ticket IDs, 0 unparsed" in line
        for line in episode_lines
    )
    assert result.output.count(": no episodes") == 3
    total = result.output.splitlines()[-1]
    # 123 ticket features, and seed 000's 142 paragraphs without a title line.
    assert total.startswith("Total: 5 files read, 0 failed; 6 episodes, 265 features (265 added")
    assert total.endswith("; 3 posts partial")
    assert "Warning: 3 posts were read only in part" in result.output

    store = Store(data)
    assert [e.episode for e in store.episodes()] == [17, 18, 19, 20, 21, 22]
    assert len(store.features()) == 265
    assert len({f.ticket_id for f in store.features() if f.ticket_id}) == 123
    last = read_last_run(data)
    assert last["command"] == "import"
    assert last["totals"] == {
        "pages": 5,
        "failed": 0,
        "episodes": 6,
        "features": 265,
        "unparsed_ids": 0,
        "partial": 3,
    }
    assert last["store"]["added"] == 265


def test_importing_the_same_files_twice_leaves_the_store_byte_identical(seeds_dir, tmp_path):
    data = tmp_path / "data"
    assert run_import(seeds_dir, FIXTURES, "--data", data).exit_code == 0
    first = store_bytes(data)
    second_run = run_import(seeds_dir, FIXTURES, "--data", data)
    assert second_run.exit_code == 0
    assert "(0 added, 0 updated, 0 removed)" in second_run.output
    assert store_bytes(data) == first


def test_unreadable_file_is_named_the_rest_imported_and_exit_is_nonzero(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(FIXTURES / "pipe_line_capture.txt", pages / "good.txt")
    (pages / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    data = tmp_path / "data"
    result = run_import(pages, tmp_path / "missing.html", "--data", data)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2
    assert "picture.html" in errors[0] and "binary" in errors[0]
    assert "missing.html" in errors[1] and "no such file" in errors[1]
    assert "Traceback" not in result.output
    assert [e.episode for e in Store(data).episodes()] == [8]
    assert read_last_run(data)["totals"]["failed"] == 2


def test_failed_run_leaves_an_existing_store_untouched(tmp_path):
    data = tmp_path / "data"
    assert run_import(FIXTURES / "multi_post_page.html", "--data", data).exit_code == 0
    before = store_bytes(data)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    empty = tmp_path / "unrelated.txt"
    empty.write_text("A page about something else entirely.\n", encoding="utf-8")
    result = run_import(bad, empty, "--data", data)
    assert result.exit_code == 1
    assert store_bytes(data) == before


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        (
            "bom.txt",
            "\ufeffBy the [run]Book: Episode 31\nWatch Now: By the [run]Book: Episode 31\n"
            "Café menus sync | v2.212 #4402001 | 1:00\n".encode(),
        ),
        (
            "utf16.txt",
            "By the [run]Book: Episode 31\nWatch Now: By the [run]Book: Episode 31\n"
            "Café menus sync | v2.212 #4402001 | 1:00\n".encode("utf-16"),
        ),
        (
            "declared.html",
            "<html><head><meta charset='windows-1252'></head><body>"
            "<h2>By the [run]Book: Episode 31</h2><p>Watch Now: By the [run]Book: Episode 31</p>"
            "<h4>Café menus sync | v2.212 #4402001 | 1:00</h4></body></html>".encode("cp1252"),
        ),
        (
            "plain1252.txt",
            "By the [run]Book: Episode 31\nWatch Now: By the [run]Book: Episode 31\n"
            "Café menus sync | v2.212 #4402001 | 1:00\n".encode("cp1252"),
        ),
    ],
)
def test_odd_encodings_decode(tmp_path, name, payload):
    page = tmp_path / name
    page.write_bytes(payload)
    result = run_import(page, "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    (feature,) = Store(tmp_path / "data").features()
    assert feature.title == "Café menus sync"


def test_truncated_html_and_a_huge_page_import_without_crashing(tmp_path):
    truncated = tmp_path / "truncated.html"
    text = (FIXTURES / "pipe_line_page.html").read_text(encoding="utf-8")
    truncated.write_text(text[: text.index("Asset imports") + 20], encoding="utf-8")
    huge = tmp_path / "huge.txt"
    lines = ["By the [run]Book: Episode 40", "Watch Now: By the [run]Book: Episode 40"]
    for number in range(20_000):
        lines += [
            f"Feature number {number} | v2.216 #{5_000_000 + number} | 1:{number % 60:02d}",
            "A short description of the change." * 3,
            "• One bullet",
        ]
    huge.write_text("\n".join(lines) + "\n" + "x" * 2_000_000, encoding="utf-8")
    started = time.monotonic()
    result = run_import(truncated, huge, "--data", tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 30
    assert "episode 7 (2026-02-03): 1 features" in result.output  # cut before the 2nd ID
    # The 2 MB line the file ends on, with no line break, is kept as a cut-off feature.
    assert "episode 40: 20001 features, 20000 ticket IDs" in result.output


def test_import_does_not_create_a_search_index(tmp_path):
    data = tmp_path / "data"
    assert run_import(FIXTURES / "paren_line_page.html", "--data", data).exit_code == 0
    assert not (data / "index").exists()


def test_release_notes_import(tmp_path):
    notes = tmp_path / "notes-2.216.txt"
    notes.write_text(
        "HaloPSA 2.216 release notes\n"
        "4403001 - Invoices show the payment terms\n"
        "#4403002 Agents can star tickets\n"
        "Portal login remembers the last tenant (4403003)\n"
        "\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    result = run_import(notes, "--release-notes", "v2.216", "--data", data)
    assert result.exit_code == 0, result.output
    assert "3 release notes for version 2.216" in result.output
    stored = Store(data).release_notes()
    assert [(f.ticket_id, f.title, f.version, f.episode) for f in stored] == [
        ("4403001", "Invoices show the payment terms", "2.216", None),
        ("4403002", "Agents can star tickets", "2.216", None),
        ("4403003", "Portal login remembers the last tenant", "2.216", None),
    ]
    assert Store(data).episodes() == []


def test_release_notes_need_a_version(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("4403001 - Something\n", encoding="utf-8")
    result = run_import(notes, "--release-notes", "latest", "--data", tmp_path / "data")
    assert result.exit_code == 2
    assert "not a version" in result.output
    assert not (tmp_path / "data" / "release_notes.jsonl").exists()


def test_data_defaults_to_halonotes_data(tmp_path, monkeypatch):
    monkeypatch.setenv("HALONOTES_DATA", str(tmp_path / "elsewhere"))
    result = CliRunner().invoke(cli, ["import", str(FIXTURES / "hash_line_page.html")])
    assert result.exit_code == 0, result.output
    rows = (tmp_path / "elsewhere" / "episodes.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(row)["episode"] for row in rows] == [9]


def test_import_keeps_an_existing_search_index_current(tmp_path):
    from index.build import rebuild_index
    from index.reader import IndexReader

    data = tmp_path / "data"
    assert run_import(FIXTURES / "hash_line_page.html", "--data", data).exit_code == 0
    rebuild_index(data)
    assert IndexReader(data).ticket("4400101") == []
    assert run_import(FIXTURES / "pipe_line_page.html", "--data", data).exit_code == 0
    (hit,) = IndexReader(data).ticket("4400101")
    assert hit.title == "Quotes can carry a custom footer per customer"


def test_an_import_keeps_the_time_a_crawl_first_stored_an_episode(seeds_dir, tmp_path):
    from dataclasses import replace

    data = tmp_path / "data"
    assert run_import(seeds_dir, "--data", data).exit_code == 0
    store = Store(data)
    crawled = [replace(e, first_seen="2026-05-01T06:15:00Z") for e in store.episodes()]
    store.merge(crawled, store.features())
    assert run_import(seeds_dir, "--data", data).exit_code == 0
    assert {e.first_seen for e in Store(data).episodes()} == {"2026-05-01T06:15:00Z"}
