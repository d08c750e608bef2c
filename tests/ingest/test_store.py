"""What an import stores: typed values, replacement by key, the import log and the synthetic flag."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from ingest_helpers import CLEAN, contents, query, sha, table_rows, write_csv, write_export, write_xlsx

from dashboard.load import check_paths, import_paths
from dashboard.settings import ROOT

SN_FILE = ROOT / "tests" / "fixtures" / "metrics_small" / "reference" / "statistical_neighbours_leicestershire.csv"


def test_values_are_stored_typed_as_the_contract_says(clean_db):
    assert query(clean_db, "select * from funding where partnership_code = 'HB' order by paid_date") == [
        ("2023/24", "HB", "core_grant", Decimal("100000.00"), dt.date(2023, 9, 15), None),
        ("2023/24", "HB", "core_grant", Decimal("50000.00"), dt.date(2024, 1, 15), None),
    ]
    assert query(clean_db, "select * from referrals where referral_id = 'R1'") == [
        (
            "R1",
            "P001",
            120001,
            dt.date(2023, 10, 2),
            9,
            "M",
            True,
            "K",
            False,
            "persistent_disruptive",
            dt.date(2023, 10, 9),
            "ap_placement",
        )
    ]
    assert query(clean_db, "select typeof(amount_gbp), typeof(paid_date) from funding limit 1") == [
        ("DECIMAL(14,2)", "DATE")
    ]


def test_importing_the_same_export_twice_changes_nothing(clean_db, tmp_path):
    before = contents(clean_db)
    result = import_paths([write_export(tmp_path / "export")], clean_db)
    assert result.changed and result.problems == []
    assert contents(clean_db) == before
    assert result.rows == {
        "partnerships": 2,
        "schools": 2,
        "school_census": 2,
        "funding": 3,
        "referrals": 2,
        "placements": 1,
        "exclusions": 2,
    }


def test_a_row_with_a_known_key_replaces_the_stored_row(clean_db, tmp_path):
    rows = table_rows("schools")
    rows[1][1] = "Hill School (renamed)"
    rows[1][2] = "MAT1"
    import_paths(
        [write_csv(tmp_path / "schools.csv", [rows[0], rows[1], ["120003", "New School", "HB", "", ""]])], clean_db
    )
    # 2 stored + 1 new = 3; 120001 replaced in place, 120002 untouched.
    assert query(clean_db, "select urn, school_name, partnership_code from schools order by urn") == [
        (120001, "Hill School (renamed)", "MAT1"),
        (120002, "Vale Academy", "MAT1"),
        (120003, "New School", "HB"),
    ]


def test_census_is_replaced_by_year_and_school(clean_db, tmp_path):
    import_paths(
        [
            write_csv(
                tmp_path / "school_census.csv",
                [
                    CLEAN["school_census"][0],
                    ["2023-24", "120001", "1010", "210", "", ""],
                    ["2024/25", "120001", "1020", "220", "", ""],
                ],
            )
        ],
        clean_db,
    )
    assert query(clean_db, "select academic_year, urn, pupils_on_roll from school_census order by 1, 2") == [
        ("2023/24", 120001, 1010),
        ("2023/24", 120002, 800),
        ("2024/25", 120001, 1020),
    ]


def test_funding_rows_replace_their_year_and_partnership_together(clean_db, tmp_path):
    # Stored: HB 2023/24 has two core_grant rows (100,000 + 50,000); MAT1 2023/24 one (80,000).
    import_paths(
        [
            write_csv(
                tmp_path / "funding.csv",
                [
                    CLEAN["funding"][0],
                    ["2023/24", "HB", "core_grant", "140000", "", "revised"],
                    ["2024/25", "HB", "development", "1000", "", ""],
                ],
            )
        ],
        clean_db,
    )
    # HB 2023/24's two rows give way to the one revised row; MAT1 and the new year sit beside it.
    assert query(clean_db, "select academic_year, partnership_code, amount_gbp from funding order by 1, 2") == [
        ("2023/24", "HB", Decimal("140000.00")),
        ("2023/24", "MAT1", Decimal("80000.00")),
        ("2024/25", "HB", Decimal("1000.00")),
    ]


def test_termly_funding_rows_add_up(clean_db):
    # 100,000 + 50,000 = 150,000 for HB.
    assert query(clean_db, "select sum(amount_gbp) from funding where partnership_code = 'HB'") == [
        (Decimal("150000.00"),)
    ]


def test_the_import_log_records_every_file(tmp_path):
    folder = write_export(tmp_path / "export")
    (folder / "notes.txt").write_text("from the clerk")
    db = tmp_path / "seip.duckdb"
    import_paths([folder, SN_FILE], db)
    logged = query(
        db,
        "select file_name, table_name, size_bytes, sha256, rows_read, rows_stored, outcome, "
        "warnings, errors from import_log order by file_name",
    )
    expected = []
    for name in sorted([*(f"{t}.csv" for t in CLEAN), "notes.txt", SN_FILE.name]):
        path = SN_FILE if name == SN_FILE.name else folder / name
        data = path.read_bytes()
        table = {"notes.txt": None, SN_FILE.name: "statistical_neighbours"}.get(name, name[:-4])
        rows = {"notes.txt": 0, SN_FILE.name: 20}.get(name, len(CLEAN.get(name[:-4], [0])) - 1)
        expected.append(
            (
                name,
                table,
                len(data),
                hashlib.sha256(data).hexdigest(),
                rows,
                rows,
                "ignored" if name == "notes.txt" else "imported",
                1 if name == "notes.txt" else 0,
                0,
            )
        )
    assert logged == expected
    assert query(db, "select count(distinct import_id), count(distinct imported_at) from import_log") == [(1, 1)]


def test_a_refused_import_is_not_logged_in_the_warehouse(clean_db, tmp_path):
    before = query(clean_db, "select count(*) from import_log")
    import_paths([write_csv(tmp_path / "schools.csv", [["urn"], ["1"]])], clean_db)
    assert query(clean_db, "select count(*) from import_log") == before == [(7,)]


def test_validate_changes_nothing_and_creates_nothing(clean_db, tmp_path):
    before = sha(clean_db)
    result = check_paths([write_export(tmp_path / "export")], clean_db)
    assert result.ok and not result.changed
    assert "Nothing was changed (validate only)" in result.summary()
    assert sha(clean_db) == before
    missing = tmp_path / "none" / "seip.duckdb"
    assert check_paths([tmp_path / "export"], missing).ok
    assert not missing.parent.exists()


def test_validate_resolves_references_against_the_warehouse(clean_db, tmp_path):
    path = write_csv(tmp_path / "placements.csv", CLEAN["placements"])
    assert check_paths([path], clean_db).problems == []
    assert [p.rule for p in check_paths([path], tmp_path / "empty.duckdb").problems] == ["unknown_reference"]


def _synthetic(db: Path):
    return query(db, "select value from meta where key = 'synthetic'")


def test_the_synthetic_flag(tmp_path):
    folder = write_export(tmp_path / "export")
    db = tmp_path / "seip.duckdb"
    import_paths([SN_FILE], db)
    assert _synthetic(db) == []  # reference data alone says nothing about the partnership data
    import_paths([folder], db, synthetic=True)
    assert _synthetic(db) == [("true",)]
    import_paths([folder], db, synthetic=True)
    assert _synthetic(db) == [("true",)]
    import_paths([folder / "partnerships.csv"], db)
    assert _synthetic(db) == [("false",)]
    import_paths([folder], db, synthetic=True)  # real data has entered: for good
    assert _synthetic(db) == [("false",)]
    import_paths([SN_FILE], db)
    assert _synthetic(db) == [("false",)]


def test_dfe_reference_files_are_recognised_by_header_and_stored(tmp_path):
    folder = write_export(tmp_path / "export")
    renamed = tmp_path / "neighbours from the DfE tool.csv"
    renamed.write_bytes(SN_FILE.read_bytes())
    db = tmp_path / "seip.duckdb"
    result = import_paths([folder, renamed], db)
    assert result.problems == []
    assert result.rows["statistical_neighbours"] == 20
    assert query(db, "select count(*) from ref_statistical_neighbours") == [(20,)]
    import_paths([renamed], db)
    assert query(db, "select count(*) from ref_statistical_neighbours") == [(20,)]


def test_a_workbook_is_logged_once_per_sheet(tmp_path):
    book = write_xlsx(
        tmp_path / "export.xlsx",
        {"Partnerships": CLEAN["partnerships"], "Schools": CLEAN["schools"], "Notes": [["sent in July"]]},
    )
    db = tmp_path / "seip.duckdb"
    import_paths([book], db)
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    assert query(
        db, "select file_name, table_name, sha256, rows_read, rows_stored, warnings from import_log order by table_name"
    ) == [
        ("export.xlsx", "partnerships", digest, 2, 2, 1),  # the Notes sheet's unknown_sheet warning
        ("export.xlsx", "schools", digest, 2, 2, 0),
    ]
