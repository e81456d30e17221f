"""Stage 4: a post body read into features, with or without ticket IDs, and notes."""

from crawler.parse.blocks import page_blocks
from crawler.parse.features import merge_listings, paragraph_title, read_body
from crawler.parse.page import parse_page


def body(text, version=None, ends_cut=False):
    return read_body(page_blocks(text), default_version=version, ends_cut=ends_cut)


def test_features_before_the_video_are_highlights_and_merge_with_the_full_list():
    reading = body(
        "Exports skip empty reports #5100301 Blank exports stay home.\n"
        "Watch Now: By the [run]Book: Episode 61\n"
        "Exports skip empty reports | v2.250 #5100301 | 4:12\nBlank exports stay home.\n"
        "  • Saves mail\n"
    )
    (feature,) = merge_listings(reading.features)
    assert (feature.version, feature.timestamp, feature.highlighted) == ("2.250", "4:12", True)
    assert feature.summary == ["Blank exports stay home."] and feature.bullets == ["Saves mail"]


def test_a_paragraph_without_a_title_line_is_a_feature_without_an_id():
    reading = body(
        "Watch Now: By the [run]Book: Episode 61\n"
        "For easier tracking, check out example.test to look up every ID.\n"
        "Invoices can now carry a footer per client. It shows under the totals.\n"
        "  • Handy for bank details\n"
    )
    (feature,) = reading.features
    assert feature.ticket_id is None and feature.version is None
    assert feature.title == "Invoices can now carry a footer per client."
    assert feature.summary == ["It shows under the totals."]
    assert feature.bullets == ["Handy for bank details"]
    assert reading.notes == ["For easier tracking, check out example.test to look up every ID."]


def test_untitled_paragraphs_take_the_one_version_of_their_post_and_never_merge():
    reading = body("Same text.\nSame text.\n", version="2.252")
    drafts = merge_listings(reading.features)
    assert [d.version for d in drafts] == ["2.252", "2.252"]


def test_a_long_first_sentence_is_cut_at_a_word_for_the_title_and_kept_whole_in_the_summary():
    text = "word " * 60 + "end."
    title, rest = paragraph_title(text.strip())
    assert title.endswith("…") and len(title) <= 161 and rest == text.strip()


def test_a_capture_that_stops_mid_sentence_marks_the_last_feature_cut_off():
    reading = body(
        "Exports skip empty reports | v2.250 #5100301 | 4:12\nBlank exports st", ends_cut=True
    )
    (feature,) = reading.features
    assert feature.cut_off and feature.summary == ["Blank exports st"]
    whole = body(
        "Exports skip empty reports | v2.250 #5100301 | 4:12\nBlank exports stay.", ends_cut=True
    )
    assert not whole.features[0].cut_off
    cut_stamp = body("Exports skip empty reports | v2.250 #5100301 | 4:1", ends_cut=True)
    assert cut_stamp.features[0].summary == [] and cut_stamp.features[0].cut_off


def test_a_sentence_starting_with_watch_is_no_video_line():
    reading = body(
        "Exports skip empty reports | v2.250 #5100301 | 4:12\n"
        "Watch out: scheduled exports now stop when a report is empty.\n"
    )
    (feature,) = reading.features
    assert feature.summary == ["Watch out: scheduled exports now stop when a report is empty."]


def test_a_labelled_paragraph_after_the_bullets_goes_on_with_the_feature():
    reading = body(
        "Exports skip empty reports | v2.250 #5100301 | 4:12\nBlank exports stay home.\n"
        "  • Saves mail\nWhy it matters: nobody opens an empty report twice.\n"
    )
    (feature,) = reading.features
    assert feature.summary == [
        "Blank exports stay home.",
        "Why it matters: nobody opens an empty report twice.",
    ]


def test_chapter_lines_are_notes_not_features():
    reading = body("Chapters\n0:00 – Intro\n4:12 – Exports skip empty reports\n")
    assert reading.features == [] and len(reading.notes) == 3


def test_a_title_above_an_id_only_line_is_that_features_title():
    html = (
        "<h4>Tax codes can be set per site</h4><p>v2.252 #5100433 | 27:08</p>"
        "<p>Each site may carry its own code.</p>"
    )
    (feature,) = body(html).features
    assert (feature.title, feature.ticket_id, feature.version, feature.timestamp) == (
        "Tax codes can be set per site",
        "5100433",
        "2.252",
        "27:08",
    )
    assert feature.summary == ["Each site may carry its own code."]


def test_text_outside_the_rich_text_is_not_post_text():
    html = (
        '<div class="w-richtext"><h3>Tax codes per site | v2.252 #5100433 | 27:08</h3>'
        '<p>Each site may carry its own code.</p></div><div class="bio"><p>Noor writes.</p></div>'
    )
    reading = body(html)
    (feature,) = reading.features
    assert feature.summary == ["Each site may carry its own code."] and reading.notes == []


def test_a_mark_after_the_id_is_no_description_and_the_paragraph_below_stays_the_features():
    """ "⚠️" after the moment on a title line is no text glued on: the paragraph under it is
    the summary, not a second feature without an ID, and the mark is a flag."""
    page = parse_page(
        "<p>Watch Now: By the [run]Book: Episode 61</p>"
        "<p><strong>Exports skip empty reports | v2.250 #5100301 | 4:12 ⚠️</strong></p>"
        "<p>Blank exports stay home.</p>",
        "https://blog.example/by-the-run-book-episode-61",
    )
    (feature,) = page.features
    assert feature.summary == "Blank exports stay home."
    assert feature.flags == ("caution",)


def test_a_mark_before_the_title_is_a_flag_and_no_part_of_the_title():
    page = parse_page(
        "<p>Watch Now: By the [run]Book: Episode 61</p>"
        "<p><strong>🚀 Exports skip empty reports | v2.250 #5100302 | 4:12</strong></p>"
        "<p>Blank exports stay home.</p>",
        "https://blog.example/by-the-run-book-episode-61",
    )
    (feature,) = page.features
    assert (feature.title, feature.flags) == ("Exports skip empty reports", ("impactful",))
