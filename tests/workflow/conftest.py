"""Fixtures for the commissioner's working loop: private warehouses (with their stores) the
tests may change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def small_copy(tmp_path, metrics_db) -> Path:
    """A private copy of the small warehouse (tests/fixtures/metrics_small), no store yet."""
    return Path(shutil.copyfile(metrics_db, tmp_path / "seip.duckdb"))


@pytest.fixture
def demo_copy(tmp_path, demo_db) -> Path:
    """A private copy of the demo warehouse, no store yet."""
    return Path(shutil.copyfile(demo_db, tmp_path / "seip.duckdb"))
