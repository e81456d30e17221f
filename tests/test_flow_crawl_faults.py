"""A crawl against a misbehaving blog, a crawl killed halfway, a data folder that cannot be written.

Every crawl is a ``halonotes crawl`` subprocess against the logging test server on
127.0.0.1. Stored data is compared byte for byte: a failure changes nothing, and a killed
crawl leaves either the store it started from or the one a whole crawl writes.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.records import Episode, Feature
from crawler.sample_site import sample_site_dir
from crawler.spider import MAX_REDIRECTS
from crawler.state import CrawlState
from crawler.store import Store
from tests.crawl_server import (
    HUGE_BYTES,
    POSTS,
    LoggingServer,
    crawl,
    crawl_command,
    fresh_server,  # noqa: F401 (autouse: runs around every test here)
    jsonl,
    last_run_rows,
    serving,
    store_bytes,
)

EDITED_POST = POSTS[1]  # episode 52
OLD_INTRO = "Dana and Marco also argue, at length, about whether a QR code belongs on an invoice."
NEW_INTRO = "Dana and Marco also argue about QR codes on invoices, and change their minds twice."
OLD_SUMMARY = "Pausing the SLA no longer needs a status change."
NEW_SUMMARY = "Pausing the SLA is one click now, and the pause shows in the ticket history."
PADDING_EPISODES = 1200  # a store big enough that writing it takes a while
PADDING_FEATURES = 6


@pytest.fixture(scope="module")
def crawled(server, tmp_path_factory) -> Path:
    """A data folder after a clean crawl of the sample site."""
    data_dir = tmp_path_factory.mktemp("crawled") / "data"
    result = crawl(server, data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data(crawled, tmp_path) -> Path:
    """A copy of the crawled data folder for one test."""
    shutil.copytree(crawled, tmp_path / "data")
    return tmp_path / "data"


def kept_files(data_dir: Path) -> dict[str, bytes]:
    """Every file under the data folder but the lock files, by relative path."""
    return {
        str(path.relative_to(data_dir)): path.read_bytes()
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and not path.name.endswith(".lock")
    }


def temp_files(data_dir: Path) -> list[str]:
    return [str(path) for path in data_dir.rglob("*.tmp")]


# --- a blog that misbehaves -------------------------------------------------------------


def test_a_blog_that_hangs_resets_fails_oversends_and_loops_changes_nothing(server, data):
    before = kept_files(data)
    server.faults.update(
        {POSTS[0]: "hang", POSTS[1]: "reset", POSTS[2]: "500", POSTS[3]: "huge", POSTS[4]: "loop"}
    )
    started = time.monotonic()
    result = crawl(server, data, "--timeout", "1", "--retries", "1")
    elapsed = time.monotonic() - started

    # Bounded by the 1 s timeout and one retry (about 5 s here), far below what a hang would
    # take with Scrapy's default 180 s timeout; the margin covers start-up on a slow machine.
    assert elapsed < 30
    assert result.returncode == 1
    assert "None of the 5 episode posts could be fetched" in result.stderr
    expected = {
        POSTS[0]: "error: timed out",
        POSTS[1]: "error: connection lost (reset or closed before the answer)",
        POSTS[2]: "error: HTTP 500",
        POSTS[3]: "error: larger than 8 MB, download stopped",
        POSTS[4]: f"error: more than {MAX_REDIRECTS} redirects (a redirect loop)",
    }
    rows = last_run_rows(data)
    for path, outcome in expected.items():
        assert rows[path] == outcome
        assert f"{server.origin}{path}: {outcome}" in result.stderr.splitlines()
    assert "0 new, 0 changed, 5 failed" in result.stdout
    assert server.paths().count(POSTS[2]) == 2  # one retry
    assert server.paths().count(POSTS[4]) == MAX_REDIRECTS + 1
    assert server.huge_sent[POSTS[3]] < HUGE_BYTES / 2  # the crawler hung up early

    after = kept_files(data)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"crawl/state.json", "last_run.json"}  # outcomes only
    state = CrawlState.load(data)
    assert {path: state.posts[server.origin + path].outcome for path in POSTS} == expected


def test_retry_after_is_honoured_up_to_a_cap_and_bad_pages_change_nothing(server, data):
    before = store_bytes(data)
    pages_before = {k: v for k, v in kept_files(data).items() if k.startswith("crawl/pages/")}
    server.faults.update(
        {POSTS[0]: "429-once", POSTS[1]: "429-long", POSTS[2]: "bad-utf8", POSTS[3]: "huge-unsized"}
    )
    started = time.monotonic()
    result = crawl(server, data, "--retries", "2")
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stderr  # one post, and a retried one, answered
    first, second = server.request_times(POSTS[0])
    assert second - first >= 1.0  # waited as Retry-After: 1 asked
    assert len(server.request_times(POSTS[1])) == 1  # an hour's wait is not worth holding for
    assert elapsed < 15
    rows = last_run_rows(data)
    assert rows[POSTS[0]] == "unchanged"
    assert rows[POSTS[1]] == (
        "error: HTTP 429, asked to retry after 3600 s (more than the 60 s a crawl waits)"
    )
    assert rows[POSTS[2]].startswith("error: not valid utf-8 (byte ")
    assert f"{server.origin}{POSTS[2]}: {rows[POSTS[2]]}" in result.stderr
    assert rows[POSTS[3]] == "error: larger than 8 MB, download stopped"  # no Content-Length
    assert server.huge_sent[POSTS[3]] < HUGE_BYTES / 2
    assert "2 unchanged, 0 new, 0 changed, 3 failed" in result.stdout
    assert store_bytes(data) == before
    pages_after = {k: v for k, v in kept_files(data).items() if k.startswith("crawl/pages/")}
    assert pages_after == pages_before


# --- a crawl killed halfway -------------------------------------------------------------


def padding() -> tuple[list[Episode], list[Feature]]:
    """Invented episodes far from the sample's numbers, to make the store slow to write."""
    episodes, features = [], []
    for number in range(1000, 1000 + PADDING_EPISODES):
        url = f"https://blog.example.test/thoughts/by-the-run-book-episode-{number}"
        episodes.append(Episode(episode=number, title=f"Padding episode {number}", url=url))
        for position in range(PADDING_FEATURES):
            features.append(
                Feature(
                    title=f"Invented feature {position} of episode {number}",
                    url=url,
                    episode=number,
                    ticket_id=str(5_000_000 + number * 10 + position),
                    version="2.300",
                    summary="A sentence written to give the store some weight. " * 4,
                    position=position,
                )
            )
    return episodes, features


