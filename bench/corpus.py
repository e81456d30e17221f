"""A seeded synthetic corpus of episodes and features shaped like the blog's, for benchmarks.

Each episode discusses 50 features over two or three consecutive HaloPSA versions, in video
order: titles of 6 to 25 words, a summary sentence, two to four bullets, callout flags on about
one feature in ten and a seven-digit ticket ID. Words are drawn with a skewed frequency, as in
real release notes, where "ticket" is everywhere and "Avalara" is rare. The same seed always
gives the same records, so two runs (and two engines) see identical data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from crawler.records import FLAGS, Episode, Feature, timestamp_seconds
from crawler.store import Store

FEATURES_PER_EPISODE = 50
VERSIONS = tuple(f"2.{minor}" for minor in range(190, 241, 2))  # canonical, release order
FIRST_EPISODE_DATE = date(2021, 1, 5)
POST_URL = "https://www.risingtidegroup.net/thoughts/by-the-run-book-episode-{number}"
VIDEO_URL = "https://www.youtube.com/watch?v=bench{number:06d}"
_TICKET_STRIDE = 7_368_787  # coprime to 9,000,000, so feature n gets a ticket no other has

# Things a HaloPSA release changes, most common first.
OBJECTS = (
    "ticket",
    "invoice",
    "asset",
    "client",
    "agent",
    "ticket type",
    "recurring invoice",
    "SLA",
    "contract",
    "email template",
    "custom field",
    "mailbox",
    "report",
    "dashboard",
    "quote",
    "runbook",
    "workflow",
    "portal page",
    "end-user",
    "site",
    "webhook",
    "API endpoint",
    "timesheet",
    "appointment",
    "project",
    "opportunity",
    "sales order",
    "purchase order",
    "credit note",
    "billing plan",
    "approval process",
    "knowledge base article",
    "canned text",
    "chat flow",
    "lookup code",
    "supplier",
    "stock item",
    "service request",
    "team",
    "priority",
)
INTEGRATIONS = (
    "Xero",
    "QuickBooks Online",
    "Datto RMM",
    "Intune",
    "Microsoft Teams",
    "Azure AD",
    "NinjaOne",
    "Stripe",
    "Sage Intacct",
    "IT Glue",
    "Jira",
    "HubSpot",
    "Auvik",
    "Twilio",
    "Avalara",
    "N-able",
)
OPENERS = (
    "Added an option to {verb} the {obj}",
    "New setting to {verb} each {obj}",
    "Improved how agents {verb} a {obj}",
    "Fixed an issue where the {obj} could not {verb}",
    "You can now {verb} the {obj}",
    "Admins can {verb} every {obj}",
    "Allowed technicians to {verb} the {obj}",
    "The {obj} screen can now {verb}",
)
VERBS = (
    "archive",
    "clone",
    "merge",
    "export",
    "schedule",
    "approve",
    "filter",
    "sync",
    "preview",
    "restrict",
    "reassign",
    "bulk edit",
    "recalculate",
    "notify",
    "lock",
    "import",
)
CLAUSES = (
    "from the {obj} list",
    "when a {obj} is linked to a {obj2}",
    "for each {obj2}",
    "through the {integration} integration",
    "without leaving the {obj2} details",
    "based on the {obj2} status",
    "in the agent app",
    "on the self-service portal",
    "using the public API",
    "after the SLA target is breached",
    "so billing totals stay correct",
    "with a new column in the {obj2} table",
    "during the nightly {integration} sync",
    "when the mailbox receives a reply",
    "as part of a runbook step",
    "and record the change in the audit log",
    "for recurring billing cycles",
    "before the invoice is posted to {integration}",
)
SUMMARIES = (
    "Gives {actor} a quicker way to {verb} the {obj} {clause}.",
    "Reduces manual steps for {actor} who {verb} a {obj} {clause}.",
    "Makes {obj} handling more predictable {clause}.",
    "Closes a gap that forced {actor} to {verb} each {obj} by hand {clause}.",
)
ACTORS = (
    "agents",
    "admins",
    "service desk leads",
    "finance teams",
    "engineers",
    "account managers",
)
BULLETS = (
    "Useful for {actor} who manage many {obj} records",
    "Saves clicks when the {obj} queue is busy",
    "Check {obj} permissions after upgrading",
    "Works with the {integration} connector too",
    "Existing {obj} settings are kept",
    "Pairs well with a {obj2} runbook",
    "Visible in reports once enabled",
    "Helps keep the {obj2} history tidy",
    "Lets the portal show the {obj} to end-users",
    "Handy for MSPs with several {obj2} layouts",
)
CALLOUTS = {
    "caution": "Caution: review existing {obj} rules before turning this on",
    "recommended": "Recommended: switch this on for every {obj} queue",
    "impactful": "Impactful: changes how each {obj} is totalled",
    "not_enabled_by_default": "Not enabled by default: find it under the {obj} settings",
}
FLAG_WEIGHTS = (6, 2, 1, 1)  # caution is the most common callout
HOSTS = ("Connor", "Robbie", "Jess", "Priya")
# Words an admin might type: common and rare nouns, plurals and verb forms for the stemmer.
QUERY_WORDS = (
    "ticket",
    "tickets",
    "invoice",
    "invoices",
    "invoicing",
    "recurring",
    "billing",
    "asset",
    "assets",
    "sla",
    "contract",
    "mailbox",
    "email",
    "template",
    "runbook",
    "workflow",
    "portal",
    "api",
    "webhook",
    "dashboard",
    "report",
    "quote",
    "timesheet",
    "appointment",
    "project",
    "opportunity",
    "supplier",
    "approval",
    "xero",
    "quickbooks",
    "datto",
    "intune",
    "teams",
    "stripe",
    "avalara",
    "hubspot",
    "archive",
    "merge",
    "export",
    "schedule",
    "sync",
    "preview",
    "audit",
    "nightly",
    "technicians",
    "recalculate",
)


@dataclass(frozen=True)
class CorpusInfo:
    """What was written to a store: counts, and the values queries can pick from."""

    episodes: int
    features: int
    ticket_ids: tuple[str, ...]


def _skewed(rng: random.Random, values: tuple[str, ...]) -> str:
    """A value with probability falling off as 1/rank (a few values are everywhere)."""
    weights = [1.0 / (rank + 1) for rank in range(len(values))]
    return rng.choices(values, weights=weights)[0]


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    values = {
        "obj": _skewed(rng, OBJECTS),
        "obj2": _skewed(rng, OBJECTS),
        "verb": rng.choice(VERBS),
        "integration": _skewed(rng, INTEGRATIONS),
        "actor": rng.choice(ACTORS),
    }
    values.update(extra)
    return template.format(**values)


def _title(rng: random.Random) -> str:
    wanted = rng.randint(6, 25)
    words = _fill(rng, rng.choice(OPENERS)).split()
    while len(words) < wanted:
        words += _fill(rng, rng.choice(CLAUSES)).split()
    return " ".join(words[:wanted])


def _timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _episode_versions(number: int, episodes: int) -> tuple[str, ...]:
    """Two or three consecutive versions, moving through the range as episodes go by."""
    first = min(len(VERSIONS) - 1, (number - 1) * len(VERSIONS) // max(episodes, 1))
    count = 3 if number % 4 == 0 else 2
    return VERSIONS[first : first + count]


def episode_records(number: int, *, episodes: int, features: int, seed: int) -> tuple:
    """One episode (number from 1) of a corpus of ``episodes`` episodes, with its features."""
    rng = random.Random(f"{seed}:{number}")
    versions = _episode_versions(number, episodes)
    url = POST_URL.format(number=number)
    video = VIDEO_URL.format(number=number)
    episode = Episode(
        episode=number,
        title=f"By the [run]Book: Episode {number}",
        url=url,
        date=(FIRST_EPISODE_DATE + timedelta(days=7 * (number - 1))).isoformat(),
        video_url=video,
        versions=versions,
        hosts=tuple(rng.sample(HOSTS, 2)),
        summary=_fill(
            rng,
            "This episode walks through {count} releases, with {obj} changes.",
            count=str(len(versions)),
        ),
    )
    records = []
    seconds = rng.randint(60, 180)
    for position in range(features):
        index = (number - 1) * FEATURES_PER_EPISODE + position
        version = versions[position * len(versions) // features]
        timestamp = _timestamp(seconds)
        flags = ()
        bullets = [_fill(rng, rng.choice(BULLETS)) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.10:
            flag = rng.choices(FLAGS, weights=FLAG_WEIGHTS)[0]
            flags = (flag,)
            bullets.append(_fill(rng, CALLOUTS[flag]))
        title = _title(rng)
        highlighted = rng.random() < 0.05
        aliases = (" ".join(title.split()[:5]),) if highlighted else ()
        ticket = (
            None if rng.random() < 0.02 else str(1_000_000 + index * _TICKET_STRIDE % 9_000_000)
        )
        records.append(
            Feature(
                title=title,
                url=url,
                episode=number,
                ticket_id=ticket,
                version=version,
                timestamp=timestamp,
                seconds=timestamp_seconds(timestamp),
                aliases=aliases,
                summary=_fill(rng, rng.choice(SUMMARIES), clause=_fill(rng, rng.choice(CLAUSES))),
                bullets=tuple(bullets),
                flags=flags,
                highlighted=highlighted,
                position=position,
            )
        )
        seconds += rng.randint(20, 110)
    return episode, records


def write_corpus(data_dir: Path, size: int, *, seed: int = 4) -> CorpusInfo:
    """Write ``size`` features (50 per episode) into the store in ``data_dir``."""
    count = -(-size // FEATURES_PER_EPISODE)
    episodes, features = [], []
    for number in range(1, count + 1):
        wanted = min(FEATURES_PER_EPISODE, size - (number - 1) * FEATURES_PER_EPISODE)
        episode, records = episode_records(number, episodes=count, features=wanted, seed=seed)
        episodes.append(episode)
        features.extend(records)
    Store(data_dir).merge(episodes, features)
    tickets = tuple(f.ticket_id for f in features if f.ticket_id)
    return CorpusInfo(episodes=count, features=len(features), ticket_ids=tickets)


def next_episode(info: CorpusInfo, *, seed: int = 4) -> tuple[Episode, list[Feature]]:
    """The episode after the corpus's last, with a full 50 features (the update benchmark)."""
    number = info.episodes + 1
    return episode_records(number, episodes=number, features=FEATURES_PER_EPISODE, seed=seed)
