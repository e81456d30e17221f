"""``python -m webapp.cli`` is the ``halonotes`` command."""

import subprocess
import sys


def run_module(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "webapp.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_python_dash_m_runs_the_halonotes_command(tmp_path):
    listed = run_module("--help", cwd=tmp_path)
    assert listed.returncode == 0
    assert {"crawl", "import", "index", "search", "serve"} <= set(listed.stdout.split())
    searched = run_module("search", "--data", str(tmp_path), "invoice", cwd=tmp_path)
    assert searched.returncode == 1
    assert f"No search index at {tmp_path / 'index'}. Run: halonotes index" in searched.stderr
