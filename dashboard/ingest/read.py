"""Readers: turn the paths a user names into sheets of raw cells, with row numbers as the user sees them.

A path may be a folder (its `.csv` and `.xlsx` files), a CSV named after a table, an `.xlsx`
workbook (one sheet per table) or a DfE open-data CSV (recognised by its header by
`dashboard.ingest.reference`). Cells are kept as they are: CSV cells as text, workbook cells
as calamine gives them (text, float, bool, date). Nothing is validated here except what
stops a file being read at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.ingest import parse, reference
from dashboard.ingest.contract import TABLES
from dashboard.ingest.problems import Problem, error, warning

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class FileInfo:
    """One file on disk as the import log records it."""

    path: Path
    name: str
    size: int
    sha256: str


@dataclass
class Sheet:
    """One table's worth of raw cells: a CSV file or a workbook sheet.

    `rows` holds (row number as the user sees it, cells) for every non-blank data row.
    """

    table: str
    file: str
    info: FileInfo
    header: list[str]
    rows: list[tuple[int, list[object]]]


@dataclass
class RefSource:
    """A DfE reference file, read by `dashboard.ingest.reference`."""

    info: FileInfo
    ref: reference.RefFile


@dataclass
class Export:
    """Everything read from the paths of one run, and what stopped any of it being read."""

    sheets: list[Sheet] = field(default_factory=list)
    refs: list[RefSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)


def table_for(name: str) -> str | None:
    """The contract table a file or sheet name means (`School Census.csv` -> school_census), if any."""
    stem = parse.header(Path(name).stem if name.lower().endswith((".csv", ".xlsx")) else name)
    return stem if stem in TABLES else None


def read_paths(paths: list[Path]) -> Export:
    """Read every path; unreadable or unrecognised files become problems, never exceptions."""
    export = Export()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            _read_folder(path, export)
        elif path.exists():
            _read_file(path, export, explicit=True)
        else:
            export.problems.append(error(None, str(path), None, None, None, "no_such_file",
                                         "there is no file or folder with this name"))
    return export


def _read_folder(folder: Path, export: Export) -> None:
    # Hidden files, Excel's lock files and READMEs travel with exports; they are not data.
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and p.stem.lower() != "readme")
    if not files:
        export.problems.append(error(None, str(folder), None, None, None, "no_such_file",
                                     "the folder holds no files to import"))
    for path in files:
        _read_file(path, export, explicit=False)


def _read_file(path: Path, export: Export, explicit: bool) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _read_csv(path, export)
    elif suffix == ".xlsx":
        _read_workbook(path, export)
    elif explicit:
        export.problems.append(error(None, path.name, None, None, None, "unsupported_file",
                                     "only .csv files and .xlsx workbooks can be imported: "
                                     "save the file in one of those formats"))
    else:
        export.files.append(_info(path, path.read_bytes()))
        export.problems.append(warning(None, path.name, None, None, None, "unknown_file",
                                       "this file is not a .csv or .xlsx file and was ignored"))


def _info(path: Path, data: bytes) -> FileInfo:
    return FileInfo(path, path.name, len(data), hashlib.sha256(data).hexdigest())


def decode(data: bytes) -> str | None:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; None if none fits."""
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM):].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _split(records) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """The header (the first non-blank row) and the numbered non-blank rows after it."""
    head: list[str] = []
    rows: list[tuple[int, list[object]]] = []
    for number, cells in enumerate(records, start=1):
        if not any(c.strip() if c.__class__ is str else not parse.is_blank(c) for c in cells):
            continue
        if not head:
            head = [parse.text(c) for c in cells]
        else:
            rows.append((number, cells))
    return head, rows


def _read_csv(path: Path, export: Export) -> None:
    data = path.read_bytes()
    info = _info(path, data)
    export.files.append(info)
    table = table_for(path.name)
    text = decode(data)
    if text is None:
        export.problems.append(error(table, path.name, None, None, None, "bad_encoding",
                                     "the file is neither UTF-8 nor Windows-1252 text: "
                                     "save it from Excel as 'CSV UTF-8'"))
        return
    # strict: a stray or unclosed quote is reported, rather than silently swallowing rows.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        export.problems.append(error(table, path.name, None, None, None, "bad_csv",
                                     f"the file cannot be read as CSV: {exc} on line {reader.line_num}; "
                                     "check the quotes around cells there"))
        return
    head, rows = _split(records)
    if table is None:
        ref = reference.read(path, head) if head else None
        if ref is None and head and reference.is_unused_dfe_file(head):
            export.problems.append(warning(None, path.name, None, None, None, "dfe_file_not_used",
                                           "a DfE open-data file that SEIP Insight does not use "
                                           "(it loads exclusions, LAIT and statistical neighbours); "
                                           "it was skipped"))
            return
        if ref is None:
            export.problems.append(error(None, path.name, None, None, None, "unrecognised_file",
                                         "not a partnership table and not a recognised DfE file: "
                                         "name the file after its table, e.g. schools.csv"))
            return
        export.refs.append(RefSource(info, ref))
        export.problems.extend(ref.problems)
        return
    if not head:
        export.problems.append(error(table, path.name, None, None, None, "empty_file",
                                     "the file has no header row"))
        return
    export.sheets.append(Sheet(table, path.name, info, head, rows))


def _read_workbook(path: Path, export: Export) -> None:
    data = path.read_bytes()
    info = _info(path, data)
    export.files.append(info)
    try:
        book = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="calamine",
                             dtype=object, na_filter=False)
    except Exception as exc:  # calamine raises its own types for corrupt or encrypted files
        export.problems.append(error(None, path.name, None, None, None, "bad_workbook",
                                     f"the workbook cannot be read ({type(exc).__name__}): "
                                     "save it again from Excel as .xlsx"))
        return
    found = False
    for sheet_name, frame in book.items():
        table = table_for(str(sheet_name))
        shown = f"{path.name}, sheet {sheet_name}"
        if table is None:
            if not frame.empty:
                export.problems.append(warning(None, shown, None, None, str(sheet_name), "unknown_sheet",
                                               "this sheet is not named after a table and was ignored"))
            continue
        found = True
        records = [[_cell(c) for c in row] for row in frame.itertuples(index=False, name=None)]
        head, rows = _split(records)
        if not head:
            export.problems.append(warning(table, shown, None, None, None, "empty_sheet",
                                           "the sheet is empty and was ignored"))
            continue
        export.sheets.append(Sheet(table, shown, info, head, rows))
    if not found:
        export.problems.append(error(None, path.name, None, None, None, "unrecognised_file",
                                     "the workbook has no sheet named after a table "
                                     "(partnerships, schools, school_census, funding, referrals, "
                                     "placements, exclusions)"))


def _cell(value: object) -> object:
    """A workbook cell as the normalisers expect it: pandas' Timestamp becomes a datetime."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
