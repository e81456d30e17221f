"""The parser turns captured pages into the episodes and features a reader would find in them."""

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.parse import canonical_url, parse_page
from crawler.parse.encoding import decode_page
from crawler.sample_site import sample_site_dir

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".html", ".txt"})
PAGE_URL = "https://blog.example.test/thoughts/captured-page"


def _seed(seeds_dir: Path, prefix: str) -> str:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _parsed_as_json(page: Path) -> dict:
    text = decode_page(page.read_bytes())
    parsed = parse_page(text, canonical_url(text) or f"https://blog.example.test/saved/{page.name}")
    return {
        "episodes": [e.to_dict() for e in parsed.episodes],
        "features": [f.to_dict() for f in parsed.features],
    }


# --- the seed pages -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_001(seeds_dir):
    return parse_page(_seed(seeds_dir, "001"), PAGE_URL)


@pytest.fixture(scope="module")
def seed_000(seeds_dir):
    return parse_page(_seed(seeds_dir, "000"), PAGE_URL)


def test_seed_001_gives_episodes_17_to_19_with_their_dates(seed_001):
    dates = {e.episode: e.date for e in seed_001.episodes}
    assert dates == {17: "2026-03-17", 18: "2026-03-31", 19: "2026-04-14"}


def test_seed_001_gives_121_distinct_tickets_each_with_version_and_timestamp(seed_001):
    ids = [f.ticket_id for f in seed_001.features]
    assert len(set(ids)) == 121
    assert len(ids) == 121  # one record per ticket: no feature listed twice
    for feature in seed_001.features:
        assert feature.version in {"2.210", "2.212", "2.214"}, feature.title
        assert feature.timestamp and feature.seconds is not None, feature.title


def test_seed_001_keeps_each_line_as_the_page_writes_it(seed_001, seeds_dir):
    """Every `| vX #ID | m:ss` line of the page is found on the record of that ID."""
    import re

    by_id = {f.ticket_id: f for f in seed_001.features}
    lines = re.findall(r"\| v(\d\.\d+) #(\d+) \| ([\d:]+)", _seed(seeds_dir, "001"))
    assert len(lines) == 128  # 121 tickets, 7 of them listed twice
    for version, ticket_id, timestamp in lines:
        feature = by_id[ticket_id]
        assert feature.version == version.ljust(5, "0")
        assert feature.timestamp == timestamp


def test_seed_001_important_mentions_become_single_highlighted_records(seed_001):
    highlighted = [f for f in seed_001.features if f.highlighted]
    assert len(highlighted) == 7
    assert {f.episode for f in highlighted} == {17, 18}
    aliased = {f.ticket_id: f for f in highlighted if f.aliases}
    # Episode 17's headlines are shorter than the full-list titles; episode 18 repeats them.
    assert set(aliased) == {"1062249", "795425", "792419", "772177"}
    for feature in aliased.values():
        (alias,) = feature.aliases
        assert len(alias) < len(feature.title)


def test_seed_001_callouts_become_flags(seed_001):
    by_id = {f.ticket_id: f for f in seed_001.features}
    assert set(by_id["1003085"].flags) == {"caution", "not_enabled_by_default"}
    assert by_id["795425"].flags == ("recommended",)
    assert by_id["772177"].flags == ("impactful",)
    assert any(b.startswith("🚀") for b in by_id["772177"].bullets)


def test_seed_001_features_belong_to_their_own_episode(seed_001):
    by_id = {f.ticket_id: f for f in seed_001.features}
    assert by_id["843566"].episode == 19  # first feature of episode 19
    assert by_id["1065228"].episode == 19  # its last
    assert by_id["1031882"].episode == 18
    assert by_id["1032829"].episode == 17  # the last feature on the page
    positions = [f.position for f in seed_001.features if f.episode == 19]
    assert positions == list(range(len(positions)))


def test_seed_001_episode_metadata(seed_001):
    by_number = {e.episode: e for e in seed_001.episodes}
    assert by_number[19].hosts == ("Connor", "Robbie")
    assert by_number[19].versions == ("2.212", "2.214")
    assert by_number[17].versions == ("2.210", "2.212")
    assert by_number[19].url == PAGE_URL + "#episode-19"
    assert by_number[19].video_url is None  # a text capture keeps no links
    assert all(e.unparsed_ids == () for e in seed_001.episodes)


def test_seed_000_gives_episodes_20_to_22_without_dates(seed_000):
    assert sorted(e.episode for e in seed_000.episodes) == [20, 21, 22]
    assert all(e.date is None for e in seed_000.episodes)


