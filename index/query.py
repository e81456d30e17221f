"""The query language admins type, read into plain parts before Whoosh sees anything.

Whoosh's own parser mangles ticket numbers, versions and timestamps (``49:41`` looks like a
field name) and raises on stray syntax, so the text is tokenised here: words (AND), quoted
phrases, ``prefix*``, ``-excluded`` words, ``either OR other``, ticket numbers (``1085470``,
``#1085470``), timestamps, versions (``v2.212``) and filters (``version:2.208..2.214``,
``version:>=2.212``, ``episode:18``, ``area:billing``, ``integration:xero``, ``flag:caution``).
Anything that cannot be read as one of those is searched as plain words, with a notice saying
what was meant instead (the known areas, the way to write a version); nothing raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from crawler.errors import QueryError
from crawler.records import FLAGS, read_ticket_id, timestamp_seconds
from crawler.versions import canonical_version, version_key
from index.areas import AREAS, INTEGRATIONS, resolve_area, resolve_integration
from index.model import SearchRequest

MAX_QUERY_CHARS = 300  # longer query text is cut (and the result says so)
MAX_REQUEST_CHARS = 1000  # parse_request refuses longer queries outright
MAX_TERMS = 24  # words, phrases and filters read from one query
MAX_PREFIXES = 4  # prefix* words per query; more are searched as plain words
MIN_PREFIX = 2  # letters before a "*"
MAX_PAGE = 500
MAX_PAGE_SIZE = 100
SORTS = ("relevance", "version", "newest", "timestamp")

_TOKEN = re.compile(
    r'(?P<neg>-)?"(?P<phrase>[^"]*)"'  # "quoted phrase"
    r"|(?P<stray>\")"  # an unbalanced quote
    r"|(?P<word>\S+)"
)
_TIMESTAMP = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_VERSION_WORD = re.compile(r"v\d{1,2}\.\d{1,3}(?:\.\d{1,4})?", re.IGNORECASE)
_FILTER = re.compile(r"(?P<name>[A-Za-z_]+):(?P<value>.+)")
_RANGE = re.compile(r"(?P<low>[\w.]*?)\.\.(?P<high>[\w.]*)|(?P<op>>=|<=|>|<)(?P<bound>.+)")
_PREFIX = re.compile(r"\w+\*+")  # "recur*"
_FLAG_NAMES = {flag.replace("_", "-"): flag for flag in FLAGS} | {flag: flag for flag in FLAGS}
_NOT_A_TICKET = re.compile(r"#(\w+)")  # "#abc": ticket syntax without the digits
_VERSION_LIKE = re.compile(r"v\d[\w.]*", re.IGNORECASE)  # "v2.2x": meant as a version
KNOWN_AREAS = ", ".join(sorted(AREAS))
KNOWN_INTEGRATIONS = ", ".join(sorted(INTEGRATIONS))
KNOWN_FLAGS = ", ".join(flag.replace("_", "-") for flag in FLAGS)


@dataclass(frozen=True)
class Word:
    """One word or phrase of the query."""

    text: str
    phrase: bool = False
    prefix: bool = False
    negated: bool = False
    either: tuple[Word, ...] = ()  # "a OR b": any of these words matches
    suggest: bool = True  # False when "did you mean" must leave the word as typed


@dataclass(frozen=True)
class VersionRange:
    """A range of versions in release order; either end may be open."""

    low_key: int | None = None
    high_key: int | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, key: int) -> bool:
        """True when a version key falls inside the range."""
        if self.low_key is not None and (
            key < self.low_key or (key == self.low_key and not self.low_inclusive)
        ):
            return False
        return not (
            self.high_key is not None
            and (key > self.high_key or (key == self.high_key and not self.high_inclusive))
        )


@dataclass
class ParsedQuery:
    """What a query's text asks for."""

    words: list[Word] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    timestamps: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)  # exact versions (all must match)
    ranges: list[VersionRange] = field(default_factory=list)
    episodes: list[int] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    integrations: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # "-area:billing": each holds the filters of one excluded term, whose features are left out
    excluded: list[ParsedQuery] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def only_lookups(self) -> bool:
        """True when the query is nothing but ticket numbers or timestamps."""
        return bool(self.tickets or self.timestamps) and not self.words


def _version_range(value: str) -> VersionRange | None:
    """Read ``2.208..2.214``, ``2.208..``, ``..2.214``, ``>=2.212`` and the like, or None."""
    match = _RANGE.fullmatch(value)
    if not match:
        return None
    if match.group("op"):
        return _bounded_range(match.group("op"), match.group("bound"))
    return _span(match.group("low").strip(), match.group("high").strip())


