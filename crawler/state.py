"""Crawl state beside the store: what the last crawls saw of each episode post.

``data/crawl/state.json`` keeps, per post URL, the validators the server sent (ETag,
Last-Modified), a hash of the page, when it last answered and what happened. The text of
each post is kept in ``data/crawl/pages/<slug>.html``; when a post changes, the text it
replaces moves to ``data/crawl/previous/<slug>.html`` so the change can be shown.
Every file is written to a temporary file first and then renamed into place.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from crawler.errors import HalonotesError, StoreError

CRAWL_DIR = "crawl"
STATE_FILE = "state.json"
PAGES_DIR = "pages"
PREVIOUS_DIR = "previous"
LOCK_FILE = ".crawl.lock"
FORMAT = 1


def content_hash(body: bytes) -> str:
    """The hash that tells whether a page's bytes changed: ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def page_slug(url: str) -> str:
    """The file name stem for a post: the last segment of its path."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    slug = segments[-1] if segments else "index"
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in slug).lstrip(".") or "index"


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path``, then rename it into place."""
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except (FileExistsError, NotADirectoryError) as exc:
        raise StoreError(
            f"Cannot write {path}: a file stands where a folder should be ({exc.filename}). "
            "Move it away, or pass --data DIR."
        ) from exc
    except OSError as exc:
        raise StoreError(
            f"Cannot write {path}: {exc.strerror or exc}. Nothing was changed."
        ) from exc
    finally:
        if tmp_name:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


@dataclass
class PostState:
    """What the crawls saw of one episode post."""

    url: str
    etag: str | None = None  # the ETag of the last full answer
    last_modified: str | None = None  # its Last-Modified header, as sent
    content_hash: str | None = None  # content_hash() of the page text kept in pages/
    last_seen: str | None = None  # when the post last answered 200 or 304 (ISO 8601 UTC)
    outcome: str = "new"  # the last crawl's outcome: new, changed, unchanged, gone, error: ...
    changed_at: str | None = None  # when the text last changed after its first crawl
    previous: str | None = None  # the replaced text, relative to data/crawl/

    @classmethod
    def from_dict(cls, data: dict) -> PostState:
        """Build a post's state from its state.json entry, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class CrawlState:
    """The crawl state of one data folder."""

    def __init__(self, data_dir: Path | str, posts: dict[str, PostState] | None = None):
        self.crawl_dir = Path(data_dir) / CRAWL_DIR
        self.posts = posts or {}

    @property
    def path(self) -> Path:
        return self.crawl_dir / STATE_FILE

    @classmethod
    def load(cls, data_dir: Path | str) -> CrawlState:
        """Read ``data/crawl/state.json``; a missing file is an empty state.

        Raises:
            StoreError: the file exists but cannot be read.
        """
        state = cls(data_dir)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
            posts = data["posts"]
            state.posts = {
                url: PostState.from_dict({**row, "url": url}) for url, row in posts.items()
            }
        except FileNotFoundError:
            pass
        except (
            OSError,
            UnicodeDecodeError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ) as exc:
            raise StoreError(
                f"Cannot read the crawl state {state.path} ({exc}). "
                "Delete it to fetch every post in full on the next crawl."
            ) from exc
        return state

    def save(self) -> None:
        """Write ``state.json`` atomically, posts sorted by URL."""
        posts = {}
        for url in sorted(self.posts):
            row = asdict(self.posts[url])
            del row["url"]
            posts[url] = row
        text = json.dumps({"format": FORMAT, "posts": posts}, indent=2, sort_keys=True)
        write_atomic(self.path, (text + "\n").encode("utf-8"))

    def post(self, url: str) -> PostState:
        """The state of a post, created empty when the crawls have not seen it."""
        return self.posts.setdefault(url, PostState(url))

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a post whose text is kept; else no headers."""
        post = self.posts.get(url)
        if post is None or self.page_text(url) is None:
            return {}
        headers = {}
        if post.etag:
            headers["If-None-Match"] = post.etag
        if post.last_modified:
            headers["If-Modified-Since"] = post.last_modified
        return headers

    def page_path(self, url: str) -> Path:
        return self.crawl_dir / PAGES_DIR / f"{page_slug(url)}.html"

    def page_text(self, url: str) -> bytes | None:
        """The kept text of a post, or None."""
        try:
            return self.page_path(url).read_bytes()
        except OSError:
            return None

    def keep_text(self, url: str, body: bytes, *, seen_at: str) -> bool:
        """Keep a post's new text; move the text it replaces to previous/. True if it changed.

        The kept text moves only when it is the one the state knows (its hash matches), so
        a crawl killed halfway and run again never overwrites the real previous text; when
        the killed crawl had already moved it, the state now records it.
        """
        post = self.post(url)
        new_hash = content_hash(body)
        kept = self.page_text(url)
        changed = False
        if post.content_hash is not None and post.content_hash != new_hash:
            previous = Path(PREVIOUS_DIR) / self.page_path(url).name
            if kept is not None and content_hash(kept) == post.content_hash:
                write_atomic(self.crawl_dir / previous, kept)
            if _file_hash(self.crawl_dir / previous) == post.content_hash:
                post.previous = previous.as_posix()
                post.changed_at = seen_at
                changed = True
        if kept != body:
            write_atomic(self.page_path(url), body)
        post.content_hash = new_hash
        return changed


def _file_hash(path: Path) -> str | None:
    try:
        return content_hash(path.read_bytes())
    except OSError:
        return None


def remove_stale_temp_files(crawl_dir: Path) -> None:
    """Delete the temporary files a killed crawl left in the crawl folder.

    Only call it while holding the crawl lock: then no other crawl is writing them.
    """
    for folder in (crawl_dir, crawl_dir / PAGES_DIR, crawl_dir / PREVIOUS_DIR):
        for path in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                path.unlink()


@contextlib.contextmanager
def crawl_lock(data_dir: Path | str) -> Iterator[None]:
    """Hold the crawl lock of a data folder, or fail at once when another crawl holds it.

    The lock is an flock on ``crawl/.crawl.lock``: the kernel drops it when its process
    dies, however it dies, so a killed crawl never blocks the next one. The file keeps the
    holder's process ID for the message a refused crawl prints. Taking the lock also
    clears the temporary files a killed crawl left behind.

    Raises:
        HalonotesError: another crawl is running on the same folder.
    """
    path = Path(data_dir) / CRAWL_DIR / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
    except OSError as exc:
        raise StoreError(
            f"Cannot write to {path.parent}: {exc.strerror or exc}. "
            "Check the folder is writable, or pass --data DIR."
        ) from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise HalonotesError(
                f"Another crawl (process {holder or 'unknown'}) is running on {data_dir}: "
                f"it holds {path}. Wait for it to finish, then run this one again."
            ) from None
        try:
            _write_holder(handle)
            remove_stale_temp_files(path.parent)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_holder(handle) -> None:
    # Best effort: the process ID only makes the refusal message clearer.
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
