"""The workbook (GSS spreadsheet guidance): cover, contents, notes; one table per sheet with its
title in A1; numbers as numbers; [c]/[x]/[z] symbols; never a formula, even from an export."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from report_helpers import FORMULA_PROVIDER, run_report


@pytest.fixture(scope="module")
def governor_book(report_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "sth.xlsx"
    assert (
        run_report(
            report_db,
            "--partnership",
            "STH",
            "--year",
            "2023/24",
            "--role",
            "governor",
            "--scope",
            "STH",
            "--format",
            "xlsx",
            "--out",
            str(out),
        )
        == 0
    )
    return out


@pytest.fixture(scope="module")
def commissioner_book(report_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("book") / "nth.xlsx"
    assert (
        run_report(
            report_db,
            "--partnership",
            "NTH",
            "--year",
            "2023/24",
            "--role",
            "commissioner",
            "--format",
            "xlsx",
            "--out",
            str(out),
        )
        == 0
    )
    return out


def _table_rows(ws) -> list[tuple]:
    """The rows of the sheet's one Excel table, header first."""
    (table,) = ws.tables.values()
    return [tuple(c.value for c in row) for row in ws[table.ref]]


def _headline(path, label_start: str) -> tuple:
    ws = openpyxl.load_workbook(path)["Headline figures"]
    rows = _table_rows(ws)
    return next(dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0].startswith(label_start))


def test_cover_contents_notes_then_one_table_per_sheet(governor_book):
    wb = openpyxl.load_workbook(governor_book)
    assert wb.sheetnames[:4] == ["Cover", "Contents", "Notes", "Headline figures"]
    assert {"Definitions", "Sources", "Reasons", "Spend by provider type", "Cost and reintegration"} <= set(
        wb.sheetnames
    )
    cover = [c.value for c in wb["Cover"]["A"] if c.value]
    assert cover[0] == "SEIP Insight report pack: South Partnership, 2023/24"
    assert "Academic year: 2023/24" in cover
    assert any(line.startswith("Prepared for: governor (scope STH)") for line in cover)
    assert not any("Synthetic data" in line for line in cover)  # metrics_small is not the demo warehouse
    contents = _table_rows(wb["Contents"])
    assert contents[0] == ("Sheet name", "Table description")
    assert [r[0] for r in contents[1:]] == wb.sheetnames[3:]
    for ws in wb.worksheets:
        assert isinstance(ws["A1"].value, str) and ws["A1"].value.strip(), ws.title
        assert not ws.merged_cells.ranges, ws.title
        if ws.title == "Cover":
            continue
        assert len(ws.tables) == 1, ws.title
        rows = _table_rows(ws)
        # no blank rows or columns inside the table: every cell has something
        assert all(v is not None and v != "" for row in rows for v in row), ws.title


def test_numbers_are_numbers_with_formats_and_suppressed_values_are_c(governor_book):
    # STH 2023/24 (metrics_small): 5 suspensions of 1,200 pupils, hidden from a governor since the
    # disclosure audit found that with the LA's 7 they give away NTH's and MAT1's hidden 1 + 1
    # 2 permanent exclusions, suppressed
    row = _headline(governor_book, "Suspension rate")
    assert row["Value"] == "[c]"
    row = _headline(governor_book, "Permanent exclusion rate")
    assert row["Value"] == "[c]"
    # funding per pupil 510,000 / 1,200, in pounds and pence
    ws = openpyxl.load_workbook(governor_book)["Headline figures"]
    cell = next(r[2] for r in ws.iter_rows() if str(r[0].value).startswith("Funding per pupil"))
    assert cell.value == pytest.approx(425.0) and cell.number_format == "£#,##0.00"
    # reintegration has no England figure anywhere: not applicable, not missing
    assert _headline(governor_book, "Placements ending in reintegration")["England"] == "[z]"


def test_a_commissioner_sees_the_number_a_governor_sees_as_c(commissioner_book):
    # NTH 2023/24: 5 permanent exclusions of 1,800 pupils
    assert _headline(commissioner_book, "Permanent exclusion rate")["Value"] == pytest.approx(100 * 5 / 1800)
    # NTH 2023/24: 1 suspension of 1,800 pupils (a governor's c)
    assert _headline(commissioner_book, "Suspension rate")["Value"] == pytest.approx(100 * 1 / 1800)


def test_no_bare_c_and_no_blank_symbol_anywhere(governor_book):
    wb = openpyxl.load_workbook(governor_book)
    symbols = set()
    for ws in wb.worksheets[1:]:
        for row in _table_rows(ws)[1:]:
            assert "c" not in row, ws.title  # GSS writes [c]
            symbols |= {v for v in row if isinstance(v, str) and v in ("[c]", "[x]", "[z]", "[low]")}
    assert "[c]" in symbols
    notes = [r[1] for r in _table_rows(wb["Notes"])[1:]]
    assert any(n.startswith("[c] means: suppressed") for n in notes)


def test_no_formula_cells_even_from_a_provider_named_as_a_formula(governor_book):
    wb = openpyxl.load_workbook(governor_book)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), f"{ws.title}!{cell.coordinate}"
    # the provider is there, as text a spreadsheet shows rather than runs
    assert "'" + FORMULA_PROVIDER in texts
    with zipfile.ZipFile(io.BytesIO(governor_book.read_bytes())) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
