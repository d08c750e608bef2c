"""Fixtures shared by every test tier. The demo warehouse is built once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A warehouse built by `seip demo` (synthetic exports + DfE reference data), read-only by convention."""
    from dashboard.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "seip.duckdb"
    result = build_demo(path)
    assert result.ok, result.summary()
    return path
