"""Each package keeps to its job: the store and the site never load the crawler's Scrapy."""

import subprocess
import sys

import pytest


def modules_after_import(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", ["crawler.records", "crawler.store", "crawler.versions"])
def test_record_and_store_modules_never_import_scrapy(module):
    assert "scrapy" not in modules_after_import(f"import {module}")


def test_the_command_group_loads_no_subcommand_until_one_is_run():
    loaded = modules_after_import("import webapp.cli")
    assert not {"scrapy", "flask", "whoosh"} & loaded
