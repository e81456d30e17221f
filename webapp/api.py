"""The JSON API (the pages' data with the same filters) and CSV export of any search."""

from __future__ import annotations

from dataclasses import asdict, replace

from flask import Blueprint, abort, request, url_for

from crawler.records import TICKET_ID_RULE
from index import (
    EpisodeInfo,
    FeaturePage,
    Hit,
    ResultPage,
    canonical_version,
    parse_request,
    read_ticket_id,
)
from index.query import MAX_PAGE_SIZE
from webapp.app import current_reader
from webapp.responses import (
    answer_errors,
    attachment,
    conditional,
    json_text,
    page_url,
    search_args,
)
from webapp.shownotes import csv_text, safe_url
from webapp.views.episodes import episode_page
from webapp.views.helpers import completeness
from webapp.views.versions import version_features

bp = Blueprint("api", __name__)
answer_errors(bp, as_json=lambda: not request.path.endswith(".csv"))

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
CSV_MAX_ROWS = 5000
# Features per page of /version/<v>.json unless page_size asks for fewer; the search's
# largest page size, and the version page's own page size.
VERSION_PAGE_SIZE = MAX_PAGE_SIZE
CSV_COLUMNS = (
    "version",
    "ticket_id",
    "title",
    "summary",
    "bullets",
    "flags",
    "areas",
    "integrations",
    "episode",
    "timestamp",
    "video_at",
    "page",
    "key",
)


def hit_data(hit: Hit) -> dict:
    """A hit as JSON data, with the absolute URL of its page on this site."""
    data = hit.to_dict()
    data["page"] = page_url(hit)
    data["video_at"] = safe_url(hit.video_at)
    data["video_url"] = safe_url(hit.video_url)
    return data


def episode_data(episode: EpisodeInfo) -> dict:
    """An episode as JSON data, with the absolute URL of its page on this site."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(episode).items()}
    data["video_url"] = safe_url(episode.video_url)
    data["page"] = url_for("episodes.episode", number=episode.episode, _external=True)
    return data


def result_data(result: ResultPage) -> dict:
    """One page of search results as JSON data."""
    return {
        "request": asdict(result.request),
        "total": result.total,
        "page": result.request.page,
        "page_count": result.page_count,
        "hits": [hit_data(hit) for hit in result.hits],
        "facets": {
            name: [{"value": f.value, "count": f.count} for f in counts]
            for name, counts in result.facets.items()
        },
        "suggestion": result.suggestion,
        "notice": result.notice,
    }


@bp.get("/search.json")
def search():
    """Search results with the search page's parameters, facets and "did you mean"."""
    search_request = parse_request(search_args())
    return conditional(
        lambda: json_text(result_data(current_reader().search(search_request))),
        content_type=JSON_TYPE,
    )


@bp.get("/ticket/<ticket_id>.json")
def ticket(ticket_id: str):
    """Every record of one ticket, newest episode first, and related features."""
    ticket_id = read_ticket_id(ticket_id)
    if ticket_id is None:
        abort(404, description=f"{TICKET_ID_RULE}, like /ticket/1085470.json.")
    reader = current_reader()
    hits = reader.ticket(ticket_id)
    if not hits:
        abort(404, description=f"No feature with ticket #{ticket_id} is in the index.")
    return conditional(
        lambda: json_text(
            {
                "ticket_id": ticket_id,
                "total": len(hits),
                "features": [hit_data(h) for h in hits],
                "related": [hit_data(h) for h in reader.related(max(hits, key=completeness))],
            }
        ),
        content_type=JSON_TYPE,
    )


def version_page(version: str) -> FeaturePage:
    """The asked-for page of the version page's own data (404 for an unknown version or page)."""
    # The search's own checks, so a bad page number reads the same everywhere.
    checked = parse_request(
        {
            "page": request.args.get("page", ""),
            "page_size": request.args.get("page_size", "").strip() or str(VERSION_PAGE_SIZE),
        }
    )
    canonical = canonical_version(version)
    if canonical is None:
        abort(404, description="Versions are written like 2.212 or v2.212.")
    result = version_features(canonical, page=checked.page, page_size=checked.page_size)
    if checked.page > result.page_count:
        pages = "1 page" if result.page_count == 1 else f"{result.page_count} pages"
        abort(
            404,
            description=f"There is no page {checked.page} of v{canonical}: its {result.total} "
            f"features fill {pages} of {checked.page_size}.",
        )
    return result


def version_page_url(version: str, page: int, page_size: int) -> str:
    """The absolute URL of one page of a version's JSON, without the default parameters."""
    return url_for(
        "api.version",
        version=version,
        page=page if page > 1 else None,
        page_size=page_size if page_size != VERSION_PAGE_SIZE else None,
        _external=True,
    )


@bp.get("/version/<version>.json")
def version(version: str):
    """One page of the version page's features, in its order, with its neighbours."""
    result = version_page(version)
    canonical = canonical_version(version)
    page, size = result.page, result.page_size
    return conditional(
        lambda: json_text(
            {
                "version": canonical,
                "total": result.total,
                "needs_attention": result.flagged,
                "page": page,
                "page_size": size,
                "page_count": result.page_count,
                "next": (
                    version_page_url(canonical, page + 1, size)
                    if page < result.page_count
                    else None
                ),
                "previous": version_page_url(canonical, page - 1, size) if page > 1 else None,
                "features": [hit_data(h) for h in result.hits],
            }
        ),
        content_type=JSON_TYPE,
    )


def episode_page_url(number: int, page: int) -> str:
    """The absolute URL of one page of an episode's JSON."""
    return url_for("api.episode", number=number, page=page if page > 1 else None, _external=True)


@bp.get("/episode/<int:number>.json")
def episode(number: int):
    """One episode's metadata and a page of its features in timestamp order."""
    info, features = episode_page(number)
    page = features.page
    if page > features.page_count:
        abort(
            404,
            description=f"There is no page {page} of episode {number}: its {features.total} "
            f"features fill {features.page_count} of {features.page_size}.",
        )
    return conditional(
        lambda: json_text(
            {
                "episode": episode_data(info),
                "total": features.total,
                "page": page,
                "page_size": features.page_size,
                "page_count": features.page_count,
                "next": episode_page_url(number, page + 1) if page < features.page_count else None,
                "previous": episode_page_url(number, page - 1) if page > 1 else None,
                "features": [hit_data(h) for h in features.hits],
            }
        ),
        content_type=JSON_TYPE,
    )


def csv_rows(hits: list[Hit]):
    """One CSV row per feature."""
    for hit in hits:
        yield (
            hit.version,
            hit.ticket_id,
            hit.title,
            hit.summary,
            "\n".join(hit.bullets),
            "; ".join(hit.flags),
            "; ".join(hit.areas),
            "; ".join(hit.integrations),
            hit.episode,
            hit.timestamp,
            safe_url(hit.video_at),
            page_url(hit),
            hit.key,
        )


@bp.get("/search.csv")
def search_csv():
    """Every result of a search (up to CSV_MAX_ROWS) as formula-safe CSV."""
    search_request = replace(parse_request(search_args()), page=1, page_size=CSV_MAX_ROWS)
    return conditional(
        lambda: csv_text(CSV_COLUMNS, csv_rows(current_reader().search(search_request).hits)),
        content_type=CSV_TYPE,
        headers=attachment("halonotes-search.csv"),
    )
