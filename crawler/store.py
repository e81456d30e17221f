"""The JSON Lines store under data/: the source of truth for episodes and features.

One object per line with sorted keys, in a stable order, so a diff of the files shows
real changes. Writers hold an exclusive lock; a merge writes each changed file to a
temporary file, records the set in a journal, then renames them into place. The journal
is the commit point: a process killed before it leaves the old files, one killed after it
is rolled forward by the next reader or writer, so the store is always the old pair or the
new pair, never a mix and never half a file.

Merging episodes newer than every stored one appends their lines instead, at a cost in
proportion to the episode rather than the store: the files' sizes are recorded first, the
lines appended, and the record deleted as the commit point; a process killed before that
leaves the record, and the next reader or writer cuts the files back to those sizes.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import StoreError
from crawler.record_check import EPISODE_FIELDS, FEATURE_FIELDS, line_problem
from crawler.records import Episode, Feature
from crawler.versions import version_key

EPISODES_FILE = "episodes.jsonl"
FEATURES_FILE = "features.jsonl"
RELEASE_NOTES_FILE = "release_notes.jsonl"
LOCK_FILE = ".store.lock"
JOURNAL_FILE = ".store.journal"
APPEND_FILE = ".store.append"  # the files' sizes before an append; gone once it is complete
_UMASK = os.umask(0)
os.umask(_UMASK)


DATA_SETTING = "HALONOTES_DATA"  # the one setting naming the data folder, for every command


def default_data_dir() -> Path:
    """The data folder every command and the site use without ``--data``: ``$HALONOTES_DATA``
    or ``data``.

    Raises:
        StoreError: ``HALONOTES_DATA_DIR`` is set: a name once documented for the site only,
            refused rather than read by some commands and not others.
    """
    if os.environ.get("HALONOTES_DATA_DIR"):
        raise StoreError(
            f"HALONOTES_DATA_DIR is not a setting; the data folder is {DATA_SETTING}. "
            f"Run: export {DATA_SETTING}=$HALONOTES_DATA_DIR; unset HALONOTES_DATA_DIR"
        )
    return Path(os.environ.get(DATA_SETTING) or "data")


@dataclass
class MergeReport:
    """What a merge changed, counted by record."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def add(self, other: MergeReport) -> None:
        """Add another report's counts to this one."""
        self.added += other.added
        self.updated += other.updated
        self.removed += other.removed
        self.unchanged += other.unchanged


def parse_jsonl_line(
    path: Path, number: int, line: str | bytes, fields: dict | None = None
) -> dict:
    """Parse line ``number`` of a store file and check it against ``fields`` (record_check).

    Raises:
        StoreError: ``path:number: what is wrong``, for any line that is not a valid record.
    """
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _line_error(path, number, f"not valid UTF-8 (byte {exc.start + 1})") from exc
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _line_error(path, number, f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise _line_error(path, number, "not a JSON object")
    problem = line_problem(data, fields) if fields else None
    if problem:
        raise _line_error(path, number, problem)
    return data


def _line_error(path: Path, number: int, problem: str) -> StoreError:
    return StoreError(
        f"{path}:{number}: {problem}. Fix or remove the line (or restore the file from "
        "version control), then run the command again."
    )


def read_jsonl(path: Path, fields: dict | None = None) -> Iterator[dict]:
    """Yield the checked objects of a JSON Lines file; a missing file yields nothing."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield parse_jsonl_line(path, number, line, fields)


def _write_temp(path: Path, rows: Iterable[dict]) -> Path:
    """Write rows as JSON Lines to a new temporary file beside ``path``; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; store files are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False))
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return Path(tmp_name)


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    """Write rows atomically: a temporary file in the same folder, then ``os.replace``."""
    try:
        os.replace(_write_temp(path, rows), path)
    except OSError as exc:
        raise _write_error(path, exc) from exc


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(path: Path, exc: OSError) -> StoreError:
    reason = exc.strerror or exc
    return StoreError(f"Cannot write {path}: {reason}. Nothing was changed.")


