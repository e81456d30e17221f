"""``halonotes index`` and ``halonotes search`` through click's runner."""

import json

from click.testing import CliRunner

from tests.index_data import write_store
from webapp.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_index_builds_then_updates_with_one_summary_line(tmp_path):
    write_store(tmp_path)
    first = run("index", "--data", str(tmp_path))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Rebuilt the index at")
    assert len(first.output.strip().splitlines()) == 1
    second = run("index", "--data", str(tmp_path))
    assert second.exit_code == 0
    assert "Updated the index" in second.output and "0 added, 0 removed" in second.output
    assert "Rebuilt" in run("index", "--rebuild", "--data", str(tmp_path)).output


def test_search_prints_results_and_json_records(tmp_path):
    write_store(tmp_path)
    run("index", "--data", str(tmp_path))
    text = run("search", "recurring", "--data", str(tmp_path))
    assert text.exit_code == 0
    assert "#2000001" in text.output and "2 results" in text.output
    as_json = run("search", "recurring", "--version", "v2.212", "--json", "--data", str(tmp_path))
    records = json.loads(as_json.output)
    assert [r["ticket_id"] for r in records] == ["2000005"]
    fields = {"key", "title", "url", "episode", "ticket_id", "version", "timestamp", "seconds"}
    assert fields | {"aliases", "summary", "bullets", "flags", "highlighted", "position"} <= set(
        records[0]
    )
    limited = json.loads(run("search", "--limit", "1", "--json", "--data", str(tmp_path)).output)
    assert len(limited) == 1


def test_errors_are_one_line_and_exit_non_zero(tmp_path):
    missing = run("search", "sla", "--data", str(tmp_path))
    assert missing.exit_code == 1
    assert (
        missing.output.strip()
        == f"Error: No search index at {tmp_path}/index. Run: halonotes index"
    )
    write_store(tmp_path)
    run("index", "--data", str(tmp_path))
    bad = run("search", "sla", "--version", "banana", "--data", str(tmp_path))
    assert bad.exit_code == 1 and bad.output.startswith("Error: version must be")
    assert "Traceback" not in bad.output
    broken = tmp_path / "features.jsonl"
    broken.write_text("{oops\n", encoding="utf-8")
    failed = run("index", "--rebuild", "--data", str(tmp_path))
    assert failed.exit_code == 1 and "features.jsonl:1: not valid JSON" in failed.output
