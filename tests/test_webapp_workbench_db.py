"""The workbench database: WAL mode, its schema version, migrations, and a clear refusal."""

from __future__ import annotations

import sqlite3

import pytest

from webapp.workbench.db import SCHEMA_VERSION, WorkbenchDatabaseError, connect, schema_version


def test_a_new_database_is_in_wal_mode_at_the_current_schema_version(tmp_path):
    connection = connect(tmp_path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(connection) == SCHEMA_VERSION >= 1
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"editors", "drafts", "items", "login_attempts", "settings"} <= tables


def test_opening_again_keeps_the_data_and_runs_no_migration_twice(tmp_path):
    connection = connect(tmp_path)
    connection.execute("INSERT INTO settings (name, value) VALUES ('kept', 'yes')")
    connection.close()
    again = connect(tmp_path)
    assert again.execute("SELECT value FROM settings WHERE name = 'kept'").fetchone()[0] == "yes"
    assert schema_version(again) == SCHEMA_VERSION


def test_a_database_from_a_newer_halonotes_is_refused_untouched(tmp_path):
    connect(tmp_path).close()
    with sqlite3.connect(tmp_path / "workbench.sqlite") as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = (tmp_path / "workbench.sqlite").read_bytes()
    with pytest.raises(WorkbenchDatabaseError, match="newer than this halonotes"):
        connect(tmp_path)
    assert (tmp_path / "workbench.sqlite").read_bytes() == before