@pytest.fixture(scope="module")
def edited_site(server, tmp_path_factory) -> Path:
    """The sample site with episode 52's intro and one feature summary edited."""
    site = tmp_path_factory.mktemp("edited") / "sample-site"
    shutil.copytree(server.site_dir, site)
    post = site / (EDITED_POST.strip("/") + ".html")
    text = post.read_text(encoding="utf-8")
    assert OLD_INTRO in text and OLD_SUMMARY in text
    post.write_text(text.replace(OLD_INTRO, NEW_INTRO).replace(OLD_SUMMARY, NEW_SUMMARY))
    return site


@pytest.fixture(scope="module")
def heavy(crawled, tmp_path_factory) -> Path:
    """The crawled folder plus a padded store and crawl state: slow enough to kill mid-write."""
    data_dir = tmp_path_factory.mktemp("heavy") / "data"
    shutil.copytree(crawled, data_dir)
    Store(data_dir).merge(*padding())
    state = CrawlState.load(data_dir)
    for number in range(1000, 1000 + PADDING_EPISODES * 4):
        post = state.post(f"https://blog.example.test/thoughts/padding-{number}")
        post.etag, post.outcome = f'"padding-{number}"', "unchanged"
    state.save()
    return data_dir


@pytest.fixture
def on_edited_site(server, edited_site):
    with serving(server, edited_site):
        yield


