"""Build the search index from the store: full rebuilds swapped in whole, incremental updates.

``data/index`` is a symbolic link to the current index folder (``data/index.000007``). A
rebuild writes a new folder (``data/index.tmp-<pid>``), renames it and replaces the link in one
``os.replace``, so a reader always opens a complete index and a crash mid-build leaves the old
one working. An update adds and deletes documents in the current folder by record digest, with
one writer and one commit. Both hold ``data/.index.lock``, so only one runs at a time. A run
killed at any point leaves the last good index answering, and the next run removes what it left:
its build folder, index folders of a swap cut short, the unused files of a commit cut short.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import TOC, LockError, clean_files

from crawler.errors import IndexBusyError, IndexMissingError, StoreError
from crawler.records import Episode, Feature
from crawler.store import Store, fsync_dir, parse_jsonl_line
from crawler.versions import version_key
from index.areas import VOCABULARY_DIGEST, tags_in
from index.codec import HalonotesCodec
from index.schema import (
    KIND_EPISODE,
    KIND_FEATURE,
    KIND_RELEASE_NOTE,
    SCHEMA,
    SCHEMA_REVISION,
)

log = logging.getLogger(__name__)
_version_key = functools.lru_cache(maxsize=4096)(version_key)  # a few hundred versions, 100k lines

INDEX_NAME = "index"
LOCK_NAME = ".index.lock"
_TMP_PREFIX = "index.tmp-"
_SNAPSHOT = re.compile(r"index\.(\d{6,})")
WRITER_TIMEOUT = 30.0  # seconds to wait for another indexer before giving up
MULTIPROCESS_FROM = 5000  # records from which a two-process rebuild pays for its start-up
_SALT = f"{SCHEMA_REVISION}:{VOCABULARY_DIGEST}".encode()


@dataclass(frozen=True)
class IndexReport:
    """What a build or update did."""

    path: Path
    added: int
    removed: int
    total: int
    seconds: float
    rebuilt: bool

    def summary(self) -> str:
        """One line for the command line."""
        action = "Rebuilt" if self.rebuilt else "Updated"
        return (
            f"{action} the index at {self.path}: {self.total} documents "
            f"({self.added} added, {self.removed} removed) in {self.seconds:.1f} s"
        )


def index_path(data_dir: Path | str) -> Path:
    """The index link inside a data folder."""
    return Path(data_dir) / INDEX_NAME


def index_exists(data_dir: Path | str) -> bool:
    """True when the data folder holds a complete index."""
    path = index_path(data_dir)
    return path.is_dir() and whoosh_index.exists_in(str(path))


# --- the documents -------------------------------------------------------------------------


def _store_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, line) for each non-empty line of a store file."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if line:
                yield number, line


@dataclass(frozen=True)
class _Source:
    """One store line that becomes one document."""

    kind: str
    path: Path
    number: int
    line: bytes

    def document(self, digest: str) -> dict:
        data = parse_jsonl_line(self.path, self.number, self.line)
        if self.kind == KIND_EPISODE:
            return episode_document(Episode.from_dict(data), digest=digest)
        if not isinstance(data.get("title"), str):
            raise StoreError(
                f"{self.path}:{self.number} has no title. Restore the file or crawl again."
            )
        return feature_document(data, kind=self.kind, digest=digest)


def _sources(data_dir: Path) -> dict[str, _Source]:
    """Every document the store calls for, by digest (identical lines index once)."""
    store = Store(data_dir)
    files = (
        (KIND_FEATURE, store.features_path),
        (KIND_RELEASE_NOTE, store.release_notes_path),
        (KIND_EPISODE, store.episodes_path),
    )
    sources: dict[str, _Source] = {}
    with store.reading():  # one consistent version of the store, even while a crawl merges
        for kind, path in files:
            prefix = kind.encode() + b"\0" + _SALT + b"\0"
            for number, line in _store_lines(path):
                digest = hashlib.sha1(prefix + line).hexdigest()
                sources[digest] = _Source(kind, path, number, line)
    return sources


def _date_key(date: str | None) -> int:
    digits = re.sub(r"\D", "", (date or "")[:10])
    return int(digits) if len(digits) == 8 else 0


def feature_document(data: dict, *, kind: str, digest: str) -> dict:
    """The index document of a feature's store line (discussed in an episode, or release notes)."""
    aliases = data.get("aliases") or []
    bullets = data.get("bullets") or []
    flags = data.get("flags") or []
    summary = data.get("summary") or ""
    texts = [data["title"], *aliases, summary, *bullets]
    areas, integrations = tags_in(texts)
    seconds = data.get("seconds")
    record = dict(data)
    record["key"] = data.get("key") or Feature.from_dict(data).key
    record["areas"] = list(areas)
    record["integrations"] = list(integrations)
    document = {
        "kind": kind,
        "key": record["key"],
        "digest": digest,
        "ticket_id": data.get("ticket_id"),
        "version": data.get("version"),
        "version_key": _version_key(data.get("version")),
        "episode": data.get("episode") or 0,
        "timestamp": data.get("timestamp"),
        "seconds": seconds if seconds is not None else -1,
        "position": data.get("position") or 0,
        "title": data["title"],
        "aliases": "\n".join(aliases),
        "summary": summary,
        "bullets": "\n".join(bullets),
        "flags": ",".join(flags),
        "areas": ",".join(areas),
        "integrations": ",".join(integrations),
        "record": json.dumps(record, ensure_ascii=False),
    }
    return {name: value for name, value in document.items() if value not in (None, "")}


