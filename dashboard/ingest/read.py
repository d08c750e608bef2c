"""Readers: turn the paths a user names into sheets of raw cells, with row numbers as the user sees them.

A path may be a folder (its `.csv` and `.xlsx` files), a CSV named after a table, an `.xlsx`
workbook (one sheet per table) or a DfE open-data CSV (recognised by its header by
`dashboard.ingest.reference`). Cells are kept as they are: CSV cells as text, workbook cells
as calamine gives them (text, float, bool, date). Nothing is validated here except what
stops a file being read at all.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from dashboard.ingest import parse, reference
from dashboard.ingest.contract import TABLES
from dashboard.ingest.problems import Problem, error, warning

# Limits that keep a hostile or mistaken file from using gigabytes (issue 9, item 10): the bytes
# of one file on disk, and the bytes a workbook's parts unpack to (counted as they unpack,
# whatever sizes the zip claims). A real export is a few MB.
MAX_FILE_BYTES = 100 * 2**20
MAX_WORKBOOK_UNPACKED_BYTES = 256 * 2**20
# Formula cells named one by one per sheet; beyond that, one problem says how many more.
MAX_CELLS_NAMED = 20
_FORMULA_TAG = re.compile(rb"<(\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")

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

    `rows` holds (row number as the user sees it, cells) for every non-blank data row; or,
    for a plain CSV (`source`), the validator has DuckDB read the file itself (a region's
    export is millions of rows).
    """

    table: str
    file: str
    info: FileInfo
    header: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    source: Path | None = None


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
        if path.is_symlink() and not path.is_dir():
            _refuse_link(path, export)
        elif path.is_dir():
            _read_folder(path, export)
        elif path.exists():
            _read_file(path, export, explicit=True)
        else:
            export.problems.append(
                error(None, str(path), None, None, None, "no_such_file", "there is no file or folder with this name")
            )
    return export


def _read_folder(folder: Path, export: Export) -> None:
    # Hidden files, Excel's lock files and READMEs travel with exports; they are not data.
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$")) and p.stem.lower() != "readme")
    # A link (or anything that resolves outside the folder) could point at any file the
    # importing account can read: it is refused unread, so nothing of it reaches a message.
    inside = folder.resolve()
    links = [p for p in entries if p.is_symlink() or not p.resolve().is_relative_to(inside)]
    files = [p for p in entries if p not in links and p.is_file()]
    if not files and not links:
        export.problems.append(
            error(None, str(folder), None, None, None, "no_such_file", "the folder holds no files to import")
        )
    for path in links:
        _refuse_link(path, export)
    for path in files:
        _read_file(path, export, explicit=False)


def _refuse_link(path: Path, export: Export) -> None:
    export.problems.append(
        error(
            table_for(path.name),
            path.name,
            None,
            None,
            None,
            "link_refused",
            "this is a link to another file (or leads outside the folder given), so it "
            "was not read: copy the file itself into the export folder",
        )
    )