def test_seed_000_gives_its_two_ticket_features(seed_000):
    features = {f.ticket_id: f for f in seed_000.features if f.ticket_id}
    assert set(features) == {"1085470", "1085574"}
    assert features["1085470"].version == features["1085574"].version == "2.216"
    assert (features["1085470"].timestamp, features["1085470"].seconds) == ("49:41", 2981)
    assert features["1085574"].timestamp == "47:46"
    assert {f.episode for f in features.values()} == {21}
    # The description glued after the timestamp is the summary, not part of the title.
    assert not features["1085470"].title.endswith("Halo")
    assert features["1085470"].summary


def test_seed_000_descriptions_without_title_lines_become_features_without_an_id(seed_000):
    by_number: dict[int, list] = {}
    for feature in seed_000.features:
        by_number.setdefault(feature.episode, []).append(feature)
    untitled = {n: [f for f in fs if f.ticket_id is None] for n, fs in by_number.items()}
    assert len(untitled[22]) > 40 and len(untitled[20]) > 20
    assert all(f.key == f"ep{f.episode}:p{f.position}" for fs in untitled.values() for f in fs)
    # Episode 22 covers one version, so its features carry it; episode 21 covers two: none.
    assert {f.version for f in untitled[22]} == {"2.216"}
    assert {f.version for f in untitled[21]} == {None}
    assert all(e.unparsed_ids == () for e in seed_000.episodes)


def test_seed_000_keeps_every_paragraph_after_the_video_in_a_record(seed_000, seeds_dir):
    text = _seed(seeds_dir, "000")
    stored = " ".join(
        " ".join([f.title, f.summary, *f.bullets]) for f in seed_000.features
    ) + " ".join(n for e in seed_000.episodes for n in e.notes)
    body = text[text.index("Watch Now: By the [run]Book: Episode 22") :].splitlines()[1:]
    paragraphs = [line.strip() for line in body if line.strip() and "Watch Now" not in line]
    for paragraph in paragraphs:
        words = paragraph.split()
        assert " ".join(words[:8]) in stored or paragraph.startswith("Episode 2"), paragraph


def test_seed_000_episodes_are_reported_partial_and_seed_001_complete(seed_000, seed_001):
    assert all(e.parse.startswith("partial: ") for e in seed_000.episodes)
    assert all(e.parse == "complete" for e in seed_001.episodes)
    assert {e.episode: e.ids_found for e in seed_001.episodes} == {19: 44, 18: 29, 17: 48}


@pytest.mark.parametrize("prefix", ["002", "003", "004"])
def test_unrelated_seed_pages_give_no_episodes(seeds_dir, prefix):
    parsed = parse_page(_seed(seeds_dir, prefix), PAGE_URL)
    assert parsed.episodes == () and parsed.features == ()


