"""Direct identifiers (issue 9, item 8): a header that means one refuses its table whole, and a
value that identifies a pupil is refused with its file, row and column, never quoted back."""

from __future__ import annotations

import re

import pytest
from ingest_helpers import located, query, sha, table_rows, write_csv, write_xlsx

from dashboard.ingest.contract import DIRECT_IDENTIFIERS, TABLES, identifier_meaning
from dashboard.ingest.parse import header
from dashboard.load import import_paths
from dashboard.settings import ROOT

# Spellings the review found imported with only a warning, and others an MIS writes.
SPELLINGS = [
    "Pupil Name",
    "Full Name",
    "Forename(s)",
    "Unique Pupil Number",
    "DOB (dd/mm/yyyy)",
    "Post Code",
    "Surname",
    "FirstName",
    "LAST_NAME",
    "Given Names",
    "Child's Name",
    "Initials",
    "UPN",
    "Former UPN",
    "ULN",
    "Date of Birth",
    "D.O.B.",
    "Birthdate",
    "Email Address",
    "E-mail",
    "Parent Email",
    "Telephone",
    "Mobile No.",
    "Phone Numbers",
    "Home Address",
    "Address Line 1",
    "Postcode",
    "NHS Number",
    "NI No.",
    "National Insurance Number",
]
NOT_IDENTIFIERS = [
    "school_name",
    "Provider Name",
    "Partnership Name",
    "Trust Name",
    "LA Name",
    "Provider Address",
    "Pupil Ref",
    "Head Teacher",
    "Notes",
    "Gender",
    "Hotel",
    "SchoolName",
]


def with_column(table: str, name: str, value: str) -> list[list[str]]:
    rows = table_rows(table)
    return [rows[0] + [name]] + [r + [value] for r in rows[1:]]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_identifier_spelling_refuses_the_table_naming_file_and_column(clean_db, tmp_path, spelling):
    before = sha(clean_db)
    path = write_csv(tmp_path / "referrals.csv", with_column("referrals", spelling, "x"))
    result = import_paths([path], clean_db)
    assert located(result) == [("error", "referrals", None, spelling, "direct_identifier")]
    [problem] = result.problems
    assert problem.file == "referrals.csv" and "refused" in problem.message
    assert not result.ok and sha(clean_db) == before


@pytest.mark.parametrize("spelling", NOT_IDENTIFIERS)
def test_organisation_names_and_the_contract_columns_are_not_identifiers(spelling):
    assert identifier_meaning(header(spelling)) is None


def test_no_contract_column_is_an_identifier():
    assert [c for t in TABLES.values() for c in t.column_names if identifier_meaning(c)] == []


def test_a_workbook_sheet_with_an_identifier_is_refused_and_named(clean_db, tmp_path):
    path = write_xlsx(tmp_path / "export.xlsx", {"Exclusions": with_column("exclusions", "Pupil Forenames", "Jo")})
    result = import_paths([path], clean_db)
    assert located(result) == [("error", "exclusions", None, "Pupil Forenames", "direct_identifier")]
    assert result.problems[0].file == "export.xlsx, sheet Exclusions"


VALUES = [
    # (case, table, column, value): each in data row 1 (file row 2)
    ("upn", "referrals", "pupil_ref", "A123456789012"),
    ("temporary_upn", "exclusions", "pupil_ref", "H80120612345A"),
    ("date_of_birth", "placements", "pupil_ref", "14/03/2010"),
    ("iso_date_of_birth", "referrals", "pupil_ref", "P-2010-03-14"),
    ("name_with_a_space", "referrals", "pupil_ref", "Jo Smith"),
    ("name_in_capitals", "exclusions", "pupil_ref", "SMITH, JOANNE"),
    ("email_in_pupil_ref", "placements", "pupil_ref", "jo.smith@pupils.example.sch.uk"),
    ("email_in_provider", "placements", "provider_name", "Oak AP (j.bloggs@example.org)"),
]


@pytest.mark.parametrize("table, column, value", [c[1:] for c in VALUES], ids=[c[0] for c in VALUES])
def test_an_identifying_value_is_refused_with_its_row_and_never_quoted(clean_db, tmp_path, table, column, value):
    before = sha(clean_db)
    rows = table_rows(table)
    rows[1][rows[0].index(column)] = value
    if column == "pupil_ref" and table == "placements":
        rows[1][rows[0].index("referral_id")] = "R2"  # no pupil_ref_mismatch against R1's P001
    result = import_paths([write_csv(tmp_path / f"{table}.csv", rows)], clean_db)
    identifier = [p for p in result.problems if p.rule == "identifier_value"]
    assert [(p.severity, p.file, p.row, p.column) for p in identifier] == [("error", f"{table}.csv", 2, column)]
    assert not result.ok and sha(clean_db) == before
    assert all(value not in p.as_text() for p in result.problems)


@pytest.mark.parametrize("pupil_ref", ["P001", "AB-12345", "X1234567890", "p 001", "A12345678901234", "2010-A"])
def test_ordinary_pseudonyms_are_accepted(clean_db, tmp_path, pupil_ref):
    rows = table_rows("exclusions")
    rows[2][rows[0].index("pupil_ref")] = pupil_ref
    result = import_paths([write_csv(tmp_path / "exclusions.csv", rows)], clean_db)
    assert result.ok and not result.problems, [p.as_text() for p in result.problems]
    assert query(clean_db, "select pupil_ref from exclusions where exclusion_id = 'E2'") == [(pupil_ref,)]


def test_docs_list_every_identifier_phrase_and_no_other():
    docs = (ROOT / "docs" / "import-rules.md").read_text(encoding="utf-8")
    documented = {}
    for meaning, cell in re.findall(r"^\| (a[n]? [^|]+?) \| (`.+`) \|$", docs, re.MULTILINE):
        documented[meaning] = tuple(re.findall(r"`([^`]+)`", cell))
    assert documented == DIRECT_IDENTIFIERS
