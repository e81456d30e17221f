"""Stage 2: a page's blocks split into one span per episode post."""

from crawler.parse.blocks import page_blocks
from crawler.parse.posts import split_posts


def spans(text, own_number=None):
    return split_posts(page_blocks(text), own_number=own_number)


def test_a_byline_first_post_claims_its_byline_date_and_categories():
    text = (
        "A closing line of the article above, without a full stop\n"
        "By\nNoor Castell\nFebruary 9, 2027\n•\n14 min read\nBy the [run]Book\nHaloPSA\n"
        "No items found.\n"
        "In Episode 61 of By the [run]Book, Wren and Oskar open v2.252.\n"
    )
    (span,) = spans(text)
    assert span.number == 61 and span.has_intro
    assert span.blocks[0].text == "By" and span.blocks[-1].text.startswith("In Episode 61")


def test_a_page_whose_post_names_no_number_is_the_episode_of_its_url():
    text = "By\nNoor Castell\nThis time the team walks through v2.252.\nTitle #5100301\nText.\n"
    (span,) = spans(text, own_number=62)
    assert span.number == 62 and span.own_page and len(span.blocks) == 5
    assert spans(text) == []


def test_the_own_post_stops_above_the_cards_of_other_posts():
    text = (
        "Intro of the post.\nTitle #5100301\nText.\nSee more of our recent posts\n"
        "February 9, 2027\nBy the [run]Book: Episode 61\nA teaser.\nRead post\n"
    )
    own, card = spans(text, own_number=62)
    assert (own.number, card.number) == (62, 61)
    assert own.blocks[-1].text == "Text."


def test_a_post_named_only_by_its_video_line_starts_at_the_top_of_its_own_page():
    text = "Intro.\nHighlight one #5100301\nText.\nWatch Now: By the [run]Book: Episode 62\n"
    (span,) = spans(text, own_number=62)
    assert span.blocks[0].text == "Intro."
