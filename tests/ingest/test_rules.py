"""One small bad file per rule: the exact problem reported, and the warehouse untouched.

Each case changes the clean export (conftest.CLEAN) in one place and imports that one file
into a warehouse that already holds the clean export, so references resolve there.
Row numbers are as the user sees them: header row 1, first data row 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import located, sha, table_rows, write_csv, write_xlsx

from dashboard.load import check_paths, import_paths


def changed(table: str, row: int, column: str, value: str) -> list[list[str]]:
    """The clean table with one cell changed; `row` counts data rows from 1 (file row row+1)."""
    rows = table_rows(table)
    rows[row][rows[0].index(column)] = value
    return rows


def dropped(table: str, column: str) -> list[list[str]]:
    rows = table_rows(table)
    i = rows[0].index(column)
    return [r[:i] + r[i + 1 :] for r in rows]


def added(table: str, *extra: list[str]) -> list[list[str]]:
    return table_rows(table) + [list(r) for r in extra]


def with_column(table: str, header: str, value: str) -> list[list[str]]:
    rows = table_rows(table)
    return [rows[0] + [header]] + [r + [value] for r in rows[1:]]


R1 = table_rows("referrals")[1]
CENSUS_120001 = table_rows("school_census")[1]

ERRORS = [
    # (case id, table, rows, expected (table, row, column, rule))
    (
        "missing_column",
        "schools",
        dropped("schools", "school_name"),
        ("schools", None, "school_name", "missing_column"),
    ),
    (
        "required_value",
        "schools",
        changed("schools", 1, "school_name", "  "),
        ("schools", 2, "school_name", "required_value"),
    ),
    (
        "bad_date",
        "referrals",
        changed("referrals", 1, "referral_date", "2nd October"),
        ("referrals", 2, "referral_date", "bad_date"),
    ),
    (
        "bad_date_two_digit_year",
        "referrals",
        changed("referrals", 1, "referral_date", "02/10/23"),
        ("referrals", 2, "referral_date", "bad_date"),
    ),
    (
        "impossible_date",
        "referrals",
        changed("referrals", 2, "referral_date", "31/02/2024"),
        ("referrals", 3, "referral_date", "impossible_date"),
    ),
    (
        "us_month_first_is_impossible",
        "exclusions",
        changed("exclusions", 1, "start_date", "09/20/2023"),
        ("exclusions", 2, "start_date", "impossible_date"),
    ),
    (
        "bad_money",
        "placements",
        changed("placements", 1, "cost_gbp", "6.000,00"),
        ("placements", 2, "cost_gbp", "bad_money"),
    ),
    (
        "bad_money_fraction_of_penny",
        "funding",
        changed("funding", 3, "amount_gbp", "80000.005"),
        ("funding", 4, "amount_gbp", "bad_money"),
    ),
    (
        "bad_year",
        "school_census",
        changed("school_census", 1, "academic_year", "2023/25"),
        ("school_census", 2, "academic_year", "bad_year"),
    ),
    (
        "bad_year_short",
        "funding",
        changed("funding", 2, "academic_year", "23/24"),
        ("funding", 3, "academic_year", "bad_year"),
    ),
    ("bad_bool", "referrals", changed("referrals", 1, "fsm", "maybe"), ("referrals", 2, "fsm", "bad_bool")),
    (
        "unknown_code",
        "referrals",
        changed("referrals", 2, "decision", "expelled"),
        ("referrals", 3, "decision", "unknown_code"),
    ),
    ("unknown_code_sex", "referrals", changed("referrals", 1, "sex", "Q"), ("referrals", 2, "sex", "unknown_code")),
    (
        "bad_number",
        "referrals",
        changed("referrals", 1, "year_group", "nine"),
        ("referrals", 2, "year_group", "bad_number"),
    ),
    (
        "bad_number_not_whole",
        "school_census",
        changed("school_census", 2, "pupils_on_roll", "800.5"),
        ("school_census", 3, "pupils_on_roll", "bad_number"),
    ),
    ("duplicate_key", "referrals", added("referrals", R1), ("referrals", 4, "referral_id", "duplicate_key")),
    (
        "duplicate_key_composite",
        "school_census",
        added("school_census", ["2023-24"] + CENSUS_120001[1:]),
        ("school_census", 4, "academic_year, urn", "duplicate_key"),
    ),
    (
        "unknown_reference_partnership",
        "schools",
        changed("schools", 1, "partnership_code", "ZZ"),
        ("schools", 2, "partnership_code", "unknown_reference"),
    ),
    (
        "unknown_reference_funding",
        "funding",
        changed("funding", 3, "partnership_code", "NOPE"),
        ("funding", 4, "partnership_code", "unknown_reference"),
    ),
    (
        "unknown_reference_school",
        "school_census",
        changed("school_census", 2, "urn", "999998"),
        ("school_census", 3, "urn", "unknown_reference"),
    ),
    (
        "unknown_reference_referral_school",
        "referrals",
        changed("referrals", 1, "urn", "999998"),
        ("referrals", 2, "urn", "unknown_reference"),
    ),
    (
        "unknown_reference_exclusion_school",
        "exclusions",
        changed("exclusions", 2, "urn", "999998"),
        ("exclusions", 3, "urn", "unknown_reference"),
    ),
    (
        "unknown_reference_referral",
        "placements",
        changed("placements", 1, "referral_id", "R9"),
        ("placements", 2, "referral_id", "unknown_reference"),
    ),
    ("urn_five_digits", "schools", changed("schools", 2, "urn", "12345"), ("schools", 3, "urn", "out_of_range")),
    (
        "urn_out_of_range_is_not_also_unknown",
        "exclusions",
        changed("exclusions", 1, "urn", "1000000"),
        ("exclusions", 2, "urn", "out_of_range"),
    ),
    (
        "year_group",
        "referrals",
        changed("referrals", 1, "year_group", "12"),
        ("referrals", 2, "year_group", "out_of_range"),
    ),
    (
        "fsm_above_roll",
        "school_census",
        changed("school_census", 1, "fsm_eligible", "1001"),
        ("school_census", 2, "fsm_eligible", "out_of_range"),
    ),
    (
        "sen_support_negative",
        "school_census",
        changed("school_census", 1, "sen_support", "-1"),
        ("school_census", 2, "sen_support", "out_of_range"),
    ),
    (
        "ehcp_above_roll",
        "school_census",
        changed("school_census", 1, "ehcp", "1001"),
        ("school_census", 2, "ehcp", "out_of_range"),
    ),
    (
        "roll_negative",
        "school_census",
        changed("school_census", 2, "pupils_on_roll", "-5"),
        ("school_census", 3, "pupils_on_roll", "out_of_range"),
    ),
    (
        "sessions_zero",
        "placements",
        changed("placements", 1, "sessions_per_week", "0"),
        ("placements", 2, "sessions_per_week", "out_of_range"),
    ),
    (
        "sessions_eleven",
        "placements",
        changed("placements", 1, "sessions_per_week", "11"),
        ("placements", 2, "sessions_per_week", "out_of_range"),
    ),
    (
        "cost_negative",
        "placements",
        changed("placements", 1, "cost_gbp", "-£1.00"),
        ("placements", 2, "cost_gbp", "out_of_range"),
    ),
    (
        "negative_grant",
        "funding",
        changed("funding", 1, "amount_gbp", "-£5,000.00"),
        ("funding", 2, "amount_gbp", "out_of_range"),
    ),
    ("days_not_half", "exclusions", changed("exclusions", 1, "days", "0.3"), ("exclusions", 2, "days", "out_of_range")),
    ("days_zero", "exclusions", changed("exclusions", 1, "days", "0"), ("exclusions", 2, "days", "out_of_range")),
    (
        "end_before_start",
        "placements",
        changed("placements", 1, "end_date", "03/02/2023"),
        ("placements", 2, "end_date", "end_date_not_before_start"),
    ),
    (
        "end_date_required",
        "placements",
        changed("placements", 1, "end_date", ""),
        ("placements", 2, "end_date", "end_date_required"),
    ),
    (
        "panel_before_referral",
        "referrals",
        changed("referrals", 1, "panel_date", "01/10/2023"),
        ("referrals", 2, "panel_date", "panel_before_referral"),
    ),
    (
        "bad_partnership_code",
        "partnerships",
        changed("partnerships", 1, "partnership_code", "H-B"),
        ("partnerships", 2, "partnership_code", "bad_partnership_code"),
    ),
    (
        "partnership_code_too_long",
        "partnerships",
        changed("partnerships", 2, "partnership_code", "ABCDEFGHIJKLM"),
        ("partnerships", 3, "partnership_code", "bad_partnership_code"),
    ),
    (
        "bad_la_code",
        "partnerships",
        # the first partnership's LA code is two digits; the others' are right
        [*with_column("partnerships", "LA code", "855")[:1], [*table_rows("partnerships")[1], "85"]],
        ("partnerships", 2, "la_code", "bad_la_code"),
    ),
    (
        "direct_identifier",
        "referrals",
        with_column("referrals", "Surname", "Smith"),
        ("referrals", None, "Surname", "direct_identifier"),
    ),
    (
        "direct_identifier_dob",
        "exclusions",
        with_column("exclusions", "Date of Birth", "01/01/2010"),
        ("exclusions", None, "Date of Birth", "direct_identifier"),
    ),
    (
        "direct_identifier_punctuated",
        "placements",
        with_column("placements", "D.O.B.", "01/01/2010"),
        ("placements", None, "D.O.B.", "direct_identifier"),
    ),
    (
        "duplicate_column",
        "schools",
        with_column("schools", "URN", "120009"),
        ("schools", None, "URN", "duplicate_column"),
    ),
]


@pytest.mark.parametrize("table, rows, expected", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_each_rule_reports_exactly_its_row_and_column_and_changes_nothing(clean_db, tmp_path, table, rows, expected):
    before = sha(clean_db)
    path = write_csv(tmp_path / "export" / f"{table}.csv", rows)
    result = import_paths([path], clean_db)
    assert [(t, r, c, rule) for s, t, r, c, rule in located(result) if s == "error"] == [expected]
    assert not result.ok and not result.changed
    assert sha(clean_db) == before
    assert sorted(p.name for p in clean_db.parent.iterdir()) == ["seip.duckdb"]
    checked = check_paths([path], clean_db)
    assert [p for p in checked.problems] == result.problems


def test_a_refused_table_quotes_no_pupil_data(clean_db, tmp_path):
    path = write_csv(tmp_path / "referrals.csv", with_column("referrals", "Surname", "Smith"))
    result = import_paths([path], clean_db)
    text = " ".join(p.as_text() for p in result.problems)
    assert "Smith" not in text and "P001" not in text
    assert "nothing of it is stored" in result.problems[0].message


def test_every_error_of_a_run_is_reported_together(clean_db, tmp_path):
    rows = changed("placements", 1, "cost_gbp", "abc")
    rows[1][rows[0].index("start_date")] = "31/02/2024"
    write_csv(tmp_path / "x" / "placements.csv", rows)
    write_csv(tmp_path / "x" / "schools.csv", changed("schools", 2, "urn", "12"))
    result = import_paths([tmp_path / "x"], clean_db)
    # Files are read in name order (placements before schools); within a file, by row.
    assert located(result) == [
        ("error", "placements", 2, "start_date", "impossible_date"),
        ("error", "placements", 2, "cost_gbp", "bad_money"),
        ("error", "schools", 3, "urn", "out_of_range"),
    ]


def test_a_blank_line_still_counts_in_row_numbers(clean_db, tmp_path):
    rows = table_rows("referrals")
    rows[2][rows[0].index("fsm")] = "perhaps"
    # header (1), blank (2), ",,,," (3), R1 (4), blank (5), R2 (6), trailing blanks.
    rows = [rows[0], [], [""] * 12, rows[1], [], rows[2], [], []]
    result = import_paths([write_csv(tmp_path / "referrals.csv", rows)], clean_db)
    assert located(result) == [("error", "referrals", 6, "fsm", "bad_bool")]


def test_a_workbook_reports_the_sheet_row(clean_db, tmp_path):
    rows = changed("placements", 1, "outcome", "finished")
    # Row 1 header, row 2 left empty, the placement on row 3.
    path = write_xlsx(tmp_path / "export.xlsx", {"Placements": [rows[0], [], rows[1]]})
    result = import_paths([path], clean_db)
    [problem] = result.problems
    assert (problem.file, problem.table, problem.row, problem.column, problem.rule, problem.value) == (
        "export.xlsx, sheet Placements",
        "placements",
        3,
        "outcome",
        "unknown_code",
        "finished",
    )


def test_duplicate_key_across_files_names_the_other_file(clean_db, tmp_path):
    one = write_csv(tmp_path / "a" / "schools.csv", table_rows("schools"))
    other = write_xlsx(tmp_path / "b.xlsx", {"schools": [table_rows("schools")[0], table_rows("schools")[2]]})
    result = import_paths([one, other], clean_db)
    [problem] = result.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "b.xlsx, sheet schools",
        2,
        "urn",
        "duplicate_key",
    )
    assert "row 3 of schools.csv" in problem.message


FILE_ERRORS = [
    (
        "bad_encoding",
        "schools.csv",
        b"urn,school_name,partnership_code\r\n120001,Caf\x81,HB\r\n",
        (None, "schools", None, None, "bad_encoding"),
    ),
    ("unrecognised_file", "notes.csv", b"a,b\r\n1,2\r\n", (None, None, None, None, "unrecognised_file")),
    ("unsupported_file", "schools.xls", b"\xd0\xcf\x11\xe0", (None, None, None, None, "unsupported_file")),
    ("bad_workbook", "export.xlsx", b"not a zip file", (None, None, None, None, "bad_workbook")),
    ("empty_file", "schools.csv", b"\r\n\r\n", (None, "schools", None, None, "empty_file")),
    (
        "bad_csv",
        "schools.csv",
        b'urn,school_name,partnership_code\r\n120001,"Hill" School,HB\r\n',
        (None, "schools", None, None, "bad_csv"),
    ),
]


@pytest.mark.parametrize("name, data, expected", [c[1:] for c in FILE_ERRORS], ids=[c[0] for c in FILE_ERRORS])
def test_file_level_errors(clean_db, tmp_path, name, data, expected):
    before = sha(clean_db)
    path = tmp_path / name
    path.write_bytes(data)
    result = import_paths([path], clean_db)
    assert [(None, t, r, c, rule) for s, t, r, c, rule in located(result)] == [expected]
    assert result.problems[0].file == name
    assert sha(clean_db) == before


def test_a_path_that_does_not_exist_is_an_error(clean_db, tmp_path):
    before = sha(clean_db)
    result = import_paths([tmp_path / "nowhere"], clean_db)
    assert located(result) == [("error", None, None, None, "no_such_file")]
    assert sha(clean_db) == before


def test_a_workbook_with_no_table_sheet_is_refused(clean_db, tmp_path):
    path = write_xlsx(tmp_path / "export.xlsx", {"Notes": [["hello"]]})
    result = import_paths([path], clean_db)
    assert located(result) == [
        ("warning", None, None, None, "unknown_sheet"),
        ("error", None, None, None, "unrecognised_file"),
    ]


WARNINGS = [
    (
        "unknown_column",
        "schools",
        with_column("schools", "Head Teacher", "x"),
        ("schools", None, "Head Teacher", "unknown_column"),
    ),
    (
        "unnamed_column",
        "exclusions",
        with_column("exclusions", "", "x"),
        ("exclusions", None, "column H", "unknown_column"),
    ),
    (
        "unlikely_date_typo",
        "exclusions",
        changed("exclusions", 1, "start_date", "20/09/2203"),
        ("exclusions", 2, "start_date", "unlikely_date"),
    ),
    (
        "unlikely_date_old",
        "funding",
        changed("funding", 1, "paid_date", "15/09/1923"),
        ("funding", 2, "paid_date", "unlikely_date"),
    ),
    (
        "costly_placement",
        "placements",
        changed("placements", 1, "cost_gbp", "£100,000.01"),
        ("placements", 2, "cost_gbp", "costly_placement"),
    ),
    (
        "no_census_for_year",
        "referrals",
        added(
            "referrals",
            ["R3", "P004", "120001", "01/10/2024", "9", "", "", "", "", "", "", "outreach"],
            ["R4", "P005", "120001", "02/10/2024", "9", "", "", "", "", "", "", "outreach"],
        ),
        ("referrals", 4, "urn", "no_census_for_year"),
    ),
    (
        "ongoing_after_end",
        "placements",
        changed("placements", 1, "outcome", "ongoing"),
        ("placements", 2, "end_date", "ongoing_after_end"),
    ),
    (
        "pupil_ref_mismatch",
        "placements",
        changed("placements", 1, "pupil_ref", "P999"),
        ("placements", 2, "pupil_ref", "pupil_ref_mismatch"),
    ),
    (
        "placement_before_referral",
        "placements",
        changed("placements", 1, "start_date", "01/09/2023"),
        ("placements", 2, "start_date", "placement_before_referral"),
    ),
    (
        "formula_like_text",
        "placements",
        changed("placements", 1, "provider_name", '=HYPERLINK("http://evil.example","Oak AP")'),
        ("placements", 2, "provider_name", "formula_like_text"),
    ),
    (
        "formula_like_text_at",
        "schools",
        changed("schools", 2, "school_name", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("schools", 3, "school_name", "formula_like_text"),
    ),
    (
        "formula_like_text_tab",
        "funding",
        changed("funding", 1, "note", "\t+1+1"),
        ("funding", 2, "note", "formula_like_text"),
    ),
]


@pytest.mark.parametrize("table, rows, expected", [c[1:] for c in WARNINGS], ids=[c[0] for c in WARNINGS])
def test_warnings_are_reported_and_the_import_goes_ahead(clean_db, tmp_path, table, rows, expected):
    before = sha(clean_db)
    result = import_paths([write_csv(tmp_path / f"{table}.csv", rows)], clean_db)
    assert [(t, r, c, rule) for s, t, r, c, rule in located(result)] == [expected]
    assert result.problems[0].severity == "warning"
    assert result.ok and result.changed
    assert sha(clean_db) != before


def test_an_ongoing_placement_may_have_a_planned_end_date_or_none(clean_db, tmp_path):
    rows = added(
        "placements",
        ["PL2", "R1", "P001", "Oak AP", "outreach", "2024-04-01", "", "", "0", "ongoing"],
        ["PL3", "R1", "P001", "Oak AP", "outreach", "2024-04-01", "31/08/2099", "", "0", "ongoing"],
    )
    # 31/08/2099 is also far ahead, which a planned end date may be.
    result = import_paths([write_csv(tmp_path / "placements.csv", rows)], clean_db)
    assert result.problems == [] and result.changed


def test_unknown_files_and_empty_sheets_are_named_and_ignored(clean_db, tmp_path):
    folder = tmp_path / "export"
    write_csv(folder / "partnerships.csv", table_rows("partnerships"))
    (folder / "notes.txt").write_text("sent by the panel clerk")
    (folder / "README.txt").write_text("about this export")
    write_xlsx(tmp_path / "book.xlsx", {"Schools": table_rows("schools"), "Census": [], "Cover": [["x"]]})
    result = import_paths([folder, tmp_path / "book.xlsx"], clean_db)
    assert [(p.file, p.rule, p.value) for p in result.problems] == [
        ("notes.txt", "unknown_file", None),
        ("book.xlsx, sheet Cover", "unknown_sheet", "Cover"),
    ]
    assert result.ok and result.rows == {"partnerships": 2, "schools": 2}


def test_an_unclosed_quote_names_its_line(clean_db, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(b'urn,school_name,partnership_code\r\n120001,Hill School,HB\r\n120002,"Vale,MAT1\r\n')
    [problem] = import_paths([path], clean_db).problems
    assert problem.rule == "bad_csv" and "line 3" in problem.message


def test_an_empty_sheet_named_after_a_table_is_a_warning(clean_db, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"Partnerships": table_rows("partnerships"), "schools": []})
    result = import_paths([path], clean_db)
    assert located(result) == [("warning", "schools", None, None, "empty_sheet")]
    assert result.changed


def test_an_organisation_name_is_not_personal(clean_db, tmp_path):
    result = import_paths([write_csv(tmp_path / "schools.csv", with_column("schools", "LA Name", "Leics"))], clean_db)
    assert located(result) == [("warning", "schools", None, "LA Name", "unknown_column")]


def test_problems_come_in_file_order_whoever_finds_them(clean_db, tmp_path):
    folder = tmp_path / "export"
    write_csv(folder / "a_notes.csv", [["x"], ["1"]])
    write_csv(folder / "exclusions.csv", changed("exclusions", 1, "type", "expelled"))
    (folder / "funding.csv").write_bytes(b"academic_year,partnership_code\r\n\x81\r\n")
    write_csv(folder / "schools.csv", changed("schools", 1, "urn", "1"))
    result = import_paths([folder], clean_db)
    assert [(p.file, p.rule) for p in result.problems] == [
        ("a_notes.csv", "unrecognised_file"),
        ("exclusions.csv", "unknown_code"),
        ("funding.csv", "bad_encoding"),
        ("schools.csv", "out_of_range"),
    ]


def test_the_value_is_quoted_as_the_user_wrote_it(clean_db, tmp_path):
    rows = changed("placements", 1, "end_date", "2023-10-31")
    rows[1][rows[0].index("cost_gbp")] = "£150,000"
    result = import_paths([write_csv(tmp_path / "placements.csv", rows)], clean_db)
    assert [(p.rule, p.value) for p in result.problems] == [
        ("end_date_not_before_start", "2023-10-31"),
        ("costly_placement", "£150,000"),
    ]


def test_a_workbook_whose_table_sheets_are_empty_imports_nothing(clean_db, tmp_path):
    before = sha(clean_db)
    result = import_paths([write_xlsx(tmp_path / "book.xlsx", {"Schools": [], "Funding": [[], []]})], clean_db)
    assert located(result) == [
        ("warning", "schools", None, None, "empty_sheet"),
        ("warning", "funding", None, None, "empty_sheet"),
    ]
    assert result.rows == {} and "No rows to store" in result.summary()
    assert result.changed and sha(clean_db) != before


def test_a_dfe_file_the_product_does_not_use_is_skipped_with_a_warning(clean_db, tmp_path):
    # The real AP census header (EES standard columns) is DfE data, just not data SEIP Insight loads.
    src = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_small" / "reference"
    ap = tmp_path / "ap_census.csv"
    ap.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,setting_type,placements\n"
        "202223,Academic year,National,E92000001,England,Total,1\n",
        encoding="utf-8",
    )
    before = sha(clean_db)
    result = import_paths([ap, src / "statistical_neighbours_leicestershire.csv"], clean_db)
    assert result.ok
    assert [(p.severity, p.file, p.rule) for p in result.problems] == [
        ("warning", "ap_census.csv", "dfe_file_not_used")
    ]
    assert result.rows["statistical_neighbours"] == 20
    assert sha(clean_db) != before
