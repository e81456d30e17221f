"""Episode posts built from parts, in this project's own words, for the generative parser test.

A ``PostPlan`` says what a post holds (episode, byline, hosts, versions, features) and how
it is laid out (header variant, section order, line shape, element, separators, a cut-off
end); ``render`` writes it as a plain-text capture or as Webflow-shaped HTML, and the plan
itself is the answer the parser must give. ``post_plans()`` draws plans with hypothesis.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from hypothesis import strategies as st

TITLE_FIRST, BYLINE_FIRST, BYLINE_NO_NUMBER = "title first", "byline first", "byline, no number"
BARE = "no header: the intro first, the number only in the video line or the URL"
HEADERS = (TITLE_FIRST, BYLINE_FIRST, BYLINE_NO_NUMBER, BARE)
# Where the feature lines sit relative to the video.
AFTER_VIDEO = "all after the video"
HIGHLIGHTS_FIRST = "highlights before the video, full list after"
ONLY_BEFORE = "all before the video"
NO_VIDEO = "no video line"
MIDDLE = "video line in the middle"
MENTIONS_HEADING = "important mentions heading after the video"
LAYOUTS = (AFTER_VIDEO, HIGHLIGHTS_FIRST, ONLY_BEFORE, NO_VIDEO, MIDDLE, MENTIONS_HEADING)
PIPE, HASH, HASH_GLUED, PAREN, PAREN_GLUED = "pipe", "hash", "hash glued", "paren", "paren glued"
SPLIT = "title above a `v2.250 #ID | 4:12` line"
TYPED = (
    "pipe lines as typed: `v 2.250`, `[4:12]`, `(v2.250, #ID) at 4:12`, `Timestamp: 4:12`, "
    "`Watch at 4:12`, `@4:12`"
)
REORDERED = (
    "fields in other orders, words and marks: `Ticket 1085470`, `[4:12] Title`, `#ID | Title`, "
    "`4m12s`, `1. Title`, `➡️ Title / v2.250 / #ID / 4:12 – 5:00`, `#ID, #ID2`"
)
_REORDERED_LINES = 9
NO_ID = "lines that name no ticket: `Title | v2.250 | 4:12`, `Title – 4:12`, `Title (v2.250)`"
SHAPES = (PIPE, HASH, HASH_GLUED, PAREN, PAREN_GLUED, SPLIT, TYPED, REORDERED, NO_ID)
TIMED_SHAPES = (PIPE, SPLIT, TYPED, REORDERED)
# What each NO_ID line gives: (version, moment) as the parser may read them from the line.
_NO_ID_LINES = (
    ("{title} | v{version} | {moment}", True, True),
    ("{title} – {moment}", False, True),
    ("{moment} – {title}", False, True),
    ("{title} (v{version})", True, False),
    ("{title} – HaloPSA v{version} – {moment}", True, True),
)
TEXT, P_STRONG, H3, H4, LI = "text capture", "p/strong", "h3", "h4", "li"
ELEMENTS = (TEXT, P_STRONG, H3, H4, LI)

_NAMES = ("Ada", "Bram", "Cleo", "Dario", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas")
_SURNAMES = ("Marsh", "Quill", "Okafor", "Lindqvist", "Pereira", "Tanaka")
_MONTHS = ("January", "March", "May", "July", "September", "November")
_VERBS = (
    "continue through",
    "wrap up one release and dive into",
    "highlight the best of",
    "walk through",
    "unpack",
    "break down",
)
_SUBJECTS = (
    "Dispatch board",
    "Contract renewals",
    "Portal sign-in",
    "Invoice batches",
    "Asset audits",
    "Mailbox rules",
    "Runbook steps",
    "Quote approvals",
    "Timesheet locks",
    "Webhook retries",
)
_CHANGES = (
    "now remember the last filter",
    "can be limited per team",
    "gain a preview before saving",
    "show who changed them last",
    "accept a default template",
    "skip archived clients",
)
_SUMMARIES = (
    "The setting lives under the module's configuration page.",
    "Admins can turn it on per department without a restart.",
    "It saves a few clicks on every ticket the team touches.",
    "Older records keep their values until they are edited.",
)
_BULLETS = (
    "Handy for busy service desks",
    "Check your existing workflows first",
    "⚠️ Off until an admin enables it",
    "✅ Worth switching on straight away",
    "🚀 A large time saver for billing",
)
_WHYS = (
    "Why it matters: fewer tickets bounce between teams.",
    "Why it matters: finance sees the change on the next run.",
)
_CATEGORIES = ("By the [run]Book", "HaloPSA", "Automation", "Podcast")


@dataclass(frozen=True)
class FeaturePlan:
    """One feature as the post lists it."""

    title: str
    ticket_id: str
    version: str
    timestamp: str
    summary: str
    bullets: tuple[str, ...]
    why: str | None = None  # a "Why it matters: …" paragraph after the bullets


@dataclass(frozen=True)
class PostPlan:
    """A post's content and layout."""

    number: int
    author: str
    date: tuple[int, int, int]  # year, month index into _MONTHS, day
    hosts: tuple[str, ...]
    versions: tuple[str, ...]
    features: tuple[FeaturePlan, ...]
    highlights: int  # how many features the layout lists before the video (or as mentions)
    header: str
    layout: str
    shape: str
    element: str
    sub_headings: bool  # version sub-headings above each version's features
    blank_lines: bool
    cut_off: bool  # the capture ends mid-word inside the last feature's summary
    embedded_player: bool  # HTML only: the video is a player, not a "Watch Now" link
    chapters: bool  # a list of video chapters after the intro
    extras: bool  # an author bio (HTML: outside the rich text) and another post's card

    @property
    def url(self) -> str:
        if self.header == BARE and self.layout != NO_VIDEO and not self.embedded_player:
            return f"https://blog.example.test/saved/capture-{self.number}.txt"
        slugs = (
            f"by-the-run-book-episode-{self.number}",
            f"by-the-runbook-ep-{self.number}",
            f"by-the-run-book-episode-{self.number}-halopsa-{self.versions[0].replace('.', '-')}",
        )
        return f"https://blog.example.test/thoughts/{slugs[self.number // 5 % len(slugs)]}"

    @property
    def iso_date(self) -> str | None:
        if self.header == BARE:
            return None
        year, month, day = self.date
        return f"{year}-{month * 2 + 1:02d}-{day:02d}"

    @property
    def expected_author(self) -> str | None:
        return None if self.header == BARE else self.author

    @property
    def video_url(self) -> str:
        return f"https://www.youtube.com/watch?v=ep{self.number:04d}video"

    def expected_version(self, feature: FeaturePlan) -> str | None:
        """The version the parser may know: from the line, a sub-heading, or a one-version post."""
        on_line = self.shape in TIMED_SHAPES or (self.shape == NO_ID and _no_id_line(feature)[1])
        if on_line or self.sub_headings or len(self.versions) == 1:
            return feature.version
        return None

    def expected_timestamp(self, feature: FeaturePlan) -> str | None:
        on_line = self.shape in TIMED_SHAPES or (self.shape == NO_ID and _no_id_line(feature)[2])
        return feature.timestamp if on_line else None

    def key(self, feature: FeaturePlan) -> str:
        """What tells the feature's record apart: its ticket ID, or its title without one."""
        return feature.title if self.shape == NO_ID else feature.ticket_id

    def ticket_ids(self, feature: FeaturePlan) -> tuple[str, ...]:
        """The IDs the feature's line gives: one of the REORDERED lines names a second."""
        if self.shape == REORDERED and int(feature.ticket_id) % _REORDERED_LINES == 8:
            return (feature.ticket_id, f"9{feature.ticket_id}")  # no other feature's ID
        return (feature.ticket_id,)

    def expected_summary(self, feature: FeaturePlan) -> str:
        """The summary of a feature that is not cut off: its paragraph, then its "why"."""
        return "\n\n".join(filter(None, [feature.summary, feature.why]))

    def expected_highlighted(self) -> set[str]:
        """Keys of the features listed before the video or under an "Important Mentions"
        heading."""
        if self.layout in (AFTER_VIDEO, NO_VIDEO):
            return set()
        if self.layout == ONLY_BEFORE:
            return {self.key(f) for f in self.features}
        return {self.key(f) for f in self.features[: self.highlights]}

    def listed_twice(self, feature: FeaturePlan) -> bool:
        """True when the layout lists the feature among the highlights and in the full list."""
        return self.layout in (HIGHLIGHTS_FIRST, MENTIONS_HEADING) and (
            feature in self.features[: self.highlights]
        )

    @property
    def cut_text(self) -> str:
        """The last feature's summary as the cut-off capture keeps it."""
        summary = self.features[-1].summary
        return summary[: summary.rindex(" ") + 3]


