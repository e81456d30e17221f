"""What a store line may hold: each field's type, and numbers within what the index can hold.

The store files are the source of truth, but a hand edit, a merge or an older version can put
anything in them. Every line is checked against these rules when it is read, so a bad value
is reported with its line before any index writer starts, never halfway through a build.
"""

from __future__ import annotations

from typing import Any

# The index keeps episode numbers, seconds and positions in signed 32-bit columns.
INDEX_INT_MAX = 2**31 - 1

_STR = (str,)
_OPT_STR = (str, type(None))
_STR_LIST = "list of strings"
_COUNT = "count"  # a whole number from 0 to INDEX_INT_MAX
_OPT_COUNT = "count or null"

# field -> (required, rule); a rule is a tuple of types or one of the names above.
EPISODE_FIELDS: dict[str, tuple[bool, Any]] = {
    "episode": (True, _COUNT),
    "title": (True, _STR),
    "url": (True, _STR),
    "date": (False, _OPT_STR),
    "video_url": (False, _OPT_STR),
    "versions": (False, _STR_LIST),
    "hosts": (False, _STR_LIST),
    "author": (False, _OPT_STR),
    "summary": (False, _STR),
    "notes": (False, _STR_LIST),
    "unparsed_ids": (False, _STR_LIST),
    "status": (False, _STR),
}
FEATURE_FIELDS: dict[str, tuple[bool, Any]] = {
    "key": (False, _STR),
    "title": (True, _STR),
    "url": (True, _STR),
    "episode": (False, _OPT_COUNT),
    "ticket_id": (False, _OPT_STR),
    "version": (False, _OPT_STR),
    "timestamp": (False, _OPT_STR),
    "seconds": (False, _OPT_COUNT),
    "aliases": (False, _STR_LIST),
    "summary": (False, _STR),
    "bullets": (False, _STR_LIST),
    "flags": (False, _STR_LIST),
    "highlighted": (False, (bool,)),
    "position": (False, _COUNT),
}
_TYPE_NAMES = {str: "a string", bool: "true or false", type(None): "null"}


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field_problem(name: str, value: Any, rule: Any) -> str | None:
    if rule == _STR_LIST:  # null reads as an empty list
        if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return None
        return f'"{name}" must be a list of strings'
    if rule in (_COUNT, _OPT_COUNT):
        if value is None and rule == _OPT_COUNT:
            return None
        if not _is_count(value):
            return f'"{name}" must be a whole number' + (" or null" if rule == _OPT_COUNT else "")
        if not 0 <= value <= INDEX_INT_MAX:
            return f'"{name}" is {value}, outside 0 to {INDEX_INT_MAX} (what the index can hold)'
        return None
    if isinstance(value, rule):
        return None
    return f'"{name}" must be ' + " or ".join(_TYPE_NAMES[kind] for kind in rule)


def line_problem(data: dict, fields: dict[str, tuple[bool, Any]]) -> str | None:
    """What is wrong with one store line under ``fields`` (None when nothing is)."""
    for name, (required, rule) in fields.items():
        if name not in data:
            if required:
                return f'no "{name}"'
            continue
        problem = _field_problem(name, data[name], rule)
        if problem:
            return problem
    return None
