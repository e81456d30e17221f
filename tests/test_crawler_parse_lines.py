"""Field rules for one line of a post body: feature lines, version and section headings, flags."""

import pytest

from crawler.parse.lines import flags_of, id_tokens, section_heading, ticket_line, version_heading


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Title A | v2.212 #1003085 | 25:29", ("Title A", "1003085", "2.212", "25:29", "")),
        ("Title B | v2.21 #795425 | 1:02:03", ("Title B", "795425", "2.210", "1:02:03", "")),
        (
            "Title C | v2.216 #1085470 | 49:41Glued on",
            ("Title C", "1085470", "2.216", "49:41", "Glued on"),
        ),
        ("Title D #4400412", ("Title D", "4400412", None, None, "")),
        ("Title E #4400412 Same-line text.", ("Title E", "4400412", None, None, "Same-line text.")),
        ("Title F (998146)", ("Title F", "998146", None, None, "")),
        ("Title G (998146)Glued text", ("Title G", "998146", None, None, "Glued text")),
        ("Supports TLS 1.2 #4400999", ("Supports TLS 1.2", "4400999", None, None, "")),
        ("Title K (v2.216, #1085474) at 49:41", ("Title K", "1085474", "2.216", "49:41", "")),
        (
            "Title L | v2.216 #1085475 | Timestamp: 49:41",
            ("Title L", "1085475", "2.216", "49:41", ""),
        ),
        # Typed a little differently: a space after the "v", the moment in square brackets.
        ("Title H | v 2.216 #1085471 | 49:41", ("Title H", "1085471", "2.216", "49:41", "")),
        ("Title I | v2.216 #1085472 | [49:41]", ("Title I", "1085472", "2.216", "49:41", "")),
        (
            "Title J v2.216 #1085473 [1:02:15] Text",
            ("Title J", "1085473", "2.216", "1:02:15", "Text"),
        ),
    ],
)
def test_ticket_line_shapes(line, expected):
    found = ticket_line(line)
    assert (found.title, found.ticket_id, found.version, found.timestamp, found.rest) == expected


@pytest.mark.parametrize("line", ["No ID here", "Costs $12345", "Call 555-12345", "#1234 short"])
def test_lines_without_a_ticket_id_are_not_features(line):
    assert ticket_line(line) is None


def test_version_headings():
    assert version_heading("v2.212 Features") == "2.212"
    assert version_heading("Version 2.21") == "2.210"
    assert version_heading("Features in v2.214") == "2.214"
    assert version_heading("v2.212 brings lots of small fixes to quoting and billing") is None


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


def test_a_title_loses_its_list_mark():
    assert ticket_line("· Title H (998146)").title == "Title H"


def test_ids_are_ascii_digits_but_tokens_in_any_digits_are_counted():
    assert ticket_line("Title #５１００５２３") is None
    assert id_tokens("Title #５１００５２３ and (4400412)") == [
        ("#５１００５２３", "５１００５２３"),
        ("(4400412)", "4400412"),
    ]


def test_an_id_in_square_brackets_is_read():
    line = ticket_line("Title I [1100457] Text after it")
    assert (line.title, line.ticket_id, line.rest) == ("Title I", "1100457", "Text after it")
