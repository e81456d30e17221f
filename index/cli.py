"""``halonotes index`` and ``halonotes search``: thin commands over index.build and index.reader."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from crawler.errors import HalonotesError
from crawler.store import Store, default_data_dir
from index.build import index_exists, rebuild_index, update_index
from index.query import MAX_PAGE_SIZE, parse_request
from index.reader import IndexReader

log = logging.getLogger(__name__)

_DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data folder (default: $HALONOTES_DATA or data).",
)


def _fail(exc: HalonotesError) -> None:
    click.echo(f"Error: {exc}", err=True)
    raise SystemExit(1)


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in.")
@_DATA_OPTION
def index_command(rebuild: bool, data_dir: Path | None) -> None:
    """Build the search index, or bring it up to date with the store."""
    try:
        data_dir = data_dir or default_data_dir()
        Store(data_dir).require()
        if rebuild or not index_exists(data_dir):
            report = rebuild_index(data_dir)
        else:
            report = update_index(data_dir)
    except HalonotesError as exc:
        _fail(exc)
    click.echo(report.summary())


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--version", "version", default=None, help="Only this version, e.g. 2.212.")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PAGE_SIZE),
    default=10,
    show_default=True,
    help="How many results to print.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of result records.")
@_DATA_OPTION
def search_command(
    query: tuple[str, ...], version: str | None, limit: int, as_json: bool, data_dir: Path | None
) -> None:
    """Search the index with the same query language as the site."""
    try:
        data_dir = data_dir or default_data_dir()
        request = parse_request(
            {"q": " ".join(query), "version": version or "", "page_size": str(limit)}
        )
        page = IndexReader(data_dir, cache_size=0).search(request)
    except HalonotesError as exc:
        _fail(exc)
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in page.hits], ensure_ascii=False, indent=2))
        return
    if page.notice:
        click.echo(page.notice)
    if page.suggestion and not page.hits:
        click.echo(f"Did you mean: {page.suggestion}")
    for hit in page.hits:
        where = f"episode {hit.episode} at {hit.timestamp}" if hit.episode else "release notes"
        ticket = f"#{hit.ticket_id}" if hit.ticket_id else "-"
        click.echo(f"{ticket:>9}  v{hit.version or '?'}  {hit.title}  ({where})")
    click.echo(f"{page.total} results" + (f", showing {len(page.hits)}" if page.hits else ""))
