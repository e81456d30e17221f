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


def test_search_takes_the_sites_filters(tmp_path):
    write_store(tmp_path)
    run("index", "--data", str(tmp_path))

    def versions(*args):
        result = run("search", *args, "--json", "--all", "--data", str(tmp_path))
        assert result.exit_code == 0, result.output
        return {(record["version"], record["episode"]) for record in json.loads(result.output)}

    assert {v for v, _ in versions("--from", "2.210", "--to", "2.212")} == {"2.210", "2.212"}
    assert {e for _, e in versions("--episode", "30")} == {30}
    assert versions("--area", "billing") and versions("--area", "billing") < versions()
    bad = run("search", "--area", "nonsense", "--data", str(tmp_path))
    assert bad.exit_code == 1 and "Traceback" not in bad.output


def test_search_prints_every_result_with_all(tmp_path):
    from archive import build_archive, discussed_feature

    from crawler.records import Episode

    post = "https://blog.example/episode-90"
    features = [
        discussed_feature(
            post, 90, i, f"Queue rule {i}", "2.260", f"99{i:04d}", f"{i // 60}:{i % 60:02d}"
        )
        for i in range(130)
    ]
    build_archive(tmp_path, [Episode(episode=90, title="Episode 90", url=post)], features)
    every = run("search", "queue", "--all", "--data", str(tmp_path))
    assert every.exit_code == 0, every.output
    assert every.output.count("Queue rule") == 130
    assert every.output.strip().endswith("130 results")
    many = run("search", "queue", "--limit", "120", "--json", "--data", str(tmp_path))
    assert len(json.loads(many.output)) == 120
    default = run("search", "queue", "--data", str(tmp_path))
    assert "130 results, showing 10 (--all prints every one)" in default.output


def test_search_never_prints_at_none_and_counts_one_result(tmp_path):
    from archive import build_archive

    from crawler.records import Episode, Feature

    post = "https://blog.example/episode-91"
    untimed = Feature(
        title="Untimed dark mode", url=post, episode=91, ticket_id="991001", version="2.262"
    )
    build_archive(tmp_path, [Episode(episode=91, title="Episode 91", url=post)], [untimed])
    result = run("search", "dark", "--data", str(tmp_path))
    assert "None" not in result.output
    assert "#991001  v2.262  Untimed dark mode  (episode 91, not timed)" in result.output
    assert result.output.strip().endswith("1 result")
