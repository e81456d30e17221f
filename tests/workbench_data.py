"""Workbench test helpers: editor accounts made with ``halonotes editors add``, and forms
posted the way the pages post them (with their CSRF token and draft revision)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from webapp.app import create_app
from webapp.cli import cli

PASSWORD = "a long invented passphrase"
RELEASE_NOTE_KEYS = ("2.212:900101:-", "2.212:900102:-", "2.212:900199:-")


def add_editor(data_dir: Path, name: str, password: str = PASSWORD) -> str:
    """Run ``halonotes editors add NAME``, typing the password twice at its prompt."""
    result = CliRunner().invoke(
        cli, ["editors", "add", name, "--data", str(data_dir)], input=f"{password}\n{password}\n"
    )
    assert result.exit_code == 0, result.output
    return result.output


def store_bytes(data_dir: Path) -> dict[str, bytes]:
    """Every JSON Lines file of the crawled store, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(data_dir.glob("*.jsonl"))}


def make_client(data_dir, **config):
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), **config}).test_client()


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def revision(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def sign_in(client, name="alex", password=PASSWORD):
    token = csrf(client.get("/workbench/sign-in").get_data(as_text=True))
    return client.post(
        "/workbench/sign-in", data={"csrf_token": token, "name": name, "password": password}
    )


def new_draft(client, episode="21", versions="2.212") -> str:
    token = csrf(client.get("/workbench/").get_data(as_text=True))
    response = client.post(
        "/workbench/", data={"csrf_token": token, "episode": episode, "versions": versions}
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def post_form(client, draft_url: str, action: str, **fields):
    """Post a form of the draft page as the page would: with its token and revision."""
    page = client.get(draft_url).get_data(as_text=True)
    data = {"csrf_token": csrf(page), "revision": revision(page), **fields}
    return client.post(draft_url + action, data=data)


def item_ids(client, draft_url: str) -> list[int]:
    page = client.get(draft_url).get_data(as_text=True)
    return [int(i) for i in re.findall(r'<li id="item-(\d+)"', page)]
