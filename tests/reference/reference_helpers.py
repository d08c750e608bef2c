"""The shipped DfE files and small helpers shared by the reference-data tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from dashboard.ingest import reference
from dashboard.settings import REFERENCE_DIR, ROOT

GEOGRAPHY = REFERENCE_DIR / "exc_nat_region_la_2006-07_to_2022-23.csv"
NATIONAL = REFERENCE_DIR / "exclusions_national_england_2006-07_to_2024-25.csv"
LAIT = REFERENCE_DIR / "lait_bds_long.parquet"
DICTIONARY = REFERENCE_DIR / "lait_data_dictionary.csv"
SN_2025 = REFERENCE_DIR / "sn_may_2025.xlsx"
SN_2021 = REFERENCE_DIR / "sn_april_2021.xlsx"
LA_CODES = REFERENCE_DIR / "la_code_list.xlsx"
SHIPPED = (GEOGRAPHY, NATIONAL, LAIT, DICTIONARY, SN_2025, SN_2021, LA_CODES)
FIXTURE_2023_24 = ROOT / "tests" / "fixtures" / "dfe" / "exc_nat_region_la_2023-24_education_phase.csv"


def header_of(path: Path) -> list[str]:
    """The raw header cells, as the import engine passes them."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def read(path: Path) -> reference.RefFile:
    """Read a DfE file as the import engine does: CSV by its header, parquet, or a workbook's sheets."""
    path = Path(path)
    if path.suffix == ".parquet":
        ref = reference.read_parquet(path)
    elif path.suffix == ".xlsx":
        book = pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object, na_filter=False)
        ref = reference.read_workbook(path.name, book)
    else:
        ref = reference.read(path, header_of(path))
    assert ref is not None, f"{path.name} was not recognised"
    return ref


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path
