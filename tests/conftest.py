"""Fixtures shared by every test module."""

from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The captured blog pages in ../shared/seeds (read at run time, never copied)."""
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"Seed pages not found at {SEEDS_DIR}: clone the project beside shared/.")
    return SEEDS_DIR
