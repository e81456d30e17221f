"""What the feeds, API and exports share: conditional answers, safe JSON, errors without pages,
page URLs and the search parameters."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask import Blueprint, Response, request, url_for
from werkzeug.exceptions import HTTPException

from index import Hit, IndexMissingError, QueryError
from webapp.app import current_reader

TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"

# Escaped inside JSON strings so a document can never close a <script> or start markup,
# even when a browser or a careless page treats it as HTML.
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_TRANSLATION = str.maketrans(_JSON_ESCAPES)


def json_text(data: object) -> str:
    """Serialise to JSON with ``<``, ``>`` and ``&`` escaped as ``\\u`` sequences."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.translate(_JSON_TRANSLATION) + "\n"


def json_response(data: object, *, status: int = 200, content_type: str = JSON) -> Response:
    """A JSON response (escaped as json_text does)."""
    return Response(json_text(data), status=status, content_type=content_type)


def json_error(status: int, message: str) -> Response:
    """The JSON routes' error answer: ``{"error": "..."}``."""
    return json_response({"error": message, "status": status}, status=status)


def text_error(status: int, message: str) -> Response:
    """A plain-text error answer for feeds and downloads."""
    return Response(message.rstrip("\n") + "\n", status=status, content_type=TEXT)


def attachment(filename: str) -> dict[str, str]:
    """Headers that make a browser save the body as ``filename`` (ASCII names only)."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def conditional(
    build: Callable[[], str],
    *,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> Response:
    """Answer with ETag and Last-Modified, or 304 when the client's copy is current.

    The ETag covers the index generation and the full request URL, so a new index or another
    query gives a new tag. ``build`` runs only when a body is needed.
    """
    reader = current_reader()
    tag_source = f"{reader.generation}\n{request.url}"
    response = Response(content_type=content_type, headers=headers)
    response.set_etag(hashlib.sha256(tag_source.encode("utf-8")).hexdigest()[:32])
    response.last_modified = reader.last_modified
    response.cache_control.no_cache = True
    response.make_conditional(request)
    if response.status_code != 304:
        response.set_data(build())
    return response


def page_url(hit: Hit) -> str:
    """The absolute URL of the page on this site that shows a feature."""
    if hit.ticket_id:
        return url_for("tickets.ticket", ticket_id=hit.ticket_id, _external=True)
    if hit.episode is not None:
        return url_for("episodes.episode", number=hit.episode, _external=True)
    return url_for("search.home", _external=True)


def search_args() -> dict[str, str]:
    """The search page's parameters in this URL, without the empty ones a form sends."""
    return {name: value for name, value in request.args.items() if value.strip()}


def answer_errors(blueprint: Blueprint, *, as_json: Callable[[], bool]) -> None:
    """Answer a blueprint's errors as JSON or plain text (never an HTML page or a traceback)."""

    def answer(status: int, message: str) -> Response:
        return json_error(status, message) if as_json() else text_error(status, message)

    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return answer(error.code, error.description or error.name)

    blueprint.register_error_handler(QueryError, lambda error: answer(400, str(error)))
    blueprint.register_error_handler(IndexMissingError, lambda error: answer(503, str(error)))
    blueprint.register_error_handler(HTTPException, http_error)
