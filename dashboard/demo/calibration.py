"""The real county the demo adds up to: Leicestershire's published figures, read from
data/calibration/ (provenance in its README and in docs/demo-data.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from pathlib import Path

from dashboard.settings import ROOT

CALIBRATION_FILE = ROOT / "data" / "calibration" / "leicestershire_secondary.csv"


class CalibrationError(ValueError):
    """The calibration file is missing a column, or holds something that is not a count."""


@dataclass(frozen=True)
class CountyYear:
    """Leicestershire, state-funded secondary, one academic year."""

    pupils: int
    fsm: int
    sen_support: int
    ehcp: int
    permanent_exclusions: int
    suspensions: int
    suspended_pupils: int


def read(path: Path) -> dict[str, CountyYear]:
    """The county's figures by academic year, in the file's order.

    Raises CalibrationError naming the file, row and column of a missing column or a value
    that is not a whole number of zero or more.
    """
    columns = ["academic_year", *(f.name for f in fields(CountyYear))]
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise CalibrationError(f"{path}: row 1 (the header) lacks the column(s) {', '.join(missing)}")
        county = {}
        for row_number, row in enumerate(reader, start=2):
            counts = {}
            for column in columns[1:]:
                value = (row[column] or "").strip()
                if not value.isdigit():
                    raise CalibrationError(
                        f"{path}: row {row_number}, column {column}: {value!r} is not a whole number of zero or more"
                    )
                counts[column] = int(value)
            county[row["academic_year"]] = CountyYear(**counts)
    return county


COUNTY = read(CALIBRATION_FILE)
