"""index/related.py: the features most like a feature, on a small real index."""

from __future__ import annotations

from tests.index_data import search


def test_related_excludes_the_feature_itself(reader):
    hit = search(reader, "2000001").hits[0]
    related = reader.related(hit, limit=3)
    assert related and all(r.ticket_id != "2000001" for r in related)
    assert related[0].ticket_id == "2000005"  # the other recurring billing feature
