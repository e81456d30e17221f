"""Stage 3: a post's header (title, byline, date, intro, hosts, versions, video) and its body."""

from crawler.parse.blocks import page_blocks
from crawler.parse.header import read_header


def header_of(text):
    return read_header(tuple(page_blocks(text)))


def test_a_byline_first_header_gives_author_and_date_and_skips_the_chrome():
    header, body = header_of(
        "By\nNoor Castell\nFebruary 9, 2027\n•\n14 min read\nBy the [run]Book\nBilling\n"
        "No items found.\nShare this post\n"
        "In Episode 61 of By the [run]Book, Wren and Oskar wrap up v2.250 and open v2.252.\n"
        "Title #5100301\n"
    )
    assert (header.title, header.author, header.date) == (None, "Noor Castell", "2027-02-09")
    assert header.intro == (
        "In Episode 61 of By the [run]Book, Wren and Oskar wrap up v2.250 and open v2.252.",
    )
    assert header.versions == ("2.250", "2.252") and header.hosts == ("Wren", "Oskar")
    assert [b.text for b in body] == ["Title #5100301"]


def test_the_intro_runs_up_to_the_first_feature_line_before_the_video():
    header, body = header_of(
        "By the [run]Book: Episode 61\nFirst intro paragraph.\nThe ones we picked:\n"
        "Exports skip empty reports #5100301\nWatch Now: By the [run]Book: Episode 61\n"
    )
    assert header.title == "By the [run]Book: Episode 61"
    assert header.intro == ("First intro paragraph.", "The ones we picked:")
    assert body[0].text == "Exports skip empty reports #5100301" and header.has_video


def test_without_any_body_marker_the_intro_is_one_paragraph():
    header, body = header_of("By the [run]Book: Episode 61\nIntro.\nA description.\nAnother.\n")
    assert header.intro == ("Intro.",) and [b.text for b in body] == ["A description.", "Another."]


def test_the_video_comes_from_the_watch_link_then_a_player():
    watch = (
        "<h1>By the [run]Book: Episode 61</h1><p>Intro.</p><p>Watch Now: "
        '<a href="https://youtu.be/abc123def45">By the [run]Book: Episode 61</a></p>'
    )
    player = '<p>Intro.</p><iframe src="https://www.youtube.com/embed/abc123def45"></iframe>'
    assert header_of(watch)[0].video_url == "https://youtu.be/abc123def45"
    assert header_of(player)[0].video_url == "https://www.youtube.com/watch?v=abc123def45"
    unsafe = '<p>Intro.</p><p>Watch Now: <a href="javascript:alert(1)">Episode 61</a></p>'
    assert header_of(unsafe)[0].video_url is None


def test_a_published_on_date_line_gives_the_date():
    header, _ = header_of("By the [run]Book: Episode 61\nPublished on 9 February 2027\nIntro.\n")
    assert header.date == "2027-02-09"
