"""index/pages.py: the data of tickets, episodes, versions and upgrade paths, from a small
real index built in a temporary folder."""

from __future__ import annotations

import pytest

from index import QueryError
from tests.index_data import search


def test_ticket_lists_episode_records_then_release_notes(reader):
    records = reader.ticket("2000006")
    assert [(h.episode, h.title) for h in records] == [
        (32, "QuickBooks Online sync uses webhooks"),
        (None, "QuickBooks Online webhook processing"),
    ]
    assert reader.ticket("#2000006") == records
    assert reader.ticket("nonsense") == []


def test_episodes_and_episode_features(reader):
    episodes = reader.episodes()
    assert [(e.episode, e.feature_count) for e in episodes] == [(32, 4), (31, 2), (30, 2)]
    assert reader.episode(31).video_url == "https://youtu.be/ep31video"
    assert reader.episode(99) is None
    assert [h.timestamp for h in reader.episode_features(31)] == ["3:30", "49:41"]


def test_versions_in_release_order_with_counts(reader):
    assert [(v.value, v.count) for v in reader.versions()] == [
        ("2.208", 2),
        ("2.210", 2),
        ("2.212", 2),
        ("2.214", 2),
    ]


def test_upgrade_path_excludes_from_and_includes_to(reader):
    path = reader.upgrade_path("2.208", "v2.212")
    assert [h.version for h in path] == ["2.210", "2.210", "2.212", "2.212"]
    with pytest.raises(QueryError, match="not a HaloPSA version"):
        reader.upgrade_path("banana", "2.212")


def test_features_by_keys_keeps_the_given_order(reader):
    keys = [h.key for h in search(reader, "", sort="newest").hits][:3]
    picked = reader.features_by_keys([keys[2], "no-such-key", keys[0]])
    assert [h.key for h in picked] == [keys[2], keys[0]]


def test_facet_values_and_newest(reader):
    values = reader.facet_values()
    assert {f.value for f in values["area"]} >= {"billing", "portal", "api", "automation"}
    assert [h.episode for h in reader.newest(limit=5)] == [32, 32, 32, 32, 31]
