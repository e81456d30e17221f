"""Stage 1: a page, HTML or plain text, read into headings, paragraphs, bullets and players."""

from crawler.parse.blocks import BULLET, HEADING, PARAGRAPH, VIDEO, page_blocks


def kinds_and_texts(blocks):
    return [(b.kind, b.text) for b in blocks]


def test_a_text_capture_gives_one_block_per_line_whatever_the_blank_lines():
    tight = "Intro line\nTitle | v2.250 #5100301 | 4:12\n  • A bullet\n"
    loose = "\n\nIntro line\n\n\nTitle | v2.250 #5100301 | 4:12\n\n  • A bullet\n\n"
    assert page_blocks(tight) == page_blocks(loose)
    assert kinds_and_texts(page_blocks(tight)) == [
        (PARAGRAPH, "Intro line"),
        (PARAGRAPH, "Title | v2.250 #5100301 | 4:12"),
        (BULLET, "A bullet"),
    ]


def test_webflow_blocks_never_shown_are_dropped():
    html = (
        '<div class="rich-text-x w-richtext"><p>Shown</p>'
        '<div class="w-condition-invisible"><p>Never shown #5100999</p></div>'
        '<p hidden>Hidden too</p><p style="display: none">And this</p></div>'
    )
    assert kinds_and_texts(page_blocks(html)) == [(PARAGRAPH, "Shown")]


def test_an_embedded_player_becomes_a_video_block_with_its_watch_url():
    html = (
        '<div class="w-richtext"><p>Intro</p><figure class="w-richtext-figure-type-video">'
        '<div><iframe src="https://www.youtube.com/embed/q2PlAy62xyz?rel=0"></iframe></div>'
        '</figure><iframe src="https://ads.example.test/frame"></iframe>'
        '<iframe src="https://player.vimeo.com/video/123456789"></iframe></div>'
    )
    blocks = page_blocks(html)
    assert [(b.kind, [link.href for link in b.links]) for b in blocks] == [
        (PARAGRAPH, []),
        (VIDEO, ["https://www.youtube.com/watch?v=q2PlAy62xyz"]),
        (VIDEO, ["https://vimeo.com/123456789"]),
    ]


def test_callouts_in_list_items_keep_their_emoji_and_text():
    html = '<ul role="list"><li><strong>⚠️ Not enabled by default</strong> — turn it on</li></ul>'
    assert kinds_and_texts(page_blocks(html)) == [(BULLET, "⚠️ Not enabled by default — turn it on")]


def test_an_embedly_player_gives_the_video_it_wraps():
    src = (
        "https://cdn.embedly.com/widgets/media.html?src=https%3A%2F%2Fwww.youtube.com%2Fembed"
        "%2Fq2PlAy62xyz%3Ffeature%3Doembed&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D"
        "q2PlAy62xyz&type=text%2Fhtml&schema=youtube"
    )
    html = f'<div class="w-video w-embed"><iframe src="{src}"></iframe></div>'
    (block,) = page_blocks(html)
    assert block.kind == VIDEO
    assert block.links[0].href == "https://www.youtube.com/watch?v=q2PlAy62xyz"


def test_blocks_know_whether_they_sit_in_the_rich_text():
    html = (
        '<h1>By the [run]Book: Episode 62</h1><div class="rich-text-7c1e w-richtext">'
        "<p>Inside</p></div><div class='author-bio'><p>Outside</p></div>"
    )
    assert [(b.text, b.rich) for b in page_blocks(html)] == [
        ("By the [run]Book: Episode 62", False),
        ("Inside", True),
        ("Outside", False),
    ]


def test_a_table_row_is_one_block_with_its_cells_between_bars():
    blocks = page_blocks(
        "<div class='w-embed'><table>"
        "<thead><tr><th>Feature</th><th>Version</th><th>Ticket</th></tr></thead>"
        "<tbody><tr><td>Title A</td><td>v2.230</td><td>#1085494</td></tr></tbody>"
        "</table></div>"
    )
    assert kinds_and_texts(blocks) == [
        (HEADING, "Feature | Version | Ticket"),
        (PARAGRAPH, "Title A | v2.230 | #1085494"),
    ]
