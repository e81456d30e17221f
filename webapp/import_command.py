"""``halonotes import``: parse saved pages (HTML, text or Markdown) into the store.

One line per episode, one error line per file that cannot be read, one total line.
The store is only written once every file has been parsed, through the store's atomic
merge, so a bad file or a crash never leaves it half written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import click

from crawler.errors import HalonotesError
from crawler.markdown_page import is_markdown, markdown_html
from crawler.parse import canonical_url, parse_page
from crawler.parse.encoding import UndecodableError, decode_page
from crawler.parse.release_notes import parse_release_notes
from crawler.records import COMPLETE, Episode, Feature, keep_first_seen
from crawler.report import NO_EPISODES, PageRow, RunReport, partial_posts, write_last_run
from crawler.store import Store
from crawler.versions import canonical_version
from index.build import update_index
from webapp.options import data_option

PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".txt", ".text"})
# Larger files are not pages; reading them whole would only waste memory.
MAX_PAGE_BYTES = 64 * 1024 * 1024

log = logging.getLogger(__name__)


class PageFileError(Exception):
    """A file that cannot be read as a page; the message names what is wrong."""


def page_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """The files to read: each file given, and the HTML and text files inside each folder."""
    for path in paths:
        if path.is_dir():
            found = (
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES and not p.name.startswith(".")
            )
            yield from sorted(found)
        else:
            yield path


def read_page(path: Path) -> str:
    """Read one saved page as text.

    Raises:
        PageFileError: the file is missing, unreadable, too large, or not text.
    """
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise PageFileError(f"{size} bytes is too large for a page (limit {MAX_PAGE_BYTES})")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PageFileError("no such file or folder") from exc
    except OSError as exc:
        raise PageFileError(exc.strerror or str(exc)) from exc
    try:
        return decode_page(data, source=str(path))
    except UndecodableError as exc:
        raise PageFileError(str(exc)) from exc


def page_url(path: Path, text: str) -> str:
    """The URL records from this file point to: the one the page declares, else the file's URI."""
    return canonical_url(text) or path.resolve().as_uri()


def _episode_line(path: Path, episode: Episode, features: list[Feature]) -> str:
    ids = {f.ticket_id for f in features if f.ticket_id}
    date = f" ({episode.date})" if episode.date else ""
    health = "" if episode.parse == COMPLETE else f"; {episode.parse}"
    return (
        f"{path}: episode {episode.episode}{date}: {len(features)} features, "
        f"{len(ids)} ticket IDs, {len(episode.unparsed_ids)} unparsed ID tokens{health}"
    )


def _import_pages(files: list[Path], report: RunReport) -> tuple[list[Episode], list[Feature]]:
    episodes: list[Episode] = []
    features: list[Feature] = []
    for path in files:
        try:
            text = read_page(path)
        except PageFileError as exc:
            click.echo(f"Error: {path}: {exc}. Skipped; the other files were imported.", err=True)
            report.add_page(PageRow(url=str(path), outcome=f"error: {exc}"))
            continue
        if is_markdown(path):
            text = markdown_html(text)
        url = page_url(path, text)
        parsed = parse_page(text, url)
        for episode in parsed.episodes:
            own = [f for f in parsed.features if f.episode == episode.episode]
            click.echo(_episode_line(path, episode, own))
        if not parsed.episodes:
            click.echo(f"{path}: no episodes")
        report.add_page(
            PageRow(
                url=url,
                outcome="ok" if parsed.episodes else NO_EPISODES,
                episodes=tuple(e.episode for e in parsed.episodes),
                features=len(parsed.features),
                unparsed_ids=tuple(t for e in parsed.episodes for t in e.unparsed_ids),
                partial=partial_posts(parsed.episodes),
            )
        )
        episodes.extend(parsed.episodes)
        features.extend(parsed.features)
    return episodes, features


def _import_release_notes(files: list[Path], version: str, store: Store) -> int:
    failed = 0
    for path in files:
        try:
            text = read_page(path)
        except PageFileError as exc:
            click.echo(f"Error: {path}: {exc}. Skipped; the other files were imported.", err=True)
            failed += 1
            continue
        features = parse_release_notes(text, version=version, url=str(path))
        stored = store.replace_release_notes(version, features)
        click.echo(f"{path}: {stored} release notes for version {version}")
    return failed


def _update_index(data_dir: Path) -> bool:
    """Keep an existing search index current with the store; False (and a message) on failure."""
    try:
        update_index(data_dir)
    except HalonotesError as exc:
        click.echo(f"Error: {exc}. The store is updated; run: halonotes index", err=True)
        return False
    return True


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_option("The data folder holding the store.")
@click.option(
    "--release-notes",
    "release_version",
    metavar="VERSION",
    help="Read each PATH as the release notes of VERSION (one ticket per line).",
)
@click.pass_context
def import_command(
    ctx: click.Context, paths: tuple[Path, ...], data_dir: Path, release_version: str | None
) -> None:
    """Parse saved episode pages (HTML, text or Markdown files, or folders of them) into the store.

    A Markdown file (``.md``) is read as the HTML CommonMark renders it to.
    """
    files = list(page_files(paths))
    store = Store(data_dir)
    if release_version is not None:
        version = canonical_version(release_version)
        if version is None:
            raise click.BadParameter(
                f"{release_version!r} is not a version; write it like 2.216 or v2.216.",
                param_hint="--release-notes",
            )
        try:
            failed = _import_release_notes(files, version, store)
        except HalonotesError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        indexed = _update_index(data_dir)
        click.echo(f"Total: {len(files)} files read, {failed} failed; version {version}")
        ctx.exit(0 if indexed and not failed else 1)

    report = RunReport(command="import")
    episodes, features = _import_pages(files, report)
    indexed = True
    try:
        if episodes:
            episodes = keep_first_seen(episodes, store.episodes(), None)
            report.store = store.merge(episodes, features)
            indexed = _update_index(data_dir)
        report.finish()
        write_last_run(data_dir, report)
    except HalonotesError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(1)
    totals = report.totals
    merged = report.store
    if totals["partial"]:
        click.echo(
            f"Warning: {totals['partial']} posts were read only in part (see above); "
            "their records hold what could be read.",
            err=True,
        )
    click.echo(
        f"Total: {totals['pages'] - totals['failed']} files read, {totals['failed']} failed; "
        f"{totals['episodes']} episodes, {totals['features']} features "
        f"({merged.added} added, {merged.updated} updated, {merged.removed} removed); "
        f"{totals['unparsed_ids']} unparsed ID tokens; {totals['partial']} posts partial"
    )
    ctx.exit(0 if indexed and not totals["failed"] else 1)
