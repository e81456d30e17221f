"""Feeds: RSS 2.0, Atom and JSON Feed 1.1 for the newest features, any search, a version or an
episode, and an OPML list of the per-area feeds.

An entry's id is the ticket page's permalink plus the record key, so a re-crawl never shows an
old entry as new; its updated time comes from the episode's date and a hash of its content, so an
edited post shows up as an updated entry and nothing else does. An episode's date is the best one
known: the post's own date, else when a crawl first stored it; an entry with neither carries no
publication date, and Atom's required updated time is then the index's last change.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator
from flask import Blueprint, abort, current_app, request, url_for
from markupsafe import Markup, escape

from index import Hit, SearchRequest, canonical_version
from index import parse_request as parse_search_request
from webapp.app import current_reader
from webapp.responses import answer_errors, conditional, json_text, page_url, search_args
from webapp.shownotes import clock, plain_text, safe_url
from webapp.views.upgrade_path import upgrade_features, upgrade_range

bp = Blueprint("feeds", __name__)
answer_errors(bp, as_json=lambda: False)

FORMATS = "any(rss, atom, json)"
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
OPML_TYPE = "text/x-opml; charset=utf-8"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
NEWEST_LIMIT = 50
FEED_MAX_ENTRIES = 200  # entries of a version or episode feed (a real one has about 50-100)


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: its title, description and the page it mirrors."""

    title: str
    description: str
    home_url: str


def content_hash(hit: Hit) -> str:
    """A hash of what a reader sees in the entry (never the query-dependent snippet or score)."""
    seen = {
        name: getattr(hit, name)
        for name in (
            "title",
            "aliases",
            "summary",
            "bullets",
            "flags",
            "version",
            "ticket_id",
            "timestamp",
            "episode",
            "video_at",
            "areas",
        )
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode("utf-8")).hexdigest()


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def published_at(hit: Hit) -> datetime | None:
    """Midnight UTC of the episode's date: the post's own, else the day a crawl first stored
    it; None when neither is known (never a made-up date)."""
    day = _day(hit.episode_date) or _day(hit.episode_first_seen)
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def updated_at(hit: Hit) -> datetime:
    """The episode's date plus an offset within that day taken from the content hash.

    Unchanged content gives the same time on every rebuild; changed content a different one.
    Without a known date, the index's last change: Atom requires an updated time.
    """
    published = published_at(hit)
    if published is None:
        return current_reader().last_modified
    offset = int(content_hash(hit)[:8], 16) % 86_400
    return published + timedelta(seconds=offset)


def entry_id(hit: Hit) -> str:
    """The permanent entry id: the ticket page plus the record key."""
    return f"{page_url(hit)}#{quote(hit.key, safe=':')}"


def entry_html(hit: Hit) -> str:
    """The entry body as HTML: summary, bullets and the video link, crawled text escaped."""
    parts: list[Markup] = []
    if hit.summary:
        parts.append(Markup("<p>{}</p>").format(plain_text(hit.summary)))
    bullets = [plain_text(b) for b in hit.bullets if plain_text(b)]
    if bullets:
        items = Markup("").join(Markup("<li>{}</li>").format(b) for b in bullets)
        parts.append(Markup("<ul>{}</ul>").format(items))
    video = safe_url(hit.video_at)
    if video:
        moment = f" at {clock(hit.seconds)}" if hit.seconds is not None else ""
        parts.append(
            Markup('<p><a href="{}">Watch episode {}{}</a></p>').format(video, hit.episode, moment)
        )
    return str(Markup("\n").join(parts))


def entry_title(hit: Hit) -> str:
    """The entry title as plain text: the feature title with its version and ticket."""
    title = plain_text(hit.title) or "Untitled feature"
    version = f"v{hit.version}" if hit.version else ""
    ticket = f"#{hit.ticket_id}" if hit.ticket_id else ""
    ref = " ".join(part for part in (version, ticket) if part)
    return f"{title} ({plain_text(ref)})" if ref else title


def feed_updated(hits: Sequence[Hit]) -> datetime:
    """The newest entry time, or the index's last change when the feed is empty."""
    if hits:
        return max(updated_at(h) for h in hits)
    return current_reader().last_modified


