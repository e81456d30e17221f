"""One setting names the data folder, read the same way by every command and the site; a
command that reads data refuses a folder with no store, naming it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.errors import StoreError
from crawler.sample_site import sample_site_dir
from webapp.app import create_app

HALONOTES = str(Path(sys.executable).with_name("halonotes"))
POST = sample_site_dir() / "thoughts" / "by-the-run-book-episode-51.html"


def halonotes(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HALONOTES_")}
    return subprocess.run(
        [HALONOTES, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environment, **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [["index"], ["search", "invoice"], ["import", str(POST)], ["crawl"], ["serve", "--port", "1"]],
)
def test_the_old_site_only_name_is_refused_by_every_command_in_one_line(tmp_path, args):
    result = halonotes(*args, cwd=tmp_path, HALONOTES_DATA_DIR=str(tmp_path / "srv"))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: HALONOTES_DATA_DIR is not a setting")
    assert "HALONOTES_DATA" in line
    assert not (tmp_path / "data").exists() and not (tmp_path / "srv").exists()


def test_the_site_refuses_the_old_name_too(tmp_path, monkeypatch):
    monkeypatch.setenv("HALONOTES_DATA_DIR", str(tmp_path))
    with pytest.raises(StoreError, match="HALONOTES_DATA_DIR is not a setting"):
        create_app()


def test_index_refuses_a_folder_with_no_store_and_creates_nothing(tmp_path):
    typo = tmp_path / "typo"
    result = halonotes("index", "--data", str(typo), cwd=tmp_path)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: No store in {typo}: it has no episodes.jsonl")
    assert not typo.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    again = halonotes("index", "--rebuild", "--data", str(empty), cwd=tmp_path)
    assert again.returncode == 1 and f"No store in {empty}" in again.stderr
    assert list(empty.iterdir()) == []