def _bounded_range(op: str, bound: str) -> VersionRange | None:
    """``>=2.212``, ``>2.212``, ``<=2.212`` or ``<2.212``."""
    canonical = canonical_version(bound)
    if canonical is None:
        return None
    key = version_key(canonical)
    if op.startswith(">"):
        return VersionRange(low_key=key, low_inclusive=op == ">=")
    return VersionRange(high_key=key, high_inclusive=op == "<=")


def _span(low: str, high: str) -> VersionRange | None:
    """``low..high``, either end left open, its ends put in release order."""
    if not low and not high:
        return None
    low_version = canonical_version(low) if low else None
    high_version = canonical_version(high) if high else None
    if (low and low_version is None) or (high and high_version is None):
        return None
    low_key = version_key(low_version) if low_version else None
    high_key = version_key(high_version) if high_version else None
    if low_key is not None and high_key is not None and low_key > high_key:
        low_key, high_key = high_key, low_key
    return VersionRange(low_key=low_key, high_key=high_key)


def resolve_flag(value: str) -> str | None:
    """The flag ``value`` names (``not-enabled-by-default``, ``Not enabled by default``,
    ``not_enabled_by_default``), or None."""
    return _FLAG_NAMES.get(value.strip().lower().replace(" ", "-"))


def unknown_value(name: str, value: str) -> str:
    """What to say about a filter value that names nothing: the values it knows."""
    known = {"area": KNOWN_AREAS, "integration": KNOWN_INTEGRATIONS, "flag": KNOWN_FLAGS}
    return f"Unknown {name} {value[:40]!r}; known {name}s: {known[name]}."


def _read_filter(name: str, value: str, parsed: ParsedQuery) -> bool:
    """Apply one ``name:value`` filter; False when it cannot be read."""
    name = name.lower()
    if name in ("version", "v"):
        canonical = canonical_version(value)
        if canonical:
            parsed.versions.append(canonical)
            return True
        found = _version_range(value)
        if found:
            parsed.ranges.append(found)
            return True
        return False
    if name in ("episode", "ep"):
        if value.isdigit() and len(value) <= 6:
            parsed.episodes.append(int(value))
            return True
        return False
    if name in ("ticket", "id"):
        ticket = read_ticket_id(value)
        if ticket:
            parsed.tickets.append(ticket)
        return bool(ticket)
    if name == "area":
        slug = resolve_area(value)
        if slug:
            parsed.areas.append(slug)
        return bool(slug)
    if name == "integration":
        slug = resolve_integration(value)
        if slug:
            parsed.integrations.append(slug)
        return bool(slug)
    if name == "flag":
        flag = resolve_flag(value)
        if flag:
            parsed.flags.append(flag)
        return bool(flag)
    return False


def _plain_words(text: str) -> list[Word]:
    return [Word(part) for part in re.findall(r"\w+", text)]


