"""Small helpers the page views and templates share: URLs that keep the filters, draft picks."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import quote_plus, urlsplit

from flask import Flask, current_app, g, has_request_context, request, url_for

from index import FacetCount, Hit, QueryError
from index.areas import area_label, integration_label
from webapp.views.fragments import Fragment, register_fragments, visible_text

MAX_PICKS = 100
MAX_KEY_LENGTH = 120
QUERY_SAFE = "!$'()*,/:;?@"  # left unescaped in query strings, as url_for leaves them
QUOTED_KEPT_LENGTH = 80  # names and values up to this long have their quoted form remembered

FLAG_LABELS = {
    "caution": "Caution",
    "recommended": "Recommended",
    "impactful": "Impactful",
    "not_enabled_by_default": "Not enabled by default",
}
ATTENTION_FLAGS = frozenset({"caution", "not_enabled_by_default"})


def parse_picks(value: str | None) -> list[str]:
    """Read the draft list from ``pick=key,key``: keys in order, duplicates dropped, bounded."""
    picks: list[str] = []
    for key in (value or "").split(","):
        key = key.strip()
        if not key or key in picks:
            continue
        if len(key) > MAX_KEY_LENGTH:
            raise QueryError(f"A picked key is longer than {MAX_KEY_LENGTH} characters.")
        picks.append(key)
    if len(picks) > MAX_PICKS:
        raise QueryError(f"A draft holds at most {MAX_PICKS} features; remove some first.")
    return picks


def join_picks(picks: Iterable[str]) -> str | None:
    """The ``pick`` URL value for a draft list (None when it is empty)."""
    return ",".join(picks) or None


def current_picks() -> list[str]:
    """The draft list carried in this request's URL (read once per request)."""
    picks = g.get("halonotes_picks")
    if picks is None:
        picks = g.halonotes_picks = tuple(parse_picks(request.args.get("pick")))
    return list(picks)


# The blueprints of the site's pages: a link from one to another keeps the draft list
# (``pick``) of the page it is on, so navigating never drops a draft.
_PAGE_BLUEPRINTS = frozenset(
    {"search", "tickets", "versions", "episodes", "coverage", "status", "stats"}
)


def _keep_picks(endpoint: str | None, values: dict) -> None:
    """``url_defaults``: links to the site's pages carry this request's ``pick``."""
    if "pick" in values or (endpoint or "").partition(".")[0] not in _PAGE_BLUEPRINTS:
        return
    picks = request.args.get("pick") if has_request_context() else None
    if picks:
        values["pick"] = picks


@lru_cache(maxsize=8192)
def _built_url(_root: str, _host: str, _picks: str, _endpoint: str, values: tuple) -> str:
    return url_for(_endpoint, **dict(values))


def link(_endpoint: str, **values: object) -> str:
    """``url_for`` remembered per process: a page of cards builds the same links over and over.

    A built URL depends only on the endpoint, the values, the script root, the draft list the
    page carries (``_keep_picks``) and, for external links, the host, so those make the key
    (every app in a process is the same site, with the same routes).
    """
    current = request._get_current_object()  # one context lookup, not one per attribute
    host = current.host_url if values.get("_external") else ""
    args = current.args
    # _keep_picks adds it to page links. Not args.get: on a URL without it (most), werkzeug's
    # get raises and catches a KeyError, built as an HTTP exception, for each of a page's links.
    picks = args["pick"] if "pick" in args else ""  # noqa: SIM401
    try:
        key = tuple(sorted(values.items()))
        return _built_url(current.script_root, host, picks, _endpoint, key)
    except TypeError:  # an unhashable value: build it directly
        return url_for(_endpoint, **values)


def _quoted(text: str) -> str:
    """``text`` quoted for a query string, as ``urlencode`` quotes it.

    A page quotes the same names and values dozens of times, so short ones are remembered
    (long ones are rare, and must not fill the memory).
    """
    return _quoted_short(text) if len(text) <= QUOTED_KEPT_LENGTH else _quote(text)


def _quote(text: str) -> str:
    return quote_plus(text, safe=QUERY_SAFE)


_quoted_short = lru_cache(maxsize=8192)(_quote)


def _query(args: dict[str, str]) -> str:
    return "&".join([f"{_quoted(name)}={_quoted(str(value))}" for name, value in args.items()])