# --- golden files ---------------------------------------------------------------------


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=[p.name for p in GOLDEN_PAGES])
def test_golden_pages(page):
    """Each fixture page parses to its committed records (UPDATE_GOLDEN=1 rewrites them)."""
    expected_path = page.with_suffix(".expected.json")
    actual = _parsed_as_json(page)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_path.write_text(
            json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual["episodes"], "every golden page holds at least one episode"


def test_golden_files_cover_every_line_shape_as_html_and_text():
    names = {p.name for p in GOLDEN_PAGES}
    for shape in ("pipe_line", "hash_line", "paren_line", "multi_post", "important_mentions"):
        assert {f"{shape}_page.html", f"{shape}_capture.txt"} <= names


# --- field rules ----------------------------------------------------------------------


def test_own_post_page_url_is_the_episode_url():
    page = "<h1>By the [run]Book: Episode 3</h1><p>Watch Now: By the [run]Book: Episode 3</p>"
    url = "https://blog.example.test/thoughts/by-the-run-book-episode-3"
    (episode,) = parse_page(page, url).episodes
    assert episode.url == url


def test_a_post_card_alone_is_not_an_episode():
    card = "<h3>By the [run]Book: Episode 4</h3><p>Teaser.</p><a href='/x'>Read post</a>"
    assert parse_page(card, PAGE_URL).episodes == ()


SHARED_POST = """
<h1>By the [run]Book: Episode 61</h1>
<div>Share this post <a href="https://linkedin.com/share">LinkedIn</a> <a href="/x">X</a></div>
<p>Episode 61 of By the [run]Book looks at quote approvals in HaloPSA v2.230.</p>
<p><a href="https://www.youtube.com/watch?v=abc">Watch Now: By the [run]Book: Episode 61</a></p>
<h4>Quotes can need a second approver | v2.230 #4412001 | 2:10</h4>
<p>Large quotes wait for a manager before they go out.</p>
<h4>Quote PDFs show the approver | v2.230 #4412002 | 6:45</h4>
<p>The customer sees who signed off.</p>
<div>Share this post</div>
<p>Sam Writer</p><p>Sam writes about service desks and the tools that run them.</p>
<h2>See some more of our most recent posts...</h2>
<p>April 1, 2026</p><h3>By the [run]Book: Episode 60</h3><p>A teaser.</p><p>Read post</p>
"""


def test_share_rows_and_the_more_posts_heading_stay_out_of_the_records():
    parsed = parse_page(
        SHARED_POST, "https://blog.example.test/thoughts/by-the-run-book-episode-61"
    )
    (episode,) = parsed.episodes
    assert episode.summary.startswith("Episode 61 of By the [run]Book looks at quote approvals")
    assert [f.summary for f in parsed.features] == [
        "Large quotes wait for a manager before they go out.",
        "The customer sees who signed off.",
    ]
    assert episode.notes == ()  # neither the share row, the bio nor the "more posts" heading


def test_sample_site_posts_carry_no_share_or_more_posts_text():
    pages = sorted((sample_site_dir() / "thoughts").glob("by-the-run-book-episode-*.html"))
    assert len(pages) == 5
    for page in pages:
        parsed = parse_page(
            page.read_text(encoding="utf-8"), f"https://blog.example.test/{page.stem}"
        )
        texts = [e.summary for e in parsed.episodes] + [n for e in parsed.episodes for n in e.notes]
        texts += [f.summary for f in parsed.features]
        assert parsed.features, page.name
        assert not [t for t in texts if "Share this" in t or "recent posts" in t], page.name


def test_truncated_and_deeply_nested_html_parses():
    truncated = "<html><body><h2>By the [run]Book: Episode 2</h2><p>Watch Now: By the [ru"
    assert [e.episode for e in parse_page(truncated, PAGE_URL).episodes] == [2]
    nested = "<div>" * 5000 + "<p>Deep #4400001</p>" + "</div>" * 5000
    assert parse_page(nested, PAGE_URL).episodes == ()


# --- arbitrary input ------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "Watch Now: By the [run]Book: Episode 5",
        "By the [run]Book: Episode 6",
        "Episode 7 of By the [run]Book",
        "Important Mentions",
        "FullFeature List",
        "v2.212 Features",
        "Title | v2.212 #1003085 | 25:29",
        "Title #4400412",
        "Title (998146)",
        "⚠️ careful",
        "March 17, 2026",
        "By",
        "Read post",
        "| 49:41",
        "#",
        "(",
    ]
)
_TAGS = st.sampled_from(["p", "h2", "h4", "li", "ul", "div", "article", "strong", "a", "br"])


@st.composite
def _html(draw):
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        inner = draw(st.one_of(_WORDS, st.text(max_size=30)))
        closing = draw(st.booleans())
        parts.append(
            f"<{tag} href='/by-the-run-book-episode-5'>{inner}" + (f"</{tag}>" if closing else "")
        )
    return "<html><body>" + "\n".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(st.one_of(_WORDS, st.text(max_size=20))).map("\n".join)))
def test_parse_page_never_raises_on_text(text):
    parsed = parse_page(text, PAGE_URL)
    assert len({e.episode for e in parsed.episodes}) == len(parsed.episodes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html())
def test_parse_page_never_raises_on_html(html):
    parsed = parse_page(html, PAGE_URL)
    numbers = {e.episode for e in parsed.episodes}
    assert all(f.episode in numbers for f in parsed.features)


# --- renditions, cut-off captures and invisible characters ------------------------------


def _records(parsed) -> list[dict]:
    return [e.to_dict() for e in parsed.episodes] + [f.to_dict() for f in parsed.features]


def test_two_renditions_of_one_post_give_identical_records():
    capture = (FIXTURES / "byline_first_capture.txt").read_text(encoding="utf-8")
    single = "\n".join(line for line in capture.splitlines() if line.strip()) + "\n"
    assert single != capture
    assert _records(parse_page(single, PAGE_URL)) == _records(parse_page(capture, PAGE_URL))


def test_a_capture_cut_off_mid_word_keeps_its_last_feature_marked_cut_off():
    capture = (FIXTURES / "byline_first_capture.txt").read_text(encoding="utf-8")
    cut = capture[: capture.index("Visitors get a slip with their place in line.\n\n  •") + 22]
    whole = {f.ticket_id: f for f in parse_page(capture, PAGE_URL).features}
    parsed = parse_page(cut, PAGE_URL)
    features = {f.ticket_id: f for f in parsed.features}
    assert set(features) == set(whole)
    last = features["5100317"]
    # The cut full-list entry leads; the highlight listed before the video adds its text.
    assert last.cut_off and last.summary.startswith("Visitors get a slip wi\n\n")
    assert not any(f.cut_off for f in whole.values())
    assert parsed.episodes[0].parse == "partial: the text ends mid-sentence"


