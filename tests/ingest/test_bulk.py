"""The two ways a CSV is read give the same rows and problems: DuckDB reads a plain CSV itself
(issue 14: a region's export is millions of rows), the csv module reads any other, and the
row numbers are the user's in both."""

from __future__ import annotations

import sys

import pytest
from ingest_helpers import located, table_rows, write_csv

from dashboard.ingest.read import plain_header, read_paths
from dashboard.load import check_paths
from dashboard.settings import ROOT


@pytest.mark.parametrize(
    "data, header",
    [
        (b"urn,school_name\r\n120001,Hill\r\n", ["urn", "school_name"]),
        (b'\xef\xbb\xbf"urn",name\n1,"Oak, AP"\n2,"say ""hi"""\n', ["urn", "name"]),
        (b"urn,name\n1,a\n\n2,b\n", None),  # an empty line: DuckDB would skip it, the row numbers count it
        (b'urn,name\n1,"two\nlines"\n', None),  # a cell over two lines
        (b'urn,name\n1,"a" ,2\n', None),  # text after a closing quote: the csv module refuses it
        (b"urn,name\r1,a\r", None),  # lone carriage returns
        (b"urn,na\x00me\n", None),
        (b"urn,name\n1,\xa3\n", None),  # Windows-1252
        (b" , \nurn,name\n", None),  # the header is not on line 1
    ],
)
def test_which_csvs_duckdb_reads(data, header):
    assert plain_header(data) == header


def _exclusions(bad_row: list[str]) -> list[list[str]]:
    rows = table_rows("exclusions")
    return rows[:2] + [bad_row] + rows[2:]


BAD = ["E9", "P009", "120001", "31/02/2024", "Suspension", "0.7", "theft"]
# Row 3 in the plain file: an impossible date, a code in another case (accepted), days not in halves.
EXPECTED = [
    ("error", "exclusions", 3, "start_date", "impossible_date"),
    ("error", "exclusions", 3, "days", "out_of_range"),
]


def test_a_plain_csv_and_one_the_csv_module_reads_report_the_same_rows(clean_db, tmp_path):
    plain = write_csv(tmp_path / "plain" / "exclusions.csv", _exclusions(BAD))
    # A row longer than the header: DuckDB refuses the file, so the csv module reads it.
    longer = write_csv(tmp_path / "longer" / "exclusions.csv", _exclusions([*BAD, "", ""]))
    # An empty line before the bad row: read by the csv module, the bad row is now row 4.
    spaced = write_csv(tmp_path / "spaced" / "exclusions.csv", [*_exclusions(BAD)[:2], [], *_exclusions(BAD)[2:]])
    assert [s.source is not None for p in (plain, longer, spaced) for s in read_paths([p]).sheets] == [
        True,
        True,
        False,
    ]
    assert located(check_paths([plain], clean_db)) == EXPECTED
    assert located(check_paths([longer], clean_db)) == EXPECTED
    assert located(check_paths([spaced], clean_db)) == [(*p[:2], 4, *p[3:]) for p in EXPECTED]


def test_a_generated_authority_checks_clean(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate_region import write_authority
    finally:
        sys.path.remove(str(ROOT / "bench"))
    written = write_authority(tmp_path / "la003", 3)
    result = check_paths([tmp_path / "la003"], tmp_path / "none.duckdb")
    assert result.problems == []
    assert result.rows == written
    # Every third authority writes UK dates and money with pound signs and thousands separators.
    assert '"£' in (tmp_path / "la003" / "placements.csv").read_text(encoding="utf-8")
