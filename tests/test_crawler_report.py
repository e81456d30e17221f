"""The run report survives on disk as last_run.json for the status page."""

from crawler.report import NO_EPISODES, PageRow, RunReport, read_last_run, write_last_run


def test_report_round_trips_through_last_run_json(tmp_path):
    report = RunReport(command="crawl")
    report.add_page(PageRow(url="https://a.test/1", episodes=(19,), features=44))
    report.add_page(PageRow(url="https://a.test/2", outcome=NO_EPISODES))
    report.add_page(
        PageRow(url="https://a.test/3", outcome="error: 500", unparsed_ids=("#1234567",))
    )
    report.store.added = 44
    report.finish()
    path = write_last_run(tmp_path, report)
    assert path == tmp_path / "last_run.json"
    data = read_last_run(tmp_path)
    assert data["command"] == "crawl"
    assert data["started_at"] <= data["finished_at"]
    assert data["totals"] == {
        "pages": 3,
        "failed": 1,
        "episodes": 1,
        "features": 44,
        "unparsed_ids": 1,
        "partial": 0,
    }
    assert data["pages"][0] == {
        "url": "https://a.test/1",
        "outcome": "ok",
        "episodes": [19],
        "features": 44,
        "unparsed_ids": [],
        "partial": [],
    }
    assert data["store"]["added"] == 44
    assert [p.name for p in tmp_path.iterdir()] == ["last_run.json"]  # no temp file left


def test_missing_or_broken_last_run_reads_as_none(tmp_path):
    assert read_last_run(tmp_path) is None
    (tmp_path / "last_run.json").write_text("{not json", encoding="utf-8")
    assert read_last_run(tmp_path) is None
