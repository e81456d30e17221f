"""Writing invented records to a store and building its index, for tests that need a site."""

from pathlib import Path

from crawler.records import Episode, Feature, timestamp_seconds
from crawler.store import Store
from index.build import rebuild_index


def build_archive(
    data_dir: Path,
    episodes: list[Episode],
    features: list[Feature],
    *,
    release_notes: dict[str, list[Feature]] | None = None,
) -> Store:
    """Store the records (release notes by version) and build the index from them."""
    store = Store(data_dir)
    store.merge(episodes, features)
    for version, notes in (release_notes or {}).items():
        store.replace_release_notes(version, notes)
    rebuild_index(data_dir)
    return store


def discussed_feature(
    url, episode, position, title, version, ticket, timestamp, **extra
) -> Feature:
    """A feature as an episode post gives it, with its seconds worked out from the timestamp."""
    return Feature(
        title=title,
        url=url,
        episode=episode,
        ticket_id=ticket,
        version=version,
        timestamp=timestamp,
        seconds=timestamp_seconds(timestamp),
        position=position,
        **extra,
    )
