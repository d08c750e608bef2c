"""Workbooks (issue 9, item 10): formula cells are refused with the cell named; a workbook that
unpacks huge, a huge file or a huge cell is refused without using gigabytes or writing a giant report."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import xlsxwriter
from ingest_helpers import located, sha, table_rows, write_csv

from dashboard.ingest import read
from dashboard.ingest.validate import MAX_CELL_CHARS
from dashboard.load import check_paths, import_paths
from dashboard.settings import ROOT


def _placements_with_formulas(path: Path) -> Path:
    """The clean placements sheet with two formula cells: cost_gbp (I2) has no useful cached
    value (xlsxwriter caches 0), provider_name (D2) caches a harmless-looking name."""
    rows = table_rows("placements")
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Placements")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    sheet.write_formula("I2", "=SUM(1000,5000)")
    sheet.write_formula("D2", "=cmd|' /C calc'!A0", None, "Oak AP")
    book.add_worksheet("Notes").write_formula("A1", "=1+1")  # not a table's sheet: ignored
    book.close()
    return path


def test_formula_cells_are_refused_with_sheet_row_and_column(clean_db, tmp_path):
    before = sha(clean_db)
    result = import_paths([_placements_with_formulas(tmp_path / "export.xlsx")], clean_db)
    assert located(result) == [
        ("error", "placements", 2, "column D", "formula_cell"),
        ("error", "placements", 2, "column I", "formula_cell"),
    ]
    assert {p.file for p in result.problems} == {"export.xlsx, sheet Placements"}
    assert "cell D2" in result.problems[0].message and "Oak AP" not in result.problems[0].as_text()
    assert not result.ok and sha(clean_db) == before


def test_many_formula_cells_are_named_up_to_a_limit(tmp_path):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("schools")
    sheet.write_row(0, 0, ["urn", "school_name", "partnership_code"])
    for r in range(1, 51):
        sheet.write_formula(r, 0, "=120000+1")
        sheet.write_row(r, 1, ["Hill School", "HB"])
    book.close()
    problems = [p for p in check_paths([path], tmp_path / "none.duckdb").problems if p.rule == "formula_cell"]
    assert len(problems) == read.MAX_CELLS_NAMED + 1
    assert [p.row for p in problems] == [None, *range(2, 22)]
    assert problems[0].message == "and 30 more formula cells on this sheet"


def _bomb(path: Path, unpacked_mb: int, *, lie: bool = False) -> Path:
    """A workbook of a few hundred KB whose schools sheet holds one school_name cell of
    `unpacked_mb` MB. With `lie`, the zip claims the sheet unpacks to 1 KB."""
    small = path.with_name("small.xlsx")
    book = xlsxwriter.Workbook(str(small))
    book.add_worksheet("schools").write_row(0, 0, ["urn", "school_name", "partnership_code"])
    book.close()
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, src.read(info))
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>urn</t></is>'
                b'</c><c r="B1" t="inlineStr"><is><t>school_name</t></is></c><c r="C1" t="inlineStr"><is><t>'
                b'partnership_code</t></is></c></row><row r="2"><c r="A2"><v>120001</v></c>'
                b'<c r="B2" t="inlineStr"><is><t>'
            )
            chunk = b"A" * 2**20
            for _ in range(unpacked_mb):
                sheet.write(chunk)
            sheet.write(b'</t></is></c><c r="C2" t="inlineStr"><is><t>HB</t></is></c></row></sheetData></worksheet>')
    if lie:
        data = bytearray(path.read_bytes())
        name = b"xl/worksheets/sheet1.xml"
        for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.find(signature)
            while at >= 0:
                name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                if data[name_at : name_at + len(name)] == name:
                    struct.pack_into("<I", data, at + size_at, 1024)
                at = data.find(signature, at + 4)
        path.write_bytes(bytes(data))
    return path


_MEASURE = """
import json, resource, sys
from pathlib import Path
from dashboard.load import check_paths
report = "\\n".join(p.as_text() for p in check_paths([Path(sys.argv[1])], Path(sys.argv[2])).problems)
print(json.dumps({"report": report, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _measured(path: Path) -> dict:
    command = [sys.executable, "-c", _MEASURE, str(path), str(path.with_name("none.duckdb"))]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    return json.loads(done.stdout)


def _baseline_mb(folder: Path) -> float:
    """The same process's peak memory when the file it is given is not there (nothing is read):
    Python with pandas, DuckDB and the importer loaded."""
    return _measured(folder / "missing.xlsx")["peak_mb"]


def test_a_zip_bomb_is_refused_in_little_memory_with_a_short_report(tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", 300)
    assert path.stat().st_size < 2 * 2**20
    outcome = _measured(path)
    assert outcome["report"].startswith("ERROR: bomb.xlsx: the workbook unpacks to more than 256 MB")
    assert len(outcome["report"]) < 1000
    # unpacking 300 MB adds next to nothing to what the importer holds before it reads a file
    assert outcome["peak_mb"] - _baseline_mb(tmp_path) < 100, outcome["peak_mb"]


def test_a_zip_that_lies_about_its_size_is_still_counted(tmp_path):
    path = _bomb(tmp_path / "liar.xlsx", 300, lie=True)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == 1024
    outcome = _measured(path)
    assert "workbook_too_large" in outcome["report"] and len(outcome["report"]) < 1000
    assert outcome["peak_mb"] - _baseline_mb(tmp_path) < 100, outcome["peak_mb"]


def test_a_long_cell_is_refused_and_quoted_short(clean_db, tmp_path):
    path = _bomb(tmp_path / "long.xlsx", 2)  # a 2 MB school name, under the workbook limit
    result = check_paths([path], clean_db)
    [problem] = [p for p in result.problems if p.rule == "cell_too_long"]
    assert (problem.row, problem.column) == (2, "school_name")
    assert len(problem.value) <= 80 and len(problem.as_text()) < 1000
    rows = table_rows("schools")
    rows[1][1] = "x" * (MAX_CELL_CHARS + 1)
    assert located(check_paths([write_csv(tmp_path / "schools.csv", rows)], clean_db)) == [
        ("error", "schools", 2, "school_name", "cell_too_long")
    ]


def test_a_file_beyond_the_size_limit_is_not_read(clean_db, tmp_path):
    path = tmp_path / "referrals.csv"
    with path.open("wb") as f:  # sparse: nothing is written to disk, so the test is quick
        f.truncate(read.MAX_FILE_BYTES + 1)
    assert located(check_paths([path], clean_db)) == [(("error", "referrals", None, None, "file_too_large"))]
    assert os.path.getsize(path) == read.MAX_FILE_BYTES + 1