def test_an_id_split_by_a_zero_width_character_is_still_read():
    page = (
        "By the [run]Book: Episode 63\nWatch Now: By the [run]Book: Episode 63\n"
        "Queue alerts go quiet at night | v2.254 #51\u200b00\u200d512 | 8:01\nAlerts wait.\n"
    )
    parsed = parse_page(page, PAGE_URL)
    assert [f.ticket_id for f in parsed.features] == ["5100512"]
    assert parsed.episodes[0].parse == "complete" and parsed.episodes[0].ids_found == 1


def test_an_invisible_character_written_as_an_entity_splits_no_field():
    page = (
        "<h1>By the [run]Book: Episode 63</h1><p>Watch Now: By the [run]Book: Episode 63</p>"
        "<p><strong>Queue alerts go quiet&#8203; |&#8203; v2.254 #5100512 | 8:01&shy;</strong></p>"
        "<p>Alerts wait.</p>"
    )
    (feature,) = parse_page(page, PAGE_URL).features
    assert (feature.title, feature.version, feature.timestamp) == (
        "Queue alerts go quiet",
        "2.254",
        "8:01",
    )


@pytest.mark.parametrize(
    "watch",
    [
        "Watch Now: https://youtu.be/ep66video01",
        "<p>Watch Now: https://youtu.be/ep66video01</p>",  # written out, never made a link
    ],
)
def test_a_video_address_written_as_text_is_the_episodes_video(watch):
    page = (
        f"By the [run]Book: Episode 66\n{watch}\n"
        "Quote reminders | v2.260 #5100701 | 5:00\nQuotes remind the client after a week.\n"
    )
    (episode,) = parse_page(page, PAGE_URL).episodes
    assert episode.video_url == "https://youtu.be/ep66video01"


def test_a_link_into_the_video_as_a_field_is_the_features_moment():
    page = (
        "<h1>By the [run]Book: Episode 67</h1>"
        "<p>Watch Now: <a href='https://youtu.be/ep67video01'>YouTube</a></p>"
        "<h4>Quote reminders | v2.260 #5100702 | "
        "<a href='https://youtu.be/ep67video01?t=3735'>Watch</a></h4>"
        "<p>Quotes remind the client after a week.</p>"
    )
    (feature,) = parse_page(page, PAGE_URL).features
    assert (feature.timestamp, feature.seconds, feature.summary) == (
        "1:02:15",
        3735,
        "Quotes remind the client after a week.",
    )


def test_a_field_of_a_title_line_that_cannot_be_read_makes_the_post_partial():
    page = (
        "By the [run]Book: Episode 68\nWatch Now: By the [run]Book: Episode 68\n"
        "Quote reminders | v2.260 #5100703 | 49.41\nQuotes remind the client after a week.\n"
    )
    parsed = parse_page(page, PAGE_URL)
    (feature,) = parsed.features
    assert (feature.timestamp, feature.summary) == (None, "Quotes remind the client after a week.")
    assert parsed.episodes[0].parse == "partial: 1 line field not read (49.41)"


NO_ID_POST = """
<h1>By the [run]Book: Episode 64</h1>
<p>Episode 64 walks through scheduling changes in HaloPSA v2.256.</p>
<h3>Chapters</h3>
<p>0:00 – Welcome</p><p>3:05 – Rota swaps</p><p>11:40 – Wrap-up</p>
<p><a href="https://www.youtube.com/watch?v=ep64">Watch Now: By the [run]Book: Episode 64</a></p>
<h4>Rota swaps | v2.256 | 3:05</h4>
<p>Two technicians can trade shifts without a manager.</p>
<h4>Holiday cover – 7:18</h4>
<p>Absences now suggest who can step in.</p>
<ul><li>Only technicians on the same team are offered.</li></ul>
<h4>Calendar colours (v2.256)</h4>
<p>Each appointment type keeps its own colour.</p>
"""


def test_title_lines_that_name_no_ticket_give_titled_features_and_chapters_stay_notes():
    parsed = parse_page(NO_ID_POST, "https://blog.example.test/thoughts/by-the-run-book-episode-64")
    (episode,) = parsed.episodes
    got = [(f.title, f.ticket_id, f.version, f.timestamp, f.summary) for f in parsed.features]
    assert got == [
        (
            "Rota swaps",
            None,
            "2.256",
            "3:05",
            "Two technicians can trade shifts without a manager.",
        ),
        ("Holiday cover", None, "2.256", "7:18", "Absences now suggest who can step in."),
        ("Calendar colours", None, "2.256", None, "Each appointment type keeps its own colour."),
    ]
    assert parsed.features[1].bullets == ("Only technicians on the same team are offered.",)
    assert episode.parse == "complete"
    assert "3:05 – Rota swaps" in episode.notes