def _page_args(endpoint: str | None) -> tuple[str, dict[str, str]]:
    """The endpoint a changed URL points at and the query arguments it starts from (a copy)."""
    own = g.get("halonotes_page_args")
    if own is None:  # read once per request: a results page changes its URL a dozen times
        # url_for reads "_external", "_scheme"... as options: never pass such names from the URL
        own = g.halonotes_page_args = (
            {k: v for k, v in request.args.items() if not k.startswith("_")},
            request.endpoint,
            request.view_args or {},
        )
    args = dict(own[0])
    if endpoint is None:
        endpoint = own[1]
        args.update(own[2])
    return endpoint, args


def _url(endpoint: str, args: dict[str, str]) -> str:
    """The URL of ``endpoint``: arguments its route names go in the path, the rest in the query."""
    in_path = current_app.extensions["halonotes_route_arguments"].get(endpoint, ())
    # pick=None: the query below says whether the draft list goes on (see _keep_picks).
    path = link(endpoint, pick=None, **{name: args.pop(name) for name in in_path if name in args})
    query = _query(args)
    return f"{path}?{query}" if query else path


def url_with(_endpoint: str | None = None, **changes: object) -> str:
    """This page's query parameters with some changed (None removes one), on any endpoint."""
    endpoint, args = _page_args(_endpoint)
    for name, value in changes.items():
        if value is None or value == "":
            args.pop(name, None)
        else:
            args[name] = str(value)
    return _url(endpoint, args)


FEED_FORMATS = (
    ("rss", "RSS", "application/rss+xml"),
    ("atom", "Atom", "application/atom+xml"),
    ("json", "JSON Feed", "application/feed+json"),
)


def feed_list(_endpoint: str, *, keep: bool = False, **args: object) -> list[tuple[str, ...]]:
    """A page's feed in each format, as (name, media type, URL), built once for the head's
    autodiscovery links and the visible Subscribe links; with ``keep``, the feed takes this
    page's search parameters (without its page, draft and facet-expansion ones)."""
    if keep:
        return [
            (name, kind, url_with(_endpoint, page=None, pick=None, more=None, fmt=fmt))
            for fmt, name, kind in FEED_FORMATS
        ]
    return [(name, kind, link(_endpoint, fmt=fmt, **args)) for fmt, name, kind in FEED_FORMATS]


def facet_items(name: str, counts: Iterable[FacetCount], chosen: str | None) -> Fragment:
    """The ``<li>`` links of one facet's values: each sets the filter, the chosen one clears it.

    The part of the URL every value shares is built once, and each value's quoted form and
    label are kept per worker, so a link costs one string join.
    """
    endpoint, args = _page_args(None)
    args.pop(name, None)
    args.pop("page", None)
    base = _url(endpoint, args)
    joiner = "&" if "?" in base else "?"
    lead = Fragment.format("{}{}{}=", base, joiner, _quoted(name))
    items = []
    for value, count in counts:
        quoted, label = _facet_value_html(str(value), name)
        if value == chosen:
            clear = url_with(**{name: None, "page": None})
            items.append(Fragment.format(_CHOSEN_FACET_ITEM, clear, label, count))
        else:
            items.append(Fragment.format(_FACET_ITEM, lead, quoted, label, count))
    return Fragment.join(items)


_FACET_ITEM = '<li><a href="{}{}">{}</a> <span class="facet-count">{}</span></li>\n'
_CHOSEN_FACET_ITEM = (
    '<li class="active"><a href="{}">{} ✕</a> <span class="facet-count">{}</span></li>\n'
)


def pick_link() -> Callable[[str], str]:
    """The draft page's URL with a given key added to the current draft list.

    The part every card of the page shares is built once.
    """
    lead = g.get("halonotes_pick_lead")
    if lead is None:
        picks = current_picks()
        query = _query({"pick": join_picks(picks) + ","}) if picks else "pick="
        lead = g.halonotes_pick_lead = f"{link('curate.draft')}?{query}"
    return lambda key: lead + _quoted(key)


def pick_url(key: str) -> str:
    """The draft page with ``key`` added to the current draft list."""
    return pick_link()(key)