class _QueryReader:
    """Reads a query's tokens, one method per kind of token, into a ParsedQuery."""

    def __init__(self):
        self.parsed = ParsedQuery()
        self.prefixes = 0  # prefix* words read so far
        self.unreadable: list[str] = []  # tokens searched as plain words instead
        self.or_at: int | None = None  # after "OR": how many words there were before it

    def read(self, text: str) -> ParsedQuery:
        """Read the whole text; notices say what was cut or could not be read."""
        for count, match in enumerate(_TOKEN.finditer(self._cut(text))):
            if count >= MAX_TERMS:
                self.parsed.notices.append(
                    f"Only the first {MAX_TERMS} words of the query were used."
                )
                break
            either_from, self.or_at = self.or_at, None
            self._token(match)
            if either_from is not None:  # the token after an OR: join it to the word before
                self._join_either(either_from)
        if self.or_at is not None:
            self._join_either(-1)  # OR with no word after it
        if self.unreadable:
            shown = " ".join(self.unreadable[:3])
            self.parsed.notices.append(
                f"Could not read {shown} as search syntax; searched for the words."
            )
        return self.parsed

    def _cut(self, text: str) -> str:
        """The text without NUL characters, cut to MAX_QUERY_CHARS (with a notice)."""
        text = (text or "").replace("\x00", " ")
        if len(text) > MAX_QUERY_CHARS:
            self.parsed.notices.append(
                f"The query was cut to its first {MAX_QUERY_CHARS} characters."
            )
            return text[:MAX_QUERY_CHARS]
        return text

    def _token(self, match: re.Match) -> None:
        """A stray quote, a phrase, an excluded word, or the first kind of token it reads as."""
        if match.group("stray"):
            self.unreadable.append('"')
        elif match.group("phrase") is not None:
            self._phrase(match.group("phrase"), negated=bool(match.group("neg")))
        elif (token := match.group("word")).startswith("-") and len(token) > 1:
            if not self._excluded_filter(token[1:]):
                self._words(token[1:], negated=True)  # "-word" excludes words, never a lookup
        elif not any(
            read(token)
            for read in (
                self._ticket,
                self._timestamp,
                self._version,
                self._or,
                self._filter,
                self._not_a_ticket,
                self._not_a_version,
            )
        ):
            self._words(token, negated=False)

    def _phrase(self, text: str, *, negated: bool) -> None:
        phrase = " ".join(re.findall(r"\w+", text))
        if phrase:
            self.parsed.words.append(Word(phrase, phrase=True, negated=negated))

    def _ticket(self, token: str) -> bool:
        ticket = read_ticket_id(token)
        if ticket:
            self.parsed.tickets.append(ticket)
        return bool(ticket)

    def _timestamp(self, token: str) -> bool:
        if _TIMESTAMP.fullmatch(token) and timestamp_seconds(token) is not None:
            self.parsed.timestamps.append(token)
            return True
        return False

    def _version(self, token: str) -> bool:
        version = canonical_version(token) if _VERSION_WORD.fullmatch(token) else None
        if version:
            self.parsed.versions.append(version)
        return bool(version)

    def _or(self, token: str) -> bool:
        if token == "OR":
            self.or_at = len(self.parsed.words)
        return token == "OR"

    def _filter(self, token: str) -> bool:
        found = _FILTER.fullmatch(token)
        if not found:
            return False
        name, value = found.group("name").lower(), found.group("value")
        if _read_filter(name, value, self.parsed):
            pass
        elif name in ("area", "integration", "flag"):
            # A filter for something unknown matches nothing, and says what is known.
            getattr(self.parsed, f"{name}s").append(value.lower())
            self.parsed.notices.append(unknown_value(name, value))
        else:
            self.unreadable.append(token)
            self.parsed.words.extend(_plain_words(token))
        return True

    def _excluded_filter(self, token: str) -> bool:
        """``-area:billing``, ``-version:2.210..2.212``, ``-v2.212``: leave out what the
        filter keeps."""
        kept = ParsedQuery()
        version = canonical_version(token) if _VERSION_WORD.fullmatch(token) else None
        if version:
            kept.versions.append(version)
            self.parsed.excluded.append(kept)
            return True
        found = _FILTER.fullmatch(token)
        if not found:
            return False
        name, value = found.group("name").lower(), found.group("value")
        if _read_filter(name, value, kept) and not kept.tickets:
            self.parsed.excluded.append(kept)
            return True
        if name in ("area", "integration", "flag"):  # nothing has it: nothing is left out
            self.parsed.notices.append(unknown_value(name, value))
            return True
        return False

    def _not_a_ticket(self, token: str) -> bool:
        """``#abc``: ticket syntax without the digits, searched as the word."""
        found = _NOT_A_TICKET.fullmatch(token)
        if found:
            self.parsed.notices.append(
                f"{token[:40]} is not a ticket number (ticket IDs are digits, like #1085470); "
                f"searched for the word {found.group(1)[:40]!r}."
            )
            self.parsed.words.append(Word(found.group(1), suggest=False))
        return bool(found)

    def _not_a_version(self, token: str) -> bool:
        """``v2.2x``: meant as a version, searched as a phrase."""
        if not _VERSION_LIKE.fullmatch(token):
            return False
        self.parsed.notices.append(
            f"{token[:40]} is not a version: write one like v2.212, or a range like "
            "version:2.210..2.216."
        )
        self.parsed.words.append(Word(" ".join(w.text for w in _plain_words(token)), phrase=True))
        return True

    def _words(self, token: str, *, negated: bool) -> None:
        """A ``prefix*``, or plain words (several make a phrase)."""
        if _PREFIX.fullmatch(token):
            self._prefix(token, negated=negated)
            return
        words = _plain_words(token)
        if token.strip("\"'*?()[]{}+~^!:\\/") != token and words:
            self.unreadable.append(token)
        if len(words) > 1:
            phrase = " ".join(w.text for w in words)
            self.parsed.words.append(Word(phrase, phrase=True, negated=negated))
        elif words:
            self.parsed.words.append(replace(words[0], negated=negated))

    def _prefix(self, token: str, *, negated: bool) -> None:
        stem = token.rstrip("*")
        if len(stem) >= MIN_PREFIX and self.prefixes < MAX_PREFIXES:
            self.prefixes += 1
            self.parsed.words.append(Word(stem, prefix=True, negated=negated))
        else:
            self.unreadable.append(token)
            self.parsed.words.append(Word(stem, negated=negated))

    def _join_either(self, either_from: int) -> None:
        """After ``a OR b``: make the word before OR and the one after it one either-word."""
        words = self.parsed.words
        if (
            either_from < 1
            or len(words) != either_from + 1
            or words[-2].negated
            or words[-1].negated
        ):
            self.parsed.notices.append("OR goes between two words, like: invoice OR quote.")
            return
        first, second = words[-2], words[-1]
        either = (*(first.either or (first,)), second)
        words[-2:] = [Word(f"{first.text} OR {second.text}", either=either)]


