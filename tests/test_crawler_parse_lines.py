"""Field rules for one line of a post body: version and section headings, flags."""

import pytest

from crawler.parse.lines import flags_of, section_heading, version_heading


def test_version_headings():
    assert version_heading("v2.212 Features") == "2.212"
    assert version_heading("Version 2.21") == "2.210"
    assert version_heading("Features in v2.214") == "2.214"
    assert version_heading("v2.212 brings lots of small fixes to quoting and billing") is None


@pytest.mark.parametrize(
    "heading",
    [
        "What's New in v2.230",
        "Version 2.230 – Highlights",
        "New in HaloPSA v2.230:",
        "v2.230 Feature List",
        "Features - v2.230",
        "v2.230 (Stable)",
        "Release 2.230",
    ],
)
def test_version_headings_in_other_words(heading):
    assert version_heading(heading) == "2.230"


@pytest.mark.parametrize("heading", ["Supports TLS 1.2", "2.230 and 2.232", "v2.230 #5100700"])
def test_a_heading_with_other_words_or_two_versions_is_no_version_heading(heading):
    assert version_heading(heading) is None


def test_flags_from_callout_bullets():
    assert flags_of(["⚠️ Careful", "✅ Recommended", "🚀 Big"]) == (
        "caution",
        "recommended",
        "impactful",
    )
    assert flags_of(["This is not enabled by default"]) == ("not_enabled_by_default",)
    assert flags_of(["A plain bullet"]) == ()


def test_section_headings_read_through_lost_spaces():
    assert section_heading("FullFeature List") == "full list"
    assert section_heading("Important Mentions") == "highlights"
    assert section_heading("Full Feature List for the billing team and friends") is None