def completeness(hit: Hit) -> tuple:
    """How full a record's write-up is: an important mention first, then flags, bullets, text."""
    return (
        hit.highlighted,
        hit.episode is not None,
        len(hit.flags),
        len(hit.bullets),
        len(hit.summary),
    )


def one_per_ticket(hits: Iterable[Hit]) -> list[Hit]:
    """One record per ticket (a ticket can be discussed twice): the fullest, where the first was."""
    kept: list[Hit] = []
    where: dict[str, int] = {}
    for hit in hits:
        if not hit.ticket_id:
            kept.append(hit)
        elif hit.ticket_id not in where:
            where[hit.ticket_id] = len(kept)
            kept.append(hit)
        elif completeness(hit) > completeness(kept[where[hit.ticket_id]]):
            kept[where[hit.ticket_id]] = hit
    return kept


def needs_attention(hit: Hit) -> bool:
    """True when a feature is flagged caution or not enabled by default."""
    return bool(ATTENTION_FLAGS.intersection(hit.flags))


def attention_first(hits: Iterable[Hit]) -> tuple[list[Hit], list[Hit]]:
    """Split features into those that need attention and the rest, keeping their order."""
    hits = list(hits)
    return [h for h in hits if needs_attention(h)], [h for h in hits if not needs_attention(h)]


@lru_cache(maxsize=4096)
def web_url(url: str | None) -> str | None:
    """Return ``url`` when it is an http(s) link, else None (crawled links may be hostile)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _this_machine(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@lru_cache(maxsize=4096)
def public_url(url: str | None) -> str | None:
    """``url`` when a visitor can follow it: http(s) on a host other than this machine's
    (a bundled sample crawl or a local import leaves loopback and ``file:`` URLs behind)."""
    found = web_url(url)
    if found is None:
        return None
    try:
        host = (urlsplit(found).hostname or "").lower()
    except ValueError:
        return None
    return None if not host or _this_machine(host) else found


def source_label(url: str | None) -> str:
    """How the status page names where a run read a page: its public URL, else the page's
    path on a local server, or a file's name (never a folder of the server)."""
    text = url or ""
    if public_url(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.rsplit("/", 1)[-1]
    if parts.scheme in ("http", "https"):
        return parts.path or "/"
    return (parts.path or text).rstrip("/").rsplit("/", 1)[-1]


def utc_time(value: datetime | str | None) -> str | None:
    """A moment as the site writes it, ``2026-04-28 06:15 UTC``; None when it cannot be read."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M UTC")


def facet_label(value: object, facet: str) -> str:
    """How a facet value reads on the page (``v2.210``, ``Episode 19``, ``Billing & invoicing``)."""
    text = str(value)
    if facet == "version":
        return f"v{text}"
    if facet == "episode":
        return f"Episode {text}"
    if facet == "flag":
        return FLAG_LABELS.get(text, text)
    if facet == "area":
        return area_label(text)
    if facet == "integration":
        return integration_label(text)
    return text


@lru_cache(maxsize=4096)
def _facet_value_html(value: str, facet: str) -> tuple[Fragment, Fragment]:
    """A facet value quoted for its link's query string, and its label, both escaped."""
    return Fragment.format("{}", _quote(value)), Fragment.format("{}", facet_label(value, facet))


def register_template_helpers(app: Flask) -> None:
    """Make the helpers available to every template."""
    route_arguments: dict[str, frozenset[str]] = {}
    for rule in app.url_map.iter_rules():
        route_arguments[rule.endpoint] = route_arguments.get(rule.endpoint, frozenset()) | set(
            rule.arguments
        )
    app.extensions["halonotes_route_arguments"] = route_arguments
    app.url_defaults(_keep_picks)
    app.jinja_env.globals.update(
        url_for=link,
        url_with=url_with,
        feed_list=feed_list,
        facet_items=facet_items,
        pick_url=pick_url,
        join_picks=join_picks,
    )
    register_fragments(app)
    app.jinja_env.filters["flag_label"] = lambda flag: FLAG_LABELS.get(flag, flag)
    app.jinja_env.filters["web_url"] = web_url
    app.jinja_env.filters["public_url"] = public_url
    app.jinja_env.filters["source_label"] = source_label
    app.jinja_env.filters["utc_time"] = utc_time
    app.jinja_env.filters["facet_label"] = facet_label
    app.jinja_env.finalize = visible_text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
