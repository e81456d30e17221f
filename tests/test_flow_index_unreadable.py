"""An index that exists but cannot be loaded is the documented 503 on the site and one line in
the CLI, naming the fix: ``Run: halonotes index --rebuild``; the rebuild then brings it back."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.build import rebuild_index
from tests.index_data import write_store
from webapp.app import create_app
from webapp.cli import cli

FIX = "Run: halonotes index --rebuild"


def _toc(data_dir: Path) -> Path:
    (toc,) = (data_dir / "index").resolve().glob("_MAIN_*.toc")
    return toc


def renamed_module(data_dir: Path) -> None:
    """The schema pickled under a module path the code no longer has (same length)."""
    toc = _toc(data_dir)
    toc.write_bytes(toc.read_bytes().replace(b"index.analysis", b"index.analyzis"))


def renamed_codec(data_dir: Path) -> None:
    """The segments' codec class under an old name."""
    toc = _toc(data_dir)
    toc.write_bytes(toc.read_bytes().replace(b"HalonotesCodec", b"HalonotesCodex"))


def other_format(data_dir: Path) -> None:
    """A table of contents in a format version this Whoosh cannot read."""
    toc = _toc(data_dir)
    data = bytearray(toc.read_bytes())
    start = data.index(struct.pack("!i", -12345)) + 4
    data[start : start + 4] = struct.pack("!i", -999)
    toc.write_bytes(bytes(data))


def truncated_toc(data_dir: Path) -> None:
    toc = _toc(data_dir)
    toc.write_bytes(toc.read_bytes()[: toc.stat().st_size // 2])


def truncated_records(data_dir: Path) -> None:
    """The stored records' column cut in half."""
    (column,) = (data_dir / "index").resolve().glob("*._stored.col")
    column.write_bytes(column.read_bytes()[: column.stat().st_size // 2])


FAULTS: dict[str, Callable[[Path], None]] = {
    "renamed module": renamed_module,
    "renamed codec": renamed_codec,
    "other format": other_format,
    "truncated toc": truncated_toc,
    "truncated records": truncated_records,
}


@pytest.fixture(params=sorted(FAULTS))
def broken(request, tmp_path) -> Path:
    write_store(tmp_path)
    rebuild_index(tmp_path)
    FAULTS[request.param](tmp_path)
    return tmp_path


@pytest.mark.parametrize("url", ["/", "/?q=invoice", "/search.json?q=invoice", "/status"])
def test_the_site_answers_503_naming_the_rebuild(broken, url):
    client = create_app({"DATA_DIR": str(broken), "TESTING": True}).test_client()
    response = client.get(url)
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert FIX in response.get_data(as_text=True)


@pytest.mark.parametrize("command", [["search", "invoice"], ["index"]])
def test_the_cli_prints_one_line_naming_the_rebuild_and_the_rebuild_works(broken, command):
    result = CliRunner().invoke(cli, [*command, "--data", str(broken)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: The search index at ") and line.endswith(FIX)
    assert CliRunner().invoke(cli, ["index", "--rebuild", "--data", str(broken)]).exit_code == 0
    client = create_app({"DATA_DIR": str(broken), "TESTING": True}).test_client()
    assert client.get("/search.json?q=invoice").status_code == 200
