"""Fixtures shared by every test tier. The demo warehouse is built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A warehouse built by `seip demo` (synthetic exports + DfE reference data), read-only by convention."""
    from dashboard.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "seip.duckdb"
    # exports go to the test's own folder: parallel test workers must not share data/demo/
    result = build_demo(path, folder / "exports")
    assert result.ok, result.summary()
    # A governor's figures need the disclosure audit's cells for every year (worked out once per
    # warehouse, kept in a file beside it): work them out here, not inside a page's time limit.
    from dashboard import access, warehouse
    from dashboard.settings import Settings

    con = warehouse.open_read_only(path)
    try:
        access.metrics(con, access.Viewer("tests", "governor"), Settings(db_path=path))
    finally:
        con.close()
    return path


METRICS_SMALL = Path(__file__).resolve().parent / "fixtures" / "metrics_small"


@pytest.fixture(scope="session")
def metrics_db(tmp_path_factory) -> Path:
    """A warehouse holding tests/fixtures/metrics_small (export + DfE rows), imported by the real importer.

    Every metric of this fixture is worked out by hand in tests/metrics/; read it, never write it.
    """
    from dashboard.load import import_paths

    path = tmp_path_factory.mktemp("metrics_small") / "seip.duckdb"
    result = import_paths([METRICS_SMALL, *sorted((METRICS_SMALL / "reference").glob("*.csv"))], path)
    assert result.ok, result.summary()
    assert not result.warnings, [p.as_text() for p in result.warnings]
    return path
