"""The workbench pages: sign in, plan a draft, time it, export the post and chapters.

Reading needs a signed-in editor, like writing: drafts are not published. Every form posts
with a CSRF token (Flask-WTF) and the draft revision it was made from.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from index import QueryError, parse_request
from webapp.app import current_reader
from webapp.exports import CHAPTERS_TYPE, MARKDOWN_TYPE, TEXT_TYPE, chapters_document, youtube_text
from webapp.post_html import post_html
from webapp.responses import attachment, json_error, text_error
from webapp.shownotes import ChaptersError, check_chapters, post_markdown
from webapp.workbench import accounts, drafts
from webapp.workbench.hits import draft_hits, draft_post, order_problems
from webapp.workbench.session import database, ensure_secret_key, signed_in_editor

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

HTML_TYPE = "text/html; charset=utf-8"
SEARCH_RESULTS = 10
CALLOUTS = (("⚠️", "⚠️ Caution"), ("✅", "✅ Recommended"), ("🚀", "🚀 Impactful"))


@bp.before_request
def require_editor():
    """Off without accounts; otherwise only signed-in editors get past the sign-in page."""
    if accounts.editor_count(database()) == 0:
        return render_template("workbench/off.html"), 403
    ensure_secret_key(current_app)
    if request.endpoint in {"workbench.sign_in", "workbench.sign_out"}:
        return None
    if signed_in_editor() is None:
        if request.method == "GET":
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("workbench.sign_in", next=target))
        return render_template("workbench/refused.html"), 401
    return None


def _editor() -> str:
    name = signed_in_editor()
    assert name is not None  # require_editor let the request through
    return name


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The sign-in form; failed attempts are limited per client address."""
    if request.method == "GET":
        return render_template("workbench/sign_in.html", error=None)
    connection = database()
    client = request.remote_addr or "unknown"
    wait = accounts.seconds_locked(connection, client)
    if wait:
        minutes = -(-wait // 60)
        message = f"Too many failed sign-ins from your address. Try again in {minutes} min."
        return render_template("workbench/sign_in.html", error=message), 429
    name = request.form.get("name", "").strip()
    if not accounts.verify(connection, name, request.form.get("password", "")):
        accounts.record_failure(connection, client)
        return render_template("workbench/sign_in.html", error="Wrong name or password."), 401
    accounts.clear_failures(connection, client)
    session.clear()
    session["editor"] = name
    target = request.args.get("next", "")
    if not target.startswith("/workbench") or target.startswith("//"):
        target = url_for("workbench.index")
    return redirect(target)


@bp.post("/sign-out")
def sign_out():
    """Forget the session and go back to the public site."""
    session.clear()
    return redirect(url_for("search.home"))


@bp.get("/")
def index():
    """The drafts, newest change first, and the form to start one."""
    return render_template(
        "workbench/index.html", drafts=drafts.list_drafts(database()), error=None, form={}
    )


@bp.post("/")
def new_draft():
    """Start a draft for an episode number and its versions."""
    try:
        episode = drafts.episode_number(request.form.get("episode", ""))
        versions = drafts.versions_of(request.form.get("versions", ""))
    except drafts.DraftError as error:
        page = render_template(
            "workbench/index.html",
            drafts=drafts.list_drafts(database()),
            error=str(error),
            form=request.form,
        )
        return page, 400
    draft_id = drafts.create_draft(database(), episode=episode, versions=versions, editor=_editor())
    return redirect(url_for("workbench.draft", draft_id=draft_id))


def _load(draft_id: int) -> drafts.Draft:
    draft = drafts.get_draft(database(), draft_id)
    if draft is None:
        abort(404, description=f"There is no draft {draft_id}.")
    return draft


def _not_yet_in(draft: drafts.Draft) -> list:
    """The release-note features of the draft's versions that the draft does not have yet."""
    taken = {item.ticket_id for item in draft.items}
    wanted = set(draft.versions)
    return [
        hit
        for hit in current_reader().release_notes()
        if hit.version in wanted and hit.ticket_id and hit.ticket_id not in taken
    ]


def _search(draft: drafts.Draft, query: str) -> tuple[list, str | None]:
    if not query:
        return [], None
    try:
        result = current_reader().search(parse_request({"q": query, "page_size": "20"}))
    except QueryError as error:
        return [], str(error)
    taken = {item.ticket_id for item in draft.items}
    hits = [hit for hit in result.hits if hit.ticket_id and hit.ticket_id not in taken]
    return hits[:SEARCH_RESULTS], None


def render_draft(draft_id: int, *, status: int = 200, error: str | None = None, unsaved=None):
    """The draft page, with an error and the editor's unsaved input when a change failed."""
    draft = _load(draft_id)
    if session.get("draft") != draft.id:
        session["draft"] = draft.id  # the nav's entry
    hits = draft_hits(draft)
    query = request.args.get("q", "").strip()
    found, search_error = _search(draft, query)
    page = render_template(
        "workbench/draft.html",
        draft=draft,
        rows=list(zip(draft.items, hits, strict=True)),
        release_notes=_not_yet_in(draft),
        query=query,
        found=found,
        search_error=search_error,
        problems=order_problems(hits),
        chapters=check_chapters(hits),
        preview=Markup(post_html(draft_post(draft), hits)),  # every text in it is escaped
        callouts=CALLOUTS,
        error=error,
        unsaved=unsaved,
    )
    return page, status


@bp.get("/draft/<int:draft_id>")
def draft(draft_id: int):
    """Plan, edit and time a draft; see what its versions' release notes still hold."""
    return render_draft(draft_id)


def _revision() -> int:
    value = request.form.get("revision", "")
    if not value.isdigit():
        abort(400, description="The form has no draft revision: reload the draft and try again.")
    return int(value)


def _apply(draft_id: int, change, *, anchor: str = ""):
    """Run a change; redirect to the draft on success, show why (and the input) on failure."""
    try:
        change()
    except drafts.StaleDraftError as error:
        return render_draft(draft_id, status=409, error=str(error), unsaved=request.form)
    except drafts.DraftError as error:
        return render_draft(draft_id, status=400, error=str(error), unsaved=request.form)
    return redirect(url_for("workbench.draft", draft_id=draft_id) + anchor)


@bp.post("/draft/<int:draft_id>/header")
def save_header(draft_id: int):
    """Save the episode number, versions, date and intro."""
    form = request.form

    def change():
        drafts.update_header(
            database(),
            draft_id,
            _revision(),
            _editor(),
            episode=drafts.episode_number(form.get("episode", "")),
            versions=drafts.versions_of(form.get("versions", "")),
            date=drafts.date_of(form.get("date")),
            intro=drafts.paragraphs_of(form.get("intro"), what="intro", required=True),
        )

    return _apply(draft_id, change)


@bp.post("/draft/<int:draft_id>/items")
def add_item(draft_id: int):
    """Add a feature: from the release notes or a search (by key), or typed by hand."""
    form = request.form

    def change():
        key = form.get("key", "").strip()
        if key:
            hits = current_reader().features_by_keys([key])
            if not hits or not hits[0].ticket_id:
                raise drafts.DraftError("That feature is not in the index any more.")
            hit = hits[0]
            source = "release notes" if hit.episode is None else "search"
            fields = dict(
                title=hit.title,
                ticket_id=hit.ticket_id,
                version=hit.version,
                summary=hit.summary,
                bullets=hit.bullets,
            )
        else:
            source = "typed"
            version = form.get("version", "").strip()
            fields = dict(
                title=drafts.text_of(form.get("title"), what="title", required=True),
                ticket_id=drafts.ticket_of(form.get("ticket_id", "")),
                version=drafts.versions_of(version)[0] if version else None,
                summary=drafts.paragraphs_of(form.get("summary"), what="summary"),
                bullets=(),
            )
        drafts.add_item(database(), draft_id, _revision(), _editor(), source=source, **fields)

    return _apply(draft_id, change, anchor="#items")


@bp.post("/draft/<int:draft_id>/item/<int:item_id>")
def save_item(draft_id: int, item_id: int):
    """Save one feature's title, headline, summary, bullets, callout, mark and time."""
    form = request.form

    def change():
        bullets = drafts.bullets_of(form.get("bullets"))
        callout = form.get("callout", "")
        callout_text = drafts.text_of(form.get("callout_text"), what="callout")
        if callout_text:
            if callout not in dict(CALLOUTS):
                raise drafts.DraftError("Pick the callout's kind: ⚠️, ✅ or 🚀.")
            bullets += (f"{callout} {callout_text}",)
        drafts.update_item(
            database(),
            draft_id,
            _revision(),
            _editor(),
            item_id,
            title=drafts.text_of(form.get("title"), what="title", required=True),
            headline=drafts.text_of(form.get("headline"), what="headline"),
            summary=drafts.paragraphs_of(form.get("summary"), what="summary"),
            bullets=bullets,
            important=form.get("important") == "on",
            timestamp=drafts.timestamp_of(form.get("timestamp")),
        )

    return _apply(draft_id, change, anchor=f"#item-{item_id}")


@bp.post("/draft/<int:draft_id>/item/<int:item_id>/move")
def move_item(draft_id: int, item_id: int):
    """Move a feature one place up or down."""
    step = -1 if request.form.get("direction") == "up" else 1
    return _apply(
        draft_id,
        lambda: drafts.move_item(database(), draft_id, _revision(), _editor(), item_id, step),
        anchor="#items",
    )


@bp.post("/draft/<int:draft_id>/item/<int:item_id>/remove")
def remove_item(draft_id: int, item_id: int):
    """Take a feature out of the draft."""
    return _apply(
        draft_id,
        lambda: drafts.remove_item(database(), draft_id, _revision(), _editor(), item_id),
        anchor="#items",
    )


@bp.post("/draft/<int:draft_id>/timing")
def save_timing(draft_id: int):
    """Save every feature's time in the video from the timing form."""

    def change():
        times = {}
        for name, value in request.form.items():
            if name.startswith("at-") and name[3:].isdigit():
                times[int(name[3:])] = drafts.timestamp_of(value)
        drafts.set_timestamps(database(), draft_id, _revision(), _editor(), times)

    return _apply(draft_id, change, anchor="#timing")


def _download(body: str, *, content_type: str, filename: str):
    return current_app.response_class(body, content_type=content_type, headers=attachment(filename))


@bp.get("/draft/<int:draft_id>/post.md")
def post_md(draft_id: int):
    """The post as Markdown in the blog's shape."""
    draft = _load(draft_id)
    body = post_markdown(draft_post(draft), draft_hits(draft))
    return _download(body, content_type=MARKDOWN_TYPE, filename=f"episode-{draft.episode}-post.md")


@bp.get("/draft/<int:draft_id>/post.html")
def post_page(draft_id: int):
    """The post as HTML for the blog's rich-text editor."""
    draft = _load(draft_id)
    body = post_html(draft_post(draft), draft_hits(draft))
    return _download(body, content_type=HTML_TYPE, filename=f"episode-{draft.episode}-post.html")


@bp.get("/draft/<int:draft_id>/chapters.txt")
def chapters_txt(draft_id: int):
    """YouTube description chapters, or 422 saying which rule they break."""
    draft = _load(draft_id)
    try:
        body = youtube_text(draft_hits(draft))
    except ChaptersError as error:
        return text_error(422, str(error))
    name = f"episode-{draft.episode}-chapters.txt"
    return _download(body, content_type=TEXT_TYPE, filename=name)


@bp.get("/draft/<int:draft_id>/chapters.json")
def chapters_json(draft_id: int):
    """Podcasting 2.0 chapters, or a JSON 422 saying why they cannot be made."""
    draft = _load(draft_id)
    try:
        body = chapters_document(draft_hits(draft), title=draft_post(draft).title)
    except ChaptersError as error:
        return json_error(422, str(error))
    name = f"episode-{draft.episode}-chapters.json"
    return _download(body, content_type=CHAPTERS_TYPE, filename=name)
