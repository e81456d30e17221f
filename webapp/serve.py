"""``halonotes serve``: the site under gunicorn's asyncio (``asgi``) workers.

Each worker process reads requests, bodies included, and writes responses on its event loop,
and runs the Flask app on a request (``webapp.wsgi_bridge``) only once it is all in: a client
that sends it a byte at a time, or reads the answer slowly, holds a socket on the event loop,
never the app. Each worker listens on its own socket
(SO_REUSEPORT) and the kernel spreads new connections over them: on one shared socket the
worker awake first took whole bursts of connections opened together.
"""

from __future__ import annotations

import errno
import gc
import os
import socket
from pathlib import Path

import click
from gunicorn.app.base import BaseApplication

from index import IndexMissingError, IndexReader
from webapp.options import data_option
from webapp.urls import SettingError


class SiteServer(BaseApplication):
    """Gunicorn running the halonotes app with options given in code, not on its command line."""

    def __init__(self, *, app_config: dict, options: dict):
        self.app_config = app_config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply the options to gunicorn's settings."""
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        """Build the app in each worker, open the index, set the start-up heap aside, and
        bridge the app to the asyncio worker."""
        from webapp.app import create_app
        from webapp.wsgi_bridge import WsgiBridge

        app = create_app(self.app_config)
        warm_up(app)
        return WsgiBridge(app)


def warm_up(app) -> None:
    """Read the index's tables once, then move everything built so far out of the GC's way.

    The modules, templates and per-generation tables of a worker are some 90,000 objects that
    live as long as it does; a full collection walked them all (about 40 ms, a pause any
    request in the worker waited for). ``gc.freeze`` leaves them to reference counting.
    """
    try:
        app.extensions["halonotes_reader"].get().versions()
    except IndexMissingError:
        return  # the site answers 503 until an index exists; nothing to set aside yet
    gc.collect()
    gc.freeze()


def bound_hosts(host: str) -> list[str]:
    """The Host names a server listening on ``host`` answers to when no URL setting says.

    A wildcard address answers under any name, so it needs BASE_URL or ALLOWED_HOSTS.
    """
    if host in ("0.0.0.0", "::", ""):
        raise SettingError(
            f"--host {host or ''!r} answers under any name: set HALONOTES_BASE_URL "
            "(e.g. https://notes.example/) or HALONOTES_ALLOWED_HOSTS (e.g. notes.example)."
        )
    names = [f"[{host}]" if ":" in host else host]
    if host in ("127.0.0.1", "::1"):
        names.append("localhost")
    return names


def check_port(host: str, port: int) -> None:
    """Raise a ClickException naming the fix when the address cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"Port {port} on {host} is already in use. Stop the other server "
                    f"or pass another port, e.g. --port {port + 1}."
                ) from exc
            raise click.ClickException(
                f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Check --host and --port."
            ) from exc


def next_free_port(host: str, port: int, tries: int = 20) -> int:
    """The first of ``tries`` ports from ``port`` up that can be bound (else ``port``)."""
    for candidate in range(port, min(port + tries, 65536)):
        try:
            check_port(host, candidate)
        except click.ClickException:
            continue
        return candidate
    return port


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--next-free-port",
    "find_free",
    is_flag=True,
    help="When --port is taken, serve on the next free port above it (`make run` does).",
)
@click.option(
    "--workers",
    default=lambda: 2 * (os.cpu_count() or 1),
    show_default="2 per CPU",
    type=click.IntRange(1, 64),
    help="Worker processes. Pages are CPU-bound Python: processes, not threads, use the cores.",
)
@click.option(
    "--access-log",
    "access_log",
    metavar="FILE|-",
    default=None,
    help="Write one line per request to FILE, or to standard output with '-'.",
)
@data_option("Data folder holding the index (default: $HALONOTES_DATA or data).", resolved=False)
def serve_command(
    host: str,
    port: int,
    find_free: bool,
    workers: int,
    access_log: str | None,
    data_dir: Path | None,
) -> None:
    """Serve the site from the search index under gunicorn."""
    from webapp.app import create_app

    app_config = {"DATA_DIR": str(data_dir)} if data_dir else {}
    app_config["WARM_IN_BACKGROUND"] = True
    try:
        app = create_app(app_config)
        if not app.config.get("BASE_URL") and not app.config.get("ALLOWED_HOSTS"):
            app_config["ALLOWED_HOSTS"] = bound_hosts(host)
    except SettingError as exc:
        raise click.ClickException(str(exc)) from exc
    app_config["DATA_DIR"] = app.config["DATA_DIR"]
    data_dir = Path(app.config["DATA_DIR"])
    try:
        IndexReader(data_dir)
    except IndexMissingError as exc:
        raise click.ClickException(str(exc)) from exc
    if find_free:
        port = next_free_port(host, port)
    check_port(host, port)

    shown_host = f"[{host}]" if ":" in host else host
    click.echo(
        f"Serving halonotes at http://{shown_host}:{port}/ "
        f"({workers} workers, data: {data_dir}). Press Ctrl+C to stop."
    )
    options = {
        "bind": f"{shown_host}:{port}",
        "workers": workers,
        "worker_class": "asgi",
        "reuse_port": True,  # a listening socket per worker: the kernel spreads connections
        "asgi_lifespan": "off",  # a WSGI app has no start-up or shut-down events
        # uvloop's event loop: with asyncio's own, each request cost the workers about 1.3 ms
        # more CPU than the gthread workers did (bench/load.py, search phase), with uvloop 0.4.
        "asgi_loop": "uvloop",
        # gunicorn's C parser (gunicorn_h1c, its "fast" extra) reads the requests: side by
        # side with its pure-Python one, 1.3x the requests a second in a short run
        # (bench/load.py, 3,250 features). "fast" refuses to start without it rather than
        # fall back unseen.
        "http_parser": "fast",
        "accesslog": access_log,
        # gunicorn's default control socket is one path per user: a second server on the
        # machine would share it, and stopping either deletes it. halonotes uses none.
        "control_socket_disable": True,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 30,
        # gunicorn closes a kept-alive connection when its idle timer fires, and a timer that
        # fell due while the worker ran the app fires before the loop reads what arrived
        # meanwhile: with the default 2 s, a visitor's next request sent during a burst that
        # took the worker longer was answered with a closed connection. A worker whose loop
        # is held as long as ``timeout`` is restarted anyway.
        "keepalive": 30,
        "graceful_timeout": 5,
    }
    SiteServer(app_config=app_config, options=options).run()
