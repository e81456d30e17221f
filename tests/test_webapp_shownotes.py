"""Show-notes exports: the blog's Markdown format, YouTube's chapter rules, chapters.json, CSV."""

import csv
import html
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from index.model import EpisodeInfo, Hit
from webapp.shownotes import (
    ChaptersError,
    chapters_json,
    csv_text,
    draft_markdown,
    episode_markdown,
    markdown_text,
    neutral_cell,
    plain_text,
    short_title,
    youtube_chapters,
)

HOSTILE_FORMULA = '=HYPERLINK("http://evil.example","x")'
HOSTILE_TITLE = f"<script>alert(1)</script> {HOSTILE_FORMULA}"
# A CommonMark renderer with raw HTML on, plus the GFM table and strikethrough rules.
COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])
CHAPTER_LINE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}) (.+)$")


def make_hit(title: str, seconds: int | None, *, number: int = 1, episode: int | None = 19, **kw):
    """A feature as the index returns it, with an invented ticket ID."""
    ticket = kw.pop("ticket_id", str(900000 + number))
    version = kw.pop("version", "2.212")
    return Hit(
        key=f"{version}:{ticket}:{seconds}",
        title=title,
        url="https://blog.example/by-the-run-book-episode-19",
        episode=episode,
        ticket_id=ticket,
        version=version,
        timestamp=None if seconds is None else f"{seconds // 60}:{seconds % 60:02d}",
        seconds=seconds,
        **kw,
    )


def make_episode(**kw) -> EpisodeInfo:
    """An episode record with invented text."""
    values = dict(
        episode=19,
        title="By the [run]Book: Episode 19",
        url="https://blog.example/by-the-run-book-episode-19",
        date="2026-04-14",
        video_url="https://video.example/watch?v=abc",
        versions=("2.212",),
        hosts=("Alex", "Sam"),
        author="Alex",
        summary="Two releases of tidy admin changes.",
        notes=(),
        unparsed_ids=(),
        status="ok",
        feature_count=2,
    )
    values.update(kw)
    return EpisodeInfo(**values)


def parse_chapter_lines(text: str) -> list[tuple[int, str]]:
    """Read ``m:ss Title`` lines back as (seconds, title) the way YouTube does."""
    chapters = []
    for line in text.splitlines():
        match = CHAPTER_LINE.match(line)
        if match:
            hours, minutes, secs, title = match.groups()
            chapters.append((int(hours or 0) * 3600 + int(minutes) * 60 + int(secs), title))
    return chapters


def assert_youtube_rules(text: str) -> list[tuple[int, str]]:
    """Check chapter text against YouTube's rules and return the chapters."""
    chapters = parse_chapter_lines(text)
    assert chapters[0][0] == 0
    assert len(chapters) >= 3
    starts = [start for start, _ in chapters]
    assert starts == sorted(starts)
    assert all(b - a >= 10 for a, b in zip(starts, starts[1:], strict=False))
    assert all(len(title) <= 60 and "<" not in title and ">" not in title for _, title in chapters)
    return chapters


# --- YouTube chapters ---------------------------------------------------------------------


def test_youtube_adds_intro_when_first_feature_starts_later():
    hits = [make_hit("Asset links", 198, number=1), make_hit("Report audit", 296, number=2)]
    hits.append(make_hit("Template field", 339, number=3))
    result = youtube_chapters(hits)
    chapters = assert_youtube_rules(result.text())
    assert chapters == [
        (0, "Intro"),
        (198, "Asset links"),
        (296, "Report audit"),
        (339, "Template field"),
    ]
    assert result.notes == []


def test_youtube_moves_an_early_first_feature_to_zero_and_says_so():
    hits = [make_hit("Cold open", 4, number=1), make_hit("B", 60, number=2)]
    hits.append(make_hit("C", 120, number=3))
    result = youtube_chapters(hits)
    assert assert_youtube_rules(result.text())[0] == (0, "Cold open")
    assert any("0:00" in note and "Cold open" in note for note in result.notes)


def test_youtube_sorts_features_into_ascending_order():
    hits = [make_hit("Late", 900, number=1), make_hit("Early", 30, number=2)]
    hits.append(make_hit("Middle", 400, number=3))
    chapters = assert_youtube_rules(youtube_chapters(hits).text())
    assert [title for _, title in chapters] == ["Intro", "Early", "Middle", "Late"]


