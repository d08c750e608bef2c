"""Fixtures for the AppTest tier: warehouses the tests may change."""

from __future__ import annotations

import shutil

import pytest

from dashboard import warehouse


@pytest.fixture
def synthetic_copy(demo_db, tmp_path):
    """A private copy of the demo warehouse, for tests that change it."""
    path = tmp_path / "seip.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture
def empty_db(tmp_path):
    """A warehouse with the schema and no data at all, flagged synthetic so no sign-in is needed."""
    path = tmp_path / "empty.duckdb"
    with warehouse.rewrite(path) as con:
        con.execute("insert or replace into meta values ('synthetic', 'true')")
    return path