def test_a_heading_over_a_description_titles_it_and_a_topic_heading_stays_a_note():
    page = (
        "<h1>By the [run]Book: Episode 69</h1>"
        "<p><a href='https://www.youtube.com/watch?v=ep69'>"
        "Watch Now: By the [run]Book: Episode 69</a></p>"
        "<h3>Billing</h3>"
        "<p><strong>Invoice runs skip paused contracts | v2.262 #5100801 | 3:10</strong></p>"
        "<p>Paused contracts are left out of the monthly run.</p>"
        "<h3>Roadmap preview</h3>"
        "<p>The hosts look ahead at what the next release may bring.</p>"
    )
    parsed = parse_page(page, "https://blog.example.test/thoughts/by-the-run-book-episode-69")
    got = [(f.title, f.ticket_id, f.summary) for f in parsed.features]
    assert got == [
        (
            "Invoice runs skip paused contracts",
            "5100801",
            "Paused contracts are left out of the monthly run.",
        ),
        ("Roadmap preview", None, "The hosts look ahead at what the next release may bring."),
    ]
    assert parsed.episodes[0].notes == ("Billing",)
    assert parsed.episodes[0].parse == "complete"


def test_a_line_with_two_ids_gives_a_record_for_each():
    page = (
        "By the [run]Book: Episode 65\nWatch Now: By the [run]Book: Episode 65\n"
        "Invoice runs skip paused contracts | v2.258 #5100601, #5100602 | 14:20\n"
        "Paused contracts are left out of the monthly run.\n"
    )
    parsed = parse_page(page, PAGE_URL)
    got = [(f.ticket_id, f.title, f.version, f.timestamp, f.summary) for f in parsed.features]
    text = ("Invoice runs skip paused contracts", "2.258", "14:20")
    summary = "Paused contracts are left out of the monthly run."
    assert got == [("5100601", *text, summary), ("5100602", *text, summary)]
    assert parsed.episodes[0].unparsed_ids == () and parsed.episodes[0].parse == "complete"


@pytest.mark.parametrize("digits", ["\u0665\u0661\u0660\u0660\u0665\u0662\u0663", "５１００５２３"])
def test_an_id_in_other_digits_is_no_ticket_and_makes_the_post_partial(digits):
    page = (
        "By the [run]Book: Episode 64\nWatch Now: By the [run]Book: Episode 64\n"
        "Ticket merge keeps tags | v2.254 #5100520 | 2:00\nTags survive.\n"
        f"Portal logo per client | v2.254 #{digits} | 5:00\nEach client shows its logo.\n"
    )
    parsed = parse_page(page, PAGE_URL)
    assert all(f.ticket_id is None or f.ticket_id.isascii() for f in parsed.features)
    assert [f.ticket_id for f in parsed.features if f.ticket_id] == ["5100520"]
    (episode,) = parsed.episodes
    assert episode.unparsed_ids == (f"#{digits}",)
    assert episode.parse.startswith("partial: 1 ID token in no feature")


def test_webflow_chrome_is_never_a_note_or_a_title():
    parsed = parse_page((FIXTURES / "webflow_player_page.html").read_text(encoding="utf-8"), "")
    texts = [e.title for e in parsed.episodes] + [n for e in parsed.episodes for n in e.notes]
    texts += [f.title for f in parsed.features]
    for chrome in ("No items found.", "Share this post", "Billing", "By the [run]Book"):
        assert chrome not in texts
    assert "5100999" not in str(_records(parsed))  # the w-condition-invisible block


def test_cards_of_other_posts_whose_teaser_names_the_episode_are_no_episodes():
    page = (FIXTURES / "webflow_player_page.html").read_text(encoding="utf-8")
    card = (
        '<div class="post-card"><div>January 26, 2027</div><h3>By the [run]Book: Episode 60</h3>'
        "<p>Episode 60 covers the first half of HaloPSA v2.250.</p>"
        '<a href="/thoughts/by-the-run-book-episode-60">Read post</a></div>'
    )
    page = page.replace("</body>", card + "</body>")
    parsed = parse_page(page, "https://blog.example.test/thoughts/by-the-run-book-episode-62")
    assert [e.episode for e in parsed.episodes] == [62]
