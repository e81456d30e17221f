"""Plain data the query API returns: templates, feeds and the JSON API never see Whoosh objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text plus filters, sort and page, all as the URL gives them."""

    q: str = ""
    version: str | None = None  # one version, canonical
    version_from: str | None = None  # inclusive range in release order
    version_to: str | None = None
    episode: int | None = None
    area: str | None = None
    integration: str | None = None
    flag: str | None = None
    sort: str = "relevance"  # relevance | version | newest | timestamp
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class Hit:
    """One feature record as search returns it, with what the index adds."""

    key: str
    title: str
    url: str
    episode: int | None
    ticket_id: str | None
    version: str | None
    timestamp: str | None
    seconds: int | None
    aliases: tuple[str, ...] = ()
    summary: str = ""
    bullets: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    highlighted: bool = False
    position: int = 0
    areas: tuple[str, ...] = ()
    integrations: tuple[str, ...] = ()
    episode_title: str | None = None
    episode_date: str | None = None  # ISO date
    episode_first_seen: str | None = None  # when a crawl first stored the post (ISO UTC)
    video_url: str | None = None  # the episode's video
    video_at: str | None = None  # the video opened at this feature's second
    snippet: str = ""  # HTML: crawled text escaped, matches wrapped in <mark>
    score: float = 0.0

    def marked(self, snippet: str, score: float) -> Hit:
        """This hit with a search's snippet and score.

        A copy of the fields rather than ``dataclasses.replace``, which checks every field
        again and took a sixth of a search's time: each page of results makes twenty.
        """
        copy = object.__new__(Hit)
        copy.__dict__.update(self.__dict__, snippet=snippet, score=score)
        return copy

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready data (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


class FacetCount(NamedTuple):
    """One value of a facet and how many results carry it (a search makes thousands at 100k
    features, so a light tuple rather than a dataclass)."""

    value: str
    count: int


@dataclass(frozen=True)
class ResultPage:
    """One page of search results."""

    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean" query text, when a word had no hits
    notice: str | None = None  # e.g. the query could not be parsed and was read as plain words

    @property
    def page_count(self) -> int:
        """How many pages the results fill."""
        size = max(self.request.page_size, 1)
        return max(1, -(-self.total // size))


@dataclass(frozen=True)
class FeaturePage:
    """One page of the features of some versions, one record per ticket, flagged ones first."""

    hits: list[Hit]
    total: int  # features on every page together
    flagged: int  # how many of them carry a flag asked to come first (they fill the first pages)
    version_counts: dict[str, int]  # per version, how many of the other features it has
    page: int = 1
    page_size: int = 100

    @property
    def page_count(self) -> int:
        """How many pages the features fill."""
        size = max(self.page_size, 1)
        return max(1, -(-self.total // size))


@dataclass(frozen=True)
class EpisodeInfo:
    """An episode as the index stores it, with its feature count."""

    episode: int
    title: str
    url: str
    date: str | None
    video_url: str | None
    versions: tuple[str, ...]
    hosts: tuple[str, ...]
    author: str | None
    summary: str
    notes: tuple[str, ...]
    unparsed_ids: tuple[str, ...]
    status: str
    feature_count: int = 0
    parse: str = "complete"  # parse health: "complete", or "partial: <why>"
