"""Fixtures for the reference-data tests."""

from __future__ import annotations

import pytest
from reference_helpers import SHIPPED, read

from dashboard.ingest import reference


@pytest.fixture(scope="module")
def shipped() -> dict[str, reference.RefFile]:
    """Each shipped file, read once per module, by kind."""
    return {ref.kind: ref for ref in map(read, SHIPPED)}