def _line(plan: PostPlan, feature: FeaturePlan) -> tuple[str, str | None]:
    """A feature's title line, and its description when the shape glues it on."""
    title, version, ticket, moment = (
        feature.title,
        feature.version,
        feature.ticket_id,
        feature.timestamp,
    )
    if plan.shape == SPLIT:
        return f"v{version} #{ticket} | {moment}", None
    if plan.shape == PIPE:
        return f"{title} | v{version} #{ticket} | {moment}", None
    if plan.shape == TYPED:
        typed = (
            f"{title} | v {version} #{ticket} | {moment}",
            f"{title} | v{version} #{ticket} | [{moment}]",
            f"{title} (v{version}, #{ticket}) at {moment}",
            f"{title} | v{version} #{ticket} | Timestamp: {moment}",
            f"{title} | v{version} #{ticket} | Watch at {moment}",
            f"{title}\u200b | v{version} #{ticket} | @{moment}",
        )
        return typed[int(ticket) % len(typed)], None
    if plan.shape == REORDERED:
        reordered = (
            f"{title} | v{version} Ticket {ticket} | {moment}",
            f"[{moment}] {title} | v{version} #{ticket}",
            f"#{ticket} | {title} | v{version} | {moment}",
            f"{title} | #{ticket} | Version {version} | {_as_youtube_moment(moment)}",
            f"{title} ｜ HaloPSA v{version} ｜ Ticket ID: #{ticket} ｜ {moment}",
            f"{title} | {moment} | v{version} | {ticket}",
            f"{int(ticket) % 20 + 1}. {title} | v{version} #{ticket} | {moment}",
            f"➡️ {title} / v{version} / #{ticket} / {moment} – {moment}",
            f"{title} | v{version} #{', #'.join(plan.ticket_ids(feature))} | {moment}",
        )
        return reordered[int(ticket) % len(reordered)], None
    if plan.shape == NO_ID:
        return _no_id_line(feature)[0].format(title=title, version=version, moment=moment), None
    if plan.shape == HASH:
        return f"{title} #{ticket}", None
    if plan.shape == HASH_GLUED:
        return f"{title} #{ticket} {feature.summary}", feature.summary
    if plan.shape == PAREN:
        return f"· {title} ({ticket})", None
    return f"· {title} ({ticket}){feature.summary}", feature.summary


