"""HaloPSA version numbers: reading them however a post writes them, and ordering them.

Every release the series covers has a three-digit minor number (2.190 onward). Posts
sometimes drop trailing zeros as if the version were a decimal number, so ``v2.21`` is
release 2.210: it sorts after 2.208 and before 2.212. A canonical version is the string
``"<major>.<minor as three digits>"``, with ``".<patch>"`` when the text gives a patch other
than 0. Only ASCII digits count.
"""

import re

# In free text a version has a one-digit major and is not part of a price or a longer number.
VERSION_PATTERN = re.compile(
    r"(?<![\w.$£€])v?(\d)\.(\d{1,3})(?:\.(\d{1,4}))?(?!\w|\.\d)", re.I | re.ASCII
)
_FULL = re.compile(r"\s*(?:version\s*)?v?(\d{1,2})\.(\d{1,3})(?:\.(\d{1,4}))?\s*", re.I | re.ASCII)


def _canonical(major: str, minor: str, patch: str | None) -> str:
    text = f"{int(major)}.{minor.ljust(3, '0')}"
    return f"{text}.{int(patch)}" if patch and int(patch) else text


def canonical_version(text: str | None) -> str | None:
    """Return the canonical form of a version written alone (``v2.21`` -> ``2.210``), or None."""
    if not text:
        return None
    match = _FULL.fullmatch(text)
    return _canonical(*match.groups()) if match else None


def find_versions(text: str) -> list[str]:
    """Return the canonical versions named in free text, in order of first appearance."""
    found: list[str] = []
    for match in VERSION_PATTERN.finditer(text):
        version = _canonical(*match.groups())
        if version not in found:
            found.append(version)
    return found


def version_key(version: str | None) -> int:
    """Return an integer that sorts canonical versions in release order (None sorts first)."""
    canonical = canonical_version(version)
    if canonical is None:
        return -1
    parts = [int(part) for part in canonical.split(".")] + [0]
    major, minor, patch = parts[:3]
    return major * 10_000_000 + minor * 10_000 + patch