def episode_document(episode: Episode, *, digest: str) -> dict:
    """The index document of an episode post."""
    document = {
        "kind": KIND_EPISODE,
        "key": episode.key,
        "digest": digest,
        "episode": episode.episode,
        "episode_date": episode.date,
        "episode_date_key": _date_key(episode.date),
        "record": json.dumps(episode.to_dict(), ensure_ascii=False),
    }
    return {name: value for name, value in document.items() if value not in (None, "")}


# --- locking and the folder dance ------------------------------------------------------------


@contextlib.contextmanager
def _index_lock(data_dir: Path, *, timeout: float) -> Iterator[None]:
    """Hold the data folder's index lock, or raise IndexBusyError after ``timeout`` seconds."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = (data_dir / LOCK_NAME).open("a")
    except OSError as exc:
        raise StoreError(
            f"Cannot write to {data_dir}: {exc.strerror or exc}. "
            "Check the folder exists and is writable, or pass --data DIR."
        ) from exc
    deadline = time.monotonic() + timeout
    with handle:
        while True:
            try:
                # A POSIX record lock, not flock(): the indexing processes a rebuild forks
                # would inherit a flock and, if the rebuild were killed, hold it forever.
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"Another indexer is writing {index_path(data_dir)}. "
                        "Wait for it to finish, then run: halonotes index"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_builds(data_dir: Path) -> None:
    """Delete temporary build folders whose process is gone (killed mid-build)."""
    for path in data_dir.glob(_TMP_PREFIX + "*"):
        pid_text = path.name[len(_TMP_PREFIX) :]
        if pid_text.isdigit() and (int(pid_text) == os.getpid() or not _pid_alive(int(pid_text))):
            log.info("Removing the unfinished build %s", path)
            shutil.rmtree(path, ignore_errors=True)


def _current_target(data_dir: Path) -> str | None:
    link = index_path(data_dir)
    try:
        return os.readlink(link)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # a plain folder from an older layout
            return None
        raise


def _snapshots(data_dir: Path) -> list[tuple[int, Path]]:
    found = []
    for path in data_dir.glob("index.*"):
        match = _SNAPSHOT.fullmatch(path.name)
        if match and path.is_dir() and not path.is_symlink():
            found.append((int(match.group(1)), path))
    return sorted(found)


def _remove_stale_snapshots(data_dir: Path) -> None:
    """Delete index folders a swap killed halfway left: newer than the linked one, or older
    than the one kept before it (a swap deletes those only after moving the link)."""
    match = _SNAPSHOT.fullmatch(_current_target(data_dir) or "")
    if match is None:
        return  # no link yet, or a plain folder from before snapshots
    current = int(match.group(1))
    older = [path for serial, path in _snapshots(data_dir) if serial < current]
    newer = [path for serial, path in _snapshots(data_dir) if serial > current]
    for path in [*older[:-1], *newer]:
        log.info("Removing the index folder %s left by an interrupted rebuild", path)
        shutil.rmtree(path, ignore_errors=True)


def _swap_in(data_dir: Path, built: Path) -> Path:
    """Rename a finished build to the next snapshot and point ``data/index`` at it atomically."""
    link = index_path(data_dir)
    previous = _current_target(data_dir)
    if link.exists() and not link.is_symlink():
        # An index folder from before snapshots: keep it as a snapshot, then link to it.
        serial = (_snapshots(data_dir) or [(0, None)])[-1][0] + 1
        legacy = data_dir / f"index.{serial:06d}"
        os.rename(link, legacy)
        previous = legacy.name
    serial = (_snapshots(data_dir) or [(0, None)])[-1][0] + 1
    snapshot = data_dir / f"index.{serial:06d}"
    os.rename(built, snapshot)
    new_link = data_dir / f".index.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        new_link.unlink()
    os.symlink(snapshot.name, new_link)
    os.replace(new_link, link)
    with contextlib.suppress(OSError):  # the swap is done; durability is best effort
        fsync_dir(data_dir)
    # Keep the snapshot readers may still hold open; older ones and orphans can go.
    keep = {snapshot.name, previous}
    for _serial, path in _snapshots(data_dir):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    return snapshot


_PR_SET_PDEATHSIG = 1
_forking_indexers = threading.Event()


_forking_pid = [0]  # the process that forked last, noted just before the fork


def _note_forking_process() -> None:
    _forking_pid[0] = os.getpid()


def _stop_with_parent() -> None:
    """In a process forked by a rebuild: ask Linux to kill it when the rebuild dies.

    A rebuild killed between the fork and this call would leave the worker waiting forever
    (holding the index lock), so a worker whose parent is already gone exits at once.
    """
    if not _forking_indexers.is_set():
        return
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != _forking_pid[0]:
        os._exit(1)


_fork_hooks_registered = threading.Lock()  # held (never released) once the hooks are in


def _register_fork_hooks() -> None:
    """Install the fork hooks above, once per process, before its first multi-process rebuild.

    Only a rebuild forks indexing processes, so a process that never runs one (a web worker
    that imports ``index`` to search) runs no hook at each fork.
    """
    if _fork_hooks_registered.acquire(blocking=False):
        os.register_at_fork(before=_note_forking_process, after_in_child=_stop_with_parent)


# --- public entry points ---------------------------------------------------------------------


def rebuild_index(
    data_dir: Path | str, *, procs: int | None = None, timeout: float = WRITER_TIMEOUT
) -> IndexReport:
    """Build a fresh index from the store in a new folder and swap it in.

    Args:
        data_dir: the data folder holding the store; the index goes to ``data_dir/index``.
        procs: indexing processes; by default two for large stores on a machine with two or
            more cores (worth it from a few thousand records), else one.
        timeout: seconds to wait for another indexer.

    Returns:
        What was built.

    Raises:
        IndexBusyError: another indexer held the lock for ``timeout`` seconds.
        StoreError: the store cannot be read; the old index is left as it was.
    """
    data_dir = Path(data_dir)
    started = time.perf_counter()
    with _index_lock(data_dir, timeout=timeout):
        _remove_stale_builds(data_dir)
        _remove_stale_snapshots(data_dir)
        sources = _sources(data_dir)
        build_dir = data_dir / f"{_TMP_PREFIX}{os.getpid()}"
        shutil.rmtree(build_dir, ignore_errors=True)
        try:
            build_dir.mkdir()
            ix = whoosh_index.create_in(str(build_dir), SCHEMA)
            if procs is None:
                cores = os.cpu_count() or 1
                procs = 2 if cores > 1 and len(sources) >= MULTIPROCESS_FROM else 1
            # Separate segment files: Whoosh copies a compound file's parts into memory when it
            # opens them, which doubled a serving process's memory at 100k features.
            options = {"limitmb": 256, "compound": False, "codec": HalonotesCodec()}
            if procs > 1:
                options.update(procs=procs, multisegment=True)
            if procs > 1:
                # Whoosh's indexing processes wait on a queue forever if this one is killed.
                _register_fork_hooks()
                _forking_indexers.set()
            try:
                writer = ix.writer(**options)
                try:
                    for digest, source in sources.items():
                        writer.add_document(**source.document(digest))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            finally:
                _forking_indexers.clear()
            ix.close()
            _swap_in(data_dir, build_dir)
        except OSError as exc:
            raise StoreError(
                f"Cannot write the index in {data_dir}: {exc.strerror or exc}. "
                "The previous index was kept; free some space or fix permissions and retry."
            ) from exc
        finally:
            shutil.rmtree(build_dir, ignore_errors=True)
    report = IndexReport(
        path=index_path(data_dir),
        added=len(sources),
        removed=0,
        total=len(sources),
        seconds=time.perf_counter() - started,
        rebuilt=True,
    )
    log.info("%s", report.summary())
    return report


def _remove_unfinished_commit(ix, folder: Path) -> None:
    """Delete what a writer killed mid-commit left in an index folder: files the latest commit
    does not use and Whoosh's temporary files (its next commit would, but only if one comes)."""
    toc = TOC.read(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
    for path in folder.glob(f"_{ix.indexname}_*.toc.*"):  # a table of contents being written
        path.unlink(missing_ok=True)
    shutil.rmtree(folder / f"{ix.indexname}.tmp", ignore_errors=True)


def _indexed_digests(ix) -> set[str]:
    with ix.reader() as reader:
        if not reader.has_column("digest"):
            return set()
        column = reader.column_reader("digest")
        return {column[docnum] for docnum in reader.all_doc_ids()}


def update_index(
    data_dir: Path | str, *, create: bool = False, timeout: float = WRITER_TIMEOUT
) -> IndexReport | None:
    """Bring the index up to date with the store, changing only records that changed.

    Args:
        data_dir: the data folder holding the store and ``index``.
        create: build the index when there is none (otherwise do nothing and return None).
        timeout: seconds to wait for another indexer.

    Returns:
        What changed, or None when there is no index and ``create`` is False.

    Raises:
        IndexBusyError: another indexer held the lock for ``timeout`` seconds.
        StoreError: the store cannot be read; the index is left as it was.
    """
    data_dir = Path(data_dir)
    if not index_exists(data_dir):
        return rebuild_index(data_dir, timeout=timeout) if create else None
    started = time.perf_counter()
    with _index_lock(data_dir, timeout=timeout):
        _remove_stale_builds(data_dir)
        _remove_stale_snapshots(data_dir)
        path = index_path(data_dir)
        try:
            ix = whoosh_index.open_dir(str(path.resolve()))
        except whoosh_index.EmptyIndexError as exc:
            raise IndexMissingError(
                f"The index at {path} is incomplete. Run: halonotes index --rebuild"
            ) from exc
        try:
            _remove_unfinished_commit(ix, path.resolve())
            sources = _sources(data_dir)
            indexed = _indexed_digests(ix)
            removed = indexed - sources.keys()
            added = [digest for digest in sources if digest not in indexed]
            if removed or added:
                try:
                    writer = ix.writer(timeout=timeout, compound=False, codec=HalonotesCodec())
                except LockError as exc:
                    raise IndexBusyError(
                        f"Another process holds the writer of {path}. "
                        "Wait for it to finish, then run: halonotes index"
                    ) from exc
                with writer:
                    for digest in removed:
                        writer.delete_by_term("digest", digest)
                    for digest in added:
                        writer.add_document(**sources[digest].document(digest))
        finally:
            ix.close()
    report = IndexReport(
        path=path,
        added=len(added),
        removed=len(removed),
        total=len(sources),
        seconds=time.perf_counter() - started,
        rebuilt=False,
    )
    log.info("%s", report.summary())
    return report