def _no_id_line(feature: FeaturePlan) -> tuple[str, bool, bool]:
    """The NO_ID line pattern a feature is written with, and whether it gives the version
    and the moment."""
    return _NO_ID_LINES[int(feature.ticket_id) % len(_NO_ID_LINES)]


def _as_youtube_moment(moment: str) -> str:
    """``4:12`` as a YouTube link writes it, ``4m12s`` (``1:02:15`` as ``1h02m15s``)."""
    *hours, minutes, seconds = moment.split(":")
    lead = f"{hours[0]}h" if hours else ""
    return f"{lead}{minutes}m{seconds}s"


def _intro(plan: PostPlan) -> list[str]:
    hosts = ", ".join(plan.hosts[:-1]) + f" and {plan.hosts[-1]}" if plan.hosts else "the team"
    verb = _VERBS[plan.number % len(_VERBS)]
    if len(plan.versions) == 1:
        versions = f"HaloPSA v{plan.versions[0]}"
    else:
        versions = f"the rest of HaloPSA v{plan.versions[0]} and the start of v{plan.versions[1]}"
    if plan.header in (BYLINE_NO_NUMBER, BARE):
        opening = f"This time {hosts} {verb} {versions}, one change at a time."
    elif plan.number % 2:
        opening = f"In Episode {plan.number} of By the [run]Book, {hosts} {verb} {versions}."
    else:
        opening = f"Episode {plan.number} sees {hosts} {verb} {versions}."
    lines = [opening]
    if plan.layout in (HIGHLIGHTS_FIRST, ONLY_BEFORE, MIDDLE):
        lines.append("These are the changes the hosts singled out:")
    return lines


