"""Reading a post body into features: title lines, their summary and bullets, and notes.

A feature starts at a line carrying a ticket ID and owns the description and bullets
that follow, up to the next feature line or heading. Text that belongs to no feature
line (a capture that lost the title lines, boilerplate) becomes a note of the episode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.parse.blocks import BULLET, HEADING, Block
from crawler.parse.lines import HIGHLIGHTS, section_heading, ticket_line, version_heading
from crawler.parse.meta import is_more_posts_heading, is_share_line


@dataclass
class FeatureDraft:
    """A feature while its post is being read."""

    title: str
    ticket_id: str
    version: str | None
    timestamp: str | None
    highlighted: bool
    order: int
    summary: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    glued: bool = False  # the description came on the title line itself

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.version, self.ticket_id, self.timestamp)


@dataclass
class BodyReading:
    """What a post body gave: features in post order and the text left over."""

    features: list[FeatureDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_body(
    blocks: tuple[Block, ...] | list[Block], *, default_version: str | None
) -> BodyReading:
    """Read a post body (the blocks after its intro) into feature drafts and notes."""
    reading = BodyReading()
    current: FeatureDraft | None = None
    section_version: str | None = None
    highlighted = False
    for block in blocks:
        text = block.text
        if is_more_posts_heading(text):
            break  # the cards of other posts below the article
        if is_share_line(text):
            if reading.features or reading.notes:
                break  # the share row that closes the article; an author bio may follow
            continue
        section = section_heading(text)
        if section:
            current, section_version = None, None
            highlighted = section == HIGHLIGHTS
            continue
        heading_version = version_heading(text)
        if heading_version:
            current, section_version = None, heading_version
            continue
        line = ticket_line(text)
        if line:
            current = FeatureDraft(
                title=line.title,
                ticket_id=line.ticket_id,
                version=line.version or section_version or default_version,
                timestamp=line.timestamp,
                highlighted=highlighted,
                order=len(reading.features),
                summary=[line.rest] if line.rest else [],
                glued=bool(line.rest),
            )
            reading.features.append(current)
            continue
        if current is not None and block.kind == BULLET:
            current.bullets.append(text)
            continue
        if (
            current is not None
            and block.kind != HEADING
            and not current.glued
            and not current.bullets
        ):
            current.summary.append(text)
            continue
        # A paragraph after a feature's bullets, or after a description that came on the
        # title line, is not that feature's: captures lose title lines, and text whose
        # feature is unknown must not be pinned on the wrong one. Bullets after it neither.
        current = None
        reading.notes.append(text)
    return reading


def _merge_into(primary: FeatureDraft, other: FeatureDraft) -> None:
    """Fold a second listing of the same feature into the first, losing no text."""
    for title in (other.title, *other.aliases):
        if title != primary.title and title not in primary.aliases:
            primary.aliases.append(title)
    for paragraph in other.summary:
        if paragraph not in primary.summary:
            primary.summary.append(paragraph)
    for bullet in other.bullets:
        if bullet not in primary.bullets:
            primary.bullets.append(bullet)
    primary.highlighted = primary.highlighted or other.highlighted
    primary.order = min(primary.order, other.order)


def merge_listings(drafts: list[FeatureDraft]) -> list[FeatureDraft]:
    """One draft per feature, in post order: repeats of a key merge, and an "Important
    Mentions" entry merges into the full-list entry with the same ticket ID."""
    groups: dict[tuple, list[FeatureDraft]] = {}
    for draft in drafts:
        groups.setdefault(draft.key, []).append(draft)
    leaders: list[FeatureDraft] = []
    in_full_list: set[int] = set()
    for group in groups.values():
        # The full-list entry leads: its title is the full one, the headline an alias.
        full = [d for d in group if not d.highlighted]
        leader = full[0] if full else group[0]
        for draft in group:
            if draft is not leader:
                _merge_into(leader, draft)
        if full:
            in_full_list.add(id(leader))
        leaders.append(leader)

    full_by_id: dict[str, FeatureDraft] = {}
    for leader in leaders:
        if id(leader) in in_full_list:
            full_by_id.setdefault(leader.ticket_id, leader)
    result = []
    for leader in leaders:
        full = full_by_id.get(leader.ticket_id)
        if full is not None and id(leader) not in in_full_list:
            _merge_into(full, leader)
        else:
            result.append(leader)
    return sorted(result, key=lambda d: d.order)
