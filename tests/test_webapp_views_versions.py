"""Version and upgrade pages a hundred features at a time, over an archive too big for one page."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from archive import build_archive, discussed_feature

from crawler.records import Episode, Feature
from crawler.store import Store
from index import IndexReader
from index.build import update_index
from webapp.app import create_app
from webapp.views.helpers import ATTENTION_FLAGS, completeness

POST = "https://blog.example/thoughts/by-the-run-book-episode-{}"
REPEATED = "31050"  # discussed in episode 31 in full, and mentioned briefly in episode 32
FULL_TITLE = "Scheduled report exports, in full"
TERSE_TITLE = "Scheduled report exports, in passing"


def _feature(episode: int, position: int, version: str, **extra) -> Feature:
    extra.setdefault("summary", f"What changes with item {position} of episode {episode}.")
    return discussed_feature(
        POST.format(episode),
        episode,
        position,
        extra.pop("title", f"Change {position} of episode {episode}"),
        version,
        extra.pop("ticket", f"{episode}{position:03d}"),
        f"{position}:00",
        **extra,
    )


def _episode_features() -> dict[int, list[Feature]]:
    """Each episode's features in post order.

    v2.300 (episode 30): 150 features, all but every fourth not enabled by default.
    v2.302 (episodes 31 and 32): 230 records, every twentieth flagged caution or not enabled
    by default, one ticket recorded twice (the full record flagged caution), one record
    without a ticket.
    """
    v2300 = [
        _feature(30, i, "2.300", flags=() if i % 4 == 3 else ("not_enabled_by_default",))
        for i in range(150)
    ]

    def every_twentieth(position: int) -> tuple[str, ...]:
        if position % 20:
            return ()
        return ("caution",) if position // 20 % 2 == 0 else ("not_enabled_by_default",)

    v2302_old = []
    for i in range(100):
        if i == 50:
            v2302_old.append(
                _feature(
                    31,
                    i,
                    "2.302",
                    title=FULL_TITLE,
                    ticket=REPEATED,
                    summary="Reports can be exported on a schedule to a shared folder.",
                    bullets=("Pick a daily or weekly run.", "Exports keep the report's filters."),
                    flags=("caution",),
                )
            )
        else:
            v2302_old.append(_feature(31, i, "2.302", flags=every_twentieth(i)))
    v2302_new = []
    for i in range(130):
        if i == 5:
            v2302_new.append(
                _feature(32, i, "2.302", title=TERSE_TITLE, ticket=REPEATED, summary="")
            )
        elif i == 129:
            v2302_new.append(
                _feature(32, i, "2.302", ticket=None, title="A change without a ticket")
            )
        else:
            v2302_new.append(_feature(32, i, "2.302", flags=every_twentieth(i)))
    return {30: v2300, 31: v2302_old, 32: v2302_new}


def expected_order(episodes: list[int]) -> list[str]:
    """Titles as the pages must list them: one per ticket, attention first, release order."""
    features = _episode_features()
    natural = [f for number in episodes for f in features[number]]
    natural = [f for f in natural if f.title != TERSE_TITLE]
    # The repeated ticket is listed where its first record (episode 32, newest first) is.
    if 32 in episodes:
        full = next(f for f in natural if f.title == FULL_TITLE)
        natural.remove(full)
        natural.insert(natural.index(features[32][4]) + 1, full)
    attention = [f.title for f in natural if ATTENTION_FLAGS.intersection(f.flags)]
    return attention + [f.title for f in natural if not ATTENTION_FLAGS.intersection(f.flags)]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data folder with 379 features over v2.300 and v2.302, stored and indexed."""
    data_dir = tmp_path_factory.mktemp("data")
    episodes = [
        Episode(episode=n, title=f"Episode {n}", url=POST.format(n), date=f"2026-0{n - 29}-01")
        for n in (30, 31, 32)
    ]
    features = [f for group in _episode_features().values() for f in group]
    build_archive(data_dir, episodes, features)
    return data_dir


@pytest.fixture(scope="module")
def client(data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "PAGE_CACHE_BYTES": 0})
    return app.test_client()


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def titles(page_html: str) -> list[str]:
    """The card titles of a page, in order."""
    found = re.findall(r'<h3 class="card-title">\s*(?:<a [^>]*>)?([^<]+?)\s*<', page_html)
    return [title.strip() for title in found]


