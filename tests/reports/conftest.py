"""A small warehouse for report tests: the hand-checked metrics_small export, with one provider
renamed to a spreadsheet formula (as a hostile or careless export might name it)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from report_helpers import FORMULA_PROVIDER, METRICS_SMALL


@pytest.fixture(scope="session")
def report_db(tmp_path_factory) -> Path:
    """metrics_small imported by the real importer, with 'Bridge AP Ltd' renamed FORMULA_PROVIDER.

    Reports write audit entries beside it, so it is this package's own, not tests/conftest.py's.
    """
    from dashboard.load import import_paths

    folder = tmp_path_factory.mktemp("report_export")
    export = folder / "export"
    shutil.copytree(METRICS_SMALL, export)
    with (METRICS_SMALL / "placements.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["provider_name"] == "Bridge AP Ltd":
            row["provider_name"] = FORMULA_PROVIDER
    with (export / "placements.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "seip.duckdb"
    result = import_paths([export, *sorted((export / "reference").glob("*.csv"))], path)
    assert result.ok, result.summary()
    return path