def feedgen_document(info: FeedInfo, hits: Sequence[Hit], *, fmt: str) -> str:
    """Render an RSS 2.0 or Atom document with feedgen."""
    generator = FeedGenerator()
    generator.id(request.url)
    generator.title(info.title)
    generator.description(info.description)
    # RSS takes the channel <link> from the last link given: the page the feed mirrors.
    generator.link(href=request.url, rel="self")
    generator.link(href=info.home_url, rel="alternate")
    generator.language("en")
    generator.updated(feed_updated(hits))
    site = current_app.config.get("SITE_NAME", "halonotes")
    generator.generator(site)
    # RFC 4287 wants an author for every Atom entry; the feed's stands for its entries.
    generator.author(name=site, uri=url_for("search.home", _external=True))
    for hit in hits:
        entry = generator.add_entry(order="append")
        entry.guid(entry_id(hit), permalink=True)
        entry.title(entry_title(hit))
        # One link only: feedgen 1.0 writes no rel attribute on entry links, so a second
        # link would be a second "alternate"; the video moment is linked from the content.
        entry.link(href=page_url(hit))
        body = entry_html(hit)
        entry.content(body, type="html")
        entry.summary(str(escape(plain_text(hit.summary))) or body, type="html")
        published = published_at(hit)
        if published is not None:
            entry.published(published)
        entry.updated(updated_at(hit))
        for area in hit.areas:
            entry.category(term=plain_text(area))
    if fmt == "rss":
        return generator.rss_str(pretty=True).decode("utf-8")
    return generator.atom_str(pretty=True).decode("utf-8")


def json_feed_document(info: FeedInfo, hits: Sequence[Hit]) -> str:
    """Render a JSON Feed 1.1 document."""
    items = []
    for hit in hits:
        item = {
            "id": entry_id(hit),
            "url": page_url(hit),
            "title": entry_title(hit),
            "content_html": entry_html(hit),
            "summary": plain_text(hit.summary),
        }
        published = published_at(hit)
        if published is not None:
            item["date_published"] = published.isoformat()
            item["date_modified"] = updated_at(hit).isoformat()
        video = safe_url(hit.video_at)
        if video:
            item["external_url"] = video
        if hit.areas:
            item["tags"] = [plain_text(a) for a in hit.areas]
        items.append(item)
    document = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "description": info.description,
        "home_page_url": info.home_url,
        "feed_url": request.url,
        "authors": [{"name": current_app.config.get("SITE_NAME", "halonotes")}],
        "language": "en",
        "items": items,
    }
    return json_text(document)


def feed_response(info: FeedInfo, load_hits: Callable[[], Sequence[Hit]], *, fmt: str):
    """A conditional feed response in ``fmt``; ``load_hits`` runs only when a body is sent."""

    def build() -> str:
        hits = load_hits()
        if fmt == "json":
            return json_feed_document(info, hits)
        return feedgen_document(info, hits, fmt=fmt)

    return conditional(build, content_type=CONTENT_TYPES[fmt])


def describe(args: dict[str, str]) -> str:
    """A short plain-text description of a search's parameters."""
    shown = [f'"{args["q"]}"'] if args.get("q") else []
    shown += [f"{name} {value}" for name, value in args.items() if name not in {"q", "page"}]
    return plain_text(", ".join(shown))[:200]


@bp.get(f"/feed.<{FORMATS}:fmt>")
def search_feed(fmt: str):
    """The newest features, or the results of any search given with the search page's parameters."""
    args = search_args()
    site = current_app.config.get("SITE_NAME", "halonotes")
    if not args:
        info = FeedInfo(
            f"{site}: newest features",
            "The newest HaloPSA features discussed on By the [run]Book.",
            url_for("search.home", _external=True),
        )
        return feed_response(info, lambda: current_reader().newest(limit=NEWEST_LIMIT), fmt=fmt)
    search = parse_search_request(args)
    # url_for reads "_external", "_scheme"... as its own options: never pass them from the URL.
    page_args = {name: value for name, value in args.items() if not name.startswith("_")}
    info = FeedInfo(
        f"{site}: {describe(args)}",
        f"HaloPSA features matching {describe(args)}.",
        url_for("search.home", _external=True, **page_args),
    )
    return feed_response(info, lambda: current_reader().search(search).hits, fmt=fmt)


