"""Field rules for a post's header: episode markers, date, read time, author, hosts, links,
and the page chrome (share rows, category labels, empty-list placeholders) that is never
post text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from crawler.parse.blocks import HEADING, Block

TITLE = "title"  # "By the [run]Book: Episode 19"
INTRO = "intro"  # "Episode 22 of By the [run]Book covers ..."
WATCH = "watch"  # "Watch Now: By the [run]Book: Episode 19"

_SERIES = r"by\s+the\s+\[?\s*run\s*\]?\s*book(?:\s+podcast)?"
_SEP = r"\s*[:|–—(-]?\s*"
# "Episode 19", "Episode #19", "Ep. 19", "EP19".
_NUMBER = r"(?:episode|ep\.?)\s*#?\s*(\d{1,4})(?!\d)"
# After the series' name, "#19" alone numbers the episode too: "By the [run]Book #19".
_SERIES_NUMBER = rf"(?:{_NUMBER}|#\s?(\d{{1,4}})(?!\d))"
_TITLE_TAIL = r"\s*\)?\s*(?:[:|–—-].{0,150})?"
_TITLE_LINE = re.compile(rf"{_SERIES}{_SEP}{_SERIES_NUMBER}{_TITLE_TAIL}", re.I)
_HEADING_LINE = re.compile(rf"(?:{_SERIES}{_SEP}{_SERIES_NUMBER}|{_NUMBER}){_TITLE_TAIL}", re.I)
_NAMES_SERIES = re.compile(_SERIES, re.I)
# "Episode 22 of By the [run]Book dives…", "In Episode 23, the hosts…", "Episode 24 covers…".
_INTRO_LINE = re.compile(
    rf"(?:in\s+)?episode\s+(\d{{1,4}})(?:\s+of\s+(?:the\s+)?{_SERIES}\b|(?=[\s,]+[a-z]))",
    re.I,
)
_WATCH_LINE = re.compile(rf"watch(?:\s+now)?\s*[:|–—-]?\s*(?:{_SERIES}{_SEP})?{_NUMBER}", re.I)
_WATCH_WORD = re.compile(
    r"\s*watch(?:\s+(?:now|it|here|the\s+(?:full\s+)?(?:episode|video|recording)))*"
    r"(?:\s+on\s+youtube)?\s*(?:[:|–—-]|$)",
    re.I,
)
_WATCH_START = re.compile(r"\s*watch\b", re.I)
_DATE_PREFIX = re.compile(r"^(?:published|posted|updated)(?:\s+on)?:?\s+", re.I)
_MONTH_DATE = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2})",
    re.I,
)
_SOCIAL = (
    r"(?:linkedin|twitter|facebook|x|e-?mail|reddit|bluesky|threads|mastodon|whatsapp|copy\s+link)"
)
# "Share this post", alone or followed by the names of its share buttons.
_SHARE = re.compile(
    rf"share(?:\s+this)?(?:\s+(?:post|article|episode|page))?\s*:?(?:[\s,|•·]*{_SOCIAL})*\W*",
    re.I,
)
# The heading of the cards of other posts below an article ("See some more of our ... posts").
_MORE_POSTS = re.compile(
    r"(?:see\s+)?(?:some\s+)?(?:more\s+)?(?:of\s+our\s+)?(?:most\s+)?"
    r"(?:recent|related|latest|more|other)\s+(?:posts|articles|thoughts|episodes)"
    r"|you\s+(?:might|may)\s+also\s+like",
    re.I,
)
_READ_TIME = re.compile(r"\d{1,3}\s*min(?:ute)?s?\.?\s+read", re.I)
_AUTHOR = re.compile(
    r"(?:(?:[Ww]ritten|[Pp]osted)\s+)?[Bb]y:?\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
)
_NAME = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}")
_READ_POST = re.compile(r"read\s+(?:the\s+)?(?:full\s+)?(?:post|more|article)\s*[→>»]?", re.I)
_HOST_NAME = r"[A-Z][^\W\d_A-Z]{1,14}(?:['’-][A-Z]?[^\W\d_A-Z]{1,14})?"
# Two or more capitalised names joined by "and" before a lower-case verb ("Connor and Robbie
# continue…", "with Mendy and Connor unpacking…"); not before a plural noun ("Billing and
# Quotes updates").
_HOSTS = re.compile(
    rf"(?<![\w'’\]-])((?:{_HOST_NAME},\s+)*{_HOST_NAME},?\s+(?:and|&)\s+{_HOST_NAME})"
    r"(?=\s+(?!(?:updates|improvements|changes|features|enhancements|settings|fixes|options)\b)"
    r"[a-z]|\s*[.,;:!?)]|$)"
)
# Capitalised words that start a clause but name no host.
_NOT_HOSTS = frozenset(
    {
        "a", "an", "and", "as", "at", "both", "but", "by", "during", "each", "for", "from", "halo",
        "here", "in", "it", "its", "new", "now", "of", "on", "our", "part", "psa", "the", "their",
        "then", "these", "this", "those", "to", "today", "together", "we", "what", "when", "while",
        "with",
    }
)  # fmt: skip
_NO_ITEMS = re.compile(r"no\s+items\s+found\.?", re.I)
_LABEL = re.compile(r"[\w\[\]&/+'’ .-]{2,40}")
_CALL_TO_ACTION = re.compile(
    r"\b(?:check\s+out|subscribe|sign\s+up|follow\s+us|join\s+us|click\s+here|visit)\b"
    r"|\b[\w-]+\.(?:com|net|org|dev|io|co|tv)\b",
    re.I,
)
# A post's URL names the series and the episode number in its last path segment, however
# the slug was typed: "by-the-run-book-episode-19", "by-the-runbook-ep-19",
# "by-the-run-book-19", "by-the-run-book-episode-19-halopsa-2-212".
_SERIES_SLUG = re.compile(r"run-?book", re.I)
_SLUG_NUMBER = re.compile(
    r"(?:^|-)(?:episode|ep)-?(\d{1,4})(?!\d)|run-?book-(?:podcast-)?(\d{1,4})$", re.I
)
_VIDEO_HOSTS = ("youtube.com/", "youtu.be/", "vimeo.com/")


def episode_marker(block: Block) -> tuple[str, int] | None:
    """Return (TITLE | INTRO | WATCH, episode number) when the block marks an episode post."""
    text = block.text
    if len(text) <= 200:
        match = _WATCH_LINE.match(text)
        if match:
            return WATCH, int(match.group(1))
        title = _HEADING_LINE if block.kind == HEADING else _TITLE_LINE
        match = title.fullmatch(text)
        if match:
            return TITLE, int(next(number for number in match.groups() if number))
    match = _INTRO_LINE.match(text)
    if match:
        return INTRO, int(match.group(1))
    return None


def is_watch_line(block: Block) -> bool:
    """True for the post's "Watch Now" line, with or without an episode number.

    "Watch out for …" is a sentence, not the video line, unless it links to a video.
    """
    text = block.text
    if len(text) > 200 or not _WATCH_START.match(text):
        return False
    return bool(
        _WATCH_WORD.match(text)
        or _WATCH_LINE.match(text)
        or any(is_video_link(link.href) for link in block.links)
    )


def date_of(text: str) -> str | None:
    """The ISO date when the whole line is a date such as ``March 17, 2026``, else None."""
    text = _DATE_PREFIX.sub("", text.strip())
    if len(text) > 40 or not _MONTH_DATE.fullmatch(text):
        return None
    try:
        return dateparser.parse(text, default=None).date().isoformat()
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def is_read_time(text: str) -> bool:
    """True for the "8 min read" line of a post header."""
    return bool(_READ_TIME.fullmatch(text.strip()))


def is_share_line(text: str) -> bool:
    """True for a "Share this post" line of a post header."""
    return bool(_SHARE.fullmatch(text.strip()))


def is_more_posts_heading(text: str) -> bool:
    """True for the heading above the cards of other posts ("See more of our recent posts...")."""
    text = text.strip().rstrip(".…: ")
    return len(text) <= 80 and bool(_MORE_POSTS.fullmatch(text))


def is_byline_word(text: str) -> bool:
    """True for a lone "By" whose name follows on the next line."""
    return text.strip().lower() in {"by", "by:", "written by", "posted by"}


def author_of(text: str) -> str | None:
    """The name in a ``By Name`` byline, or None."""
    match = _AUTHOR.fullmatch(text.strip())
    return match.group(1) if match else None


def is_name(text: str) -> bool:
    """True for a short capitalised name (the line after a lone "By")."""
    return bool(_NAME.fullmatch(text.strip()))


def is_read_post(text: str) -> bool:
    """True for the "Read post" link line of a post card."""
    return bool(_READ_POST.fullmatch(text.strip()))


def hosts_of(text: str) -> tuple[str, ...]:
    """The hosts an intro names, such as "Connor and Robbie", in order; () for "the team"."""
    hosts: list[str] = []
    for match in _HOSTS.finditer(text):
        names = re.split(r",\s+(?:and\s+|&\s+)?|,?\s+(?:and|&)\s+", match.group(1))
        if any(name.lower() in _NOT_HOSTS or not name[1:].islower() for name in names):
            continue
        hosts.extend(name for name in names if name and name not in hosts)
    return tuple(hosts)


def is_empty_list(text: str) -> bool:
    """True for Webflow's placeholder of an empty collection list ("No items found.")."""
    return bool(_NO_ITEMS.fullmatch(text.strip()))


