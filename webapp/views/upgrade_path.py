"""The upgrade path: which versions lie between the one an admin runs and the target, and their
features. One data function serves the page, its JSON, Markdown and CSV twins and its feeds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from index import FeaturePage, IndexReader, QueryError, canonical_version, version_key
from webapp.views.helpers import ATTENTION_FLAGS, completeness

ALL_FEATURES = 1_000_000  # a page size that holds every feature of any range


@dataclass(frozen=True)
class UpgradeRange:
    """The versions after ``version_from`` (the one run) up to and including ``version_to``."""

    version_from: str | None  # None: from the oldest version the archive knows
    version_to: str
    versions: tuple[str, ...]  # the known versions in the range, in release order

    @property
    def label(self) -> str:
        """``v2.208 to v2.216``, or ``up to v2.216`` without a starting version."""
        start = f"v{self.version_from} to " if self.version_from else "up to "
        return f"{start}v{self.version_to}"


def known_versions(reader: IndexReader) -> list[str]:
    """Every version the archive names, in release order: on a feature, in an episode's
    intro (its ``versions``) or in imported release notes."""
    found = {count.value for count in reader.versions()}
    for episode in reader.episodes():
        found.update(episode.versions)
    found.update(hit.version for hit in reader.release_notes() if hit.version)
    return sorted(found, key=version_key)


def release_before(versions: list[str]) -> str | None:
    """The release just before the oldest known one, at the spacing of the known releases.

    The series numbers its releases 2.210, 2.212, 2.214...: an admin on the release before the
    oldest one the archive knows needs every feature it has. None without two versions to
    measure the spacing by, or when the step would go below .000.
    """
    plain = [v for v in versions if v.count(".") == 1]
    if len(plain) < 2:
        return None
    minors = [(int(v.split(".")[0]), int(v.split(".")[1])) for v in plain]
    steps = [b[1] - a[1] for a, b in zip(minors, minors[1:], strict=False) if a[0] == b[0]]
    step = min((s for s in steps if s > 0), default=0)
    major, minor = minors[0]
    if not step or minor - step < 0:
        return None
    return f"{major}.{minor - step:03d}"


def _version_arg(args: Mapping[str, str], name: str) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    version = canonical_version(value)
    if version is None:
        raise QueryError(
            f"'{value[:40]}' is not a HaloPSA version for '{name}'. Write it like v2.210."
        )
    return version


def upgrade_range(reader: IndexReader, args: Mapping[str, str]) -> UpgradeRange:
    """Read ``from`` and ``to``; a missing ``to`` is the newest version, a missing ``from`` the
    oldest. Raises QueryError for versions that cannot be read or are in the wrong order."""
    version_from, version_to = _version_arg(args, "from"), _version_arg(args, "to")
    known = known_versions(reader)
    if version_to is None:
        if not known:
            raise QueryError("The archive knows no versions yet, so there is no upgrade path.")
        version_to = known[-1]
        if version_from and version_key(version_from) >= version_key(version_to):
            raise QueryError(
                f"v{version_from} is the newest version the archive knows (v{version_to} is): "
                "there is nothing to upgrade to yet."
            )
    if version_from and version_key(version_from) >= version_key(version_to):
        raise QueryError(
            f"'from' (v{version_from}) must be an older version than 'to' (v{version_to})."
        )
    low = version_key(version_from) if version_from else -1
    high = version_key(version_to)
    inside = tuple(v for v in known if low < version_key(v) <= high)
    return UpgradeRange(version_from, version_to, inside)


def upgrade_features(
    reader: IndexReader, span: UpgradeRange, *, page: int = 1, page_size: int = ALL_FEATURES
) -> FeaturePage:
    """The range's features, one per ticket, those needing attention first, then by release."""
    return reader.version_features(
        list(span.versions),
        page=page,
        page_size=page_size,
        first_flags=ATTENTION_FLAGS,
        fullest=completeness,
    )
