"""Versions are read however a post writes them and sort in Halo's release order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.versions import canonical_version, find_versions, version_key


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("v2.212", "2.212"),
        ("2.212", "2.212"),
        ("V2.216", "2.216"),
        ("v2.21", "2.210"),
        ("2.2", "2.200"),
        ("version 2.214", "2.214"),
        ("v2.216.3", "2.216.3"),
        ("  v2.208 ", "2.208"),
        ("2.210.0", "2.210"),
    ],
)
def test_canonical_version_reads_every_written_form(written, canonical):
    assert canonical_version(written) == canonical


@pytest.mark.parametrize(
    "text", ["", None, "2", "v", "2.x", "abc", "12.34.56.78", "1085470", "2.\u0662\u0661"]
)
def test_canonical_version_rejects_what_is_not_a_version(text):
    assert canonical_version(text) is None


def test_release_order_puts_a_dropped_zero_version_between_its_neighbours():
    written = ["v2.212", "v2.21", "2.208", "v2.216", "2.214"]
    ordered = sorted((canonical_version(v) for v in written), key=version_key)
    assert ordered == ["2.208", "2.210", "2.212", "2.214", "2.216"]


def test_no_version_sorts_before_every_version():
    assert version_key(None) < version_key("0.0") < version_key("2.190")


def test_patch_releases_sort_after_their_release_and_before_the_next():
    assert version_key("2.212") < version_key("2.212.4") < version_key("2.214")


def test_find_versions_lists_each_version_once_in_order_of_appearance():
    text = "Episode 17 wraps up v2.21 and begins 2.212; more on v2.21 and V2.214 later."
    assert find_versions(text) == ["2.210", "2.212", "2.214"]


def test_find_versions_ignores_ticket_ids_timestamps_and_prices():
    assert find_versions("#1085470 at 49:41 costs $52.50 or 3.14159") == []


@given(st.text())
def test_version_functions_never_raise(text):
    canonical = canonical_version(text)
    assert canonical is None or version_key(canonical) >= 0
    for version in find_versions(text):
        assert canonical_version(version) == version
