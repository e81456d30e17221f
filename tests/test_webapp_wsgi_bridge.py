"""``WsgiBridge``: a WSGI app behind gunicorn's asyncio workers, driven here as gunicorn would."""

from __future__ import annotations

import asyncio

from flask import Flask, request

from webapp.wsgi_bridge import WsgiBridge


def http_scope(path="/", query=b"", headers=(), method="GET", root_path=""):
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "query_string": query,
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": list(headers),
    }


def body_messages(*parts: bytes) -> list[dict]:
    """A request body as the ASGI server passes it on, part by part."""
    messages = [{"type": "http.request", "body": part, "more_body": True} for part in parts]
    messages[-1]["more_body"] = False
    return messages


def call(bridge, scope, incoming=None):
    """Run one request through ``bridge`` with the ``incoming`` messages (an empty body by
    default; a disconnect once they run out); return the messages it sent."""
    incoming = list(body_messages(b"") if incoming is None else incoming)
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(bridge(scope, receive, send))
    return sent


def echo_app(seen):
    def app(environ, start_response):
        seen.append((dict(environ), environ["wsgi.input"].read()))
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Twice", "a")])
        return [b"one ", b"two"]

    return app


def test_a_request_reaches_the_app_as_a_wsgi_environ_and_its_answer_comes_back_whole():
    seen = []
    scope = http_scope(
        "/mount/search",
        b"q=caf%C3%A9",
        [
            (b"host", b"notes.example"),
            (b"accept", b"text/html"),
            (b"accept", b"*/*"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"7"),
        ],
        method="POST",
        root_path="/mount",
    )
    sent = call(WsgiBridge(echo_app(seen)), scope, body_messages(b"a=1", b"&b=2"))

    environ, body = seen[0]
    assert body == b"a=1&b=2"
    assert environ["SCRIPT_NAME"] == "/mount" and environ["PATH_INFO"] == "/search"
    assert environ["QUERY_STRING"] == "q=caf%C3%A9"
    assert environ["HTTP_HOST"] == "notes.example"
    assert environ["HTTP_ACCEPT"] == "text/html,*/*"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "7"
    assert environ["REMOTE_ADDR"] == "127.0.0.1"
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain"), (b"x-twice", b"a")],
        },
        {"type": "http.response.body", "body": b"one two"},
    ]


def test_a_chunked_form_without_a_length_reaches_the_view_whole():
    app = Flask(__name__)
    app.add_url_rule("/form", "form", lambda: request.form["name"], methods=["POST"])
    scope = http_scope(
        "/form",
        method="POST",
        headers=[
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"transfer-encoding", b"chunked"),
        ],
    )
    sent = call(WsgiBridge(app), scope, body_messages(b"name=Ad", b"a+Lovelace"))
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == b"Ada Lovelace"


def test_a_body_over_the_limit_is_refused_without_running_the_app():
    seen = []
    bridge = WsgiBridge(echo_app(seen), max_body_bytes=10)
    announced = call(bridge, http_scope(method="POST", headers=[(b"content-length", b"11")]))
    streamed = call(bridge, http_scope(method="POST"), body_messages(b"x" * 6, b"x" * 6))

    assert seen == []
    for sent in (announced, streamed):
        assert sent[0]["status"] == 413
        assert (b"connection", b"close") in sent[0]["headers"]
        assert b"too large" in sent[1]["body"]


def test_a_client_gone_before_its_body_is_in_never_reaches_the_app():
    seen = []
    bridge = WsgiBridge(echo_app(seen))
    scope = http_scope(method="POST", headers=[(b"content-length", b"100")])
    partial = [{"type": "http.request", "body": b"a=1", "more_body": True}]
    assert call(bridge, scope, partial) == []
    assert seen == []


def test_a_body_that_does_not_arrive_in_time_gets_a_408_without_running_the_app():
    seen = []
    bridge = WsgiBridge(echo_app(seen), body_seconds=0.2)
    scope = http_scope(method="POST", headers=[(b"content-length", b"100")])
    sent = []

    async def trickle():
        await asyncio.sleep(0.1)
        return {"type": "http.request", "body": b"a", "more_body": True}

    async def send(message):
        sent.append(message)

    asyncio.run(bridge(scope, trickle, send))
    assert seen == []
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]


def test_what_the_app_writes_and_a_late_start_response_are_kept():
    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        yield b"yielded"

    def late(environ, start_response):
        yield b"body first"
        start_response("200 OK", [])

    assert call(WsgiBridge(app), http_scope())[1]["body"] == b"written yielded"
    assert call(WsgiBridge(late), http_scope())[1]["body"] == b"body first"


def test_the_answer_is_closed_after_it_is_read():
    closed = []

    class Answer(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [])
        return Answer([b"x"])

    call(WsgiBridge(app), http_scope())
    assert closed == [True]