def _read_file(path: Path, export: Export, explicit: bool) -> None:
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > MAX_FILE_BYTES and (explicit or suffix in (".csv", ".xlsx")):
        export.problems.append(
            error(
                table_for(path.name),
                path.name,
                None,
                None,
                None,
                "file_too_large",
                f"the file is {size / 2**20:,.0f} MB; the import reads at most "
                f"{MAX_FILE_BYTES // 2**20} MB per file: split the export into smaller files",
            )
        )
        return
    if suffix == ".csv":
        _read_csv(path, export)
    elif suffix == ".xlsx":
        _read_workbook(path, export)
    elif suffix == ".parquet":
        _read_parquet(path, export)
    elif explicit:
        export.problems.append(
            error(
                None,
                path.name,
                None,
                None,
                None,
                "unsupported_file",
                "only .csv files and .xlsx workbooks can be imported: save the file in one of those formats",
            )
        )
    else:
        with path.open("rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
        export.files.append(FileInfo(path, path.name, size, digest))
        export.problems.append(
            warning(
                None,
                path.name,
                None,
                None,
                None,
                "unknown_file",
                "this file is not a .csv or .xlsx file and was ignored",
            )
        )


def _info(path: Path, data: bytes) -> FileInfo:
    return FileInfo(path, path.name, len(data), hashlib.sha256(data).hexdigest())


def decode(data: bytes) -> str | None:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; None if none fits."""
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8")
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


# A character written as UTF-8 (2 to 4 bytes). Windows-1252 text almost never holds one,
# because it would read as `Ã©`-like pairs; a file holding one and also bytes that are not
# UTF-8 mixes encodings, and reading it either way would garble part of it.
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def mixed_encoding_line(data: bytes) -> int | None:
    """The line (from 1) of the first byte that is not UTF-8, in a file that elsewhere holds
    UTF-8 characters; None when the file is all UTF-8 or holds no UTF-8 characters at all."""
    body = data.removeprefix(_UTF8_BOM)
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError as bad:
        if not data.startswith(_UTF8_BOM) and not _UTF8_CHARACTER.search(body):
            return None
        return body.count(b"\n", 0, bad.start) + 1


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


# A quoted cell on one line, as Excel writes a cell holding a comma: `"£1,234.50"`.
_QUOTED_CELL = re.compile(rb'(?:(?<=[,\n])|\A)"(?:[^"\r\n]|"")*"(?=[,\r\n]|\Z)')


def plain_header(data: bytes) -> list[str] | None:
    """The header of a CSV that DuckDB reads exactly as the csv module does, else None.

    Plain means UTF-8 in which no cell spans lines and every quote belongs to a quoted cell
    (`"£1,234.50"`), without NUL bytes, lone carriage returns or empty lines (which DuckDB
    skips but the row numbers count), and with the header on line 1. Any other CSV is read
    by the csv module.
    """
    body = data.removeprefix(_UTF8_BOM)
    if (
        b"\x00" in body
        or b"\n\n" in body
        or b"\n\r\n" in body
        or body.startswith((b"\n", b"\r"))
        or body.count(b"\r") != body.count(b"\r\n")
        or (b'"' in body and b'"' in _QUOTED_CELL.sub(b"", body))
    ):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    line = body.split(b"\n", 1)[0].removesuffix(b"\r").decode("utf-8")
    head = [parse.text(c) for c in next(csv.reader([line], strict=True))]
    return head if any(head) else None


def _read_csv(path: Path, export: Export) -> None:
    data = path.read_bytes()
    info = _info(path, data)
    export.files.append(info)
    table = table_for(path.name)
    head = plain_header(data) if table is not None else None
    if head is not None:
        export.sheets.append(Sheet(table, path.name, info, head, source=path))
        return
    mixed = None if data.startswith(_UTF16_BOMS) else mixed_encoding_line(data)
    if mixed is not None:
        export.problems.append(
            error(
                table,
                path.name,
                mixed,
                None,
                None,
                "mixed_encoding",
                f"line {mixed} is not UTF-8 text although other lines are: the file mixes "
                "encodings (often rows pasted from another program), so some letters would be "
                "garbled. Save it from Excel as 'CSV UTF-8' and check that line",
            )
        )
        return
    text = decode(data)
    if text is None:
        export.problems.append(
            error(
                table,
                path.name,
                None,
                None,
                None,
                "bad_encoding",
                "the file is neither UTF-8 nor Windows-1252 text: save it from Excel as 'CSV UTF-8'",
            )
        )
        return
    # strict: a stray or unclosed quote is reported, rather than silently swallowing rows.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        export.problems.append(
            error(
                table,
                path.name,
                None,
                None,
                None,
                "bad_csv",
                f"the file cannot be read as CSV: {exc} on line {reader.line_num}; check the quotes around cells there",
            )
        )
        return
    head, rows = _split(records)
    if table is None:
        ref = reference.read(path, head) if head else None
        if ref is None and head and reference.is_unused_dfe_file(head):
            export.problems.append(
                warning(
                    None,
                    path.name,
                    None,
                    None,
                    None,
                    "dfe_file_not_used",
                    "a DfE open-data file that SEIP Insight does not use "
                    "(it loads exclusions, LAIT and statistical neighbours); "
                    "it was skipped",
                )
            )
            return
        if ref is None:
            export.problems.append(
                error(
                    None,
                    path.name,
                    None,
                    None,
                    None,
                    "unrecognised_file",
                    "not a partnership table and not a recognised DfE file: "
                    "name the file after its table, e.g. schools.csv",
                )
            )
            return
        export.refs.append(RefSource(info, ref))
        export.problems.extend(ref.problems)
        return
    if not head:
        export.problems.append(error(table, path.name, None, None, None, "empty_file", "the file has no header row"))
        return
    export.sheets.append(Sheet(table, path.name, info, head, rows))


def csv_rows(sheet: Sheet) -> list[tuple[int, list[object]]]:
    """The numbered non-blank data rows of a plain CSV sheet, read by the csv module: for a file
    DuckDB refuses (a row longer than the header)."""
    text = sheet.source.read_bytes().removeprefix(_UTF8_BOM).decode("utf-8")
    return _split(csv.reader(io.StringIO(text, newline=""), strict=True))[1]


def _read_workbook(path: Path, export: Export) -> None:
    data = path.read_bytes()
    info = _info(path, data)
    export.files.append(info)
    refused = _workbook_guard(data, path.name)
    if refused:
        export.problems.extend(refused)
        return
    try:
        book = pd.read_excel(
            io.BytesIO(data), sheet_name=None, header=None, engine="calamine", dtype=object, na_filter=False
        )
    except Exception as exc:  # calamine raises its own types for corrupt or encrypted files
        export.problems.append(
            error(
                None,
                path.name,
                None,
                None,
                None,
                "bad_workbook",
                f"the workbook cannot be read ({type(exc).__name__}): save it again from Excel as .xlsx",
            )
        )
        return
    found = False
    ignored = []
    for sheet_name, frame in book.items():
        table = table_for(str(sheet_name))
        shown = f"{path.name}, sheet {sheet_name}"
        if table is None:
            if not frame.empty:
                ignored.append(
                    warning(
                        None,
                        shown,
                        None,
                        None,
                        str(sheet_name),
                        "unknown_sheet",
                        "this sheet is not named after a table and was ignored",
                    )
                )
            continue
        found = True
        records = [[_cell(c) for c in row] for row in frame.itertuples(index=False, name=None)]
        head, rows = _split(records)
        if not head:
            export.problems.append(
                warning(table, shown, None, None, None, "empty_sheet", "the sheet is empty and was ignored")
            )
            continue
        export.sheets.append(Sheet(table, shown, info, head, rows))
    if not found and _add_reference(reference.read_workbook(path.name, book), info, export):
        return
    export.problems.extend(ignored)
    if not found:
        export.problems.append(
            error(
                None,
                path.name,
                None,
                None,
                None,
                "unrecognised_file",
                "the workbook has no sheet named after a table "
                "(partnerships, schools, school_census, funding, referrals, "
                "placements, exclusions)",
            )
        )


def _read_parquet(path: Path, export: Export) -> None:
    info = _info(path, path.read_bytes())
    export.files.append(info)
    if not _add_reference(reference.read_parquet(path), info, export):
        export.problems.append(
            error(
                None,
                path.name,
                None,
                None,
                None,
                "unrecognised_file",
                "a parquet file that is not DfE LAIT's long data set (bds_long): "
                "SEIP Insight reads no other parquet file",
            )
        )


def _add_reference(ref: reference.RefFile | None, info: FileInfo, export: Export) -> bool:
    """Keep a DfE file read by `dashboard.ingest.reference`; False when it was not one."""
    if ref is None:
        return False
    export.refs.append(RefSource(info, ref))
    export.problems.extend(ref.problems)
    return True


def _cell(value: object) -> object:
    """A workbook cell as the normalisers expect it: pandas' Timestamp becomes a datetime."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _workbook_guard(data: bytes, name: str) -> list[Problem]:
    """Problems that stop a workbook being handed to calamine: parts that unpack beyond
    MAX_WORKBOOK_UNPACKED_BYTES (a zip bomb), or formula cells on a table's sheet.

    A file that is not a zip at all is left to calamine, which reports it as bad_workbook.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []
    too_large = [
        error(
            None,
            name,
            None,
            None,
            None,
            "workbook_too_large",
            f"the workbook unpacks to more than {MAX_WORKBOOK_UNPACKED_BYTES // 2**20} MB, "
            "far more than an export holds; it was not read. Save the tables as CSV files",
        )
    ]
    with book:
        if sum(i.file_size for i in book.infolist()) > MAX_WORKBOOK_UNPACKED_BYTES:
            return too_large
        try:
            sheets = _sheet_parts(book)
            unpacked, with_formulas = 0, []
            for info in book.infolist():
                # Count what really unpacks: the zip's own size field may lie.
                unbounded = copy.copy(info)
                unbounded.file_size = MAX_WORKBOOK_UNPACKED_BYTES + 1
                tail = b""
                with book.open(unbounded) as part:
                    while chunk := part.read(2**20):
                        unpacked += len(chunk)
                        if unpacked > MAX_WORKBOOK_UNPACKED_BYTES:
                            return too_large
                        if info.filename in sheets and _FORMULA_TAG.search(tail + chunk):
                            with_formulas.append(info.filename)
                        tail = chunk[-16:]
            problems = []
            for part in dict.fromkeys(with_formulas):
                problems.extend(_formula_problems(book, part, sheets[part], name))
            return problems
        except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, EOFError, NotImplementedError):
            return [
                error(
                    None,
                    name,
                    None,
                    None,
                    None,
                    "bad_workbook",
                    "the workbook is damaged (a part of it does not unpack): save it again from Excel as .xlsx",
                )
            ]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part of a table's sheet (`xl/worksheets/sheet1.xml`) and its sheet name."""
    if "xl/workbook.xml" not in book.namelist():
        return {}
    targets = {}
    if "xl/_rels/workbook.xml.rels" in book.namelist():
        for rel in ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels")):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = {}
    for element in ElementTree.fromstring(book.read("xl/workbook.xml")).iter():
        if _local(element.tag) == "sheet":
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            sheet = element.get("name", "")
            if rid in targets and table_for(sheet):
                parts[targets[rid]] = sheet
    return parts


def _formula_problems(book: zipfile.ZipFile, part: str, sheet: str, name: str) -> list[Problem]:
    """One error per formula cell of a table's sheet (the first MAX_CELLS_NAMED), naming the cell."""
    cells = []
    with book.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            tag = _local(element.tag)
            if tag == "c":
                if any(_local(child.tag) == "f" for child in element):
                    cells.append(element.get("r", ""))
                element.clear()
            elif tag == "row":
                element.clear()
    table, shown = table_for(sheet), f"{name}, sheet {sheet}"
    problems = []
    for ref in cells[:MAX_CELLS_NAMED]:
        m = _CELL_REF.match(ref)
        row, column = (int(m.group(2)), f"column {m.group(1)}") if m else (None, ref or None)
        problems.append(
            error(
                table,
                shown,
                row,
                column,
                None,
                "formula_cell",
                f"cell {ref} holds a formula; an export holds values only, because a formula's "
                "result may be stale or run a command: copy the cells and paste them as values",
            )
        )
    if len(cells) > MAX_CELLS_NAMED:
        problems.append(
            error(
                table,
                shown,
                None,
                None,
                None,
                "formula_cell",
                f"and {len(cells) - MAX_CELLS_NAMED:,} more formula cells on this sheet",
            )
        )
    return problems
