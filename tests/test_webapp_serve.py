"""``halonotes serve``: gunicorn serving the site, and its messages when it cannot."""

from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from site_data import write_archive
from site_server import free_port, running_server

from webapp.cli import cli


def test_serve_runs_gunicorn_and_prints_the_url(tmp_path):
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port) as site:
        url = site.url
        with urllib.request.urlopen(url + "ticket/900101", timeout=5) as response:
            body = response.read().decode()
            assert "Preview recurring invoices before they go out" in body
            assert response.headers["Server"].startswith("gunicorn")
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        try:
            urllib.request.urlopen(url + "ticket/123", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        else:
            raise AssertionError("an unknown ticket answered 200")
    assert f"Serving halonotes at http://127.0.0.1:{port}/" in site.output


def worker_pids(server_pid: int) -> list[str]:
    """The worker processes of a running server (Linux)."""
    return Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()


def open_files(pid: str) -> list[str]:
    """What a process's file descriptors point at (Linux), skipping any closed meanwhile."""
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:
            continue
    return targets


def connections_per_worker(server_pid: int, port: int) -> list[int]:
    """How many established connections to ``port`` each worker of the server holds (Linux)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                established.add(fields[9])  # the socket's inode
    counts = []
    for worker in worker_pids(server_pid):
        sockets = [target[8:-1] for target in open_files(worker) if target.startswith("socket:[")]
        counts.append(sum(inode in established for inode in sockets))
    return sorted(counts, reverse=True)


def workers_ready(server_pid: int, data_dir: Path) -> bool:
    """Whether the server has started its workers and each has opened the index (Linux)."""
    children = worker_pids(server_pid)
    index = str(data_dir.resolve())
    return bool(children) and all(
        any(target.startswith(index) for target in open_files(pid)) for pid in children
    )


def test_connections_opened_together_spread_over_the_workers(tmp_path):
    """Keep-alive connections opened together must not all end up sharing one process while
    the other waits idle: its requests would queue for one interpreter lock."""
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port, "--workers", "2") as site:
        deadline = time.monotonic() + 30
        while not workers_ready(site.pid, tmp_path):
            assert time.monotonic() < deadline, "the workers did not load the index"
            time.sleep(0.1)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(32)]
        try:
            while sum(held := connections_per_worker(site.pid, port)) < 32:
                assert time.monotonic() < deadline, f"connections per worker: {held}"
                time.sleep(0.05)
            assert min(held) >= 6, f"connections per worker: {held}"
            for client in clients:
                client.sendall(f"GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            for client in clients:
                client.settimeout(10)
                assert client.recv(64).startswith(b"HTTP/1.1 200")
        finally:
            for client in clients:
                client.close()


def test_workers_read_requests_with_the_c_parser(tmp_path):
    """gunicorn's pure-Python request parser cost the asyncio workers a quarter of their
    throughput: every worker has gunicorn_h1c's parser loaded once it has answered."""
    write_archive(tmp_path)
    with running_server(tmp_path, free_port(), "--workers", "2") as site:
        for _request in range(8):
            urllib.request.urlopen(site.url + "?q=invoice", timeout=5).close()
        for worker in worker_pids(site.pid):
            maps = Path(f"/proc/{worker}/maps").read_text()
            assert "gunicorn_h1c" in maps, f"worker {worker} parses requests in Python"


def search_answered_beside(tmp_path, send_slowly) -> float:
    """Seconds a visitor's search takes on a server of one worker while connections,
    each fed by ``send_slowly(sockets)``, hold back the rest of their requests."""
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port, "--workers", "1") as site:
        slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        try:
            send_slowly(slow)
            started = time.monotonic()
            with urllib.request.urlopen(site.url + "?q=invoice", timeout=5) as response:
                assert response.status == 200
            return time.monotonic() - started
        finally:
            for client in slow:
                client.close()


def test_slow_clients_do_not_hold_the_app(tmp_path):
    """Connections that send their headers a byte at a time, more of them than the server has
    workers, leave a visitor's search answered at once."""

    def trickle_headers(slow):
        for byte in (b"G", b"E"):
            for client in slow:
                client.sendall(byte)
            time.sleep(0.5)

    assert search_answered_beside(tmp_path, trickle_headers) < 2


def test_a_form_body_sent_slowly_does_not_hold_the_app(tmp_path):
    """Sign-ins whose bodies trickle in are read on the event loop: the one worker's app stays
    free for a visitor's search until a body is complete."""

    def start_bodies(slow):
        for client in slow:
            client.sendall(
                b"POST /workbench/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 1000\r\n\r\nname=a"
            )
        time.sleep(0.5)

    assert search_answered_beside(tmp_path, start_bodies) < 2


