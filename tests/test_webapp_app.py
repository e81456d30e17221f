"""The app factory: configuration order, error pages, one index snapshot per request and
picking up a rebuilt index."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from site_data import EP19, write_archive

from crawler.records import Feature
from crawler.store import Store
from index import parse_request
from index.build import rebuild_index, update_index
from webapp.app import create_app, current_reader


def test_missing_index_gets_a_503_page_naming_the_fix(tmp_path):
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    for path in ("/", "/ticket/900101", "/stats"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "No search index at" in html
        assert "Run: halonotes index" in html
        assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unexpected_error_is_a_500_page_without_a_traceback(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})

    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_config_comes_from_defaults_then_env_then_test_config(tmp_path, monkeypatch):
    monkeypatch.setenv("HALONOTES_DATA", str(tmp_path / "from-data-env"))
    assert create_app().config["DATA_DIR"] == str(tmp_path / "from-data-env")
    monkeypatch.setenv("HALONOTES_SITE_NAME", "from-prefixed-env")
    assert create_app().config["SITE_NAME"] == "from-prefixed-env"
    app = create_app({"DATA_DIR": str(tmp_path / "from-test")})
    assert app.config["DATA_DIR"] == str(tmp_path / "from-test")


def test_a_rebuilt_or_updated_index_is_served_without_a_restart(tmp_path):
    store = write_archive(tmp_path)
    client = create_app({"DATA_DIR": str(tmp_path), "TESTING": True}).test_client()
    assert client.get("/ticket/900555").status_code == 404

    added = Feature(
        title="Kanban board for projects",
        url=EP19,
        episode=19,
        ticket_id="900555",
        version="2.216",
        timestamp="40:00",
        seconds=2400,
        position=9,
    )
    store.merge([], [*(f for f in store.features() if f.episode == 19), added])
    update_index(tmp_path)
    assert "Kanban board for projects" in client.get("/ticket/900555").get_data(as_text=True)

    store.merge([], [f for f in store.features() if f.episode == 19 and f.ticket_id != "900555"])
    rebuild_index(tmp_path)
    assert client.get("/ticket/900555").status_code == 404
    assert Store(tmp_path).features()


def test_a_new_generation_is_warmed_before_requests_move_to_it(tmp_path):
    """As under halonotes serve: the first request after a commit is answered from the
    generation already read, while another thread reads the new one; the requests after
    that see the new feature."""
    store = write_archive(tmp_path)
    config = {"DATA_DIR": str(tmp_path), "TESTING": True, "WARM_IN_BACKGROUND": True}
    client = create_app({**config, "PAGE_CACHE_BYTES": 0}).test_client()
    assert client.get("/ticket/900555").status_code == 404
    added = Feature(title="Kanban board for projects", url=EP19, episode=19, ticket_id="900555")
    store.merge([], [*(f for f in store.features() if f.episode == 19), added])
    update_index(tmp_path)

    assert client.get("/ticket/900555").status_code == 404
    deadline = time.monotonic() + 20
    while (answer := client.get("/ticket/900555")).status_code == 404:
        assert time.monotonic() < deadline, "requests never moved to the new generation"
        time.sleep(0.05)
    assert "Kanban board for projects" in answer.get_data(as_text=True)


def test_a_request_answers_from_one_snapshot_while_the_index_changes(tmp_path):
    store = write_archive(tmp_path)
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    added = Feature(title="Zeppelin board for projects", url=EP19, episode=19, ticket_id="900555")

    def search_across_an_update():
        before = current_reader().search(parse_request({"q": "zeppelin"})).total
        store.merge([], [*(f for f in store.features() if f.episode == 19), added])
        update_index(tmp_path)
        after = current_reader().search(parse_request({"q": "zeppelin"})).total
        return f"{before} {after}"

    app.add_url_rule("/across-an-update", view_func=search_across_an_update)
    client = app.test_client()
    assert client.get("/across-an-update").get_data(as_text=True) == "0 0"
    assert "Zeppelin board for projects" in client.get("/?q=zeppelin").get_data(as_text=True)


def test_the_site_never_loads_the_crawler(tmp_path):
    code = (
        "import sys; from webapp.app import create_app; from webapp.serve import serve_command; "
        f"create_app({{'DATA_DIR': {str(tmp_path)!r}}}).test_client().get('/'); "
        "print('scrapy' in sys.modules, 'crawler.spider' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_settings_come_from_instance_halonotes_cfg_in_the_working_directory(tmp_path, monkeypatch):
    write_archive(tmp_path / "archive")
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "halonotes.cfg").write_text(
        f"DATA_DIR = {str(tmp_path / 'archive')!r}\nSITE_NAME = 'Release notes, staging'\n"
    )
    monkeypatch.delenv("HALONOTES_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    client = create_app().test_client()
    assert client.get("/").status_code == 200  # the archive the file names
    assert "Release notes, staging" in client.get("/feed.atom").get_data(as_text=True)


def test_a_template_global_registered_after_a_template_loaded_is_refused(tmp_path):
    # Each template copies the globals when it loads: a later one would be missing from it.
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    app.jinja_env.get_template("_feeds.html")
    with pytest.raises(RuntimeError, match="before any template loads"):
        app.jinja_env.globals["late"] = "too late"
    with pytest.raises(RuntimeError, match="before any template loads"):
        app.jinja_env.globals.update(late="too late")
    assert "late" not in app.jinja_env.globals
