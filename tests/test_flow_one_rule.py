"""A rule the site applies in many places is written in one: the sort order of features, the
LRU cache and the reading of the search parameters."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "index", "webapp")


def modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def subscripted(node: ast.AST) -> set[str]:
    """The names indexed inside ``node`` (``episode`` for ``episode[d]``, ``tables.episode[d]``)."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            target = sub.value
            if isinstance(target, ast.Name):
                names.add(target.id)
            elif isinstance(target, ast.Attribute):
                names.add(target.attr)
    return names


def test_no_sort_key_spells_out_the_newest_episode_then_post_order():
    spelled = [
        f"{path}:{node.lineno}"
        for path, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Lambda | ast.FunctionDef)
        and {"episode", "position"} <= subscripted(node)
    ]
    assert spelled == []  # they read Tables.newest_key


def test_one_module_evicts_least_recently_used_entries():
    evicting = {
        path
        for path, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "popitem"
        and any(k.arg == "last" for k in node.keywords)
    }
    assert evicting == {"index/cache.py"}


def test_search_parameters_are_read_by_one_function():
    defined = [
        path
        for path, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "search_args"
    ]
    assert defined == ["webapp/responses.py"]
