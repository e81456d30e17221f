"""A feature's title line read as fields around its ticket ID, in the orders and words the
series has typed them."""

import pytest

from crawler.parse.blocks import HEADING, PARAGRAPH, Block
from crawler.parse.feature_lines import field_line, id_tokens, lines_without_id, ticket_line


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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # The ID with a word before it, or as a field of its own.
        (
            "Title M | v2.230 Ticket 1085476 | 49:41",
            ("Title M", "1085476", "2.230", "49:41", ""),
        ),
        (
            "Title N | Version 2.230 | Ticket ID: #1085477 | 49:41",
            ("Title N", "1085477", "2.230", "49:41", ""),
        ),
        ("Title O | v2.230 | 1085478 | 49:41", ("Title O", "1085478", "2.230", "49:41", "")),
        ("Title P | v2.230 1085479 | 49:41", ("Title P", "1085479", "2.230", "49:41", "")),
        ("Title Q (Ticket 1085480)", ("Title Q", "1085480", None, None, "")),
        # The moment before the title, the version after the ID, the ID first.
        ("[49:41] Title R | v2.230 #1085481", ("Title R", "1085481", "2.230", "49:41", "")),
        ("49:41 – Title S | v2.230 #1085482", ("Title S", "1085482", "2.230", "49:41", "")),
        ("Title T | #1085483 v2.230 | 49:41", ("Title T", "1085483", "2.230", "49:41", "")),
        ("Title U | 49:41 | v2.230 #1085484", ("Title U", "1085484", "2.230", "49:41", "")),
        ("#1085485 | Title V | v2.230 | 49:41", ("Title V", "1085485", "2.230", "49:41", "")),
        # Other words and widths: "HaloPSA v2.230", full-width bars, a YouTube-style moment.
        (
            "Title W | HaloPSA v2.230 #1085486 | 49:41",
            ("Title W", "1085486", "2.230", "49:41", ""),
        ),
        ("Title X ｜ v2.230 ｜ #1085487 ｜ 49:41", ("Title X", "1085487", "2.230", "49:41", "")),
        ("Title Y | v2.230 #1085488 | 49m41s", ("Title Y", "1085488", "2.230", "49:41", "")),
        ("Title Z | v2.230 #1085489 | 1h02m15s", ("Title Z", "1085489", "2.230", "1:02:15", "")),
    ],
)
def test_fields_in_other_orders_and_words(line, expected):
    found = ticket_line(line)
    assert (found.title, found.ticket_id, found.version, found.timestamp, found.rest) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Other bars between the fields, and a span of the video of which the start counts.
        ("Title AA / v2.230 / #1085495 / 49:41", ("Title AA", "1085495", "2.230", "49:41", "")),
        ("Title AB • v2.230 • #1085496 • 49:41", ("Title AB", "1085496", "2.230", "49:41", "")),
        (
            "Title AC | v2.230 #1085497 | 49:41 – 52:10",
            ("Title AC", "1085497", "2.230", "49:41", ""),
        ),
        # A list number or Markdown's bold around the title is no part of it.
        ("3. Title AD | v2.230 #1085498 | 49:41", ("Title AD", "1085498", "2.230", "49:41", "")),
        ("**Title AE** | v2.230 #1085499 | 49:41", ("Title AE", "1085499", "2.230", "49:41", "")),
        ("$5 Title AF | v2.230 #1085500", ("$5 Title AF", "1085500", "2.230", None, "")),
        ("<Title AH> | v2.230 #1085502", ("<Title AH>", "1085502", "2.230", None, "")),
    ],
)
def test_bars_spans_and_list_numbers(line, expected):
    found = ticket_line(line)
    assert (found.title, found.ticket_id, found.version, found.timestamp, found.rest) == expected


@pytest.mark.parametrize(
    "line",
    [
        "⚠️ Title AG | v2.230 #1085501 | 49:41",
        "Title AG | v2.230 #1085501 | 49:41 ⚠️",
        "Title AG ⚠️ | v2.230 #1085501 | 49:41",
    ],
)
def test_a_mark_before_the_title_or_after_the_fields_is_kept_apart(line):
    found = ticket_line(line)
    assert (found.title, found.timestamp, found.rest, found.marks) == (
        "Title AG",
        "49:41",
        "",
        "⚠️",
    )


@pytest.mark.parametrize(
    "line",
    [
        "It came up in ticket 1085490 last week.",  # a sentence, not a field
        "Reported as ticket 1085490, which the team fixed.",
        "The Client ID 1085490, once set, shows on invoices.",
        "Supports TLS 1.2 44009 times faster",  # the number follows no release
        "1085491",  # a number alone is no field without bars
    ],
)
def test_numbers_that_are_not_a_lines_ticket_field(line):
    assert ticket_line(line) is None