def parse_query(text: str) -> ParsedQuery:
    """Read a query's text into words, lookups and filters; never raises."""
    return _QueryReader().read(text)


def request_filters(request: SearchRequest, parsed: ParsedQuery) -> ParsedQuery:
    """Add the request's own filters (URL or CLI parameters) to a parsed query."""
    if request.version:
        parsed.versions.append(request.version)
    if request.version_from or request.version_to:
        parsed.ranges.append(
            VersionRange(
                low_key=version_key(request.version_from) if request.version_from else None,
                high_key=version_key(request.version_to) if request.version_to else None,
            )
        )
    if request.episode is not None:
        parsed.episodes.append(request.episode)
    if request.area:
        parsed.areas.append(request.area)
    if request.integration:
        parsed.integrations.append(request.integration)
    if request.flag:
        parsed.flags.append(request.flag)
    return parsed


def _int(
    args: Mapping[str, str], name: str, *, default: int | None, low: int, high: int
) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d{1,9}", raw):
        raise QueryError(f"{name} must be a whole number from {low} to {high}, not {raw[:20]!r}.")
    value = int(raw)
    if not low <= value <= high:
        raise QueryError(f"{name} must be from {low} to {high}, not {value}.")
    return value


def _version_param(args: Mapping[str, str], name: str, *aliases: str) -> str | None:
    raw = next((args[n] for n in (name, *aliases) if args.get(n)), "").strip()
    if not raw:
        return None
    canonical = canonical_version(raw)
    if canonical is None:
        raise QueryError(f"{name} must be a HaloPSA version such as 2.212, not {raw[:20]!r}.")
    return canonical


_KNOWN_PARAMS = {
    "area": resolve_area,
    "integration": resolve_integration,
    "flag": resolve_flag,
}


def _known_param(args: Mapping[str, str], name: str) -> str | None:
    """An ``area``, ``integration`` or ``flag`` parameter, read by its name; None when blank."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    found = _KNOWN_PARAMS[name](raw)
    if found is None:
        raise QueryError(unknown_value(name, args[name]))
    return found


def parse_request(args: Mapping[str, str]) -> SearchRequest:
    """Validate search parameters from a URL or the command line into a SearchRequest.

    Args:
        args: ``q``, ``version``, ``from`` and ``to`` (or ``version_from``, ``version_to``),
            ``episode``, ``area``, ``integration``, ``flag``, ``sort``, ``page``, ``page_size``
            (all optional strings; other keys are ignored).

    Returns:
        The request, with versions canonical and numbers converted.

    Raises:
        QueryError: a parameter is invalid; the message says which and what is allowed.
    """
    q = args.get("q") or ""
    if len(q) > MAX_REQUEST_CHARS:
        raise QueryError(f"The query is too long: keep it under {MAX_QUERY_CHARS} characters.")
    sort = (args.get("sort") or "relevance").strip().lower()
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort[:20]!r}.")
    area = _known_param(args, "area")
    integration = _known_param(args, "integration")
    flag = _known_param(args, "flag")
    episode = _int(args, "episode", default=None, low=1, high=999_999)
    return SearchRequest(
        q=q.strip(),
        version=_version_param(args, "version"),
        version_from=_version_param(args, "from", "version_from"),
        version_to=_version_param(args, "to", "version_to"),
        episode=episode,
        area=area,
        integration=integration,
        flag=flag,
        sort=sort,
        page=_int(args, "page", default=1, low=1, high=MAX_PAGE),
        page_size=_int(args, "page_size", default=20, low=1, high=MAX_PAGE_SIZE),
    )