def test_youtube_drops_chapters_closer_than_ten_seconds_and_says_so():
    hits = [
        make_hit(name, sec, number=i)
        for i, (name, sec) in enumerate(
            [("One", 30), ("Two", 35), ("Three", 60), ("Four", 69), ("Five", 79)]
        )
    ]
    result = youtube_chapters(hits)
    chapters = assert_youtube_rules(result.text())
    assert [title for _, title in chapters] == ["Intro", "One", "Three", "Five"]
    assert len(result.notes) == 2
    assert "Two" in result.notes[0] and "5 s" in result.notes[0]
    assert not parse_chapter_lines("\n".join(result.notes))  # notes never read as chapters


def test_youtube_uses_hours_after_the_first_hour():
    hits = [make_hit("A", 0, number=1), make_hit("B", 1800, number=2)]
    hits.append(make_hit("C", 3723, number=3))
    text = youtube_chapters(hits).text()
    assert text.splitlines() == ["0:00 A", "30:00 B", "1:02:03 C"]


def test_youtube_shortens_long_titles_at_a_word():
    long_title = (
        "You can now filter date fields on lists, views and filter profiles by "
        "greater than a number of days ago"
    )
    hits = [make_hit(long_title, 30, number=1), make_hit("B", 60, number=2)]
    hits.append(make_hit("C", 90, number=3))
    title = parse_chapter_lines(youtube_chapters(hits).text())[1][1]
    assert len(title) <= 60
    assert title.endswith("…")
    assert long_title.startswith(title[:-1])
    assert long_title[len(title) - 1] == " "  # cut between words


def test_youtube_strips_angle_brackets_youtube_rejects():
    hits = [make_hit(HOSTILE_TITLE, 30, number=1), make_hit("B", 60, number=2)]
    hits.append(make_hit("C", 90, number=3))
    text = youtube_chapters(hits).text()
    assert "<" not in text and ">" not in text
    assert_youtube_rules(text)


def test_youtube_error_when_fewer_than_three_timed_features():
    hits = [make_hit("A", 30, number=1), make_hit("B", 60, number=2), make_hit("C", None, number=3)]
    with pytest.raises(ChaptersError) as caught:
        youtube_chapters(hits)
    assert "at least 3 features with timestamps; this list has 2" in str(caught.value)


def test_youtube_error_when_too_close_to_make_three():
    hits = [make_hit("A", 0, number=1), make_hit("B", 3, number=2), make_hit("C", 6, number=3)]
    with pytest.raises(ChaptersError, match="10 seconds apart.*give only 1"):
        youtube_chapters(hits)


def test_chapters_refuse_features_from_several_videos():
    hits = [make_hit("A", 30, number=1), make_hit("B", 60, number=2, episode=18)]
    hits.append(make_hit("C", 90, number=3))
    with pytest.raises(ChaptersError, match="mixes episodes 18, 19"):
        youtube_chapters(hits)
    with pytest.raises(ChaptersError, match="mixes episodes"):
        chapters_json(hits, ticket_url=lambda hit: None)


def test_youtube_notes_features_without_timestamps():
    hits = [make_hit(n, s, number=i) for i, (n, s) in enumerate([("A", 0), ("B", 20), ("C", 40)])]
    hits.append(make_hit("Untimed", None, number=9))
    result = youtube_chapters(hits)
    assert result.notes == ["1 feature(s) without a timestamp are not chapters."]


def test_short_title_keeps_short_titles():
    assert short_title("  Google   Maps\nintegration ") == "Google Maps integration"


# --- chapters.json ------------------------------------------------------------------------


def test_chapters_json_shape_and_ticket_urls():
    hits = [make_hit("Asset links", 198, number=1), make_hit("Report audit", 296, number=2)]
    document = chapters_json(
        hits,
        ticket_url=lambda hit: f"https://notes.example/ticket/{hit.ticket_id}",
        title="Episode 19",
    )
    assert document == {
        "version": "1.2.0",
        "title": "Episode 19",
        "chapters": [
            {"startTime": 0, "title": "Intro"},
            {
                "startTime": 198,
                "title": "Asset links",
                "url": "https://notes.example/ticket/900001",
            },
            {
                "startTime": 296,
                "title": "Report audit",
                "url": "https://notes.example/ticket/900002",
            },
        ],
    }


def test_a_feature_listed_under_two_ticket_ids_is_one_chapter():
    hits = [make_hit("A", 0, number=1), make_hit("Split orders", 120, number=2)]
    hits.append(make_hit("Split orders", 120, number=3))  # the same line's second ID
    hits.append(make_hit("C", 300, number=4))
    document = chapters_json(hits, ticket_url=lambda hit: f"https://notes.example/{hit.ticket_id}")
    assert [(c["startTime"], c["title"]) for c in document["chapters"]] == [
        (0, "A"),
        (120, "Split orders"),
        (300, "C"),
    ]
    assert document["chapters"][1]["url"] == "https://notes.example/900002"
    result = youtube_chapters(hits)
    assert [c.title for c in result.chapters] == ["A", "Split orders", "C"]
    assert result.notes == []


