"""Which index generation each thread reads, and the tables of each generation.

Each thread keeps its own Whoosh searcher (a searcher shared between threads returns wrong
results) and checks at the start of every call that it still reads the latest commit, or the
generation its thread pinned. What every thread reads alike (facet masks, sort orders, episode
records) lives in ``Tables``, built once per generation and never changed after. With a
``warm`` function, a new generation is read off the request threads first: requests keep
the generation they have until the new one's tables are built and warmed.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index

from crawler.errors import IndexMissingError
from index.build import index_path, open_index, unreadable_index
from index.facets import Tables

log = logging.getLogger(__name__)

_OPEN_ATTEMPTS = 5
SETTLED_NS = 2_000_000_000  # a folder unchanged this long is not read again to find commits

Ident = tuple[str, int]  # a snapshot folder and a generation in it


class ShortGilTurns:
    """A context in which the threads of the process take shorter turns at the GIL.

    A request waits for the GIL again after each read of an index file; with a thread warming
    a new generation beside it, each wait lasted Python's whole switch interval (5 ms). While
    any thread is in the context, the interval is ``seconds``; the usual one comes back when
    the last leaves.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._inside = 0
        self._lock = threading.Lock()
        self._usual = sys.getswitchinterval()

    def __enter__(self) -> None:
        with self._lock:
            if self._inside == 0:
                self._usual = sys.getswitchinterval()
                sys.setswitchinterval(min(self._usual, self.seconds))
            self._inside += 1

    def __exit__(self, *_exc) -> None:
        with self._lock:
            self._inside -= 1
            if self._inside == 0:
                sys.setswitchinterval(self._usual)


WARMING_GIL_TURNS = ShortGilTurns(0.0005)


def _close_all(searchers: set, lock: threading.Lock) -> None:
    with lock:
        open_searchers = list(searchers)
        searchers.clear()
    for searcher in open_searchers:
        searcher.close()


