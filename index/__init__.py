"""The Whoosh search index derived from the store, and the query API the site and CLI use."""

from crawler.errors import HalonotesError, IndexBusyError, IndexMissingError, QueryError
from crawler.records import read_ticket_id
from crawler.versions import canonical_version, version_key
from index.model import EpisodeInfo, FacetCount, FeaturePage, Hit, ResultPage, SearchRequest
from index.query import parse_request
from index.reader import IndexReader

__all__ = [
    "EpisodeInfo",
    "FacetCount",
    "FeaturePage",
    "HalonotesError",
    "Hit",
    "IndexBusyError",
    "IndexMissingError",
    "IndexReader",
    "QueryError",
    "ResultPage",
    "SearchRequest",
    "canonical_version",
    "parse_request",
    "read_ticket_id",
    "version_key",
]
