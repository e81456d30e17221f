"""Which episode a fetched post is: the one its URL names, else the one its title names."""

from crawler.parse import parse_page
from crawler.pipelines import NO_FEATURES, NOT_AN_EPISODE, check_post
from crawler.spider import FetchedPost, PageOutcome

POST = (
    "<html><head><title>By the [run]Book Ep. 60 | Rising Tide</title></head><body>"
    "<div class='w-richtext'><h1>Quotes that sync</h1>"
    "<p>Watch Now: <a href='https://www.youtube.com/watch?v=ep0060video'>YouTube</a></p>"
    "<p><strong>Quotes sync to the client | v2.230 #5100601 | 3:10</strong></p>"
    "<p>A quote follows the client it was made for.</p></div>"
    "<h2>More posts</h2><div class='w-dyn-item'><h3>By the [run]Book: Episode 59</h3>"
    "<a href='/thoughts/by-the-run-book-episode-59'>Read more</a></div></body></html>"
)


def fetched(url: str, html: str) -> FetchedPost:
    parsed = parse_page(html, url)
    return FetchedPost(url, html.encode(), parsed.episodes, parsed.features)


def test_a_post_whose_url_names_no_episode_is_the_episode_its_title_names():
    url = "https://blog.example/thoughts/quotes-that-sync"
    checked = check_post(fetched(url, POST))
    assert isinstance(checked, FetchedPost)
    assert [(e.episode, e.url) for e in checked.episodes] == [(60, url)]
    assert [f.ticket_id for f in checked.features] == ["5100601"]


def test_a_post_about_the_series_that_holds_no_episode_is_no_failure():
    url = "https://blog.example/thoughts/our-podcast-turns-one"
    page = "<html><body><h1>By the [run]Book turns one</h1><p>Thank you for listening.</p>"
    checked = check_post(fetched(url, page))
    assert isinstance(checked, PageOutcome)
    assert checked.outcome == NOT_AN_EPISODE and not checked.outcome.startswith("error")


def _post_with_lines(*lines: str) -> str:
    body = "".join(
        f"<p><strong>{line}</strong></p><p>It now works for every client.</p>" for line in lines
    )
    return (
        "<html><head><title>By the [run]Book: Episode 61</title></head><body>"
        "<div class='w-richtext'><h1>By the [run]Book: Episode 61</h1>"
        "<p>Watch Now: <a href='https://www.youtube.com/watch?v=ep0061video'>YouTube</a></p>"
        f"{body}</div></body></html>"
    )


def test_a_post_whose_title_lines_name_no_ticket_is_stored():
    url = "https://blog.example/thoughts/by-the-run-book-episode-61"
    page = _post_with_lines("Rota swaps | v2.232 | 3:05", "Holiday cover – 7:18")
    checked = check_post(fetched(url, page))
    assert isinstance(checked, FetchedPost)
    assert [(f.title, f.version, f.timestamp) for f in checked.features] == [
        ("Rota swaps", "2.232", "3:05"),
        ("Holiday cover", None, "7:18"),
    ]


def test_a_post_of_paragraphs_alone_still_fails_as_a_format_change():
    url = "https://blog.example/thoughts/by-the-run-book-episode-61"
    page = _post_with_lines("Rota swaps are here", "Holiday cover is here")
    checked = check_post(fetched(url, page))
    assert isinstance(checked, PageOutcome) and checked.outcome == NO_FEATURES