class Generations:
    """The searchers and tables of the index in ``data_dir/index``; safe to share between
    threads."""

    def __init__(
        self,
        data_dir: Path,
        *,
        warm: Callable[[Tables | None], None] | None = None,
    ):
        """Open the index, or raise IndexMissingError naming the fix.

        ``warm`` is called on a thread of its own when a new generation is found, with the
        tables of the generation requests are answered from, to read what requests need of
        the new one; until it returns, they are answered from the one before. Without it
        every call sees the latest commit at once.
        """
        self._warm_calls = warm
        self._settled_ns = SETTLED_NS
        self._warming: set[Ident] = set()
        self._warmed_idents: set[Ident] = set()
        self._link = index_path(data_dir)
        self._link_folder = os.path.dirname(self._link)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._tables_lock = threading.Lock()  # one thread builds a generation's tables
        self._indexes: dict[str, object] = {}
        self._tables: dict[Ident, Tables] = {}
        # Every searcher opened and not closed: closed when this object is closed or
        # garbage-collected, so no segment file is left open behind a thread.
        self._open_searchers: set = set()
        self._finalizer = weakref.finalize(self, _close_all, self._open_searchers, self._lock)
        self.searcher()

    def close(self) -> None:
        """Close every searcher opened (no call may follow)."""
        self._finalizer()

    def pin(self) -> None:
        """Answer this thread's calls from the index as it is now, until ``unpin``."""
        self._local.pinned = False
        self.searcher()
        self._local.pinned = True

    def unpin(self) -> None:
        """Let this thread's next call see the latest committed index again."""
        self._local.pinned = False

    def _target(self) -> tuple[str, int]:
        """The snapshot folder the link points at, and the time its contents last changed."""
        try:
            name = os.readlink(self._link)
        except OSError:  # a plain folder (an index from before snapshots), or nothing
            name = None
        target = os.path.join(self._link_folder, name) if name else str(self._link)
        try:
            found = os.stat(target)
        except OSError:
            found = None
        if found is None or not stat.S_ISDIR(found.st_mode):
            raise IndexMissingError(f"No search index at {self._link}. Run: halonotes index")
        return target, found.st_mtime_ns

    def _open(self, target: str):
        with self._lock:
            ix = self._indexes.get(target)
            if ix is None:
                ix = open_index(target)
                # Only the current folder's index object is kept; old searchers keep theirs.
                self._indexes = {target: ix}
            return ix

    def searcher(self):
        """This thread's searcher, on the latest committed generation (or the pinned one)."""
        local = self._local
        if getattr(local, "pinned", False):
            return local.searcher
        for _attempt in range(_OPEN_ATTEMPTS):
            target, stamp = self._target()
            searcher = getattr(local, "searcher", None)
            if self._settled(searcher, target, stamp):
                return searcher
            try:
                if self._new_one_warming(searcher, target):
                    return searcher  # the warm generation answers until the new one is
                searcher = self._current(searcher, target)
            except (OSError, whoosh_index.EmptyIndexError):
                # A commit removed the files of the generation being opened, or a rebuild
                # swapped the folder between reading the link and opening it: try again.
                local.searcher = None
                with self._lock:
                    self._indexes.pop(target, None)
                continue
            except Exception as exc:  # unpickling, a renamed class, a format, cut-off files
                raise unreadable_index(self._link, exc) from exc
            local.searcher, local.target, local.stamp = searcher, target, stamp
            return searcher
        raise IndexMissingError(
            f"The search index at {self._link} cannot be opened. Run: halonotes index --rebuild"
        )

    def _settled(self, searcher, target: str, stamp: int) -> bool:
        """Whether nothing was added to or removed from the folder since ``searcher`` was
        checked, and long enough ago that a change within the same clock tick of the file
        system's timestamps would show."""
        local = self._local
        return (
            searcher is not None
            and (local.target, local.stamp) == (target, stamp)
            and time.time_ns() - stamp > self._settled_ns
        )

    def _new_one_warming(self, searcher, target: str) -> bool:
        """Whether a newer generation than ``searcher``'s is being warmed (warming it if
        nobody is yet)."""
        if searcher is None or self._warm_calls is None:
            return False
        latest = (target, self._open(target).latest_generation())
        current = (self._local.target, searcher.reader().generation())
        return latest != current and not self._warmed(latest)

    def _current(self, searcher, target: str):
        """A searcher on the latest generation: ``searcher`` itself when it reads it."""
        local = self._local
        if searcher is not None and local.target == target:
            ix = self._open(target)
            if ix.latest_generation() == searcher.reader().generation():
                return searcher
            # Not Searcher.refresh(): it reuses segment readers by segment id, so documents
            # deleted since keep matching (stale deletion sets).
            self._retire(searcher)
            return self._track(ix.searcher())
        if searcher is not None:
            self._retire(searcher)
        return self._track(self._open(target).searcher())

    def _warmed(self, ident: Ident) -> bool:
        """Whether generation ``ident`` is warm; if not, start warming it on a thread of its
        own (once)."""
        with self._lock:
            if ident in self._warmed_idents:
                return True
            if ident in self._warming:
                return False
            self._warming.add(ident)
        threading.Thread(target=self._warm, args=(ident,), name="index-warm", daemon=True).start()
        return False

    def _warm(self, ident: Ident) -> None:
        """Read a new generation off the request threads, then let requests move to it."""
        with self._lock:
            previous = list(self._tables.values())[-1] if self._tables else None
        try:
            with WARMING_GIL_TURNS:
                self._warm_calls(previous)
        except Exception:  # the requests read it themselves then; say what failed
            log.exception("Could not warm index generation %s of %s", ident[1], ident[0])
        finally:
            searcher = getattr(self._local, "searcher", None)
            idents = {ident}
            if searcher is not None:
                idents.add((self._local.target, searcher.reader().generation()))
                self._retire(searcher)
            with self._lock:
                self._warming.discard(ident)
                self._warmed_idents = idents

    def _track(self, searcher):
        with self._lock:
            self._open_searchers.add(searcher)
        return searcher

    def _retire(self, searcher) -> None:
        with self._lock:
            self._open_searchers.discard(searcher)
        searcher.close()

    def state(self) -> tuple[object, Tables, Ident]:
        """This thread's searcher, its generation's tables, and which generation it is."""
        searcher = self.searcher()
        ident = (self._local.target, searcher.reader().generation())
        tables = self._tables.get(ident)
        if tables is None:
            tables = self._build_tables(searcher, ident)
        return searcher, tables, ident

    def _build_tables(self, searcher, ident: Ident) -> Tables:
        # Not under self._lock, which every request takes to look for a new generation: a
        # request answered from the previous one never waits for these to be built.
        with self._tables_lock:
            tables = self._tables.get(ident)
            if tables is None:
                try:
                    tables = Tables(searcher)
                except Exception as exc:  # segment files cut short or garbled
                    raise unreadable_index(self._link, exc) from exc
            with self._lock:  # this generation's, and the one before for the requests
                # still answered from it while this one was read
                self._tables = dict(list(self._tables.items())[-1:]) | {ident: tables}
        return tables

    @property
    def generation(self) -> int:
        """A number that changes whenever the index does (for ETags)."""
        searcher = self.searcher()
        name = os.path.basename(self._local.target)
        serial = int(name.rsplit(".", 1)[-1]) if name.rsplit(".", 1)[-1].isdigit() else 0
        return serial * 1_000_000 + searcher.reader().generation()

    @property
    def last_modified(self) -> datetime:
        """When the index last changed (timezone-aware UTC)."""
        searcher = self.searcher()
        generation = searcher.reader().generation()
        toc = Path(self._local.target) / f"_MAIN_{generation}.toc"
        try:
            stamp = toc.stat().st_mtime
        except OSError:
            stamp = Path(self._local.target).stat().st_mtime
        return datetime.fromtimestamp(int(stamp), tz=UTC)
