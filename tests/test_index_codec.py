"""index/codec.py: the one module that reaches Whoosh's private names, and the index it writes."""

import ast
import warnings
from array import array
from importlib import metadata
from pathlib import Path

import whoosh
from whoosh.query import Or, Term

import index.codec
from index.build import index_path, open_index, rebuild_index
from index.schema import TEXT_FIELDS, text_analyzer
from tests.index_data import write_store

ROOT = Path(__file__).resolve().parent.parent


def private_names(tree: ast.AST) -> set[str]:
    """The non-dunder names starting with "_" that a module defines or assigns as attributes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def whoosh_private_names() -> set[str]:
    found = set()
    with warnings.catch_warnings():  # Whoosh's sources have invalid escapes in strings
        warnings.simplefilter("ignore")
        for path in Path(whoosh.__file__).parent.rglob("*.py"):
            found |= private_names(ast.parse(path.read_text(encoding="utf-8")))
    return found


def reached(path: Path, whoosh_private: set[str]) -> set[str]:
    """Whoosh's private names a module imports or reads, other than those it defines itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = private_names(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found.update(a.name for a in node.names if a.name.startswith("_"))
        elif isinstance(node, ast.Attribute) and node.attr in whoosh_private - own:
            found.add(node.attr)
    return found


def test_only_the_codec_reaches_whoosh_private_names():
    whoosh_private = whoosh_private_names()
    reaching = {
        str(path.relative_to(ROOT))
        for package in ("crawler", "index", "webapp")
        for path in sorted((ROOT / package).rglob("*.py"))
        if reached(path, whoosh_private)
    }
    assert reaching == {"index/codec.py"}


def test_the_codec_names_the_whoosh_version_it_was_checked_against():
    installed = metadata.version("Whoosh-Reloaded")
    assert f"Whoosh-Reloaded {installed}" in index.codec.__doc__
    names = reached(ROOT / "index" / "codec.py", whoosh_private_names())
    assert names and all(f"``{name}``" in index.codec.__doc__ for name in names)


def test_a_second_searcher_scores_with_the_lengths_the_first_loaded(tmp_path, monkeypatch):
    """Every thread has a searcher of its own: the field lengths scoring reads are loaded once
    a segment, not once a searcher (else each thread's first search on a new generation
    loads them again, most of a second a field at 100,000 features)."""
    write_store(tmp_path)
    rebuild_index(tmp_path)
    loaded = []

    def counted_array(typecode, values=()):
        made = array(typecode, values)
        loaded.append(typecode)
        return made

    monkeypatch.setattr("index.codec.array", counted_array)
    ix = open_index(index_path(tmp_path))
    stem = next(iter(text_analyzer()("recurring"))).text
    query = Or([Term(name, stem) for name in TEXT_FIELDS])
    with ix.searcher() as first:
        assert first.search(query, limit=None).scored_length()
    assert loaded
    loaded.clear()
    with ix.searcher() as second:
        assert second.search(query, limit=None).scored_length()
    assert loaded == []
