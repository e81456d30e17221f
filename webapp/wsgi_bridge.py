"""The Flask (WSGI) app as an ASGI app for gunicorn's asyncio workers.

The event loop reads a request, its body included, before the app sees it: a client that
trickles a form's body holds a socket, never the app, and for BODY_SECONDS at most. The app
then runs on the loop's own thread and its whole answer (the site's answers are built in
memory) is handed to the loop to write, however slowly the client reads it.

The app is CPU-bound Python under one interpreter lock, so a pool of app threads gave a
worker no more throughput; handing each request to a pool thread and back cost 0.4 to
0.8 ms of CPU a search (1.15x to 1.19x the requests a second in bench/load.py's mix at 3,250
features without it).

While the app runs, the worker's other connections wait in the kernel's buffers, as they
would wait for the lock; the other workers go on answering.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from io import BytesIO

MAX_BODY_BYTES = 1 << 20  # the site's forms are a few kilobytes; a bigger body gets a 413
BODY_SECONDS = 15.0  # a body not in by then gets a 408: a trickling client holds no socket long

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


class BodyTooLarge(Exception):
    """The request announced or sent more than MAX_BODY_BYTES."""


class WsgiBridge:
    """An ASGI app running the WSGI ``app`` once each request is all in."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        max_body_bytes: int = MAX_BODY_BYTES,
        body_seconds: float = BODY_SECONDS,
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_seconds = body_seconds

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the site has none: refuse the handshake
                await send({"type": "websocket.close", "code": 1000})
            return
        try:
            async with asyncio.timeout(self.body_seconds):
                body = await self._read_body(scope, receive)
        except BodyTooLarge:
            await _send(send, _plain(413, "Request body too large.\n"))
            return
        except TimeoutError:
            await _send(send, _plain(408, "The request body did not arrive in time.\n"))
            return
        if body is None:  # the client left before its body was in
            return
        await _send(send, self._answer(wsgi_environ(scope, body)))

    async def _read_body(self, scope: dict, receive: Callable) -> bytes | None:
        """The request's whole body, read on the loop (None if the client disconnected)."""
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body_bytes:
                raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _answer(self, environ: dict) -> Answer:
        """Run the app and gather its whole answer."""
        started: list = []
        written: list[bytes] = []

        def start_response(status: str, headers: list, exc_info=None) -> Callable:
            if exc_info is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return written.append

        iterable = self.app(environ, start_response)
        try:
            written.extend(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        status, headers = started
        encoded = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        return int(status[:3]), encoded, b"".join(written)


def wsgi_environ(scope: dict, body: bytes) -> dict:
    """The WSGI environ (PEP 3333) of an ASGI HTTP request with its body."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server_name, server_port = scope.get("server") or ("localhost", 80)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": BytesIO(body),
        # The whole body is in: a chunked one (no Content-Length) is read to its end too.
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = "HTTP_" + name
        value = raw_value.decode("latin-1")
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ


def _plain(status: int, text: str) -> Answer:
    """A short text answer that closes the connection (what is left of the body is unread)."""
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return status, headers, body


async def _send(send: Callable, answer: Answer) -> None:
    status, headers, body = answer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
