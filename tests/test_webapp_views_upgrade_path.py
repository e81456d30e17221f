"""The upgrade path as an admin uses it: every known version to start from, the whole range,
the callouts that say why an item needs attention, and exports that behave like the others."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from archive import build_archive, discussed_feature

from crawler.records import Episode, Feature
from crawler.store import Store
from crawler.versions import version_key
from webapp.app import create_app


def text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def listed_features(store, after: str, upto: str) -> int:
    """Features an upgrade page should count: one per ticket, each ID-less one on its own."""
    low, high = version_key(after), version_key(upto)
    return len(
        {
            feature.ticket_id or feature.key
            for feature in store.features()
            if feature.version and low < version_key(feature.version) <= high
        }
    )


def test_an_admin_on_the_release_before_the_archive_can_start_there(seed_client, seed_data_dir):
    store = Store(seed_data_dir)
    form = text(seed_client.get("/upgrade"))
    assert options(form, "from")[:2] == ["2.208", "2.210"]
    assert "v2.208 or older" in form
    everything = listed_features(store, "2.208", "2.216")
    from_2210 = listed_features(store, "2.210", "2.216")
    assert everything > from_2210 > 0  # v2.210's features are the difference
    page = text(seed_client.get("/upgrade?from=2.208&to=2.216"))
    assert f"{everything} features" in page
    assert f"{from_2210} features" in text(seed_client.get("/upgrade?from=2.210&to=2.216"))


def test_the_form_offers_versions_named_only_in_intros_and_release_notes(tmp_path):
    post = "https://blog.example/thoughts/by-the-run-book-episode-60"
    episode = Episode(episode=60, title="Episode 60", url=post, versions=("2.230", "2.232"))
    feature = discussed_feature(post, 60, 0, "Queue colours", "2.232", "960001", "1:00")
    note = Feature(
        title="Queue sorting",
        url="notes/2.234.txt",
        episode=None,
        ticket_id="960002",
        version="2.234",
    )
    build_archive(tmp_path, [episode], [feature], release_notes={"2.234": [note]})
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path)}).test_client()
    form = text(client.get("/upgrade"))
    assert options(form, "from") == ["2.228", "2.230", "2.232", "2.234"]
    assert options(form, "to") == ["2.230", "2.232", "2.234"]
    assert "Queue colours" in text(client.get("/upgrade?from=2.230"))


def test_without_a_target_the_path_goes_up_to_the_newest_version(site_client):
    page = text(site_client.get("/upgrade?from=2.214"))
    assert "Upgrading v2.214 to v2.218" in page
    assert "Kanban lanes for projects" in page  # v2.218, the newest
    assert "Invoice PDF export from the preview" in page  # v2.216
    markdown = text(site_client.get("/upgrade.md?from=2.214"))
    assert markdown.startswith("# Upgrade checklist: v2.214 to v2.218")


def test_from_the_newest_version_says_there_is_nothing_to_upgrade_to(site_client):
    response = site_client.get("/upgrade?from=2.218")
    assert response.status_code == 400
    assert "newest version the archive knows" in response.get_data(as_text=True)


def callouts(store) -> dict[str, list[str]]:
    """The callout bullets (warning emoji) of the features needing attention, by ticket."""
    found: dict[str, list[str]] = {}
    for feature in store.features():
        if {"caution", "not_enabled_by_default"} & set(feature.flags):
            marked = [b for b in feature.bullets if "⚠" in b]
            if marked and feature.ticket_id:
                found.setdefault(feature.ticket_id, []).extend(marked)
    return found


def test_the_page_and_both_exports_carry_the_callouts(seed_client, seed_data_dir):
    store = Store(seed_data_dir)
    expected = callouts(store)
    assert len(expected) >= 5
    url = "from=2.208&to=2.216"
    page = "".join(text(seed_client.get(f"/upgrade?{url}&page={n}")) for n in (1, 2))
    markdown = text(seed_client.get(f"/upgrade.md?{url}"))
    rows = list(csv.DictReader(io.StringIO(text(seed_client.get(f"/upgrade.csv?{url}")))))
    by_ticket = {row["ticket_id"]: row["bullets"] for row in rows}
    for ticket, bullets in expected.items():
        for bullet in bullets:
            assert bullet in markdown, bullet
            assert any(bullet in cell for cell in (by_ticket.get(ticket, ""),)), (ticket, bullet)
    shown = [b for bullets in expected.values() for b in bullets]
    escaped = page.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    assert sum(bullet in escaped for bullet in shown) == len(shown)


def test_upgrade_json_counts_what_the_page_counts(seed_client):
    url = "from=2.208&to=2.216"
    page = text(seed_client.get(f"/upgrade?{url}"))
    data = json.loads(text(seed_client.get(f"/upgrade.json?{url}")))
    shown = re.search(r'class="result-count">(\d+) features?, (\d+) needs? attention', page)
    assert (data["total"], data["needs_attention"]) == (int(shown[1]), int(shown[2]))
    assert len(data["features"]) == data["total"]


def test_upgrade_pages_offer_a_feed_of_the_path(site_client):
    page = text(site_client.get("/upgrade?from=2.212&to=2.216"))
    assert re.search(r'Subscribe to this upgrade path:.*href="/upgrade/feed\.atom\?', page, re.S)
    feed = text(site_client.get("/upgrade/feed.atom?from=2.212&to=2.216"))
    assert "Asset discovery records MAC addresses" in feed
    assert "Kanban lanes" not in feed


def test_upgrade_path_lists_versions_after_from_up_to_to(site_client):
    html = text(site_client.get("/upgrade?from=2.212&to=2.216"))
    assert "Asset discovery records MAC addresses" in html  # 2.214, not enabled by default
    assert "Invoice PDF export from the preview" in html  # 2.216
    assert "Portal sign-in with one-time links" not in html  # 2.212 is what you already run
    assert html.index("Needs attention") < html.index("Invoice PDF export")


# Without "to" the path goes up to the newest version (v2.218): nothing lies after it.
@pytest.mark.parametrize("query", ["from=2.216&to=2.212", "from=nope&to=2.216", "from=2.218"])
def test_upgrade_path_rejects_bad_ranges(site_client, query):
    assert site_client.get("/upgrade?" + query).status_code == 400
