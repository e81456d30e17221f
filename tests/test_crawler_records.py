"""Records round-trip through plain dicts and keep stable keys."""

import pytest

from crawler.records import Episode, Feature, read_ticket_id, timestamp_seconds


def make_feature(**overrides) -> Feature:
    values = dict(
        title="Recurring invoices can now carry a purchase order number",
        url="https://blog.test/thoughts/by-the-run-book-episode-5",
        episode=5,
        ticket_id="1200001",
        version="2.216",
        timestamp="12:05",
        seconds=725,
        bullets=("Handy for clients that insist on PO references",),
        flags=("caution",),
        position=3,
    )
    values.update(overrides)
    return Feature(**values)


def test_feature_round_trips_through_a_dict():
    feature = make_feature(aliases=("PO numbers on invoices",), highlighted=True)
    assert Feature.from_dict(feature.to_dict()) == feature


def test_episode_round_trips_through_a_dict():
    episode = Episode(
        episode=5,
        title="By the [run]Book: Episode 5",
        url="https://blog.test/thoughts/by-the-run-book-episode-5",
        date="2026-01-20",
        versions=("2.214", "2.216"),
        hosts=("Ada", "Grace"),
    )
    assert Episode.from_dict(episode.to_dict()) == episode


def test_feature_key_is_version_ticket_and_timestamp():
    assert make_feature().key == "2.216:1200001:12:05"


def test_feature_without_an_id_is_keyed_by_episode_and_position():
    assert make_feature(ticket_id=None).key == "ep5:p3"


def test_key_does_not_depend_on_the_text():
    assert make_feature(summary="old").key == make_feature(summary="new").key


def test_unknown_keys_in_a_store_line_are_ignored():
    data = {**make_feature().to_dict(), "added_by_a_newer_release": True}
    assert Feature.from_dict(data) == make_feature()


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("0:00", 0), ("3:18", 198), ("49:41", 2981), ("1:02:03", 3723), ("12:05", 725)],
)
def test_timestamp_seconds(written, seconds):
    assert timestamp_seconds(written) == seconds


@pytest.mark.parametrize("written", [None, "", "49", "4:61", "a:bc", "1:2:3:4", "-1:00"])
def test_timestamp_seconds_rejects_non_timestamps(written):
    assert timestamp_seconds(written) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1085470", "1085470"),
        ("#843566", "843566"),
        (" 12345 ", "12345"),
        ("123456789", "123456789"),
        ("1234", None),  # a year, a price: not a ticket
        ("1234567890", None),
        ("#", None),
        ("12a345", None),
        ("\u0661\u0662\u0663\u0664\u0665", None),  # digits, but not ASCII ones
    ],
)
def test_a_ticket_id_is_five_to_nine_ascii_digits_with_or_without_a_hash(text, expected):
    assert read_ticket_id(text) == expected
