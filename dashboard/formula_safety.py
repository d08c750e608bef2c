"""Files the product writes never carry a live formula taken from data (CSV/formula injection).

A school, provider or partnership name comes from an export and may begin with `=`, `+`,
`-`, `@`, a tab or a carriage return; a spreadsheet opening a CSV or XLSX with such a cell
runs it as a formula (`=HYPERLINK(...)`, `=cmd|...`). Following OWASP's CSV injection
advice, such text is written with a single quote in front, which spreadsheets show as text.
Numbers stay numbers, including negative ones and numbers already written as text
(`-1,234.50`), so a download still adds up. Every CSV and XLSX the product writes goes
through `csv_bytes` / `xlsx_bytes` (or `neutralise_frame` first); nothing here imports
streamlit, so the report pack and the CLI can use it.
"""

from __future__ import annotations

import io
import re

import pandas as pd

# OWASP: cells beginning with these are read as formulas by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter turns text beginning with `=` into a formula and text like a URL into a link
# unless told not to: text from data is always written as text.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

# A number written as text, as the tables show them: -12, +3.5, -1,234.50, -0.4%, 1.2e-05.
_NUMBER_TEXT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?%?$")


def is_formula_like(value: object) -> bool:
    """Whether `value` is text a spreadsheet would run as a formula (a number written as text is not)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not (any(c.isdigit() for c in value) and _NUMBER_TEXT.match(value))
    )


def neutralise(value: object) -> object:
    """`value` safe to write to a spreadsheet cell: formula-like text gets a leading `'`;
    anything else (numbers, dates, blanks, ordinary text) is returned unchanged."""
    return "'" + value if is_formula_like(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell and column name neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            out[column] = values.map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """`frame` as a CSV download: neutralised, UTF-8 with BOM (so Excel reads £ correctly)."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """`frame` as an XLSX download: neutralised, and every text cell written as text, never a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": XLSXWRITER_OPTIONS}) as writer:
        neutralise_frame(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
