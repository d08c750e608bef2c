"""A report pack as a workbook laid out as the GSS guidance on releasing statistics in
spreadsheets asks: a cover sheet, contents and notes; one table per sheet with its title in A1;
no merged cells and no blank rows or columns inside a table; numbers stored as numbers with a
number format; `[c]`, `[x]`, `[z]` and `[low]` in place of values not shown.

Nothing in the file is ever a formula: xlsxwriter is told not to turn text into formulas or
links, and text that came from an export is neutralised (`formula_safety.neutralise`) as well,
so a provider called `=HYPERLINK(...)` stays a name.
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter

from dashboard import metrics as metrics_module
from dashboard.components.chart_panel import column_label
from dashboard.formula_safety import XLSXWRITER_OPTIONS, neutralise
from dashboard.reports import notes
from dashboard.reports.pack import Pack

MISSING = notes.WORKBOOK_SYMBOLS["x"]


def _marker(table: pd.DataFrame, column: str) -> str | None:
    if column == "value" and "suppressed" in table.columns:
        return "suppressed"
    return f"{column}_suppressed" if f"{column}_suppressed" in table.columns else None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def _format(column: str, values: list[object], decimals: dict[str, int]) -> str:
    numbers = [v for v in values if _is_number(v)]
    places = decimals.get(column)
    if places is None:
        if column.endswith("_pct"):
            places = 1
        elif all(float(v).is_integer() for v in numbers):
            places = 0
        else:
            places = 2
    body = "#,##0" + ("." + "0" * places if places else "")
    return ("£" + body) if column.endswith("_gbp") or column in ("funding_per_pupil", "cost_per_placement") else body


def table_cells(table: pd.DataFrame) -> tuple[list[str], list[list[object]], list[str | None]]:
    """A chart table as workbook cells: column labels, rows, and a number format per column
    (None for text). Marker columns become `[c]` in the column they mark; a DfE symbol fills
    the value it explains; any other missing value is `[x]`; text is neutralised."""
    cat = metrics_module.catalogue()
    labels = {m.id: m.label for m in cat.values()}
    decimals = {m.id: m.decimals for m in cat.values()}
    shown = [c for c in table.columns if not (c == "suppressed" or c.endswith("_suppressed") or c == "value_symbol")]
    columns, formats = [], []
    for column in shown:
        marker = _marker(table, column)
        hidden = table[marker].fillna(False).astype(bool) if marker else pd.Series(False, index=table.index)
        symbol = table["value_symbol"] if column == "value" and "value_symbol" in table.columns else None
        cells: list[object] = []
        for i, value in zip(table.index, table[column], strict=True):
            if hidden[i]:
                cells.append(notes.WORKBOOK_SYMBOLS["c"])
            elif value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value)):
                known = symbol[i] if symbol is not None and pd.notna(symbol[i]) else None
                cells.append(notes.WORKBOOK_SYMBOLS.get(str(known), f"[{known}]") if known else MISSING)
            elif _is_number(value):
                cells.append(float(value))
            else:
                cells.append(neutralise(str(value)))
        numeric = any(_is_number(v) for v in cells)
        columns.append(cells)
        formats.append(_format(column, cells, decimals) if numeric else None)
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return [column_label(c, labels) for c in shown], rows, formats


class _Book:
    """The workbook being written, with its shared formats."""

    def __init__(self, target: io.BytesIO | str) -> None:
        self.book = xlsxwriter.Workbook(target, {**XLSXWRITER_OPTIONS, "strings_to_numbers": False})
        self.title = self.book.add_format({"bold": True, "font_size": 14})
        self.heading = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.link = self.book.add_format({"font_color": "#1D70B8", "underline": 1})
        self.numbers: dict[str, object] = {}
        self.contents: list[tuple[str, str]] = []

    def number(self, spec: str):
        if spec not in self.numbers:
            self.numbers[spec] = self.book.add_format({"num_format": spec, "valign": "top"})
        return self.numbers[spec]

    def sheet(self, name: str, title: str, lines: list[str], description: str | None = None):
        """A new sheet with its title in A1 and lines of text under it; returns it and the next free row."""
        ws = self.book.add_worksheet(name)
        ws.write_string(0, 0, neutralise(title), self.title)
        for row, line in enumerate(lines, start=1):
            ws.write_string(row, 0, neutralise(line))
        if description is not None:
            self.contents.append((name, description))
        return ws, len(lines) + 1

    def table(
        self,
        ws,
        first_row: int,
        headers: list[str],
        rows: list[list[object]],
        formats: list[str | None],
        name: str,
        widths: list[int] | None = None,
        row_formats: list[str] | None = None,
    ) -> None:
        """One table: a header row and data rows from `first_row`, marked up as an Excel table.

        Numbers take their column's format, or their row's where `row_formats` is given (a table
        of different figures, one per row)."""
        for col, header in enumerate(headers):
            ws.write_string(first_row, col, neutralise(header), self.heading)
        for r, row in enumerate(rows, start=first_row + 1):
            for col, value in enumerate(row):
                if _is_number(value):
                    spec = row_formats[r - first_row - 1] if row_formats else formats[col]
                    ws.write_number(r, col, value, self.number(spec or "General"))
                else:
                    ws.write_string(r, col, neutralise(str(value)), self.wrap)
        ws.add_table(
            first_row,
            0,
            first_row + max(len(rows), 1),
            len(headers) - 1,
            {
                "name": name,
                "style": "Table Style Light 1",
                "autofilter": False,
                "columns": [{"header": neutralise(h)} for h in headers],
            },
        )
        for col, header in enumerate(headers):
            cells = [len(str(row[col])) for row in rows] + [len(header)]
            width = widths[col] if widths else min(60, max(10, max(cells) + 2))
            ws.set_column(col, col, width)
        ws.freeze_panes(first_row + 1, 0)


def _table_name(sheet: str, used: set[str]) -> str:
    base = "".join(ch if ch.isalnum() else "_" for ch in sheet).strip("_") or "table"
    name = f"T_{base}"[:250]
    n = 2
    while name.lower() in used:
        name, n = f"T_{base}_{n}", n + 1
    used.add(name.lower())
    return name


def _headline_rows(headlines) -> tuple[list[str], list[list[object]], list[str | None]]:
    cat = metrics_module.catalogue()

    def compared(h, value: float | None, area: str) -> object:
        # a figure DfE does not publish for that area is not applicable there, not missing
        return notes.WORKBOOK_SYMBOLS["z"] if value is None and area not in cat[h.metric].areas else value

    frame = pd.DataFrame(
        [
            {
                "figure": h.label,
                "academic_year": h.year,
                "value": h.value,
                "suppressed": h.suppressed,
                "last_year": h.previous,
                "england": compared(h, h.england, "england"),
                "statistical_neighbours": compared(h, h.sn_median, "sn_median"),
                "what_changed": h.sentence,
            }
            for h in headlines
        ]
    )
    headers, rows, _ = table_cells(frame)
    # each row is a different metric: its own unit decides the format
    formats: list[str] = []
    for h in headlines:
        places = "." + "0" * h.decimals if h.decimals else ""
        formats.append(("£" if h.unit in ("gbp", "gbp_per_pupil") else "") + "#,##0" + places)
    return headers, rows, formats


def write(pack: Pack, target: Path | io.BytesIO) -> list[str]:
    """Write `pack` as a workbook to `target` (a path or a buffer); returns the sheet names in order."""
    book = _Book(str(target) if isinstance(target, Path) else target)
    tables: set[str] = set()
    who = pack.viewer.role + (f" (scope {pack.viewer.scope})" if pack.viewer.scope else "")
    cover_lines = [
        f"Partnership: {pack.partnership_name}" + ("" if pack.partnership is None else f" ({pack.partnership})"),
        f"Academic year: {pack.year}",
        f"Prepared for: {who}; figures are shown as this role's dashboard pages show them.",
        f"Data as at: {pack.data_as_of} (the latest referral, placement or exclusion date in the data)",
        f"Produced: {date.today().isoformat()} by SEIP Insight",
        "This workbook has a contents sheet, a notes sheet and one table per sheet.",
        "Symbols: [c] suppressed, [x] not available, [z] not applicable, [low] rounds to 0 but is not 0.",
    ]
    if pack.synthetic:
        cover_lines.insert(0, notes.SYNTHETIC_LABEL)
    if pack.commentary:
        cover_lines.append(
            f"Commentary from the partnership, {pack.year} (written by {pack.commentary['author']}, "
            f"{pack.commentary['updated_at']} UTC):"
        )
        cover_lines += [
            f"• {text}" if kind == "item" else text
            for kind, text in notes.commentary_blocks(pack.commentary["markdown"])
        ]
    book.sheet("Cover", f"SEIP Insight report pack: {pack.partnership_name}, {pack.year}", cover_lines)
    contents_ws, contents_row = book.sheet("Contents", "Contents", ["This worksheet contains one table."])
    notes_ws, notes_row = book.sheet("Notes", "Notes", ["This worksheet contains one table."])

    note_rows: list[list[object]] = []
    for symbol, meaning in notes.symbols().items():
        if symbol in notes.WORKBOOK_SYMBOLS:
            note_rows.append([f"{notes.WORKBOOK_SYMBOLS[symbol]} means: {meaning}."])
    if pack.synthetic:
        note_rows.append([notes.SYNTHETIC_LABEL])
    for section in pack.sections:
        note_rows += [[f"{section.title}: {text}"] for text in section.notes]

    headers, rows, formats = _headline_rows(pack.headlines)
    ws, row = book.sheet(
        "Headline figures",
        f"Headline figures, {pack.partnership_name}, {pack.year}",
        [
            "This worksheet contains one table. Each figure is compared with last year, England "
            "and the median of the statistical neighbours, as on the Overview page.",
            "Source: partnership exports; England and statistical neighbours from DfE (Open Government Licence v3.0).",
        ],
        description="The headline figures with last year, England and neighbours",
    )
    book.table(ws, row, headers, rows, [], _table_name("Headline figures", tables), row_formats=formats)

    key = [h for s in pack.sections for h in s.key_figures]
    if key:
        headers, rows, formats = _headline_rows(key)
        headers.insert(0, "Page")
        sections = [s.title for s in pack.sections for _ in s.key_figures]
        rows = [[page, *r] for page, r in zip(sections, rows, strict=True)]
        ws, row = book.sheet(
            "Key figures by page",
            f"Key figures by page, {pack.partnership_name}, {pack.year}",
            ["This worksheet contains one table: the figures at the top of each dashboard page."],
            description="The figures at the top of each dashboard page",
        )
        book.table(ws, row, headers, rows, [], _table_name("Key figures", tables), row_formats=formats)

    for section in pack.sections:
        for panel in section.panels:
            headers, rows, formats = table_cells(panel.table)
            symbols = notes.symbols_in(panel.table)
            lines = [f"This worksheet contains one table. {panel.caption}", f"Source: {panel.source}."]
            if symbols:
                lines.append(
                    "Symbols in this table: "
                    + "; ".join(
                        f"{notes.WORKBOOK_SYMBOLS.get(s, s)} {notes.symbols().get(s, '')}" for s in sorted(symbols)
                    )
                )
            ws, row = book.sheet(panel.sheet, panel.title, lines, description=f"{section.title}: {panel.title}")
            if rows:
                book.table(ws, row, headers, rows, formats, _table_name(panel.sheet, tables))
            else:
                ws.write_string(row, 0, "There is no data for this selection.")

    if pack.notes:
        charts: dict[int, list[str]] = {}
        for panel in (p for section in pack.sections for p in section.panels):
            for note in panel.notes:
                charts.setdefault(note.id, []).append(panel.sheet)
        found = notes.notes_table(pack.notes)
        found["charts"] = [", ".join(charts.get(n.id, [])) or "none in this pack" for n in pack.notes]
        ws, row = book.sheet(
            "Notes on the charts",
            f"Notes on the charts, {pack.partnership_name}",
            [
                "This worksheet contains one table: what happened when, as written by the authority and the "
                "partnership, and the sheets of the charts each falls on."
            ],
            description="Dated notes on the charts: what happened when",
        )
        headers, rows, formats = table_cells(found)
        book.table(ws, row, headers, rows, formats, _table_name("Chart notes", tables), widths=[10, 30, 70, 18, 30, 50])

    definitions = notes.definitions(pack.metrics_used)
    ws, row = book.sheet(
        "Definitions",
        "Definitions of the figures",
        ["This worksheet contains one table, from the metric dictionary (queries/metrics.yml)."],
        description="What each figure means, its source and caveats",
    )
    headers, rows, formats = table_cells(definitions)
    book.table(
        ws,
        row,
        [h.capitalize() for h in definitions.columns],
        rows,
        formats,
        _table_name("Definitions", tables),
        widths=[34, 70, 18, 40, 50],
    )

    sources = notes.sources()
    ws, row = book.sheet(
        "Sources",
        "Sources and licences",
        ["This worksheet contains one table."],
        description="Where the figures come from and under what licence",
    )
    headers, rows, formats = table_cells(sources)
    book.table(
        ws,
        row,
        [h.capitalize() for h in sources.columns],
        rows,
        formats,
        _table_name("Sources", tables),
        widths=[50, 50, 40],
    )

    book.table(
        notes_ws,
        notes_row,
        ["Note number", "Note text"],
        [[f"Note {i}", text[0]] for i, text in enumerate(note_rows, start=1)],
        [None, None],
        _table_name("Notes", tables),
        widths=[12, 110],
    )
    book.table(
        contents_ws,
        contents_row,
        ["Sheet name", "Table description"],
        [list(item) for item in book.contents],
        [None, None],
        _table_name("Contents", tables),
        widths=[32, 80],
    )
    for r, (sheet, _) in enumerate(book.contents, start=contents_row + 1):
        contents_ws.write_url(r, 0, f"internal:'{sheet}'!A1", book.link, string=sheet)
    book.book.close()
    return [ws.get_name() for ws in book.book.worksheets()]
