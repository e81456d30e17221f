"""Long facet lists on the search page: the first values, and every value on request."""

from __future__ import annotations

import re

import pytest

from crawler.records import Episode
from tests.archive import build_archive, discussed_feature
from webapp.app import create_app

EPISODES = 14


@pytest.fixture(scope="module")
def client(tmp_path_factory):
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


def test_a_long_facet_lists_its_first_ten_values_and_offers_the_rest(client):
    html = client.get("/?q=quote").get_data(as_text=True)
    assert episode_links(html) == [str(n) for n in range(EPISODES, EPISODES - 10, -1)]
    assert re.search(r'href="/\?q=quote&amp;more=episode">Show all 14</a>', html)


def test_show_all_lists_every_value_and_keeps_the_search(client):
    html = client.get("/?q=quote&more=episode").get_data(as_text=True)
    links = re.findall(r'href="/\?q=quote&amp;more=episode&amp;episode=(\d+)"', html)
    assert links == [str(n) for n in range(EPISODES, 0, -1)]
    assert re.search(r'href="/\?q=quote">Show fewer</a>', html)


def test_an_unknown_facet_to_expand_is_ignored(client):
    response = client.get("/?q=quote&more=nonsense")
    assert response.status_code == 200
    assert len(re.findall(r'&amp;episode=\d+"', response.get_data(as_text=True))) == 10