def test_chapters_json_drops_urls_that_are_not_http():
    hits = [make_hit("A", 0, number=1)]
    document = chapters_json(hits, ticket_url=lambda hit: "javascript:alert(1)")
    assert document["chapters"] == [{"startTime": 0, "title": "A"}]


def test_chapters_json_error_without_timestamps():
    with pytest.raises(ChaptersError, match="none of these 2 has one"):
        chapters_json([make_hit("A", None), make_hit("B", None)], ticket_url=lambda hit: None)


# --- Markdown -----------------------------------------------------------------------------


def test_episode_markdown_uses_the_blog_post_format():
    hits = [
        make_hit(
            "Printers can be shared between sites",
            198,
            ticket_id="1190401",
            summary="One printer record can now serve several sites.",
            bullets=("Handy for shared kit", "Watch mixed client and site links"),
        ),
        make_hit("Project wizard", 3725, version="2.214", ticket_id="1190402"),
    ]
    text = episode_markdown(make_episode(), hits)
    assert text.splitlines() == [
        "# By the \\[run\\]Book: Episode 19",
        "",
        "Two releases of tidy admin changes.",
        "",
        "[Watch Now: By the \\[run\\]Book: Episode 19](https://video.example/watch?v=abc)",
        "",
        "Full Feature List",
        "",
        "## v2.212 Features",
        "",
        "### Printers can be shared between sites | v2.212 #1190401 | 3:18",
        "",
        "One printer record can now serve several sites.",
        "",
        "- Handy for shared kit",
        "- Watch mixed client and site links",
        "",
        "## v2.214 Features",
        "",
        "### Project wizard | v2.214 #1190402 | 1:02:05",
    ]


def test_episode_markdown_leaves_out_a_video_link_that_is_not_http():
    text = episode_markdown(make_episode(video_url="javascript:alert(1)"), [])
    assert "javascript" not in text
    assert "Watch Now" not in text


def test_draft_markdown_keeps_the_given_order_and_handles_missing_parts():
    hits = [
        make_hit("Later one", 600, number=1),
        make_hit("Release-notes only", None, number=2, episode=None, version=None),
    ]
    lines = draft_markdown(hits).splitlines()
    assert lines[0] == "# Draft show notes"
    assert "### Later one | v2.212 #900001 | 10:00" in lines
    assert "### Release-notes only | #900002" in lines
    assert lines.index("### Later one | v2.212 #900001 | 10:00") < lines.index("## Other Features")


@pytest.mark.parametrize(
    ("crawled", "expected"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        (
            "**bold** _em_ `code` [link](javascript:x)",
            "\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\[link\\](javascript:x)",
        ),
        ("# not a heading", "\\# not a heading"),
        ("- not a bullet", "\\- not a bullet"),
        ("1. not a list", "1\\. not a list"),
        ("=HYPERLINK(1)", "\\=HYPERLINK(1)"),
        ("Fish &amp; chips & peas", "Fish \\&amp; chips & peas"),
        ("Ends with #", "Ends with \\#"),
        ("two\nlines\u202eRTL", "two linesRTL"),
        ("v2.212 #1190401 (fine)", "v2.212 #1190401 (fine)"),
    ],
)
def test_markdown_text_renders_as_the_same_text(crawled, expected):
    assert markdown_text(crawled) == expected


def test_hostile_title_is_neutralised_in_markdown():
    hit = make_hit(HOSTILE_TITLE, 30, summary="<img src=x onerror=alert(1)>", bullets=("<b>x</b>",))
    rendered = COMMONMARK.render(draft_markdown([hit]))
    assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "<li>&lt;b&gt;x&lt;/b&gt;</li>" in rendered


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_crawled_text_renders_as_itself(crawled):
    expected = html.escape(plain_text(crawled), quote=False).replace('"', "&quot;")
    rendered = COMMONMARK.render(markdown_text(crawled)).strip()
    assert rendered == (f"<p>{expected}</p>" if expected else "")


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", HOSTILE_FORMULA])
def test_formula_leading_cells_are_neutralised(cell):
    assert neutral_cell(cell) == "'" + cell


def test_csv_text_quotes_and_neutralises():
    text = csv_text(["title", "version"], [[HOSTILE_FORMULA, "2.212"], ['a "b", c', None]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["title", "version"],
        ["'" + HOSTILE_FORMULA, "2.212"],
        ['a "b", c', ""],
    ]


def test_chapters_of_no_features_say_so_in_words():
    with pytest.raises(ChaptersError, match="there are no features") as none:
        chapters_json([], ticket_url=lambda hit: None)
    assert "0" not in str(none.value)