def test_workers_stay_up_while_serving_every_kind_of_page(tmp_path):
    """A worker that crashes (on a gunicorn release the server does not work with, say) is
    restarted by gunicorn and can go unseen: the same workers must answer everything."""
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port, "--workers", "2") as site:
        deadline = time.monotonic() + 30
        while not workers_ready(site.pid, tmp_path):
            assert time.monotonic() < deadline, "the workers did not load the index"
            time.sleep(0.1)
        workers = worker_pids(site.pid)
        paths = ["", "?q=invoice", "ticket/900101", "ticket/900101.json", "feed.rss"]
        paths += ["feed.json", "search.csv?q=invoice", "version/2.216", "ticket/123", "?page=x"]
        for _round in range(4):
            for path in paths:
                try:
                    urllib.request.urlopen(site.url + path, timeout=10).close()
                except urllib.error.HTTPError as error:
                    assert error.code in (400, 404), f"{path}: {error.code}"
        assert worker_pids(site.pid) == workers
    assert "Traceback" not in site.output
    assert "exited with code" not in site.output


def test_two_servers_on_one_machine_leave_no_shared_control_socket(tmp_path):
    """gunicorn's default control socket is one path per user: a second server would share it
    and stopping either one would delete it. halonotes serve creates none."""
    write_archive(tmp_path / "data")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "XDG_RUNTIME_DIR": str(home)}
    with running_server(tmp_path / "data", free_port(), env=env):
        with running_server(tmp_path / "data", free_port(), env=env):
            pass
        assert [str(p.relative_to(home)) for p in home.rglob("*")] == []


def test_access_log_lists_each_request(tmp_path):
    write_archive(tmp_path)
    log = tmp_path / "access.log"
    with running_server(tmp_path, free_port(), "--access-log", str(log)) as site:
        urllib.request.urlopen(site.url + "ticket/900101", timeout=5).close()
        deadline = time.monotonic() + 10
        while 'GET /ticket/900101 HTTP/1.1" 200' not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "no access-log line for the request"
            time.sleep(0.1)


def test_access_log_to_standard_output(tmp_path):
    write_archive(tmp_path)
    with running_server(tmp_path, free_port(), "--access-log", "-") as site:
        urllib.request.urlopen(site.url + "ticket/900101", timeout=5).close()
        time.sleep(0.5)
    assert 'GET /ticket/900101 HTTP/1.1" 200' in site.output


def test_no_access_log_unless_asked(tmp_path):
    write_archive(tmp_path)
    with running_server(tmp_path, free_port()) as site:
        urllib.request.urlopen(site.url + "ticket/900101", timeout=5).close()
        time.sleep(0.5)
    assert "GET /ticket/900101" not in site.output


def test_serve_without_an_index_says_how_to_build_one(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "No search index at" in result.output
    assert "halonotes index" in result.output
    assert "Traceback" not in result.output


def test_serve_on_a_taken_port_names_the_fix(tmp_path):
    write_archive(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--data", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert "--port" in result.output


def test_a_taken_port_gives_the_next_free_one_when_asked():
    from webapp.serve import next_free_port

    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        chosen = next_free_port("127.0.0.1", port)
        assert chosen != port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", chosen))  # free indeed
    assert next_free_port("127.0.0.1", port) == port  # once freed, the asked-for one


def read_answer(client: socket.socket) -> bytes | None:
    """The head of one whole HTTP answer read off ``client`` (None if it was closed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head


def test_a_kept_alive_connection_is_not_dropped_while_its_worker_is_busy(tmp_path):
    """A visitor's next request on a kept-alive connection, sent while the worker answers a
    burst that keeps it busy for seconds, is answered: the idle timer of the connection must
    not fire on a request that arrived but was not read yet."""
    write_archive(tmp_path)
    port = free_port()
    with running_server(tmp_path, port, "--workers", "1") as site:
        burst = [socket.create_connection(("127.0.0.1", port)) for _ in range(800)]
        visitor = socket.create_connection(("127.0.0.1", port))
        visitor.settimeout(60)
        try:
            search = f"GET /?q=invoice HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
            visitor.sendall(search)
            assert read_answer(visitor).startswith(b"HTTP/1.1 200")
            # The first searches of the burst keep the worker busy while the rest arrive, so it
            # reads those all at once and answers them on end, for seconds, past the idle
            # timer armed at the visitor's first answer (gunicorn's default is 2 s).
            time.sleep(0.9)
            for number, client in enumerate(burst):
                path = f"/search.csv?q=invoice+{number}"
                client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                if number == 50:
                    time.sleep(0.05)
            time.sleep(0.4)
            visitor.sendall(search.replace(b"invoice", b"invoices"))
            answer = read_answer(visitor)
            assert answer is not None, "the server closed the visitor's connection"
            assert answer.startswith(b"HTTP/1.1 200")
        finally:
            for client in burst:
                client.close()
            visitor.close()
    assert "Traceback" not in site.output
