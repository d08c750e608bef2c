"""Notes on the charts and the chair's commentary in the packs (issues 11 and 13): written to the
store, they appear in the PDF (pdftotext) and the workbook; a governor's pack holds the notes of
its scope only; a script in a note or a commentary is text."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from report_helpers import pdf_text, run_report

from dashboard import commentary, notes
from dashboard.access import Viewer

NTH_NOTE = ("New panel chair", 'A new chair took over <script>alert("x")</script> the panel.')
STH_NOTE = ("South formula change", "South changed its sharing formula.")
LA_NOTE = ("Guidance changed", "The exclusion guidance changed across the LA.")
SCHOOL_NOTE = ("North High joined", "North High School joined the partnership.")
COMMENTARY = (
    "# A steady year\n"
    "We kept **more** pupils in school <script>alert(1)</script>; see [the plan](https://example.org/plan).\n\n"
    "- Fewer suspensions\n"
    "- A new outreach team\n"
)


@pytest.fixture(scope="module")
def noted_db(report_db, tmp_path_factory):
    """A copy of the report warehouse (its own store beside it) with notes of every scope and NTH's commentary."""
    db = tmp_path_factory.mktemp("noted") / "seip.duckdb"
    shutil.copy(report_db, db)
    commissioner = Viewer("Test Commissioner", "commissioner")
    for (title, body), kind, code in (
        (NTH_NOTE, "partnership", "NTH"),
        (STH_NOTE, "partnership", "STH"),
        (LA_NOTE, "la", None),
        (SCHOOL_NOTE, "school", "100001"),
    ):
        notes.add_note(
            db,
            commissioner,
            title=title,
            body=body,
            scope_kind=kind,
            scope_code=code,
            academic_year="2023/24",
            school_partnership="NTH" if kind == "school" else None,
        )
    commentary.save(db, commissioner, "NTH", "2023/24", COMMENTARY)
    return db


def _report(db, tmp_path, fmt: str, partnership: str, scope: str):
    out = tmp_path / f"{partnership}-{scope}.{fmt}"
    args = ["--partnership", partnership, "--year", "2023/24", "--role", "governor", "--scope", scope]
    assert run_report(db, *args, "--format", fmt, "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def nth_pdf(noted_db, tmp_path_factory):
    return _report(noted_db, tmp_path_factory.mktemp("pdf"), "pdf", "NTH", "NTH")


def _said(path) -> str:
    return " ".join(pdf_text(path).split())


def test_the_partnerships_notes_and_the_las_are_in_its_governors_pdf_under_their_charts(nth_pdf):
    text = _said(nth_pdf)
    assert "Notes on this chart" in text  # under a trend chart of 2023/24
    assert "Notes on the charts" in text  # and in a section of their own
    for title, _ in (NTH_NOTE, LA_NOTE):
        assert title in text
    assert "The exclusion guidance changed across the LA." in text
    # another partnership's note, and a school's note, are not this governor's scope
    assert STH_NOTE[0] not in text and SCHOOL_NOTE[0] not in text


def test_a_script_in_a_note_or_the_commentary_is_text(nth_pdf):
    text = _said(nth_pdf)
    assert 'A new chair took over <script>alert("x")</script> the panel.' in text
    summary = " ".join(pdf_text(nth_pdf, 2, 2).split())
    assert "Commentary from the partnership, 2023/24" in summary
    # Markdown's markers gone, the script shown as written, the link's address said
    assert "We kept more pupils in school <script>alert(1)</script>; see the plan (https://example.org/plan)." in (
        summary
    )
    assert "A steady year" in summary and "Fewer suspensions" in summary
    assert "**" not in summary and "Written by Test Commissioner" in summary


def test_the_workbook_has_a_notes_sheet_and_the_commentary_on_its_cover(noted_db, tmp_path):
    wb = openpyxl.load_workbook(_report(noted_db, tmp_path, "xlsx", "NTH", "NTH"))
    ws = wb["Notes on the charts"]
    (table,) = ws.tables.values()
    rows = [tuple(c.value for c in row) for row in ws[table.ref]]
    assert rows[0][:5] == ("Year", "Title", "Note", "Scope", "By")
    titles = {r[1] for r in rows[1:]}
    assert {NTH_NOTE[0], LA_NOTE[0]} <= titles
    assert not titles & {STH_NOTE[0], SCHOOL_NOTE[0]}
    nth = next(r for r in rows[1:] if r[1] == NTH_NOTE[0])
    assert nth[2] == NTH_NOTE[1] and nth[3] == "partnership NTH" and nth[4] == "Test Commissioner"
    assert nth[5] != "none in this pack"  # the sheets of the charts it falls on
    cover = [c.value for c in wb["Cover"]["A"] if c.value]
    assert any(line.startswith("Commentary from the partnership, 2023/24") for line in cover)
    assert "We kept more pupils in school <script>alert(1)</script>; see the plan (https://example.org/plan)." in cover
    assert "• Fewer suspensions" in cover


def test_a_school_governor_sees_their_schools_note_and_another_partnership_none_of_north(noted_db, tmp_path):
    wb = openpyxl.load_workbook(_report(noted_db, tmp_path, "xlsx", "NTH", "100001"))
    titles = {row[1].value for row in wb["Notes on the charts"].iter_rows(min_row=3)}
    assert {NTH_NOTE[0], LA_NOTE[0], SCHOOL_NOTE[0]} <= titles and STH_NOTE[0] not in titles
    wb = openpyxl.load_workbook(_report(noted_db, tmp_path, "xlsx", "STH", "STH"))
    titles = {row[1].value for row in wb["Notes on the charts"].iter_rows(min_row=3)}
    assert {STH_NOTE[0], LA_NOTE[0]} <= titles and not titles & {NTH_NOTE[0], SCHOOL_NOTE[0]}
    cover = " ".join(c.value for c in wb["Cover"]["A"] if c.value)
    assert "Commentary" not in cover  # NTH's commentary is not South's