def pagination(page_html: str) -> dict[str, str]:
    """The page navigation's links by rel (prev, next)."""
    nav = re.search(r'<nav class="pagination".*?</nav>', page_html, re.S)
    if nav is None:
        return {}
    links = re.findall(r'<a rel="(prev|next)" href="([^"]+)"', nav.group(0))
    return {rel: unescape(href) for rel, href in links}


def all_pages(client, path: str) -> list[str]:
    """Card titles of every page of a listing, following the next links."""
    found: list[str] = []
    while path:
        page_html = text(client.get(path))
        found += titles(page_html)
        path = pagination(page_html).get("next", "")
    return found


def test_a_version_page_shows_one_hundred_features_with_links_to_the_others(client):
    page_html = text(client.get("/version/2.302"))
    assert len(titles(page_html)) == 100
    assert "229 features, 13 need attention, page 1 of 3." in page_html
    assert pagination(page_html) == {"next": "/version/2.302?page=2"}

    second = text(client.get("/version/2.302?page=2"))
    assert len(titles(second)) == 100
    assert "229 features, 13 need attention, page 2 of 3." in second
    # Page 1 is the plain URL, without a page parameter.
    assert pagination(second) == {"prev": "/version/2.302", "next": "/version/2.302?page=3"}

    last = text(client.get("/version/2.302?page=3"))
    assert len(titles(last)) == 29
    assert pagination(last) == {"prev": "/version/2.302?page=2"}


def test_version_pages_keep_the_order_attention_first_one_record_per_ticket(client):
    listed = all_pages(client, "/version/2.302")
    assert listed == expected_order([32, 31])
    assert listed.count(FULL_TITLE) == 1 and TERSE_TITLE not in listed
    first_page = text(client.get("/version/2.302"))
    assert "Needs attention: caution or not enabled by default (13)" in first_page
    assert first_page.index("Needs attention") < first_page.index("Everything else")
    assert "Needs attention" not in text(client.get("/version/2.302?page=2"))


def test_upgrade_pages_are_paged_with_counts_for_the_whole_range(client):
    path = "/upgrade?from=2.298&to=2.302"
    listed = all_pages(client, path)
    assert listed == expected_order([30, 32, 31])

    first = text(client.get(path))
    assert "379 features, 126 need attention, page 1 of 4" in first
    assert titles(first) == listed[:100]
    assert "Everything else" not in first and "(37)</h2>" not in first

    second = text(client.get(path + "&page=2"))
    assert "379 features, 126 need attention, page 2 of 4" in second
    assert "Needs attention: caution or not enabled by default (126)" in second
    # Group headings count the version's features in the whole range, not just this page.
    assert re.search(r">v2\.300</a> \(37\)</h2>", second)
    assert re.search(r">v2\.302</a> \(216\)</h2>", second)
    links = {rel: urlsplit(href) for rel, href in pagination(second).items()}
    assert links["prev"].path == links["next"].path == "/upgrade"
    assert parse_qs(links["prev"].query) == {"from": ["2.298"], "to": ["2.302"]}
    assert parse_qs(links["next"].query) == {"from": ["2.298"], "to": ["2.302"], "page": ["3"]}


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("0", "page must be from 1 to 500, not 0."),
        ("abc", "page must be a whole number from 1 to 500, not &#39;abc&#39;."),
        ("99999999999", "page must be a whole number from 1 to 500, not &#39;99999999999&#39;."),
        ("501", "page must be from 1 to 500, not 501."),
    ],
)
def test_a_bad_page_number_gets_the_search_page_message(client, page, message):
    for path in ("/?q=change&", "/version/2.302?", "/upgrade?from=2.298&to=2.302&"):
        response = client.get(path + "page=" + page)
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True), path


def test_a_page_past_the_end_says_so_and_links_to_the_first(client):
    page_html = text(client.get("/version/2.302?page=4"))
    assert titles(page_html) == []
    assert "229 features, 13 need attention" in page_html
    assert 'There is no page 4. <a href="/version/2.302">Go to the first page</a>.' in page_html
    page_html = text(client.get("/upgrade?from=2.298&to=2.302&page=7"))
    assert "There is no page 7." in page_html and titles(page_html) == []


def test_upgrade_exports_still_list_every_feature(client):
    rows = list(csv.DictReader(io.StringIO(text(client.get("/upgrade.csv?from=2.298&to=2.302")))))
    assert sorted(row["title"] for row in rows) == sorted(expected_order([30, 32, 31]))
    markdown = text(client.get("/upgrade.md?from=2.298&to=2.302"))
    assert markdown.count("- [ ] ") == 379


