"""Helpers for the report tests (not in conftest.py: a whole-suite run has several conftests)."""

from __future__ import annotations

from pathlib import Path

from dashboard import cli

METRICS_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_small"
FORMULA_PROVIDER = '=HYPERLINK("http://x","y")'


def run_report(db: Path, *args: str) -> int:
    """`seip report --db DB ARGS...` in this process; returns the exit code."""
    return cli.main(["report", "--db", str(db), *args])