def test_a_line_of_only_the_id_and_fields_is_untitled():
    line = ticket_line("Ticket #1085492 | v2.230 | 4:12")
    assert (line.titled, line.ticket_id, line.version, line.timestamp) == (
        False,
        "1085492",
        "2.230",
        "4:12",
    )


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


def test_a_labelled_id_is_counted_as_an_id_token():
    assert id_tokens("Mentioned as Ticket 1085493") == [("Ticket 1085493", "1085493")]


@pytest.mark.parametrize(
    "line",
    [
        "Title AK | v2.230 #1085510, #1085511 | 49:41",
        "Title AK | v2.230 #1085510 / #1085511 | 49:41",
        "Title AK | v2.230 #1085510 & #1085511 | 49:41",
        "Title AK | v2.230 #1085510 #1085511 | 49:41",
    ],
)
def test_two_ids_on_one_line_are_both_the_features(line):
    found = ticket_line(line)
    assert (found.title, found.ticket_id, found.more_ids) == ("Title AK", "1085510", ("1085511",))
    assert (found.version, found.timestamp, found.rest) == ("2.230", "49:41", "")


@pytest.mark.parametrize(
    "line",
    ["Title AL | v2.230 #1085512 | Watch at 49:41", "Title AL | v2.230 #1085512 | Jump to 49:41"],
)
def test_a_moment_after_words_that_introduce_it(line):
    found = ticket_line(line)
    assert (found.title, found.timestamp, found.rest) == ("Title AL", "49:41", "")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Title AM | v2.230 | 49:41", ("Title AM", "2.230", "49:41")),
        ("Title AM – 49:41", ("Title AM", None, "49:41")),
        ("Title AM - 1:02:15", ("Title AM", None, "1:02:15")),
        ("49:41 – Title AM", ("Title AM", None, "49:41")),
        ("[49:41] Title AM", ("Title AM", None, "49:41")),
        ("Title AM (v2.230)", ("Title AM", "2.230", None)),
        ("Title AM – HaloPSA v2.230 – 49:41", ("Title AM", "2.230", "49:41")),
        ("🚀 Title AM | Version 2.230", ("Title AM", "2.230", None)),
    ],
)
def test_a_title_line_without_an_id(line, expected):
    found = field_line(line)
    assert (found.title, found.version, found.timestamp, found.ticket_id) == (*expected, None)


@pytest.mark.parametrize(
    "line",
    [
        "Released in v2.230.",  # a sentence that names the version
        "The fix shipped in v2.230 for everyone",
        "We talk about this at 49:41 in the video",
        "Supports TLS 1.2",
        "Title AN | v2.230 #1085513 | 49:41",  # a line with an ID is a ticket line
        "v2.230",
    ],
)
def test_lines_that_are_no_title_line_without_an_id(line):
    assert field_line(line) is None


def test_a_moment_line_is_a_title_above_a_description_and_a_chapter_list_is_not():
    blocks = [
        Block(HEADING, "Chapters"),
        Block(PARAGRAPH, "0:00 – Welcome"),
        Block(PARAGRAPH, "4:12 – Title AO"),
        Block(HEADING, "Full Feature List"),
        Block(PARAGRAPH, "Title AO – 4:12"),
        Block(PARAGRAPH, "The board now keeps the filter a technician chose."),
        Block(PARAGRAPH, "Title AP – 9:30"),
        Block(PARAGRAPH, "Watch Now: By the [run]Book: Episode 30"),
        Block(PARAGRAPH, "Title AQ | v2.230"),
    ]
    assert set(lines_without_id(blocks)) == {4, 8}


@pytest.mark.parametrize(
    "line",
    [
        "Title AR | v2.230 #1085514 | @49:41",
        "Title AR | v2.230 #1085514 | 49 min 41 sec",
        "Title AR | v2.230 #1085514 | 49m 41s",
    ],
)
def test_moments_typed_with_an_at_sign_or_units(line):
    found = ticket_line(line)
    assert (found.title, found.timestamp, found.rest, found.unread) == ("Title AR", "49:41", "", "")


@pytest.mark.parametrize(
    ("line", "unread"),
    [("Title AS | v2.230 #1085515 | 49.41", "49.41"), ("Title AS | #1085515 | ~50 min", "~50 min")],
)
def test_a_short_field_that_cannot_be_read_is_no_description(line, unread):
    found = ticket_line(line)
    assert (found.title, found.ticket_id, found.rest, found.unread) == (
        "Title AS",
        "1085515",
        "",
        unread,
    )


def test_a_sentence_after_the_fields_is_still_the_description():
    found = ticket_line("Title AT | v2.230 #1085516 | Works with 2 boards.")
    assert (found.rest, found.unread) == ("Works with 2 boards.", "")
