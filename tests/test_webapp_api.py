"""The JSON API and the CSV export through Flask's test client."""

from __future__ import annotations

import csv
import io
import json

import pytest
from archive import build_archive, discussed_feature
from feed_archive import HOSTILE_FORMULA, HOSTILE_SUMMARY, HOSTILE_TITLE
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.records import Episode
from webapp.app import create_app


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.data)


def test_search_json_has_hits_paging_facets_and_suggestion(feed_client):
    data = get_json(feed_client, "/search.json?q=ticket&page_size=1")
    assert data["total"] >= 2
    assert data["page"] == 1
    assert data["page_count"] == data["total"]
    assert len(data["hits"]) == 1
    assert {"key", "title", "ticket_id", "version", "video_at", "page"} <= set(data["hits"][0])
    assert "version" in data["facets"]
    assert all({"value", "count"} == set(f) for f in data["facets"]["version"])
    assert "suggestion" in data


def test_search_json_uses_the_same_filters_as_the_search_page(feed_client):
    data = get_json(feed_client, "/search.json?version=2.222")
    assert {hit["ticket_id"] for hit in data["hits"]} == {"910004", "910005"}
    data = get_json(feed_client, "/search.json?episode=31")
    assert {hit["ticket_id"] for hit in data["hits"]} == {"910006", "910007", "910008"}


def test_search_json_suggests_a_spelling(feed_client):
    data = get_json(feed_client, "/search.json?q=invoise")
    assert data["suggestion"] == "invoice"


def test_hostile_text_is_escaped_in_json(feed_client):
    response = feed_client.get("/ticket/910002.json")
    raw = response.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw
    feature = json.loads(raw)["features"][0]
    assert feature["title"] == HOSTILE_TITLE
    assert feature["summary"] == HOSTILE_SUMMARY


def test_ticket_json(feed_client):
    data = get_json(feed_client, "/ticket/910001.json")
    assert data["ticket_id"] == "910001"
    assert [f["episode"] for f in data["features"]] == [30, None]  # the episode, the notes
    assert data["features"][0]["page"] == "http://localhost/ticket/910001"
    assert isinstance(data["related"], list)


@pytest.mark.parametrize("url", ["/ticket/123456789.json", "/ticket/abc.json"])
def test_unknown_ticket_json_is_a_json_404(feed_client, url):
    data = get_json(feed_client, url, status=404)
    assert data["error"]


@pytest.mark.parametrize("text", ["123", "1234", "12345", "123456789", "1234567890", "99x"])
def test_search_api_and_ticket_page_agree_on_what_a_ticket_id_is(feed_client, text):
    searched = get_json(feed_client, f"/search.json?q=ticket:{text}")
    by_search = "Could not read" not in (searched["notice"] or "")
    by_api = "No feature with ticket" in get_json(feed_client, f"/ticket/{text}.json", 404)["error"]
    by_page = "No feature with ticket" in feed_client.get(f"/ticket/{text}").text
    assert by_search == by_api == by_page


def test_version_json_lists_a_small_version_on_one_page(feed_client):
    data = get_json(feed_client, "/version/v2.22.json")
    assert data["version"] == "2.220"
    assert data["total"] == len(data["features"]) == 3
    assert [f["ticket_id"] for f in data["features"]] == ["910001", "910002", "910003"]
    assert (data["page"], data["page_size"], data["page_count"]) == (1, 100, 1)
    assert data["next"] is None and data["previous"] is None


def test_version_json_pages_follow_on_without_overlap(feed_client):
    whole = [f["key"] for f in get_json(feed_client, "/version/2.220.json")["features"]]
    first = get_json(feed_client, "/version/2.220.json?page_size=2")
    assert first["next"] == "http://localhost/version/2.220.json?page=2&page_size=2"
    second = get_json(feed_client, first["next"].removeprefix("http://localhost"))
    assert [f["key"] for f in first["features"]] == whole[:2]
    assert [f["key"] for f in second["features"]] == whole[2:]
    assert first["total"] == second["total"] == 3
    assert first["page_count"] == second["page_count"] == 2
    assert (first["previous"], second["next"]) == (None, None)
    assert second["previous"] == "http://localhost/version/2.220.json?page_size=2"