def _last_line(path: Path) -> bytes | None:
    """The last non-empty line of a file, with its newline if it has one (None when empty)."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        end = handle.seek(0, os.SEEK_END)
        chunk = b""
        position = end
        while position > 0:
            step = min(65536, position)
            position -= step
            handle.seek(position)
            chunk = handle.read(step) + chunk
            body = chunk.rstrip(b"\n")
            start = body.rfind(b"\n")
            if start >= 0 or position == 0:
                if not body:
                    return None
                return chunk[start + 1 :] if start >= 0 else chunk
        return None


def _feature_order(feature: Feature) -> tuple:
    return (feature.episode or 0, feature.position, feature.key)


def _episode_order(episode: Episode) -> int:
    return episode.episode


def _merge_features(
    stored: list[Feature], features: list[Feature]
) -> tuple[list[Feature], MergeReport]:
    """The stored features with those of each episode in ``features`` replaced, in store
    order, and what that changed, counted by key."""
    replaced = {f.episode for f in features}
    kept = [f for f in stored if f.episode not in replaced]
    old_by_key = {f.key: f for f in stored if f.episode in replaced}
    new_by_key = {f.key: f for f in features}
    report = MergeReport(removed=len(set(old_by_key) - set(new_by_key)))
    for key, feature in new_by_key.items():
        old = old_by_key.get(key)
        if old is None:
            report.added += 1
        elif old != feature:
            report.updated += 1
        else:
            report.unchanged += 1
    return sorted([*kept, *new_by_key.values()], key=_feature_order), report


class Store:
    """The records in one data folder."""

    def __init__(self, data_dir: Path | str | None = None):
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self._held = False

    def require(self) -> None:
        """Raise a StoreError naming the folder when it holds no store file at all."""
        paths = (self.episodes_path, self.features_path, self.release_notes_path)
        if not any(path.is_file() for path in paths):
            raise StoreError(
                f"No store in {self.data_dir}: it has no {EPISODES_FILE} or {FEATURES_FILE}. "
                "Run halonotes crawl or halonotes import into it first, or pass --data DIR."
            )

    @property
    def episodes_path(self) -> Path:
        return self.data_dir / EPISODES_FILE

    @property
    def features_path(self) -> Path:
        return self.data_dir / FEATURES_FILE

    @property
    def release_notes_path(self) -> Path:
        return self.data_dir / RELEASE_NOTES_FILE

    def episodes(self) -> list[Episode]:
        """All stored episodes, by episode number."""
        with self.reading():
            return [
                Episode.from_dict(row) for row in read_jsonl(self.episodes_path, EPISODE_FIELDS)
            ]

    def features(self) -> list[Feature]:
        """All stored features, in store order."""
        with self.reading():
            return [
                Feature.from_dict(row) for row in read_jsonl(self.features_path, FEATURE_FIELDS)
            ]

    def release_notes(self) -> list[Feature]:
        """Features known from a version's release notes (no episode)."""
        with self.reading():
            return [
                Feature.from_dict(row)
                for row in read_jsonl(self.release_notes_path, FEATURE_FIELDS)
            ]

    @property
    def journal_path(self) -> Path:
        return self.data_dir / JOURNAL_FILE

    @property
    def append_path(self) -> Path:
        return self.data_dir / APPEND_FILE

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock (other writers and readers wait)."""
        with self._lock(fcntl.LOCK_EX):
            self._recover()
            yield

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold a shared lock so several reads see one consistent version of the store."""
        if not self.data_dir.is_dir():
            yield
            return
        if self.journal_path.exists() or self.append_path.exists():
            with self.locked():
                pass
        with self._lock(fcntl.LOCK_SH):
            yield

    @contextlib.contextmanager
    def _lock(self, mode: int) -> Iterator[None]:
        if self._held:
            yield
            return
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = (self.data_dir / LOCK_FILE).open("a")
        except OSError as exc:
            raise StoreError(
                f"Cannot write to {self.data_dir}: {exc.strerror or exc}. "
                "Check the folder exists and is writable, or pass --data DIR."
            ) from exc
        with handle:
            fcntl.flock(handle, mode)
            self._held = True
            try:
                yield
            finally:
                self._held = False
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _recover(self) -> None:
        """Finish a commit a killed process left half done, and drop its stray temp files."""
        try:
            journal = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            journal = {}
        except (OSError, ValueError):
            journal = {}  # a journal that was never completed: the old files stand
        for temp_name, final_name in journal.items():
            temp = self.data_dir / temp_name
            if temp.exists():
                os.replace(temp, self.data_dir / final_name)
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()
        self._undo_append()
        for name in (EPISODES_FILE, FEATURES_FILE, RELEASE_NOTES_FILE, JOURNAL_FILE, APPEND_FILE):
            for stray in self.data_dir.glob(f".{name}.*.tmp"):  # only ever written under the lock
                with contextlib.suppress(OSError):
                    stray.unlink()

    def _undo_append(self) -> None:
        """Cut the files back to the sizes an append that did not finish recorded."""
        try:
            sizes = json.loads(self.append_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            sizes = {}  # the record was never completed, so no line was appended
        for name, size in sizes.items():
            with contextlib.suppress(FileNotFoundError), (self.data_dir / name).open("r+b") as f:
                f.truncate(size)
                os.fsync(f.fileno())
        self.append_path.unlink()
        fsync_dir(self.data_dir)

    def _append(self, files: dict[Path, list[dict]]) -> None:
        """Append rows to several files as one change (see the module docstring)."""
        sizes = {path.name: path.stat().st_size if path.exists() else 0 for path in files}
        writing = self.append_path
        try:
            os.replace(_write_temp(self.append_path, [sizes]), self.append_path)
            fsync_dir(self.data_dir)
            for writing, rows in files.items():
                with writing.open("a", encoding="utf-8", newline="\n") as handle:
                    for row in rows:
                        handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False))
                        handle.write("\n")
                    handle.flush()
                    os.fsync(handle.fileno())
        except OSError as exc:
            with contextlib.suppress(OSError):
                self._undo_append()
            raise _write_error(writing, exc) from exc
        self.append_path.unlink()  # the commit point
        fsync_dir(self.data_dir)

    def _appendable(self, episodes: list[Episode], features: list[Feature]) -> bool:
        """True when every given record belongs after every stored one: new episodes, newer
        than the last stored episode and feature (both files are kept in that order)."""
        numbers = {episode.episode for episode in episodes}
        if not episodes or any(f.episode not in numbers for f in features):
            return False
        newest = -1
        for path, fields in (
            (self.episodes_path, EPISODE_FIELDS),
            (self.features_path, FEATURE_FIELDS),
        ):
            last = _last_line(path)
            if last is None:
                continue
            if not last.endswith(b"\n"):
                return False
            try:
                newest = max(newest, parse_jsonl_line(path, 0, last, fields).get("episode") or 0)
            except StoreError:
                return False  # the full merge reads the file and names the bad line
        return min(numbers) > newest

    def _commit(self, files: dict[Path, list[dict]]) -> None:
        """Replace several files as one change (see the module docstring)."""
        temps: dict[Path, Path] = {}
        writing = self.journal_path
        try:
            for writing, rows in files.items():
                temps[writing] = _write_temp(writing, rows)
            if len(temps) > 1:
                writing = self.journal_path
                journal = {temp.name: path.name for path, temp in temps.items()}
                os.replace(_write_temp(self.journal_path, [journal]), self.journal_path)
                fsync_dir(self.data_dir)
        except OSError as exc:
            for temp in temps.values():
                with contextlib.suppress(OSError):
                    temp.unlink()
            raise _write_error(writing, exc) from exc
        for path, temp in temps.items():
            os.replace(temp, path)
        fsync_dir(self.data_dir)
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()

    def merge(self, episodes: Iterable[Episode], features: Iterable[Feature]) -> MergeReport:
        """Merge parsed records into the store by key and write it back.

        The features of an episode in ``features`` replace that episode's stored features
        (a feature the post no longer lists is removed). An episode given with no features
        keeps the features it has: a run that yields nothing never deletes anything.
        """
        episodes = list(episodes)
        features = list(features)
        with self.locked():
            if self._appendable(episodes, features):
                return self._append_newer(episodes, features)
            return self._rewrite(episodes, features)

    def _append_newer(self, episodes: list[Episode], features: list[Feature]) -> MergeReport:
        """Append episodes newer than every stored one, with their features."""
        new_features = list({f.key: f for f in features}.values())
        self._append(
            {
                self.episodes_path: [e.to_dict() for e in sorted(episodes, key=_episode_order)],
                self.features_path: [f.to_dict() for f in sorted(new_features, key=_feature_order)],
            }
        )
        return MergeReport(added=len(new_features))

    def _rewrite(self, episodes: list[Episode], features: list[Feature]) -> MergeReport:
        """Merge into the stored records and write back each file that changed."""
        stored_episodes = {e.key: e for e in self.episodes()}
        stored_features = self.features()
        merged_features, report = _merge_features(stored_features, features)
        merged_episodes = {**stored_episodes, **{e.key: e for e in episodes}}
        ordered_episodes = sorted(merged_episodes.values(), key=_episode_order)
        changed: dict[Path, list[dict]] = {}
        if merged_features != stored_features:
            changed[self.features_path] = [f.to_dict() for f in merged_features]
        if ordered_episodes != sorted(stored_episodes.values(), key=_episode_order):
            changed[self.episodes_path] = [e.to_dict() for e in ordered_episodes]
        if changed:
            self._commit(changed)
        return report

    def replace_release_notes(self, version: str, features: Iterable[Feature]) -> int:
        """Replace the release-note features of one version; return how many are stored."""
        features = list(features)
        with self.locked():
            others = [f for f in self.release_notes() if f.version != version]
            rows = sorted(
                [*others, *features], key=lambda f: (version_key(f.version), f.ticket_id or "")
            )
            self._commit({self.release_notes_path: [f.to_dict() for f in rows]})
            return len(features)

    def set_episode_status(self, url: str, status: str) -> bool:
        """Mark the stored episode at ``url`` with what the last crawl saw; keep its records."""
        with self.locked():
            episodes = self.episodes()
            changed = False
            for index, episode in enumerate(episodes):
                if episode.url == url and episode.status != status:
                    episodes[index] = Episode.from_dict({**episode.to_dict(), "status": status})
                    changed = True
            if changed:
                self._commit({self.episodes_path: [e.to_dict() for e in episodes]})
            return changed
