"""The shipped DfE files and small helpers shared by the reference-data tests."""

from __future__ import annotations

import csv
from pathlib import Path

from dashboard.ingest import reference
from dashboard.settings import REFERENCE_DIR, ROOT

GEOGRAPHY = REFERENCE_DIR / "exclusions_la_leics_sn_em_eng_2006-07_to_2022-23.csv"
NATIONAL = REFERENCE_DIR / "exclusions_national_england_2006-07_to_2024-25.csv"
LAIT = REFERENCE_DIR / "lait_exclusion_and_fsm_rates_leics_sn_em_eng.csv"
NEIGHBOURS = REFERENCE_DIR / "statistical_neighbours_leicestershire.csv"
SHIPPED = (GEOGRAPHY, NATIONAL, LAIT, NEIGHBOURS)
FIXTURE_2023_24 = ROOT / "tests" / "fixtures" / "dfe" / "exc_nat_region_la_2023-24_education_phase.csv"


def header_of(path: Path) -> list[str]:
    """The raw header cells, as the import engine passes them."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def read(path: Path) -> reference.RefFile:
    ref = reference.read(path, header_of(path))
    assert ref is not None, f"{path.name} was not recognised"
    return ref


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path
