"""Imports point one way, with the flow of data: crawler -> store -> index -> webapp.

Every import statement of every module is read, those inside functions included (a lazy
import is still a dependency), so a module that reaches back up the flow fails here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The modules every stage reads: they sit where the flow starts.
BASE_MODULES = (
    "crawler.errors",
    "crawler.records",
    "crawler.record_check",
    "crawler.versions",
    "crawler.store",
)
UPSTREAM = {"crawler": ("index", "webapp"), "index": ("webapp",)}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The modules one file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def imports_of(package: str) -> dict[str, set[str]]:
    return {module_name(path): imported(path) for path in sorted((ROOT / package).rglob("*.py"))}


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def reaches_up(module: str, name: str) -> bool:
    """True when ``module`` importing ``name`` goes against the flow."""
    if module in BASE_MODULES:  # only each other, nothing else of the project
        project = any(within(name, package) for package in ("crawler", "index", "webapp"))
        return project and not any(within(name, base) for base in BASE_MODULES)
    return any(within(name, stage) for stage in UPSTREAM[module.split(".")[0]])


@pytest.mark.parametrize("package", sorted(UPSTREAM))
def test_no_module_imports_a_stage_above_its_own(package):
    upstream = {
        (module, name)
        for module, names in imports_of(package).items()
        for name in names
        if reaches_up(module, name)
    }
    assert upstream == set()


def test_the_page_cache_does_not_import_the_app_factory_that_installs_it():
    pagecache = imports_of("webapp")["webapp.pagecache"]
    assert {name for name in pagecache if within(name, "webapp.app")} == set()