def test_version_json_pages_have_their_own_etags(feed_client):
    first = feed_client.get("/version/2.220.json?page_size=2")
    second = feed_client.get("/version/2.220.json?page=2&page_size=2")
    assert first.headers["ETag"] != second.headers["ETag"]
    stale = feed_client.get(
        "/version/2.220.json?page=2&page_size=2", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert stale.status_code == 200


def test_version_json_page_past_the_end_is_a_json_404_saying_how_many_pages(feed_client):
    error = get_json(feed_client, "/version/2.220.json?page=3&page_size=2", status=404)["error"]
    assert error == "There is no page 3 of v2.220: its 3 features fill 2 pages of 2."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page must be from 1 to 500, not 0."),
        ("page=two", "page must be a whole number from 1 to 500, not 'two'."),
        ("page=-1", "page must be a whole number from 1 to 500, not '-1'."),
        ("page=501", "page must be from 1 to 500, not 501."),
        ("page_size=0", "page_size must be from 1 to 100, not 0."),
        ("page_size=101", "page_size must be from 1 to 100, not 101."),
    ],
)
def test_version_json_bad_page_is_the_searchs_json_400(feed_client, query, message):
    assert get_json(feed_client, f"/version/2.220.json?{query}", status=400)["error"] == message
    assert get_json(feed_client, f"/search.json?{query}", status=400)["error"] == message


def test_unknown_version_json_is_a_json_404(feed_client):
    assert get_json(feed_client, "/version/9.990.json", status=404)["error"]


def test_big_version_json_answers_a_hundred_features_a_page(tmp_path):
    url = "https://blog.example/thoughts/by-the-run-book-episode-40"
    features = [
        discussed_feature(url, 40, n, f"Feature {n}", "2.230", str(930000 + n), None)
        for n in range(130)
    ]
    episode = Episode(episode=40, title="Episode 40", url=url, versions=("2.230",))
    build_archive(tmp_path, [episode], features)
    big = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    first = get_json(big, "/version/2.230.json")
    second = get_json(big, "/version/2.230.json?page=2")
    assert (first["total"], first["page_count"], first["page_size"]) == (130, 2, 100)
    assert len(first["features"]) == 100 and len(second["features"]) == 30
    listed = [f["ticket_id"] for f in first["features"] + second["features"]]
    assert listed == [str(930000 + n) for n in range(130)]  # episode order, each once
    assert first["next"] == "http://localhost/version/2.230.json?page=2"


def test_episode_json(feed_client):
    data = get_json(feed_client, "/episode/30.json")
    assert data["episode"]["episode"] == 30
    assert data["episode"]["page"] == "http://localhost/episode/30"
    assert [f["ticket_id"] for f in data["features"]] == [
        "910001",
        "910002",
        "910003",
        "910004",
        "910005",
    ]


def test_unknown_episode_json_is_a_json_404(feed_client):
    assert "99" in get_json(feed_client, "/episode/99.json", status=404)["error"]


@pytest.mark.parametrize(
    "url", ["/search.json?version=banana", "/search.json?page=0", "/search.json?q=" + "x" * 5000]
)
def test_bad_parameters_are_a_json_400(feed_client, url):
    assert get_json(feed_client, url, status=400)["error"]


def test_api_without_an_index_is_a_json_503(tmp_path):
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    assert "halonotes index" in get_json(client, "/search.json", status=503)["error"]


@pytest.mark.parametrize(
    "url",
    ["/search.json?q=invoice", "/ticket/910001.json", "/version/2.220.json", "/episode/30.json"],
)
def test_api_answers_conditional_requests(feed_client, url):
    first = feed_client.get(url)
    assert feed_client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = first.headers["Last-Modified"]
    assert feed_client.get(url, headers={"If-Modified-Since": since}).status_code == 304


def test_search_csv_exports_every_result_formula_safe(feed_client):
    response = feed_client.get("/search.csv?episode=30")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="halonotes-search.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 5
    hostile = next(row for row in rows if row["ticket_id"] == "910002")
    assert hostile["title"] == HOSTILE_TITLE  # starts with "<", which no spreadsheet runs
    assert hostile["bullets"] == "<b>bold</b> claims\n=1+1 in a bullet"
    assert hostile["page"] == "http://localhost/ticket/910002"
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_search_csv_neutralises_formula_leading_titles(feed_client):
    rows = list(csv.DictReader(io.StringIO(feed_client.get("/search.csv?episode=31").text)))
    titles = {row["ticket_id"]: row["title"] for row in rows}
    assert titles["910007"] == f"'{HOSTILE_FORMULA} warranty dates"


def test_search_csv_bad_parameters_are_a_plain_400(feed_client):
    response = feed_client.get("/search.csv?version=banana")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"


PARAMETERS = ["q", "version", "from", "to", "episode", "area", "flag", "sort", "page", "page_size"]


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(PARAMETERS),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
        | st.sampled_from(["-1", "0", "999999999999", "v2.21", "*", "title:(", '"', "#910001"]),
        max_size=4,
    )
)
def test_any_parameters_get_a_200_or_a_400_never_a_500(feed_client, params):
    for url in ("/search.json", "/feed.atom", "/search.csv"):
        response = feed_client.get(url, query_string=params)
        assert response.status_code in (200, 400), (url, params, response.text)


def test_invalid_utf8_in_the_url_is_not_an_error(feed_client):
    response = feed_client.get("/search.json?q=%ff%fe&version=%c3")
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or "hits" in response.get_json()
