"""index/reader.py: the query API's own calls (the rest is tested module by module)."""

from __future__ import annotations


def test_last_run_reads_the_report_file(built_index, reader):
    assert reader.last_run() is None
    (built_index / "last_run.json").write_text('{"command": "import"}', encoding="utf-8")
    assert reader.last_run() == {"command": "import"}