@pytest.fixture(scope="module")
def whole_crawl(server, edited_site, heavy, tmp_path_factory) -> dict[str, bytes]:
    """The store an uninterrupted crawl of the edited site writes over the heavy folder."""
    data_dir = tmp_path_factory.mktemp("whole") / "data"
    shutil.copytree(heavy, data_dir)
    with serving(server, edited_site):
        result = crawl(server, data_dir)
    assert result.returncode == 0, result.stderr
    assert "1 changed" in result.stdout and "1 updated" in result.stdout
    return store_bytes(data_dir)


def watch_for(condition: Callable[[], bool], process: subprocess.Popen) -> bool:
    """Poll ``condition`` every half millisecond while the crawl runs: False if it ended first."""
    deadline = time.monotonic() + 30
    while not condition():
        if process.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the kill point never came"
        time.sleep(0.0005)  # leave the crawl its share of the two cores
    return True


def watch(condition: Callable[[], bool], process: subprocess.Popen) -> bool:
    """SIGKILL the crawl the moment ``condition`` holds: False if it ended first."""
    if not watch_for(condition, process):
        return False
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return True


def new_entry(folder: Path, prefix: str = "") -> Callable[[], bool]:
    known = set(os.listdir(folder))
    return lambda: any(name.startswith(prefix) for name in set(os.listdir(folder)) - known)


def replaced(path: Path) -> Callable[[], bool]:
    inode = path.stat().st_ino
    return lambda: path.stat().st_ino != inode


def request_arrived(server: LoggingServer, path: str) -> Callable[[], bool]:
    return lambda: bool(server.request_times(path))


