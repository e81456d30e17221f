"""A draft's exported post, saved to a file, imports back to exactly the draft's features."""

from __future__ import annotations

import pytest
from roundtrip import halonotes_import, stored_features
from site_data import write_archive
from workbench_data import (
    RELEASE_NOTE_KEYS,
    add_editor,
    item_ids,
    make_client,
    new_draft,
    post_form,
    sign_in,
)

# Text a host might type that Markdown and HTML would read as markup if it were not escaped.
TRICKY_TITLE = "Rates *per* site_id & <b>bold</b> [run] | `code`"
SUMMARY = "First paragraph with 5 * 3 and a_b.\n\nSecond paragraph, <i>kept</i> as text."


@pytest.fixture
def draft(tmp_path):
    data = tmp_path / "data"
    write_archive(data)
    add_editor(data, "alex")
    client = make_client(data)
    sign_in(client)
    draft_url = new_draft(client, episode="21", versions="2.212")
    for key in RELEASE_NOTE_KEYS:
        post_form(client, draft_url, "/items", key=key)
    post_form(client, draft_url, "/items", key="2.218:900301:5:00")  # from a search
    first, second, third, fourth = item_ids(client, draft_url)
    post_form(client, draft_url, f"/item/{fourth}/move", direction="up")
    post_form(
        client,
        draft_url,
        f"/item/{first}",
        title=TRICKY_TITLE,
        headline="Rates per site",
        summary=SUMMARY,
        bullets="- Works per site\n• Shows the old rate",
        callout="⚠️",
        callout_text="Check your rates before upgrading",
        important="on",
        timestamp="0:00",
    )
    post_form(client, draft_url, f"/item/{second}", title="Portal links", timestamp="02:05")
    kept = "Project tasks can be dragged between lanes."  # the edit form sends it back
    post_form(
        client, draft_url, f"/item/{fourth}", title="Kanban lanes", summary=kept, timestamp="9:40"
    )
    post_form(client, draft_url, f"/item/{third}", title="SLA timers", timestamp="1:02:03")
    post_form(
        client, draft_url, "/header", episode="21", versions="2.212", date="2026-05-12",
        intro="Episode 21 covers HaloPSA v2.212.",
    )  # fmt: skip
    return client, draft_url


EXPECTED = {
    "900101": {
        "ticket_id": "900101",
        "version": "2.212",
        "timestamp": "0:00",
        "title": TRICKY_TITLE,
        "summary": SUMMARY,
        "bullets": ["Works per site", "Shows the old rate", "⚠️ Check your rates before upgrading"],
        "flags": ["caution"],
        "highlighted": True,
        "aliases": ["Rates per site"],
    },
    "900102": {
        "ticket_id": "900102",
        "version": "2.212",
        "timestamp": "2:05",
        "title": "Portal links",
        "summary": "",
        "bullets": [],
        "flags": [],
        "highlighted": False,
        "aliases": [],
    },
    "900301": {
        "ticket_id": "900301",
        "version": "2.218",
        "timestamp": "9:40",
        "title": "Kanban lanes",
        "summary": "Project tasks can be dragged between lanes.",
        "bullets": [],
        "flags": [],
        "highlighted": False,
        "aliases": [],
    },
    "900199": {
        "ticket_id": "900199",
        "version": "2.212",
        "timestamp": "1:02:03",
        "title": "SLA timers",
        "summary": "",
        "bullets": [],
        "flags": [],
        "highlighted": False,
        "aliases": [],
    },
}


@pytest.mark.parametrize(("export", "suffix"), [("/post.md", ".md"), ("/post.html", ".html")])
def test_the_exported_post_imports_back_to_exactly_the_drafts_features(
    draft, tmp_path, export, suffix
):
    client, draft_url = draft
    response = client.get(draft_url + export)
    assert response.status_code == 200
    saved = tmp_path / f"episode-21-post{suffix}"
    saved.write_bytes(response.data)

    output = halonotes_import(saved, tmp_path / "imported")

    assert "episode 21 (2026-05-12): 4 features, 4 ticket IDs, 0 unparsed ID tokens" in output
    assert stored_features(tmp_path / "imported", 21) == EXPECTED


def test_text_typed_into_a_draft_is_never_markup_in_the_exports(draft):
    client, draft_url = draft
    html = client.get(draft_url + "/post.html").get_data(as_text=True)
    assert "<b>bold</b>" not in html and "<i>kept</i>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    page = client.get(draft_url).get_data(as_text=True)
    assert "<b>bold</b>" not in page and "<i>kept</i>" not in page


def test_the_post_keeps_the_drafts_order_in_the_full_list(draft):
    client, draft_url = draft
    text = client.get(draft_url + "/post.md").get_data(as_text=True)
    full_list = text[text.index("Full Feature List") :]
    order = [full_list.index(f"#{ticket}") for ticket in ("900101", "900102", "900301", "900199")]
    assert order == sorted(order)
    assert text.index("Important Mentions") < text.index("Full Feature List")
