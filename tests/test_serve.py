"""``halonotes serve``: gunicorn serving the site, and its messages when it cannot."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

from click.testing import CliRunner
from site_data import write_archive
from site_server import free_port, running_server

from webapp.cli import cli


def test_serve_runs_gunicorn_and_prints_the_url(tmp_path):
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port) as site:
        url = site.url
        with urllib.request.urlopen(url + "ticket/900101", timeout=5) as response:
            body = response.read().decode()
            assert "Preview recurring invoices before they go out" in body
            assert response.headers["Server"].startswith("gunicorn")
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        try:
            urllib.request.urlopen(url + "ticket/123", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        else:
            raise AssertionError("an unknown ticket answered 200")
    assert f"Serving halonotes at http://127.0.0.1:{port}/" in site.output


def test_serve_without_an_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "No search index at" in result.output
    assert "halonotes index" in result.output
    assert "Traceback" not in result.output


def test_serve_on_a_taken_port_names_the_fix(tmp_path):
    write_archive(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output
