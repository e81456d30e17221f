"""The search page: facets, filters in the URL, highlights, paging, suggestions, errors."""

from __future__ import annotations

import re

import pytest
from html_page import parse, text

from crawler.records import Episode
from tests.archive import build_archive, discussed_feature
from webapp.app import create_app


def test_search_home_lists_features_with_facet_counts(site_client):
    html = text(site_client.get("/"))
    assert "Preview recurring invoices before they go out" in html
    assert "Asset discovery records MAC addresses" in html
    links = {a.get("href") for a in parse(html).links}
    assert "/?version=2.212" in links
    assert "/?flag=caution" in links
    assert re.search(
        r'href="/\?version=2.216">v2.216</a>\s*<span class="facet-count">3</span>', html
    )


def test_search_filters_live_in_the_url_and_can_be_removed(site_client):
    html = text(site_client.get("/?version=2.214"))
    assert "Asset discovery records MAC addresses" in html
    assert "Portal sign-in with one-time links" not in html
    assert 'href="/"' in html  # the active filter's remove link drops it


def test_search_highlights_matches_in_snippets(site_client):
    html = text(site_client.get("/?q=preview"))
    assert "<mark>" in html
    assert "Portal sign-in with one-time links" not in html


def test_search_pages_and_sorts(site_client):
    html = text(site_client.get("/?page_size=2&sort=version"))
    assert "page 1 of" in html
    assert 'rel="next"' in html
    second = text(site_client.get("/?page_size=2&sort=version&page=2"))
    assert 'rel="prev"' in second


def test_a_misspelt_search_says_what_it_searched_and_offers_did_you_mean(site_client):
    response = site_client.get("/?q=invoce")
    html = text(response)
    assert response.status_code == 200
    assert "Did you mean" in html
    assert re.search(r'class="suggestion" href="/\?q=invoices?"', html)
    assert "Invoice PDF export from the preview" in html


def test_a_search_without_hits_has_a_clear_empty_state(site_client):
    html = text(site_client.get("/?q=zebra+giraffe&area=billing"))
    assert "No features match “zebra giraffe”" in html
    assert "Search again without filters" in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "sort=sideways",
        "version=banana",
        "page_size=100000",
        "q=" + "x" * 5000,
    ],
)
def test_bad_search_parameters_get_a_400_page_that_explains(site_client, query):
    response = site_client.get("/?" + query)
    assert response.status_code == 400
    html = text(response)
    assert "This search cannot be run" in html
    assert "Traceback" not in html


def test_search_results_offer_to_add_to_the_draft(site_client):
    html = text(site_client.get("/?q=portal&pick=2.214:900103:12:05"))
    links = [a.get("href", "").replace("%3A", ":").replace("%2C", ",") for a in parse(html).links]
    assert "/draft?pick=2.214:900103:12:05,2.212:900102:7:45" in links


def test_the_search_page_offers_sort_once(card_client):
    html = card_client.get("/?q=queue").get_data(as_text=True)
    assert html.count("Sort:") == 1 and '<select name="sort">' not in html


# Long facet lists: the first values, and every value on request.
EPISODES = 14


@pytest.fixture(scope="module")
def long_facet_client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    episodes, features = [], []
    for number in range(1, EPISODES + 1):
        url = f"https://blog.example/thoughts/by-the-run-book-episode-{number}"
        episodes.append(Episode(episode=number, title=f"Episode {number}", url=url))
        features.append(
            discussed_feature(
                url,
                number,
                0,
                f"Quote template option {number}",
                "2.220",
                str(4_100_000 + number),
                "3:10",
                summary="Quotes can now carry a footer.",
            )
        )
    build_archive(data_dir, episodes, features)
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True}).test_client()


def episode_links(html: str) -> list[str]:
    return re.findall(r'href="/\?q=quote&amp;episode=(\d+)"', html)


def test_a_long_facet_lists_its_first_ten_values_and_offers_the_rest(long_facet_client):
    html = long_facet_client.get("/?q=quote").get_data(as_text=True)
    assert episode_links(html) == [str(n) for n in range(EPISODES, EPISODES - 10, -1)]
    assert re.search(r'href="/\?q=quote&amp;more=episode">Show all 14</a>', html)


def test_show_all_lists_every_value_and_keeps_the_search(long_facet_client):
    html = long_facet_client.get("/?q=quote&more=episode").get_data(as_text=True)
    links = re.findall(r'href="/\?q=quote&amp;more=episode&amp;episode=(\d+)"', html)
    assert links == [str(n) for n in range(EPISODES, 0, -1)]
    assert re.search(r'href="/\?q=quote">Show fewer</a>', html)


def test_an_unknown_facet_to_expand_is_ignored(long_facet_client):
    response = long_facet_client.get("/?q=quote&more=nonsense")
    assert response.status_code == 200
    assert len(re.findall(r'&amp;episode=\d+"', response.get_data(as_text=True))) == 10