def test_reader_pages_match_the_whole_list(data_dir):
    reader = IndexReader(data_dir)
    pages = [
        reader.version_features(
            ["2.300", "2.302"],
            page=n,
            page_size=50,
            first_flags=ATTENTION_FLAGS,
            fullest=completeness,
        )
        for n in range(1, 10)
    ]
    assert [p.total for p in pages] == [379] * 9
    assert [p.flagged for p in pages] == [126] * 9
    assert pages[0].page_count == 8 and pages[0].version_counts == {"2.300": 37, "2.302": 216}
    assert [h.title for p in pages for h in p.hits] == expected_order([30, 32, 31])
    assert pages[8].hits == []
    # Without a way to rank a ticket's records, the first one stands for the ticket.
    plain = reader.version_features(["2.302"], page=1, page_size=500)
    listed = [h.title for h in plain.hits]
    assert plain.flagged == 0 and TERSE_TITLE in listed and FULL_TITLE not in listed
    assert reader.version_features(["9.999"], page=1).total == 0


def _two_version_features(episode: int, version: str, repeats: dict[int, dict]) -> list[Feature]:
    """Six features of one episode; ``repeats`` replaces some positions' records."""
    return [_feature(episode, i, version, **repeats.get(i, {})) for i in range(6)]


def test_a_ticket_discussed_again_in_a_later_version_is_listed_once(tmp_path):
    merge = {"ticket": "77001", "title": "Bulk ticket merge, in passing", "summary": ""}
    merge_full = {
        "ticket": "77001",
        "title": "Bulk ticket merge, in full",
        "bullets": ("Merged tickets keep their time entries.",),
    }
    assets = {
        "ticket": "77002",
        "title": "Asset import, in full",
        "bullets": ("Columns are matched by name.",),
        "flags": ("caution",),
    }
    assets_again = {"ticket": "77002", "title": "Asset import, again", "summary": ""}
    build_archive(
        tmp_path,
        [Episode(episode=40, title="Episode 40", url=POST.format(40), date="2026-04-01")],
        _two_version_features(40, "2.400", {2: merge, 4: assets}),
    )
    # The later episode reaches the index in a later commit, as a crawl adds it.
    later = Episode(episode=41, title="Episode 41", url=POST.format(41), date="2026-05-01")
    Store(tmp_path).merge(
        [later], _two_version_features(41, "2.402", {1: merge_full, 4: assets_again})
    )
    update_index(tmp_path)
    reader = IndexReader(tmp_path)

    def listed(versions: list[str]) -> tuple[list[str], int, int, dict[str, int]]:
        pages = [
            reader.version_features(
                versions, page=n, page_size=4, first_flags=ATTENTION_FLAGS, fullest=completeness
            )
            for n in (1, 2, 3)
        ]
        assert len({(p.total, p.flagged) for p in pages}) == 1
        titles = [h.title for p in pages for h in p.hits]
        return titles, pages[0].total, pages[0].flagged, pages[0].version_counts

    # Across both versions each ticket is listed once, as its fullest record, where its first
    # record (v2.400) is; the flagged one leads the attention section.
    titles, total, flagged, counts = listed(["2.400", "2.402"])
    assert titles == [
        "Asset import, in full",
        "Change 0 of episode 40",
        "Change 1 of episode 40",
        "Bulk ticket merge, in full",
        "Change 3 of episode 40",
        "Change 5 of episode 40",
        "Change 0 of episode 41",
        "Change 2 of episode 41",
        "Change 3 of episode 41",
        "Change 5 of episode 41",
    ]
    assert (total, flagged, counts) == (10, 1, {"2.400": 4, "2.402": 5})
    # One version alone keeps each of its own records.
    titles, total, flagged, _counts = listed(["2.402"])
    assert titles == [
        "Change 0 of episode 41",
        "Bulk ticket merge, in full",
        "Change 2 of episode 41",
        "Change 3 of episode 41",
        "Asset import, again",
        "Change 5 of episode 41",
    ]
    assert (total, flagged) == (6, 0)


def test_version_page_puts_features_needing_attention_first(site_client):
    response = site_client.get("/version/2.212")
    html = text(response)
    assert html.index("Needs attention") < html.index("Preview recurring invoices before")
    assert html.index("Preview recurring invoices before") < html.index("Portal sign-in")
    assert site_client.get("/version/v2.212").headers["Location"].endswith("/version/2.212")
