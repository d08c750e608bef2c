"""DfE open-data reference files: recognised by header, loaded as benchmark tables.

Four layouts are known (see data/reference/README.md):

| kind | recognised by | table |
|---|---|---|
| exclusions_by_geography | time_period, geographic_level, old_la_code, new_la_code, headcount, perm_excl, ... and school_type (2022/23) or education_phase (2023/24) | ref_exclusions_geography |
| exclusions_national | time_period, geographic_level, characteristic_group, characteristic, headcount, perm_excl, ... | ref_exclusions_national |
| lait | short_desc, years, area, value, la_number | ref_lait |
| statistical_neighbours | sn_model, focus_old_la_code, rank, sn_old_la_code | ref_statistical_neighbours |

DfE symbols (`z`, `x`, `c`, `low`, `u`, `:`, `-`) are missing values with a reason: every
measure is stored as a DOUBLE (NULL for a symbol) beside a `<measure>_symbol` column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.ingest import parse
from dashboard.ingest.problems import Problem, error, warning

SYMBOLS = frozenset({"z", "x", "c", "low", "u", ":", "-"})

ENGLAND_CODE = "E92000001"

# LAIT names regions but gives no code; these are the ONS codes of the nine English regions.
REGION_CODES = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
}

GEOGRAPHIC_LEVELS = {
    "national": "england",
    "regional": "region",
    "local authority": "local_authority",
}

EXCLUSION_MEASURES = (
    "num_schools", "headcount", "perm_excl", "perm_excl_rate",
    "suspension", "susp_rate", "one_plus_susp", "one_plus_susp_rate",
)


def _measure_ddl(measures: tuple[str, ...]) -> str:
    return ",\n        ".join(f"{m} double, {m}_symbol varchar" for m in measures)


DDL: tuple[str, ...] = (
    f"""create table if not exists ref_exclusions_geography (
        file_name varchar not null,
        source_row integer not null,
        academic_year varchar not null,
        area_type varchar not null,
        area_code varchar,
        area_name varchar,
        region_code varchar,
        region_name varchar,
        old_la_code varchar,
        new_la_code varchar,
        school_type varchar not null,
        {_measure_ddl(EXCLUSION_MEASURES)}
    )""",
    f"""create table if not exists ref_exclusions_national (
        file_name varchar not null,
        source_row integer not null,
        academic_year varchar not null,
        area_code varchar not null,
        school_type varchar not null,
        {_measure_ddl(tuple(m for m in EXCLUSION_MEASURES if m != "num_schools"))}
    )""",
    """create table if not exists ref_lait (
        file_name varchar not null,
        source_row integer not null,
        measure varchar not null,
        years varchar not null,
        academic_year varchar not null,
        census_year integer,
        area_type varchar not null,
        area_code varchar,
        old_la_code varchar,
        area_name varchar not null,
        value double,
        value_symbol varchar
    )""",
    """create table if not exists ref_statistical_neighbours (
        file_name varchar not null,
        source_row integer not null,
        sn_model varchar not null,
        model_date date not null,
        focus_old_la_code varchar not null,
        focus_la_name varchar,
        rank integer not null,
        sn_old_la_code varchar not null,
        sn_new_la_code varchar,
        sn_la_name varchar,
        sn_region_name varchar,
        closeness varchar
    )""",
)

# Which columns identify the rows a file covers: storing a file first deletes stored rows
# with the same key, so re-importing a file (or a newer release of it) never duplicates.
# LAs are keyed on the old code, which stays when the new code changes (Somerset).
KEYS: dict[str, tuple[str, ...]] = {
    "ref_exclusions_geography": ("academic_year", "area_type", "area_key", "school_type"),
    "ref_exclusions_national": ("academic_year", "area_code", "school_type"),
    "ref_lait": ("measure", "academic_year", "area_type", "area_key"),
    "ref_statistical_neighbours": ("sn_model", "focus_old_la_code"),
}



@dataclass
class RefFile:
    """One DfE reference file, read and typed, ready for `store`."""

    kind: str
    file: str
    frames: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class _Layout:
    kind: str
    table: str
    required: frozenset[str]
    any_of: tuple[frozenset[str], ...]
    reader: Callable[[_Reader], list[dict]]


class _Reader:
    """Turns the cells of one file into typed rows, collecting every problem."""

    def __init__(self, name: str, table: str, header: list[str], rows: list[list[str]], header_index: int = 0):
        self.name = name
        self.table = table
        self.columns = [parse.header(h) for h in header]
        self.rows = rows
        self.first_row = header_index + 2
        self.bad_rows: set[int] = set()
        self.problems: list[Problem] = []

    def records(self):
        """Yield (row number as the user sees it, {column: raw text}) for non-blank rows."""
        for i, cells in enumerate(self.rows, start=self.first_row):
            if not any(c.strip() for c in cells):
                continue
            yield i, {col: (cells[j].strip() if j < len(cells) else "")
                      for j, col in enumerate(self.columns)}

    def error(self, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.bad_rows.add(row)
        self.problems.append(error(self.table, self.name, row, column, value, rule, message))

    def warning(self, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.problems.append(warning(self.table, self.name, row, column, value, rule, message))

    def measure(self, out: dict, row: int, rec: dict, column: str) -> None:
        """Put `column` in `out` as a number, or as NULL beside its DfE symbol in `<column>_symbol`."""
        raw = rec.get(column, "")
        out[column], out[f"{column}_symbol"] = None, None
        if raw == "":
            return
        if raw.lower() in SYMBOLS:
            out[f"{column}_symbol"] = raw.lower()
            return
        try:
            out[column] = _number(raw)
        except ValueError:
            self.error(row, column, raw, "bad_dfe_value",
                       "a DfE figure is a number or one of the symbols z, x, c, low, u, : or -")

    def year(self, row: int, column: str, raw: str) -> str | None:
        try:
            return parse.year(raw)
        except parse.BadValue as exc:
            self.error(row, column, raw, exc.rule, exc.message)
            return None


def _number(raw: str) -> float:
    """A published figure as a float, without binary noise (17.399999999999999 -> 17.4)."""
    value = float(raw.replace(",", ""))
    return float(f"{value:.12g}")


def _phase(raw: str) -> str:
    """One spelling of school type / education phase: `State-funded secondary` -> `state_funded_secondary`."""
    name = parse.header(raw)
    return "special" if name == "state_funded_special" else name


def _phase_column(rec: dict) -> str:
    return "education_phase" if "education_phase" in rec else "school_type"


def _read_geography(r: _Reader) -> list[dict]:
    out = []
    for row, rec in r.records():
        level = GEOGRAPHIC_LEVELS.get(rec["geographic_level"].lower())
        if level is None:
            r.warning(row, "geographic_level", rec["geographic_level"], "dfe_level_skipped",
                      "only national, regional and local authority rows are used; this row was skipped")
            continue
        academic_year = r.year(row, "time_period", rec["time_period"])
        phase_col = _phase_column(rec)
        item = {
            "file_name": r.name, "source_row": row, "academic_year": academic_year, "area_type": level,
            "region_code": rec.get("region_code") or None, "region_name": rec.get("region_name") or None,
            "old_la_code": None, "new_la_code": None, "school_type": _phase(rec[phase_col]),
        }
        if level == "england":
            item["area_code"] = rec.get("country_code") or ENGLAND_CODE
            item["area_name"] = rec.get("country_name") or "England"
        elif level == "region":
            item["area_code"], item["area_name"] = item["region_code"], item["region_name"]
            if not item["area_code"]:
                r.error(row, "region_code", "", "dfe_missing_code", "a regional row needs its region_code")
        else:
            item["old_la_code"] = rec["old_la_code"]
            item["new_la_code"] = rec["new_la_code"] or None
            item["area_code"], item["area_name"] = item["new_la_code"], rec["la_name"] or None
            if not re.fullmatch(r"\d{3}", rec["old_la_code"]):
                r.error(row, "old_la_code", rec["old_la_code"], "dfe_bad_la_code",
                        "a local authority row needs its 3-digit old LA code, e.g. 855")
        for m in EXCLUSION_MEASURES:
            r.measure(item, row, rec, m)
        out.append(item)
    return out


def _read_national(r: _Reader) -> list[dict]:
    out, skipped = [], 0
    for row, rec in r.records():
        is_total = rec["characteristic_group"].lower() == "total" and rec["characteristic"].lower() == "total"
        if rec["geographic_level"].lower() != "national" or not is_total:
            skipped += 1
            continue
        item = {
            "file_name": r.name, "source_row": row,
            "academic_year": r.year(row, "time_period", rec["time_period"]),
            "area_code": rec.get("country_code") or ENGLAND_CODE,
            "school_type": _phase(rec[_phase_column(rec)]),
        }
        for m in EXCLUSION_MEASURES:
            if m != "num_schools":
                r.measure(item, row, rec, m)
        out.append(item)
    if skipped:
        r.warning(None, None, None, "dfe_rows_skipped",
                  f"{skipped} rows that are not England totals were skipped: only England totals are used from this file")
    return out


_LAIT_EXCLUSION_YEAR = re.compile(r"^\d{4}/\d{2}$")
_CENSUS_YEAR = re.compile(r"^\d{4}$")


def _read_lait(r: _Reader) -> list[dict]:
    out = []
    for row, rec in r.records():
        years, area = rec["years"], rec["area"]
        census_year = None
        if _CENSUS_YEAR.match(years):
            # The January census of year Y falls in academic year Y-1/Y.
            census_year = int(years)
            academic_year = f"{census_year - 1}/{census_year % 100:02d}"
        elif _LAIT_EXCLUSION_YEAR.match(years):
            academic_year = r.year(row, "years", years)
        else:
            r.error(row, "years", years, "bad_year",
                    "LAIT years are an academic year like 2023/24 or a census year like 2025")
            continue
        region = rec.get("region", "")
        item = {
            "file_name": r.name, "source_row": row, "measure": rec["short_desc"], "years": years,
            "academic_year": academic_year, "census_year": census_year, "area_name": area,
            "area_code": None, "old_la_code": None,
        }
        if area.lower() == "england":
            item["area_type"], item["area_code"] = "england", ENGLAND_CODE
        elif area.lower() in REGION_CODES and region.upper() in {"", "NA"}:
            item["area_type"], item["area_code"] = "region", REGION_CODES[area.lower()]
        elif re.fullmatch(r"\d{3}", rec["la_number"]) and region.upper() not in {"", "NA"}:
            item["area_type"], item["old_la_code"] = "local_authority", rec["la_number"]
        else:
            r.warning(row, "area", area, "lait_area_skipped",
                      "not England, an English region or a local authority with a 3-digit number; skipped")
            continue
        r.measure(item, row, rec, "value")
        out.append(item)
    return out


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"), start=1)}
_MODEL_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)


def _read_neighbours(r: _Reader) -> list[dict]:
    out = []
    for row, rec in r.records():
        m = _MODEL_DATE.search(rec["sn_model"])
        if not m:
            r.error(row, "sn_model", rec["sn_model"], "sn_model_date",
                    "the model name must say when it was published, e.g. `CSSNBT May 2025`")
            continue
        try:
            rank = int(rec["rank"])
        except ValueError:
            r.error(row, "rank", rec["rank"], "sn_bad_rank", "rank is a whole number, 1 for the closest neighbour")
            continue
        for col in ("focus_old_la_code", "sn_old_la_code"):
            if not re.fullmatch(r"\d{3}", rec[col]):
                r.error(row, col, rec[col], "dfe_bad_la_code", "an old LA code has 3 digits, e.g. 855")
        out.append({
            "file_name": r.name, "source_row": row, "sn_model": rec["sn_model"],
            "model_date": date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1),
            "focus_old_la_code": rec["focus_old_la_code"], "focus_la_name": rec.get("focus_la_name") or None,
            "rank": rank, "sn_old_la_code": rec["sn_old_la_code"],
            "sn_new_la_code": rec.get("sn_new_la_code") or None, "sn_la_name": rec.get("sn_la_name") or None,
            "sn_region_name": rec.get("sn_region_name") or None, "closeness": rec.get("closeness") or None,
        })
    return out


_EXCLUSION_COLUMNS = frozenset({"time_period", "geographic_level", "headcount", "perm_excl", "perm_excl_rate",
                                "suspension", "susp_rate"})
_PHASE = (frozenset({"school_type"}), frozenset({"education_phase"}))

LAYOUTS = (
    _Layout("exclusions_national", "ref_exclusions_national",
            _EXCLUSION_COLUMNS | {"characteristic_group", "characteristic"}, _PHASE, _read_national),
    _Layout("exclusions_by_geography", "ref_exclusions_geography",
            _EXCLUSION_COLUMNS | {"old_la_code", "new_la_code", "la_name"}, _PHASE, _read_geography),
    _Layout("lait", "ref_lait", frozenset({"short_desc", "years", "area", "value", "la_number"}), (),
            _read_lait),
    _Layout("statistical_neighbours", "ref_statistical_neighbours",
            frozenset({"sn_model", "focus_old_la_code", "rank", "sn_old_la_code"}), (), _read_neighbours),
)


def recognise(header: list[str]) -> str | None:
    """The kind of DfE file a header belongs to, or None when it is not a known layout."""
    layout = _layout(header)
    return layout.kind if layout else None


def _layout(header: list[str]) -> _Layout | None:
    names = {parse.header(h) for h in header}
    for layout in LAYOUTS:
        if layout.required <= names and (not layout.any_of or any(a <= names for a in layout.any_of)):
            return layout
    return None


# Every file on explore-education-statistics carries these columns (the EES open-data standard).
EES_STANDARD = frozenset({"time_period", "time_identifier", "geographic_level"})


def is_unused_dfe_file(header: list[str]) -> bool:
    """True for a DfE open-data file (EES layout) that is none of the known kinds, e.g. the AP census."""
    return _layout(header) is None and EES_STANDARD <= {parse.header(h) for h in header}


def read(path: Path, header: list[str]) -> RefFile | None:
    """Read a DfE reference CSV whose raw header cells are `header`; None when the layout is unknown.

    Every cell is read as text, so symbols survive; problems are located by file, row and column.
    """
    layout = _layout(header)
    if layout is None:
        return None
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            cells = list(csv.reader(fh))
    except UnicodeDecodeError:
        return _unread(layout, path.name, None, "dfe_encoding",
                       "DfE open-data files are UTF-8; this file is not, so it was not read")
    # Blank lines above the header are skipped; row numbers stay those of the file.
    top = next((i for i, c in enumerate(cells) if any(x.strip() for x in c)), len(cells))
    file_header = cells[top] if top < len(cells) else []
    if _layout(file_header) is not layout:
        return _unread(layout, path.name, 1, "dfe_header_changed",
                       "the file's header is not the one it was recognised by; it was not read")
    reader = _Reader(path.name, layout.table, file_header, cells[top + 1:], top)
    # A row with an error is not kept, so the frames never hold a half-read row.
    rows = [row for row in layout.reader(reader) if row["source_row"] not in reader.bad_rows]
    data_rows = sum(1 for _ in reader.records())
    return RefFile(layout.kind, path.name, {layout.table: _frame(layout.table, rows)}, reader.problems, data_rows)


def _unread(layout: _Layout, name: str, row: int | None, rule: str, message: str) -> RefFile:
    problem = error(layout.table, name, row, None, None, rule, message)
    return RefFile(layout.kind, name, {layout.table: _frame(layout.table, [])}, [problem], 0)


@cache
def _schema(table: str) -> dict[str, str]:
    """Column name -> DuckDB type of a ref_* table, in table order, as the DDL states it."""
    con = duckdb.connect()
    try:
        for stmt in DDL:
            con.execute(stmt)
        return dict(con.execute(f"select column_name, column_type from (describe {table})").fetchall())
    finally:
        con.close()


_DTYPES = {"INTEGER": "Int64", "DOUBLE": "Float64", "VARCHAR": "str"}


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's columns in order and typed for DuckDB."""
    schema = _schema(table)
    frame = pd.DataFrame(rows, columns=list(schema))
    for col, sql_type in schema.items():
        if sql_type in _DTYPES:
            frame[col] = frame[col].astype(_DTYPES[sql_type])
    return frame


def store(con: duckdb.DuckDBPyConnection, ref: RefFile) -> int:
    """Replace the stored rows this file covers with its rows; returns the rows stored.

    Rows are matched on the table's key (LAs on the old LA code), so storing the same file
    twice, or a newer release covering the same years and areas, leaves no duplicates.
    """
    stored = 0
    for table, frame in ref.frames.items():
        if frame.empty:
            continue
        view = f"_incoming_{table}"
        con.register(view, frame)
        try:
            # area_key stands for an area: the old LA code for an LA, else the area code.
            key = ", ".join("coalesce(old_la_code, area_code) as area_key" if k == "area_key" else k
                            for k in KEYS[table])
            match = " and ".join(
                "coalesce(t.old_la_code, t.area_code) is not distinct from k.area_key" if k == "area_key"
                else f"t.{k} = k.{k}"
                for k in KEYS[table])
            con.execute(f"""
                delete from {table} t
                where exists (select 1 from (select distinct {key} from {view}) k where {match})
            """)
            columns = ", ".join(frame.columns)
            con.execute(f"insert into {table} ({columns}) select {columns} from {view}")
            stored += len(frame)
        finally:
            con.unregister(view)
    return stored
