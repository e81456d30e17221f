"""Helpers for round-trip tests: import a saved file with ``halonotes import``, read the store."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from webapp.cli import cli

# What a post says about each feature, compared field by field after a round trip.
FEATURE_FIELDS = (
    "ticket_id",
    "version",
    "timestamp",
    "title",
    "summary",
    "bullets",
    "flags",
    "highlighted",
    "aliases",
)


def halonotes_import(path: Path, data_dir: Path) -> str:
    """Run ``halonotes import PATH --data DIR`` and return its output; fail on a non-zero exit."""
    result = CliRunner().invoke(cli, ["import", "--data", str(data_dir), str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def stored_features(data_dir: Path, episode: int) -> dict[str, dict]:
    """An episode's stored features by ticket ID, with only the fields a post states."""
    lines = (data_dir / "features.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return {
        r["ticket_id"]: {name: r[name] for name in FEATURE_FIELDS}
        for r in records
        if r["episode"] == episode
    }
