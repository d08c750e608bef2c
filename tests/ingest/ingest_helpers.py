"""Helpers that write small synthetic exports into tmp_path, and read warehouses back.

The clean export: two partnerships (HB, MAT1), two schools, census for 2023/24, funding,
two referrals, one placement, two exclusions. Every bad-file test changes one cell of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import xlsxwriter

from dashboard import warehouse
from dashboard.ingest.contract import LOAD_ORDER, TABLES

CLEAN: dict[str, list[list[str]]] = {
    "partnerships": [
        ["partnership_code", "partnership_name", "kind"],
        ["HB", "Hinckley and Bosworth", "partnership"],
        ["MAT1", "Forest Trust group", "mat_group"],
    ],
    "schools": [
        ["urn", "school_name", "partnership_code", "trust_name", "district"],
        ["120001", "Hill School", "HB", "", "Hinckley"],
        ["120002", "Vale Academy", "MAT1", "Forest Trust", "Charnwood"],
    ],
    "school_census": [
        ["academic_year", "urn", "pupils_on_roll", "fsm_eligible", "sen_support", "ehcp"],
        ["2023/24", "120001", "1000", "200", "120", "25"],
        ["2023/24", "120002", "800", "100", "", ""],
    ],
    "funding": [
        ["academic_year", "partnership_code", "stream", "amount_gbp", "paid_date", "note"],
        ["2023/24", "HB", "core_grant", "100000.00", "2023-09-15", ""],
        ["2023/24", "HB", "core_grant", "50000.00", "2024-01-15", ""],
        ["2023/24", "MAT1", "core_grant", "80000.00", "2023-09-15", ""],
    ],
    "referrals": [
        [
            "referral_id",
            "pupil_ref",
            "urn",
            "referral_date",
            "year_group",
            "sex",
            "fsm",
            "sen_status",
            "looked_after",
            "reason",
            "panel_date",
            "decision",
        ],
        [
            "R1",
            "P001",
            "120001",
            "2023-10-02",
            "9",
            "M",
            "Y",
            "K",
            "N",
            "persistent_disruptive",
            "2023-10-09",
            "ap_placement",
        ],
        ["R2", "P002", "120002", "2024-01-15", "10", "F", "N", "N", "N", "verbal_adult", "", "outreach"],
    ],
    "placements": [
        [
            "placement_id",
            "referral_id",
            "pupil_ref",
            "provider_name",
            "provider_type",
            "start_date",
            "end_date",
            "sessions_per_week",
            "cost_gbp",
            "outcome",
        ],
        ["PL1", "R1", "P001", "Oak AP", "partnership_ap", "2023-11-01", "2024-03-28", "5", "6000.00", "reintegrated"],
    ],
    "exclusions": [
        ["exclusion_id", "pupil_ref", "urn", "start_date", "type", "days", "reason"],
        ["E1", "P001", "120001", "2023-09-20", "suspension", "1.5", "persistent_disruptive"],
        ["E2", "P003", "120002", "2024-02-01", "permanent", "", "physical_adult"],
    ],
}


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8", bom: bool = False) -> Path:
    """Write rows as a CSV file (rows are written as given, blank lists make blank lines)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        if row:
            writer.writerow(row)
        else:
            buf.write("\r\n")
    data = buf.getvalue().encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_export(folder: Path, tables: dict[str, list[list[object]]] | None = None) -> Path:
    """Write a folder of CSVs, one per table (default: the whole clean export)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (CLEAN if tables is None else tables).items():
        write_csv(folder / f"{name}.csv", rows)
    return folder


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write a real workbook with xlsxwriter: dates become Excel date cells, numbers numbers."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (dt.date, dt.datetime)):
                    sheet.write_datetime(
                        r,
                        c,
                        value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time()),
                        date_format,
                    )
                elif value is None or value == "":
                    continue
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def contents(db: Path) -> dict[str, list[tuple]]:
    """Every export table's rows, sorted, for comparing warehouses."""
    con = warehouse.open_read_only(db)
    try:
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in LOAD_ORDER}
    finally:
        con.close()


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = warehouse.open_read_only(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def located(result) -> list[tuple]:
    """Problems as (severity, table, row, column, rule), the parts a bad-file test asserts."""
    return [(p.severity, p.table, p.row, p.column, p.rule) for p in result.problems]


def table_rows(name: str) -> list[list[str]]:
    """A fresh copy of one clean table (header first)."""
    return [list(r) for r in CLEAN[name]]


assert set(CLEAN) == set(TABLES)