KILL_ATTEMPTS = 5  # runs of the crawl to catch a short kill point in
KILL_POINTS = {
    "while posts are fetched": lambda server, data: request_arrived(server, POSTS[4]),
    "while the store is written": lambda server, data: new_entry(data),
    "after the features file was replaced": lambda server, data: replaced(data / "features.jsonl"),
    "while the crawl state is written": lambda server, data: new_entry(
        data / "crawl", ".state.json."
    ),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
@pytest.mark.usefixtures("on_edited_site")
def test_a_killed_crawl_leaves_the_old_or_the_new_store_and_the_next_crawl_completes(
    server, heavy, whole_crawl, tmp_path, point
):
    if point == "while posts are fetched":
        server.faults[POSTS[4]] = "hang"  # the crawl waits at the kill point
    # A file write lasts a millisecond or so: on a busy machine the watcher can miss it and the
    # crawl finishes. That run proves nothing either way, so the kill is tried again.
    for attempt in range(KILL_ATTEMPTS):
        data_dir = tmp_path / f"data{attempt}"
        shutil.copytree(heavy, data_dir)
        old = store_bytes(data_dir)
        old_state = (data_dir / "crawl" / "state.json").read_bytes()
        condition = KILL_POINTS[point](server, data_dir)
        process = subprocess.Popen(
            crawl_command(server, data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            if point == "while posts are fetched":
                assert watch_for(condition, process), "the crawl ended while a post hung"
                refused = crawl(server, data_dir)  # the running crawl holds the lock
                assert refused.returncode == 1
                assert f"Another crawl (process {process.pid}) is running" in refused.stderr
            killed = watch(condition, process)
        finally:
            if process.poll() is None:
                process.kill()
            _, stderr = process.communicate()
        if killed:
            break
    else:
        pytest.fail(f"the crawl never stopped {point} in {KILL_ATTEMPTS} runs")
    assert process.returncode == -signal.SIGKILL, stderr

    # Whatever the store does when it is next opened, it holds one whole pair of files.
    store = Store(data_dir)
    with store.locked():
        pass
    store.episodes(), store.features()
    after_kill = store_bytes(data_dir)
    assert after_kill in (old, whole_crawl), "a mix of old and new store files, or a torn file"
    if point == "while posts are fetched":
        assert after_kill == old
        assert (data_dir / "crawl" / "state.json").read_bytes() == old_state
    if point == "while the crawl state is written":
        assert after_kill == whole_crawl
    CrawlState.load(data_dir)  # the crawl state reads back whole
    lock = data_dir / "crawl" / ".crawl.lock"
    assert lock.read_text().strip() == str(process.pid)  # the dead crawl's lock file stays

    server.faults.clear()
    server.release()
    result = crawl(server, data_dir)
    assert result.returncode == 0, result.stderr
    assert store_bytes(data_dir) == whole_crawl
    assert not temp_files(data_dir)  # the store and the crawl lock each cleared their own
    state = CrawlState.load(data_dir)
    edited = state.posts[f"{server.origin}{EDITED_POST}"]
    previous = (data_dir / "crawl" / edited.previous).read_text(encoding="utf-8")
    assert OLD_SUMMARY in previous and NEW_SUMMARY not in previous
    assert NEW_SUMMARY in state.page_text(f"{server.origin}{EDITED_POST}").decode()


# --- a data folder that cannot be written -------------------------------------------------


@pytest.mark.usefixtures("on_edited_site")
def test_a_file_where_the_crawl_folder_should_be_stops_the_crawl_with_nothing_written(server, data):
    pages = data / "crawl" / "pages"
    shutil.rmtree(pages)
    pages.write_text("not a folder\n")
    before = kept_files(data)
    result = crawl(server, data)
    assert result.returncode == 1
    (message,) = result.stderr.strip().splitlines()
    assert message.startswith(f"Error: Cannot write {pages}/by-the-run-book-episode-52.html")
    assert "a file stands where a folder should be" in message
    assert kept_files(data) == before
    assert not temp_files(data)


def mount_tmpfs(folder: Path, size_kib: int) -> bool:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return mounted.returncode == 0


def limit_file_size(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.usefixtures("on_edited_site")
def test_a_full_disk_stops_the_crawl_with_the_store_as_it_was(server, crawled, tmp_path):
    """A small tmpfs when this machine lets us mount one; else a per-file size limit (EFBIG)."""
    disk = tmp_path / "disk"
    features_size = (crawled / "features.jsonl").stat().st_size
    popen = {}
    if mount_tmpfs(disk, 1024):
        try:
            data = disk / "data"
            shutil.copytree(crawled, data)
            # Room for the edited post's two texts and the lock, not for a new features file.
            page = sample_site_dir() / (EDITED_POST.strip("/") + ".html")
            room = 2 * (-(-page.stat().st_size // 4096) * 4096) + 2 * 4096
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            (disk / "filler").write_bytes(b"\0" * (free - room))
            _check_full_disk_crawl(server, data, "No space left on device", popen)
        finally:
            subprocess.run(["umount", "-l", str(disk)], check=False)
    else:
        data = tmp_path / "data"
        shutil.copytree(crawled, data)
        popen["preexec_fn"] = limit_file_size(features_size)
        _check_full_disk_crawl(server, data, "File too large", popen)


def _check_full_disk_crawl(server, data: Path, reason: str, popen: dict) -> None:
    before = kept_files(data)
    result = crawl(server, data, **popen)
    assert result.returncode == 1
    (message,) = result.stderr.strip().splitlines()
    # The message names whichever of the two store files ran out of room first.
    assert message in {
        f"Error: Cannot write {data / name}: {reason}. Nothing was changed."
        for name in ("features.jsonl", "episodes.jsonl")
    }
    after = kept_files(data)
    assert store_bytes(data) == {
        name: before[name] for name in ("episodes.jsonl", "features.jsonl")
    }
    assert after["crawl/state.json"] == before["crawl/state.json"]
    assert after["last_run.json"] == before["last_run.json"]
    assert not temp_files(data)
    assert [f for f in jsonl(data / "features.jsonl") if OLD_SUMMARY in f["summary"]]
