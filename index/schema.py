"""The Whoosh schema: the contract between the store's records and the search index.

One document per feature, per release-note feature and per episode (``kind`` tells them
apart). Field names equal the record keys; derived sort keys end in ``_key``. Facet counts and
filters come from the keyword and ID fields' postings, which the reader caches per index
generation. Numbers are columns only: filters and sorts read them per document, and leaving
them out of the term index keeps writing fast.
"""

import json

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from crawler.safe_text import safe_data
from index.analysis import FastStemmingAnalyzer

# Schema revision: part of every document's digest, so a change re-indexes every record.
SCHEMA_REVISION = "4"

KIND_FEATURE = "feature"  # a feature as an episode discusses it
KIND_RELEASE_NOTE = "release_note"  # a feature known only from a version's release notes
KIND_EPISODE = "episode"  # an episode post

# The full-text fields a query word is looked up in, with their weight.
TEXT_FIELDS = {"title": 3.0, "aliases": 2.0, "summary": 1.0, "bullets": 1.0}
# Keyword fields offered as facets, besides version and episode.
TAG_FIELDS = ("areas", "integrations", "flags")

_TEXT_ANALYZER = FastStemmingAnalyzer()  # lowercase words, stop words dropped, Porter stems


def _exact(**options) -> ID:
    # Scorable so Whoosh writes a one-byte length column for the field: without it the
    # writer checks for the missing column file once per posting, which triples build time.
    field = ID(**options)
    field.scorable = True
    return field


def _tags() -> KEYWORD:
    return KEYWORD(lowercase=True, commas=True, scorable=True)


def _number(typecode: str = "i", default: int = 0) -> COLUMN:
    return COLUMN(NumericColumn(typecode, default=default))


def text_analyzer():
    """Return the analyzer of the full-text fields (queries and snippets use it too)."""
    return _TEXT_ANALYZER


SCHEMA = Schema(
    kind=_exact(),  # feature | release_note | episode
    key=_exact(),  # the record's stable store key (Feature.key, Episode.key)
    digest=_exact(sortable=True),  # hash of the store line and the revisions
    ticket_id=_exact(),  # digits only, exact match ("1085470")
    version=_exact(),  # canonical version, exact match ("2.210")
    version_key=_number("q"),  # release order (versions.py)
    episode=_number(),  # episode number; 0 when none
    episode_date=_exact(),  # ISO date of the episode post
    episode_date_key=_number(),  # yyyymmdd; 0 when none
    timestamp=_exact(),  # "49:41" as the post writes it, exact match
    seconds=_number(default=-1),  # timestamp in seconds; -1 if none
    position=_number(),  # order within the post
    title=TEXT(analyzer=_TEXT_ANALYZER, field_boost=TEXT_FIELDS["title"]),  # headline
    aliases=TEXT(analyzer=_TEXT_ANALYZER, field_boost=TEXT_FIELDS["aliases"]),  # other headlines
    summary=TEXT(analyzer=_TEXT_ANALYZER),  # the summary paragraph
    bullets=TEXT(analyzer=_TEXT_ANALYZER),  # bullets and callouts
    flags=_tags(),  # caution, recommended, ... (records.FLAGS)
    areas=_tags(),  # product-area slugs (areas.py)
    integrations=_tags(),  # third-party product slugs (areas.py)
    record=STORED(),  # the record as JSON plus areas and integrations: what a Hit is built from
)


def stored_record(fields: dict) -> dict:
    """The record a document stores, its text made safe for every output (``safe_text``).

    The guard on the way out: whatever the store held when the index was built, no page,
    feed or export built from the index carries an XML-forbidden or invisible code point.
    """
    return safe_data(json.loads(fields["record"]))