@bp.get(f"/version/<version>/feed.<{FORMATS}:fmt>")
def version_feed(version: str, fmt: str):
    """The features of one HaloPSA version, newest episode first (at most FEED_MAX_ENTRIES)."""
    canonical = canonical_version(version)
    if canonical is None:
        abort(404, description=f"'{plain_text(version)[:40]}' is not a HaloPSA version.")
    reader = current_reader()
    counts = {v.value: v.count for v in reader.versions()}
    if canonical not in counts:
        abort(404, description=f"No features of v{canonical} are in the index.")
    site = current_app.config.get("SITE_NAME", "halonotes")
    info = FeedInfo(
        f"{site}: HaloPSA v{canonical}",
        f"The features of HaloPSA v{canonical} discussed on By the [run]Book.",
        url_for("versions.version", version=canonical, _external=True),
    )
    size = min(counts[canonical], FEED_MAX_ENTRIES)
    search = SearchRequest(version=canonical, sort="version", page_size=size)
    return feed_response(info, lambda: reader.search(search).hits, fmt=fmt)


@bp.get(f"/episode/<int:number>/feed.<{FORMATS}:fmt>")
def episode_feed(number: int, fmt: str):
    """The features of one episode in the order of the video."""
    reader = current_reader()
    episode = reader.episode(number)
    if episode is None:
        abort(404, description=f"Episode {number} is not in the index.")
    site = current_app.config.get("SITE_NAME", "halonotes")
    info = FeedInfo(
        f"{site}: {plain_text(episode.title) or f'Episode {number}'}",
        f"The features discussed in episode {number}.",
        url_for("episodes.episode", number=number, _external=True),
    )
    return feed_response(
        info, lambda: reader.episode_features(number, page_size=FEED_MAX_ENTRIES), fmt=fmt
    )


@bp.get(f"/ticket/<ticket_id>/feed.<{FORMATS}:fmt>")
def ticket_feed(ticket_id: str, fmt: str):
    """Every record of one ticket: a new episode discussing it shows up as a new entry."""
    reader = current_reader()
    hits = reader.ticket(ticket_id)  # the reader's own check: digits or nothing
    if not hits:
        shown = plain_text(ticket_id.lstrip("#"))[:40]
        abort(404, description=f"No feature with ticket #{shown} is in the index.")
    ticket_id = hits[0].ticket_id or ticket_id
    site = current_app.config.get("SITE_NAME", "halonotes")
    info = FeedInfo(
        f"{site}: ticket #{ticket_id}",
        f"Every episode that discussed HaloPSA ticket #{ticket_id}.",
        url_for("tickets.ticket", ticket_id=ticket_id, _external=True),
    )
    return feed_response(info, lambda: [h for h in hits if h.episode is not None], fmt=fmt)


@bp.get(f"/upgrade/feed.<{FORMATS}:fmt>")
def upgrade_feed(fmt: str):
    """The features of an upgrade path (``from``, ``to``), as its page lists them."""
    reader = current_reader()
    span = upgrade_range(reader, request.args)
    site = current_app.config.get("SITE_NAME", "halonotes")
    args = {"from": span.version_from, "to": span.version_to}
    info = FeedInfo(
        f"{site}: upgrade {span.label}",
        f"The HaloPSA features of the upgrade {span.label}, those needing attention first.",
        url_for("versions.upgrade", _external=True, **args),
    )
    return feed_response(info, lambda: upgrade_features(reader, span).hits, fmt=fmt)


def opml_document(areas: Sequence[str]) -> str:
    """An OPML 2.0 list of the RSS feed of each area."""
    site = current_app.config.get("SITE_NAME", "halonotes")
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = f"{site}: feeds per area"
    ET.SubElement(head, "dateModified").text = format_datetime(
        current_reader().last_modified, usegmt=True
    )
    body = ET.SubElement(root, "body")
    ET.SubElement(
        body,
        "outline",
        text="Newest features",
        title="Newest features",
        type="rss",
        xmlUrl=url_for("feeds.search_feed", fmt="rss", _external=True),
        htmlUrl=url_for("search.home", _external=True),
    )
    group = ET.SubElement(body, "outline", text="Areas", title="Areas", type="folder")
    for area in areas:
        name = plain_text(area)
        ET.SubElement(
            group,
            "outline",
            text=name,
            title=name,
            type="rss",
            xmlUrl=url_for("feeds.search_feed", fmt="rss", area=area, _external=True),
            htmlUrl=url_for("search.home", area=area, _external=True),
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


@bp.get("/feeds.opml")
def opml():
    """The per-area feeds as an OPML subscription list."""
    reader = current_reader()
    return conditional(
        lambda: opml_document([f.value for f in reader.facet_values().get("area", [])]),
        content_type=OPML_TYPE,
    )
