"""Fixtures for the reference-data tests."""

from __future__ import annotations

import pytest
from reference_helpers import SHIPPED, read

from dashboard.ingest import reference


@pytest.fixture(scope="module")
def shipped() -> dict[str, reference.RefFile]:
    """Each shipped file, read once per module, by file name."""
    return {path.name: read(path) for path in SHIPPED}
