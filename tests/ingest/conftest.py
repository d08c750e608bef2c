"""Fixtures of the ingest tests: a warehouse that already holds the clean export."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import write_export

from dashboard.load import import_paths


@pytest.fixture(scope="session")
def _clean_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clean") / "seip.duckdb"
    result = import_paths([write_export(tmp_path_factory.mktemp("export"))], path)
    assert result.ok and result.changed, result.summary()
    return path


@pytest.fixture
def clean_db(_clean_db, tmp_path) -> Path:
    """A private copy of a warehouse holding the clean export."""
    path = tmp_path / "db" / "seip.duckdb"
    path.parent.mkdir()
    path.write_bytes(_clean_db.read_bytes())
    return path
