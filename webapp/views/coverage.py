"""Coverage: for each version's release notes, what the show discussed and what it did not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from flask import Blueprint, render_template

from index import Hit, version_key
from webapp.app import current_reader

bp = Blueprint("coverage", __name__)


@dataclass
class VersionCoverage:
    """One version's release-note features, sorted by what the show did with them."""

    version: str | None
    at_length: list[tuple[Hit, list[Hit]]] = field(default_factory=list)
    full_list_only: list[tuple[Hit, list[Hit]]] = field(default_factory=list)
    not_discussed: list[Hit] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many release-note features the version has."""
        return len(self.at_length) + len(self.full_list_only) + len(self.not_discussed)


def coverage_by_version(notes: list[Hit], discussed: list[Hit]) -> list[VersionCoverage]:
    """Match release-note features to episode features by ticket ID, per version."""
    moments: dict[str, list[Hit]] = defaultdict(list)
    for hit in discussed:
        if hit.ticket_id and hit.episode is not None:
            moments[hit.ticket_id].append(hit)
    result = []
    notes = sorted(notes, key=lambda hit: (version_key(hit.version), hit.ticket_id or ""))
    for version, group in groupby(notes, key=lambda hit: hit.version):
        row = VersionCoverage(version)
        for note in group:
            found = moments.get(note.ticket_id or "", [])
            if any(hit.highlighted for hit in found):
                row.at_length.append((note, found))
            elif found:
                row.full_list_only.append((note, found))
            else:
                row.not_discussed.append(note)
        result.append(row)
    return result


@bp.get("/coverage")
def coverage():
    """Per version: release-note features discussed (episode and minute), listed only, or not."""
    reader = current_reader()
    discussed = [hit for info in reader.episodes() for hit in reader.episode_features(info.episode)]
    rows = coverage_by_version(reader.release_notes(), discussed)
    return render_template("coverage/coverage.html", rows=rows)
