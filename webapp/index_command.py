"""``halonotes index`` and ``halonotes search``: thin commands over index.build and index.reader."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import click

from crawler.errors import HalonotesError
from crawler.store import Store, default_data_dir
from index.build import index_exists, rebuild_index, update_index
from index.query import parse_request
from index.reader import IndexReader
from webapp.options import data_option

log = logging.getLogger(__name__)

_DATA_OPTION = data_option("Data folder (default: $HALONOTES_DATA or data).", resolved=False)


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
@click.option("--from", "version_from", default=None, help="From this version on (inclusive).")
@click.option("--to", "version_to", default=None, help="Up to this version (inclusive).")
@click.option("--episode", default=None, help="Only this episode, e.g. 52.")
@click.option("--area", default=None, help="Only this product area, e.g. billing.")
@click.option("--integration", default=None, help="Only features naming this product, e.g. xero.")
@click.option("--flag", default=None, help="Only features with this callout flag, e.g. caution.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many results to print.",
)
@click.option("--all", "show_all", is_flag=True, help="Print every result (overrides --limit).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of result records.")
@_DATA_OPTION
def search_command(
    query: tuple[str, ...],
    version: str | None,
    version_from: str | None,
    version_to: str | None,
    episode: str | None,
    area: str | None,
    integration: str | None,
    flag: str | None,
    limit: int,
    show_all: bool,
    as_json: bool,
    data_dir: Path | None,
) -> None:
    """Search the index with the same query language and filters as the site."""
    filters = {
        "version": version,
        "from": version_from,
        "to": version_to,
        "episode": episode,
        "area": area,
        "integration": integration,
        "flag": flag,
    }
    try:
        data_dir = data_dir or default_data_dir()
        request = parse_request(
            {"q": " ".join(query), **{k: v for k, v in filters.items() if v}},
        )
        reader = IndexReader(data_dir, cache_size=0)
        page = reader.search(replace(request, page_size=limit))
        if show_all and page.total > len(page.hits):
            page = reader.search(replace(request, page_size=page.total))
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
        click.echo(result_line(hit))
    shown = f", showing {len(page.hits)}" if page.hits and len(page.hits) < page.total else ""
    more = " (--all prints every one)" if shown else ""
    click.echo(f"{page.total} result{'' if page.total == 1 else 's'}{shown}{more}")


def result_line(hit) -> str:
    """One result: ticket, version, title and where it is discussed (the moment when timed)."""
    if hit.episode is None:
        where = "release notes"
    elif hit.timestamp:
        where = f"episode {hit.episode} at {hit.timestamp}"
    else:
        where = f"episode {hit.episode}, not timed"
    ticket = f"#{hit.ticket_id}" if hit.ticket_id else "-"
    return f"{ticket:>9}  v{hit.version or '?'}  {hit.title}  ({where})"
