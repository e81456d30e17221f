"""Store lines are checked one by one: each bad line gets ``file:LINE: what is wrong`` and a clear
exit, before any index writer starts, and a failed build or update never replaces the index."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.errors import StoreError
from crawler.records import Episode, Feature
from crawler.store import Store, write_jsonl
from index import IndexReader, SearchRequest
from index.build import rebuild_index
from tests.index_data import write_store
from webapp.cli import cli

GOOD = {"title": "A fine feature", "url": "https://b.example/1", "episode": 1, "position": 9}
BAD_LINES = {
    "invalid utf-8": (b'{"title": "caf\xe9", "url": "u", "episode": 1}', "not valid UTF-8 (byte"),
    "invalid json": (b"{not json", "not valid JSON"),
    "not an object": (b"[1, 2]", "not a JSON object"),
    "null title": (json.dumps({**GOOD, "title": None}).encode(), '"title" must be a string'),
    "missing title": (json.dumps({"url": "u", "episode": 1}).encode(), 'no "title"'),
    "missing url": (json.dumps({"title": "t", "episode": 1}).encode(), 'no "url"'),
    "title a number": (json.dumps({**GOOD, "title": 5}).encode(), '"title" must be a string'),
    "episode a string": (json.dumps({**GOOD, "episode": "x"}).encode(), '"episode" must be'),
    "huge episode": (json.dumps({**GOOD, "episode": 10**30}).encode(), "outside 0 to 2147483647"),
    "negative seconds": (json.dumps({**GOOD, "seconds": -5}).encode(), '"seconds" is -5'),
    "bullets a string": (json.dumps({**GOOD, "bullets": "x"}).encode(), "list of strings"),
    "flag flag": (json.dumps({**GOOD, "highlighted": "yes"}).encode(), "true or false"),
    "position a float": (json.dumps({**GOOD, "position": 1.5}).encode(), '"position" must be'),
}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _with_bad_line(data_dir: Path, line: bytes, *, at: int = 2) -> None:
    path = data_dir / "features.jsonl"
    lines = path.read_bytes().splitlines()
    lines.insert(at - 1, line)
    path.write_bytes(b"\n".join(lines) + b"\n")


@pytest.mark.parametrize("case", sorted(BAD_LINES))
def test_each_bad_store_line_is_named_with_its_line_and_what_is_wrong(tmp_path, case):
    line, problem = BAD_LINES[case]
    write_store(tmp_path)
    _with_bad_line(tmp_path, line)
    with pytest.raises(StoreError) as raised:
        Store(tmp_path).features()
    assert str(raised.value).startswith(f"{tmp_path / 'features.jsonl'}:2: ")
    assert problem in str(raised.value)
    result = run("index", "--rebuild", "--data", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (message,) = result.output.strip().splitlines()
    assert message.startswith(f"Error: {tmp_path / 'features.jsonl'}:2: ")
    assert problem in message


def test_a_bad_episode_line_is_named_too(tmp_path):
    write_store(tmp_path)
    path = tmp_path / "episodes.jsonl"
    path.write_text(path.read_text() + json.dumps({"episode": 2**40, "title": "t", "url": "u"}))
    result = run("index", "--rebuild", "--data", str(tmp_path))
    assert result.exit_code == 1
    lines = len(path.read_text().splitlines())
    assert result.output.startswith(f'Error: {path}:{lines}: "episode" is {2**40}, outside')


def _large_store(data_dir: Path, count: int) -> None:
    episodes = [Episode(episode=1, title="Episode 1", url="https://b.example/1")]
    features = [
        Feature(
            title=f"Invoice option number {n}",
            url="https://b.example/1",
            episode=1,
            ticket_id=str(3_000_000 + n),
            version="2.216",
            position=n,
        )
        for n in range(count)
    ]
    write_jsonl(data_dir / "episodes.jsonl", (e.to_dict() for e in episodes))
    write_jsonl(data_dir / "features.jsonl", (f.to_dict() for f in features))


def test_an_episode_of_ten_to_the_thirty_is_rejected_and_the_old_index_kept(tmp_path):
    """Large enough for the two-process rebuild, where the value killed one writer unseen."""
    _large_store(tmp_path, 6000)
    rebuild_index(tmp_path)
    before = os.readlink(tmp_path / "index")
    line = json.dumps({**GOOD, "episode": 10**30, "ticket_id": "4000001"}).encode()
    _with_bad_line(tmp_path, line, at=4000)
    result = run("index", "--rebuild", "--data", str(tmp_path))
    assert result.exit_code == 1, result.output
    (message,) = result.output.strip().splitlines()
    assert message.startswith(f'Error: {tmp_path / "features.jsonl"}:4000: "episode" is 1')
    assert os.readlink(tmp_path / "index") == before
    assert IndexReader(tmp_path).search(SearchRequest(q="invoice")).total == 6000
    update = run("index", "--data", str(tmp_path))
    assert update.exit_code == 1 and ":4000: " in update.output


def _limit_file_size(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_an_update_that_cannot_write_is_one_line_and_keeps_the_index(tmp_path):
    write_store(tmp_path)
    rebuild_index(tmp_path)
    total = IndexReader(tmp_path).search(SearchRequest(q="invoice")).total
    _large_store(tmp_path, 3000)  # a store now much larger than one segment file may grow
    result = subprocess.run(
        [str(Path(sys.executable).with_name("halonotes")), "index", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size(64 * 1024),
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith(f"Error: Cannot write the index in {tmp_path}: File too large.")
    assert IndexReader(tmp_path).search(SearchRequest(q="invoice")).total == total