def is_label(text: str) -> bool:
    """True for a short label line such as a category ("By the [run]Book", "Billing")."""
    text = text.strip()
    return (
        bool(_LABEL.fullmatch(text))
        and len(text.split()) <= 5
        and not text.endswith(".")
        and not any(ch.isdigit() for ch in text)
    )


def is_call_to_action(text: str) -> bool:
    """True for a line that sends the reader elsewhere ("check out …", a site's address)."""
    return bool(_CALL_TO_ACTION.search(text))


def post_link_number(href: str) -> int | None:
    """The episode number of a link to an episode post (``/by-the-run-book-episode-19``)."""
    if not slug_names_the_series(href):
        return None
    match = _SLUG_NUMBER.search(_slug(href))
    return int(match.group(1) or match.group(2)) if match else None


def slug_names_the_series(href: str) -> bool:
    """True when a URL's last path part names the series (``by-the-run-book-halopsa-2-230``),
    with or without an episode number."""
    return bool(_SERIES_SLUG.search(_slug(href)))


def _slug(href: str) -> str:
    """The last part of a URL's path."""
    return urlsplit(href.strip()).path.rstrip("/").rpartition("/")[2]


def names_the_series(text: str) -> bool:
    """True when the text names "By the [run]Book" (a listing card's title, say)."""
    return bool(_NAMES_SERIES.search(text))


def is_video_link(href: str) -> bool:
    """True for a link to a video host."""
    return any(host in href.lower() for host in _VIDEO_HOSTS)
