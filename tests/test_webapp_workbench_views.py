"""The workbench through Flask's test client: access, CSRF, revisions, restarts, the store."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from site_data import write_archive
from workbench_data import (
    PASSWORD,
    RELEASE_NOTE_KEYS,
    add_editor,
    csrf,
    item_ids,
    make_client,
    new_draft,
    post_form,
    revision,
    sign_in,
    store_bytes,
)

from webapp.app import create_app
from webapp.cli import cli


@pytest.fixture
def data_dir(tmp_path):
    data = tmp_path / "data"
    write_archive(data)
    add_editor(data, "alex")
    add_editor(data, "sam")
    return data


def draft_count(data_dir) -> int:
    with sqlite3.connect(data_dir / "workbench.sqlite") as connection:
        return connection.execute("SELECT count(*) FROM drafts").fetchone()[0]


def test_without_editor_accounts_the_workbench_is_off_and_says_how_to_enable_it(tmp_path):
    data = tmp_path / "data"
    write_archive(data)
    response = make_client(data).get("/workbench/")
    assert response.status_code == 403
    assert "halonotes editors add NAME" in response.get_data(as_text=True)


def test_editors_add_reads_the_password_at_a_prompt_and_stores_only_a_hash(tmp_path):
    output = add_editor(tmp_path, "robin", "another invented passphrase")
    assert "Editor robin added" in output
    raw = (tmp_path / "workbench.sqlite").read_bytes()
    assert b"another invented passphrase" not in raw
    with sqlite3.connect(tmp_path / "workbench.sqlite") as connection:
        (stored,) = connection.execute("SELECT password_hash FROM editors").fetchone()
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    refused = CliRunner().invoke(
        cli, ["editors", "add", "robin", "--password", "x", "--data", str(tmp_path)]
    )
    assert refused.exit_code != 0 and "No such option" in refused.output
    again = CliRunner().invoke(
        cli,
        ["editors", "add", "robin", "--data", str(tmp_path)],
        input="p" * 12 + "\n" + "p" * 12 + "\n",
    )
    assert again.exit_code == 1
    assert "Error: There is already an editor called 'robin'." in again.output


def test_anonymous_edits_are_refused_and_change_nothing(data_dir):
    editor = make_client(data_dir)
    sign_in(editor)
    draft_url = new_draft(editor)
    anonymous = make_client(data_dir)
    token = csrf(anonymous.get("/workbench/sign-in").get_data(as_text=True))

    created = anonymous.post(
        "/workbench/", data={"csrf_token": token, "episode": "22", "versions": "2.212"}
    )
    added = anonymous.post(
        draft_url + "/items",
        data={"csrf_token": token, "revision": "1", "key": RELEASE_NOTE_KEYS[0]},
    )

    assert created.status_code == 401 and added.status_code == 401
    assert "Sign in to edit drafts" in added.get_data(as_text=True)
    assert draft_count(data_dir) == 1
    assert item_ids(editor, draft_url) == []
    page = anonymous.get(draft_url)
    assert page.status_code == 302 and "/workbench/sign-in" in page.headers["Location"]
    assert anonymous.get(draft_url + "/post.md").status_code == 302


def test_a_form_without_its_csrf_token_is_refused(data_dir):
    client = make_client(data_dir)
    sign_in(client)
    draft_url = new_draft(client)
    response = client.post(
        draft_url + "/items", data={"revision": "1", "key": RELEASE_NOTE_KEYS[0]}
    )
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    forged = client.post(
        draft_url + "/items",
        data={"csrf_token": "forged", "revision": "1", "key": RELEASE_NOTE_KEYS[0]},
    )
    assert forged.status_code == 400
    assert item_ids(client, draft_url) == []
    signed_out = make_client(data_dir)
    token = csrf(signed_out.get("/workbench/sign-in").get_data(as_text=True))
    response = signed_out.post(
        "/workbench/sign-in", data={"name": "alex", "password": PASSWORD, "csrf": token}
    )
    assert response.status_code == 400


def test_a_stale_revision_is_refused_without_losing_either_change(data_dir):
    alex, sam = make_client(data_dir), make_client(data_dir)
    sign_in(alex)
    sign_in(sam, "sam")
    draft_url = new_draft(alex)
    post_form(alex, draft_url, "/items", key=RELEASE_NOTE_KEYS[0])
    (item,) = item_ids(alex, draft_url)
    sams_page = sam.get(draft_url).get_data(as_text=True)  # Sam opens the draft ...
    saved = post_form(alex, draft_url, f"/item/{item}", title="Alex's better title", summary="")
    assert saved.status_code == 302  # ... and Alex saves first.

    stale = sam.post(
        draft_url + "/header",
        data={
            "csrf_token": csrf(sams_page),
            "revision": revision(sams_page),
            "episode": "21",
            "versions": "2.212",
            "intro": "Sam's intro, written on the old copy.",
        },
    )

    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "Not saved: alex changed this draft" in text
    assert "Sam&#39;s intro, written on the old copy." in text  # shown back, not lost
    page = alex.get(draft_url).get_data(as_text=True)
    assert "Alex&#39;s better title" in page
    assert "Sam&#39;s intro" not in page


def test_drafts_are_kept_across_a_restart(data_dir):
    first = make_client(data_dir)
    sign_in(first)
    draft_url = new_draft(first)
    post_form(first, draft_url, "/items", key=RELEASE_NOTE_KEYS[1])
    cookie = first.get_cookie("session").value

    restarted = make_client(data_dir)  # a new app: nothing kept in memory
    restarted.set_cookie("session", cookie)
    page = restarted.get(draft_url).get_data(as_text=True)
    assert "Portal sign-in with one-time links" in page
    assert "Draft: episode 21 (1 item)" in page


def test_the_store_is_byte_identical_after_every_workbench_action(data_dir):
    before = store_bytes(data_dir)
    assert set(before) == {"episodes.jsonl", "features.jsonl", "release_notes.jsonl"}
    client = make_client(data_dir)
    sign_in(client)
    draft_url = new_draft(client)
    for key in RELEASE_NOTE_KEYS:
        assert post_form(client, draft_url, "/items", key=key).status_code == 302
    assert post_form(client, draft_url, "/items", key="2.218:900301:5:00").status_code == 302
    typed = dict(title="Typed by hand", ticket_id="#901234", version="2.212", summary="Mine.")
    assert post_form(client, draft_url, "/items", **typed).status_code == 302
    first, second, *_ = item_ids(client, draft_url)
    post_form(
        client, draft_url, f"/item/{first}", title="Edited", bullets="⚠️ Careful", important="on"
    )
    post_form(client, draft_url, f"/item/{second}/move", direction="up")
    post_form(client, draft_url, f"/item/{second}/remove")
    post_form(client, draft_url, "/timing", **{f"at-{first}": "1:05"})
    post_form(client, draft_url, "/header", episode="21", versions="2.212", intro="Hello.")
    for export in ("/post.md", "/post.html", "/chapters.txt", "/chapters.json"):
        client.get(draft_url + export)
    assert client.get(draft_url + "?q=invoice").status_code == 200
    assert store_bytes(data_dir) == before


def test_the_session_cookie_is_httponly_samesite_and_secure_behind_https(data_dir):
    plain = sign_in(make_client(data_dir)).headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    https = make_client(data_dir)
    token = csrf(https.get("/workbench/sign-in", base_url="https://localhost").text)
    response = https.post(
        "/workbench/sign-in",
        base_url="https://localhost",
        data={"csrf_token": token, "name": "alex", "password": PASSWORD},
        headers={"Referer": "https://localhost/workbench/sign-in"},
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_attempts_are_limited_and_sign_out_ends_the_session(data_dir):
    client = make_client(data_dir)
    for _ in range(5):
        assert sign_in(client, password="wrong password").status_code == 401
    limited = sign_in(client)
    assert limited.status_code == 429
    assert "Too many failed sign-ins" in limited.get_data(as_text=True)

    other = make_client(data_dir, TRUSTED_HOSTS=None)
    response = other.post(
        "/workbench/sign-in",
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
        data={
            "csrf_token": csrf(other.get("/workbench/sign-in").get_data(as_text=True)),
            "name": "alex",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    page = other.get("/workbench/").get_data(as_text=True)
    assert other.post("/workbench/sign-out", data={"csrf_token": csrf(page)}).status_code == 302
    assert other.get("/workbench/").status_code == 302  # back to the sign-in page


def test_timing_checks_order_and_youtube_rules_and_exports_say_why(data_dir):
    client = make_client(data_dir)
    sign_in(client)
    draft_url = new_draft(client)
    for key in RELEASE_NOTE_KEYS:
        post_form(client, draft_url, "/items", key=key)
    one, two, three = item_ids(client, draft_url)
    post_form(client, draft_url, "/timing", **{f"at-{one}": "4:00", f"at-{two}": "2:00"})

    page = client.get(draft_url).get_data(as_text=True)
    assert "at 2:00 comes after &#34;Preview recurring invoices&#34; at 4:00" in page
    assert "1 of 3 features have no time in the video yet." in page
    assert "YouTube chapters need at least 3 features with timestamps; this list has 2" in page
    assert draft_url + "/chapters.txt" not in page
    refused = client.get(draft_url + "/chapters.txt")
    assert refused.status_code == 422 and "this list has 2" in refused.text

    bad = post_form(client, draft_url, "/timing", **{f"at-{three}": "7:75"})
    assert bad.status_code == 400
    assert "&#39;7:75&#39; is not a moment in the video: write m:ss or h:mm:ss." in bad.text

    times = {f"at-{one}": "0:05", f"at-{two}": "0:08", f"at-{three}": "6:30"}
    post_form(client, draft_url, "/timing", **times)
    page = client.get(draft_url).get_data(as_text=True)
    assert "these 3 timestamped features give only 2" in page
    post_form(client, draft_url, "/timing", **{f"at-{two}": "2:00"})
    page = client.get(draft_url).get_data(as_text=True)
    assert "&#34;Preview recurring invoices&#34; starts the video: YouTube needs" in page
    post_form(client, draft_url, "/timing", **{f"at-{one}": "0:00"})
    page = client.get(draft_url).get_data(as_text=True)
    assert "The times are in order and meet YouTube's chapter rules." in page
    chapters = client.get(draft_url + "/chapters.txt")
    assert chapters.status_code == 200
    assert chapters.text.splitlines() == [
        "0:00 Preview recurring invoices",
        "2:00 Portal sign-in with one-time links",
        "6:30 Ticket merge keeps SLA timers",
    ]


def test_the_nav_shows_the_draft_to_its_editor_and_never_to_anyone_else(data_dir):
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir)})  # page cache on
    editor, anonymous = app.test_client(), app.test_client()
    sign_in(editor)
    draft_url = new_draft(editor)
    post_form(editor, draft_url, "/items", key=RELEASE_NOTE_KEYS[0])
    editor.get(draft_url)
    for url in ("/episodes", "/episode/18", "/?q=invoice"):
        assert anonymous.get(url).status_code == 200  # cached for everyone
        assert "Draft: episode 21 (1 item)" in editor.get(url).get_data(as_text=True), url
        assert "nav-draft" not in anonymous.get(url).get_data(as_text=True), url


def test_a_typed_feature_needs_a_ticket_id_the_site_can_show(data_dir):
    # A ticket page and the API answer 5 to 9 digits: a 10-digit ID would be a dead link.
    client = make_client(data_dir)
    sign_in(client)
    draft_url = new_draft(client)
    typed = dict(title="Typed by hand", ticket_id="#1234567890", version="2.212", summary="Mine.")
    response = post_form(client, draft_url, "/items", **typed)
    assert response.status_code == 400
    assert "Ticket IDs are 5 to 9 digits" in response.get_data(as_text=True)
    assert item_ids(client, draft_url) == []
    assert client.get("/ticket/1234567890").status_code == 404
