"""The canonical base URL and the allowed hosts: a client's Host header never reaches a link."""

from __future__ import annotations

import json
import re
import socket

import pytest
from click.testing import CliRunner
from site_data import write_archive
from site_server import free_port, running_server

from webapp.app import create_app
from webapp.cli import cli

FOREIGN = "attacker.example"
# Every route that builds absolute URLs: feeds (links, entry ids), OPML, the JSON API's page
# links and next/previous, chapters, the CSV exports.
ABSOLUTE_URL_ROUTES = [
    "/feed.rss",
    "/feed.atom",
    "/feed.json?q=invoice",
    "/version/2.216/feed.atom",
    "/episode/19/feed.rss",
    "/feeds.opml",
    "/search.json?q=invoice",
    "/episode/19.json",
    "/version/2.216.json?page_size=1&page=2",
    "/episode/19/chapters.json",
    "/search.csv?q=invoice",
    "/upgrade.csv?from=2.210&to=2.216",
]
URL = re.compile(r"https?://[^\s\"'<>)\],]+")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("urls")
    write_archive(folder)
    return folder


def site(data_dir, **config):
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), **config}).test_client()


def absolute_urls(body: bytes) -> list[str]:
    return URL.findall(body.decode())


# Hosts of links that are not the site's: formats' namespaces, the blog, the video, releases,
# and a link inside a crawled title.
OTHER_HOSTS = re.compile(
    r"https?://(www\.)?(w3\.org|purl\.org|rssboard\.org|jsonfeed\.org|podcastindex\.org"
    r"|github\.com|blog\.example|evil\.example|[^/]*youtu|haloreleases\.remmy\.dev|lkiesow)"
)


def own_urls(body: bytes) -> list[str]:
    """The absolute URLs of the body that point at this site."""
    return [u for u in absolute_urls(body) if not OTHER_HOSTS.match(u)]


@pytest.mark.parametrize("route", ABSOLUTE_URL_ROUTES)
def test_with_a_base_url_every_absolute_url_uses_it_whatever_the_host(data_dir, route):
    client = site(data_dir, BASE_URL="https://notes.example/halo/")
    response = client.get(route, headers={"Host": FOREIGN})
    assert response.status_code == 200, response.text
    assert FOREIGN not in response.text
    links = own_urls(response.data)
    assert links, "the answer carries no absolute URL of the site"
    assert all(link.startswith("https://notes.example/halo/") for link in links), links


def test_entry_ids_are_the_same_under_every_name(data_dir):
    client = site(data_dir, BASE_URL="https://notes.example/")

    def ids(host: str, scheme: str) -> list[str]:
        response = client.get("/feed.json", headers={"Host": host}, base_url=f"{scheme}://{host}")
        return [item["id"] for item in json.loads(response.data)["items"]]

    first = ids("notes.example", "https")
    assert first
    assert ids("10.0.0.5:8000", "http") == first
    assert ids("notes-old.example", "http") == first


def test_a_page_link_next_follows_the_base_url(data_dir):
    client = site(data_dir, BASE_URL="https://notes.example")
    response = client.get("/version/2.216.json?page_size=1", headers={"Host": FOREIGN})
    assert response.json["next"].startswith("https://notes.example/version/2.216.json?")


@pytest.mark.parametrize("route", ["/", "/feed.rss", "/search.json?q=invoice", "/ticket/900101"])
def test_without_a_base_url_a_host_not_allowed_gets_a_400(data_dir, route):
    client = site(data_dir, ALLOWED_HOSTS="notes.example, notes.lan")
    response = client.get(route, headers={"Host": FOREIGN})
    assert response.status_code == 400
    assert FOREIGN not in response.text


@pytest.mark.parametrize("host", ["", "http:", "notes.example:99999", "notes.example/x"])
def test_a_malformed_host_gets_a_400(data_dir, host):
    client = site(data_dir, ALLOWED_HOSTS=["notes.example"])
    response = client.get("/feed.atom", headers={"Host": host})
    assert response.status_code == 400
    assert "http:///" not in response.text


def test_an_allowed_host_is_served_with_its_own_links(data_dir):
    client = site(data_dir, ALLOWED_HOSTS="notes.example,notes.lan")
    response = client.get("/feeds.opml", headers={"Host": "notes.lan:8000"})
    assert response.status_code == 200
    links = own_urls(response.data)
    assert links and all(link.startswith("http://notes.lan:8000/") for link in links)


def request_with_host(port: int, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(
            f"GET /feed.atom HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def test_serve_answers_only_to_the_address_it_listens_on(data_dir):
    port = free_port()
    with running_server(data_dir, port):
        assert request_with_host(port, FOREIGN).startswith(b"HTTP/1.1 400")
        own = request_with_host(port, f"127.0.0.1:{port}")
        assert own.startswith(b"HTTP/1.1 200")
        assert f"http://127.0.0.1:{port}/".encode() in own
        assert request_with_host(port, f"localhost:{port}").startswith(b"HTTP/1.1 200")


def test_serve_uses_the_base_url_from_the_environment(data_dir):
    port = free_port()
    with running_server(data_dir, port, env={"HALONOTES_BASE_URL": "https://notes.example/"}):
        answer = request_with_host(port, FOREIGN)
    assert answer.startswith(b"HTTP/1.1 200")
    assert FOREIGN.encode() not in answer
    assert b"https://notes.example/ticket/" in answer


def test_serve_on_every_address_asks_for_a_url_setting(data_dir):
    result = CliRunner().invoke(cli, ["serve", "--data", str(data_dir), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "HALONOTES_BASE_URL" in result.output
    assert "Traceback" not in result.output


def test_serve_with_a_bad_base_url_says_why(data_dir, monkeypatch):
    monkeypatch.setenv("HALONOTES_BASE_URL", "notes.example")
    result = CliRunner().invoke(cli, ["serve", "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "is not an http(s) URL with a host" in result.output
    assert "Traceback" not in result.output