# --- the post as a list of (kind, text) parts, then rendered ---------------------------------


def _parts(plan: PostPlan) -> list[tuple[str, str]]:
    """The post as (kind, text) parts: title, line, para, bullet, heading, feature, video."""
    year, month, day = plan.date
    date = f"{_MONTHS[month]} {day}, {year}"
    parts: list[tuple[str, str]] = []
    if plan.header == TITLE_FIRST:
        titles = (
            f"By the [run]Book: Episode {plan.number}",
            f"By the [run]Book Ep. {plan.number}: What v{plan.versions[0]} brings",
            f"By the [run]Book #{plan.number} – v{plan.versions[0]}",
            f"By The Runbook EP{plan.number}",
            f"By the [run]Book Podcast (Episode {plan.number})",
        )
        parts.append(("title", titles[plan.number % len(titles)]))
        parts += [("line", "By"), ("line", plan.author), ("line", date), ("line", "•")]
        parts += [("line", "12 min read"), ("line", "Share this post")]
    elif plan.header != BARE:
        parts += [("line", "By"), ("line", plan.author), ("line", date), ("line", "•")]
        parts += [("line", "15 min read")]
        parts += [("line", category) for category in _CATEGORIES[: 2 + plan.number % 3]]
        parts.append(("line", "No items found."))
    parts += [("para", text) for text in _intro(plan)]
    if plan.chapters:
        parts.append(("heading", "Chapters"))
        parts += [("para", f"{f.timestamp} – {f.title}") for f in plan.features[:3]]

    def listing(features: tuple[FeaturePlan, ...]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        current_version = None
        for feature in features:
            if plan.sub_headings and feature.version != current_version:
                current_version = feature.version
                headings = (
                    f"v{feature.version} Features",
                    f"What’s New in HaloPSA {feature.version}",
                    f"Version {feature.version} Updates",
                    f"New in v{feature.version}:",
                )
                out.append(("heading", headings[plan.number % len(headings)]))
            out.append(("feature", feature.ticket_id))
        return out

    video = [("video", "")]
    head, rest = plan.features[: plan.highlights], plan.features
    if plan.layout == AFTER_VIDEO:
        parts += video + [("heading", "Full Feature List")] + listing(rest)
    elif plan.layout == HIGHLIGHTS_FIRST:
        parts += listing(head) + video + [("heading", "Full Feature List")] + listing(rest)
    elif plan.layout == ONLY_BEFORE:
        parts += listing(rest) + video
    elif plan.layout == NO_VIDEO:
        parts += listing(rest)
    elif plan.layout == MIDDLE:
        parts += listing(head) + video + listing(plan.features[plan.highlights :])
    else:  # MENTIONS_HEADING
        parts += video + [("heading", "Important Mentions")] + listing(head)
        parts += [("heading", "Full Feature List")] + listing(rest)
    if plan.extras:
        other = plan.number + 1
        parts += [("bio", f"{plan.author} writes about running service desks.")]
        parts += [("heading", "See more of our recent posts"), ("line", "June 1, 2027")]
        parts += [("title", f"By the [run]Book: Episode {other}"), ("para", "A teaser.")]
        parts += [("line", "Read post")]
    return parts


def _feature_parts(plan: PostPlan, feature: FeaturePlan, last: bool) -> list[tuple[str, str]]:
    line, glued = _line(plan, feature)
    out = [("feature title", feature.title)] if plan.shape == SPLIT else []
    out.append(("feature line", line))
    if glued is None:
        out.append(("para", feature.summary))
    if not (last and plan.cut_off):
        out += [("bullet", bullet) for bullet in feature.bullets]
        if feature.why:
            out.append(("para", feature.why))
    return out


def render(plan: PostPlan) -> str:
    """The post as a plain-text capture or as Webflow-shaped HTML."""
    by_id = {f.ticket_id: f for f in plan.features}
    expanded: list[tuple[str, str]] = []
    parts = _parts(plan)
    last_feature = max(i for i, (kind, _) in enumerate(parts) if kind == "feature")
    for index, (kind, text) in enumerate(parts):
        if kind == "feature":
            expanded += _feature_parts(plan, by_id[text], last=index == last_feature)
        else:
            expanded.append((kind, text))
    if plan.extras and plan.element == TEXT:
        # A text capture has no rich-text element to tell the bio apart: leave it out.
        expanded = [(kind, text) for kind, text in expanded if kind != "bio"]
    page = _text(plan, expanded) if plan.element == TEXT else _html(plan, expanded)
    if plan.cut_off:
        # Stop mid-word inside the last feature's summary, the way a capture is cut short.
        summary = plan.features[-1].summary
        stop = page.rindex(html.escape(summary, quote=False) if plan.element != TEXT else summary)
        page = page[: stop + len(plan.cut_text)]
    return page


def _text(plan: PostPlan, parts: list[tuple[str, str]]) -> str:
    lines = []
    for kind, text in parts:
        if kind == "video":
            lines.append(f"Watch Now: By the [run]Book: Episode {plan.number}")
        elif kind == "bullet":
            lines.append(f"  • {text}")
        else:
            lines.append(text)
    return ("\n\n" if plan.blank_lines else "\n").join(lines) + "\n"


def _html(plan: PostPlan, parts: list[tuple[str, str]]) -> str:
    out = ["<!DOCTYPE html><html><head><title>Episode</title></head><body>"]
    out.append('<div class="w-condition-invisible"><p>Draft teaser #7777777 never shown</p></div>')
    rich = False
    bullets: list[str] = []

    def close_list() -> None:
        if bullets:
            out.append('<ul role="list">' + "".join(bullets) + "</ul>")
            bullets.clear()

    for kind, text in parts:
        escaped = html.escape(text, quote=False)
        if kind != "bullet":
            close_list()
        if kind == "title":
            out.append(f"<h1>{escaped}</h1>")
        elif kind == "line":
            out.append(f'<div class="post-meta">{escaped}</div>')
        elif kind == "para":
            if not rich:
                out.append('<div class="rich-text-3f9 w-richtext" data-rt="1">')
                rich = True
            out.append(f"<p>{escaped}</p>")
        elif kind == "heading":
            out.append(f"<h2>{escaped}</h2>")
        elif kind == "bio":
            out.append(f'</div><div class="author-bio"><p>{escaped}</p></div><div>')
        elif kind == "feature title":
            out.append(f"<h4>{escaped}</h4>" if plan.element != LI else f"<h3>{escaped}</h3>")
        elif kind == "bullet":
            if text[:1] in "⚠✅🚀":
                mark, _, rest = escaped.partition(" ")
                bullets.append(f"<li><strong>{mark}</strong> {rest}</li>")
            else:
                bullets.append(f"<li>{escaped}</li>")
        elif kind == "video":
            out.append(_video_html(plan))
        elif plan.element == P_STRONG:
            out.append(f"<p><strong>{escaped}</strong></p>")
        elif plan.element in (H3, H4):
            tag = plan.element
            out.append(f"<{tag}>{escaped}</{tag}>")
        else:
            out.append(f'<ul role="list"><li>{escaped}</li></ul>')
    close_list()
    out.append("</div></body></html>")
    return "\n".join(out)


def _video_html(plan: PostPlan) -> str:
    if plan.embedded_player:
        video_id = plan.video_url.rsplit("=", 1)[1]
        return (
            '<figure class="w-richtext-align-fullwidth w-richtext-figure-type-video" '
            f'data-rt-type="video" data-page-url="{plan.video_url}"><div>'
            f'<iframe allowfullscreen="true" frameborder="0" scrolling="no" '
            f'src="https://www.youtube.com/embed/{video_id}" title="Episode"></iframe>'
            "</div></figure>"
        )
    return (
        f'<p>Watch Now: <a href="{plan.video_url}">By the [run]Book: Episode {plan.number}</a></p>'
    )


# --- hypothesis strategies --------------------------------------------------------------------


@st.composite
def feature_plans(draw, versions: tuple[str, ...], count: int) -> tuple[FeaturePlan, ...]:
    """Features with distinct IDs and titles, grouped by version, timestamps rising."""
    ids = draw(
        st.lists(st.integers(100_000, 9_999_999), min_size=count, max_size=count, unique=True)
    )
    titles = draw(
        st.lists(
            st.tuples(st.sampled_from(_SUBJECTS), st.sampled_from(_CHANGES)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    split = draw(st.integers(1, count)) if len(versions) == 2 else count
    seconds = sorted(draw(st.lists(st.integers(5, 5400), min_size=count, max_size=count)))
    features = []
    for index in range(count):
        second = seconds[index] + index  # distinct and rising
        stamp = (
            f"{second // 3600}:{second % 3600 // 60:02d}:{second % 60:02d}"
            if second >= 3600
            else f"{second // 60}:{second % 60:02d}"
        )
        features.append(
            FeaturePlan(
                title=" ".join(titles[index]),
                ticket_id=str(ids[index]),
                version=versions[0] if index < split else versions[1],
                timestamp=stamp,
                summary=draw(st.sampled_from(_SUMMARIES)),
                bullets=tuple(draw(st.lists(st.sampled_from(_BULLETS), max_size=3, unique=True))),
                why=draw(st.sampled_from([None, *_WHYS])),
            )
        )
    return tuple(features)


@st.composite
def post_plans(draw) -> PostPlan:
    """Any post the builder can write."""
    minor = draw(st.integers(200, 260)) * 2
    versions = (f"2.{minor}",) if draw(st.booleans()) else (f"2.{minor}", f"2.{minor + 2}")
    count = draw(st.integers(1, 8))
    element = draw(st.sampled_from(ELEMENTS))
    shape = draw(st.sampled_from(SHAPES))
    layout = draw(st.sampled_from(LAYOUTS))
    highlights = draw(st.integers(1, count))
    ends_with_video = layout == ONLY_BEFORE or (layout == MIDDLE and highlights == count)
    cut_off = draw(st.booleans()) and not ends_with_video
    return PostPlan(
        number=draw(st.integers(1, 400)),
        author=f"{draw(st.sampled_from(_NAMES))} {draw(st.sampled_from(_SURNAMES))}",
        date=(draw(st.integers(2021, 2027)), draw(st.integers(0, 5)), draw(st.integers(1, 28))),
        hosts=tuple(draw(st.sampled_from([(), ("Ada", "Bram"), ("Cleo", "Dario", "Elin")]))),
        versions=versions,
        features=draw(feature_plans(versions, count)),
        highlights=highlights,
        header=draw(st.sampled_from(HEADERS)),
        layout=layout,
        shape=shape,
        element=element,
        sub_headings=shape != PIPE and len(versions) == 2 and draw(st.booleans()),
        blank_lines=draw(st.booleans()),
        cut_off=cut_off,
        embedded_player=element != TEXT and draw(st.booleans()),
        chapters=draw(st.booleans()),
        extras=draw(st.booleans()) and not cut_off,
    )
