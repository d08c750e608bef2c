"""Real exports vary: each tolerance of the format, imported end to end into a real warehouse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from ingest_helpers import CLEAN, contents, query, table_rows, write_csv, write_export, write_xlsx

from dashboard.load import import_paths


def test_header_spellings_and_column_order_do_not_matter(tmp_path):
    plain = import_paths([write_export(tmp_path / "plain")], tmp_path / "plain.duckdb")
    messy = tmp_path / "messy"
    write_export(messy)
    rows = table_rows("schools")
    # Reversed column order, with headers as people type them.
    header = ["District", " Trust-Name ", "PARTNERSHIP CODE", "School Name", "URN"]
    write_csv(messy / "schools.csv", [header] + [list(reversed(r)) for r in rows[1:]])
    result = import_paths([messy], tmp_path / "messy.duckdb")
    assert result.problems == [] and plain.problems == []
    assert contents(tmp_path / "messy.duckdb") == contents(tmp_path / "plain.duckdb")


@pytest.mark.parametrize("encoding, bom", [("utf-8", True), ("utf-8", False), ("cp1252", False), ("utf-16", False)])
def test_encodings_keep_the_pound_sign(tmp_path, encoding, bom):
    folder = tmp_path / "export"
    write_export(folder, {k: CLEAN[k] for k in ("partnerships",)})
    write_csv(
        folder / "funding.csv",
        [
            ["academic_year", "partnership_code", "stream", "amount_gbp", "paid_date", "note"],
            ["2023/24", "HB", "development", "£1,234.50", "", "£1,234.50 for the café"],
        ],
        encoding=encoding,
        bom=bom,
    )
    if encoding == "cp1252":
        assert b"\xa3" in (folder / "funding.csv").read_bytes()
    result = import_paths([folder], tmp_path / "db.duckdb")
    assert result.problems == []
    assert query(tmp_path / "db.duckdb", "select amount_gbp, note from funding") == [
        (Decimal("1234.50"), "£1,234.50 for the café")
    ]


def test_blank_rows_anywhere_are_skipped(tmp_path):
    rows = table_rows("partnerships")
    blank = ["", "", ""]
    write_csv(tmp_path / "partnerships.csv", [[], rows[0], blank, rows[1], [], [" ", "", ""], rows[2], [], blank, []])
    result = import_paths([tmp_path / "partnerships.csv"], tmp_path / "db.duckdb")
    assert result.problems == [] and result.rows == {"partnerships": 2}
    assert query(tmp_path / "db.duckdb", "select partnership_code from partnerships order by 1") == [("HB",), ("MAT1",)]


def test_the_four_year_spellings_are_stored_as_one_year(tmp_path):
    folder = write_export(tmp_path / "export", {"partnerships": CLEAN["partnerships"]})
    write_csv(
        folder / "funding.csv",
        [
            ["academic_year", "partnership_code", "stream", "amount_gbp"],
            ["2023/24", "HB", "core_grant", "1"],
            ["2023-24", "HB", "core_grant", "2"],
            ["202324", "HB", "core_grant", "4"],
            ["2023/2024", "HB", "core_grant", "8"],
        ],
    )
    assert import_paths([folder], tmp_path / "db.duckdb").problems == []
    # 1 + 2 + 4 + 8 = 15, all in the one year.
    assert query(tmp_path / "db.duckdb", "select academic_year, sum(amount_gbp) from funding group by 1") == [
        ("2023/24", Decimal("15.00"))
    ]


def test_workbook_cells_dates_numbers_and_booleans(tmp_path):
    """A real .xlsx: Excel date cells, UK and ISO text dates, number and TRUE/FALSE cells."""
    ref_header = CLEAN["referrals"][0]
    sheets = {
        "PARTNERSHIPS": table_rows("partnerships"),
        "Schools": [
            ["URN", "School Name", "Partnership Code"],
            [120001, "Hill School", "HB"],
            [120002.0, "Vale Academy", "MAT1"],
        ],
        "School Census": [
            CLEAN["school_census"][0],
            ["2023/24", 120001, 1000, 200, 120, 25],
            [202324, 120002, 800, 100, None, None],
        ],
        "referrals": [
            ref_header,
            [
                "R1",
                "P001",
                120001,
                dt.date(2023, 10, 2),
                9,
                "m",
                True,
                "k",
                False,
                "Persistent Disruptive",
                "09/10/2023",
                "AP Placement",
            ],
            ["R2", "P002", 120002, "2024-01-15", 10.0, "F", "no", "N", 0, "verbal-adult", None, "outreach"],
        ],
        "Placements": [
            CLEAN["placements"][0],
            [
                "PL1",
                "R1",
                "P001",
                "Oak AP",
                "Partnership AP",
                dt.datetime(2023, 11, 1),
                "28/03/2024",
                5,
                6000,
                "Reintegrated",
            ],
        ],
        "Funding": [
            CLEAN["funding"][0],
            ["2023/24", "HB", "core_grant", 100000.0, dt.date(2023, 9, 15), None],
            ["2023/24", "HB", "Core Grant", "£50,000.00", "15/01/2024", None],
            ["2023/24", "MAT1", "CORE-GRANT", 80000, "2023-09-15", ""],
        ],
        "exclusions": [
            CLEAN["exclusions"][0],
            ["E1", "P001", 120001, dt.date(2023, 9, 20), "Suspension", 1.5, "persistent_disruptive"],
            ["E2", "P003", 120002, "01/02/2024", "PERMANENT", None, "Physical Adult"],
        ],
    }
    book = write_xlsx(tmp_path / "Export.XLSX", sheets)
    result = import_paths([book], tmp_path / "book.duckdb")
    assert result.problems == []
    import_paths([write_export(tmp_path / "csv")], tmp_path / "csv.duckdb")
    # Apart from the optional columns the workbook leaves out, it is the clean export.
    assert contents(tmp_path / "book.duckdb") == {
        **contents(tmp_path / "csv.duckdb"),
        "schools": [(120001, "Hill School", "HB", None, None), (120002, "Vale Academy", "MAT1", None, None)],
    }
    assert query(tmp_path / "book.duckdb", "select referral_date, fsm, looked_after from referrals order by 1") == [
        (dt.date(2023, 10, 2), True, False),
        (dt.date(2024, 1, 15), False, False),
    ]


def test_file_names_are_case_and_separator_insensitive(tmp_path):
    folder = tmp_path / "export"
    names = {
        "partnerships": "PARTNERSHIPS.CSV",
        "schools": "Schools.csv",
        "school_census": "School Census.csv",
        "funding": "funding.Csv",
        "referrals": "referrals.csv",
        "placements": "Placements.csv",
        "exclusions": " exclusions .csv",
    }
    for table, name in names.items():
        write_csv(folder / name, CLEAN[table])
    result = import_paths([folder], tmp_path / "db.duckdb")
    assert result.problems == []
    assert result.rows == {
        "partnerships": 2,
        "schools": 2,
        "school_census": 2,
        "funding": 3,
        "referrals": 2,
        "placements": 1,
        "exclusions": 2,
    }


def test_single_csvs_named_after_tables_and_a_workbook_mix(tmp_path):
    parts = write_csv(tmp_path / "a" / "partnerships.csv", CLEAN["partnerships"])
    census = write_csv(tmp_path / "b" / "school-census.csv", CLEAN["school_census"])
    book = write_xlsx(tmp_path / "schools.xlsx", {"schools": table_rows("schools")})
    result = import_paths([parts, census, book], tmp_path / "db.duckdb")
    assert result.problems == []
    assert result.rows == {"partnerships": 2, "schools": 2, "school_census": 2}


def test_an_adjustment_may_be_negative(tmp_path):
    folder = write_export(tmp_path / "export", {"partnerships": CLEAN["partnerships"]})
    write_csv(
        folder / "funding.csv",
        [
            ["academic_year", "partnership_code", "stream", "amount_gbp"],
            ["2023/24", "HB", "core_grant", "£10,000.00"],
            ["2023/24", "HB", "Adjustment", "-£5,000.00"],
        ],
    )
    assert import_paths([folder], tmp_path / "db.duckdb").problems == []
    # 10,000.00 - 5,000.00 = 5,000.00
    assert query(tmp_path / "db.duckdb", "select sum(amount_gbp) from funding") == [(Decimal("5000.00"),)]


def test_partnership_codes_are_matched_ignoring_case(tmp_path):
    folder = write_export(tmp_path / "export", {"partnerships": CLEAN["partnerships"]})
    rows = table_rows("schools")
    rows[1][2], rows[2][2] = "hb", " mat1 "
    write_csv(folder / "schools.csv", rows)
    assert import_paths([folder], tmp_path / "db.duckdb").problems == []
    assert query(tmp_path / "db.duckdb", "select partnership_code from schools order by 1") == [("HB",), ("MAT1",)]
