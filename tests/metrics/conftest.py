"""Settings and a read-only connection on the metrics_small warehouse (`metrics_db`, tests/conftest.py)."""

from __future__ import annotations

import pytest

from dashboard import warehouse
from dashboard.settings import Settings


@pytest.fixture
def settings(metrics_db) -> Settings:
    """Default settings (Leicestershire 855, pupil weight 0.5, suppress 1-4) on the fixture warehouse."""
    return Settings(db_path=metrics_db)


@pytest.fixture
def con(metrics_db):
    connection = warehouse.open_read_only(metrics_db)
    yield connection
    connection.close()
