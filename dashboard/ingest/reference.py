"""DfE open-data reference files: recognised by their content, loaded as benchmark tables.

These layouts are known (see data/reference/README.md), each stored in its `ref_*` table:

- exclusions_by_geography (`ref_exclusions_geography`), CSV: time_period, geographic_level,
  old_la_code, new_la_code, headcount, perm_excl, ... and school_type (2022/23) or
  education_phase (2023/24);
- exclusions_national (`ref_exclusions_national`), CSV: time_period, geographic_level,
  characteristic_group, characteristic, headcount, perm_excl, ...;
- lait (`ref_lait`): LAIT's long parquet file (Short Desc, Years, LA and Regions, Values,
  LA Number) or a CSV of it (short_desc, years, area, value, la_number);
- lait_dictionary (`ref_lait_dictionary`), CSV: Measure_short, Polarity, dps, Next Update, ...;
- statistical_neighbours (`ref_statistical_neighbours`): DfE's workbook (a header row with
  LA num, LA Name, SN1..SN10 below rows of column numbers) or a CSV (sn_model,
  focus_old_la_code, rank, sn_old_la_code);
- la_codes (`ref_la_codes`), workbook: LA Number, LA Name, Region, Type.

Only the LAIT measures SEIP uses (`LAIT_MEASURES`: exclusions, suspensions and FSM) are kept
from LAIT's 434; the parquet file is filtered and typed by DuckDB, never row by row in Python.

DfE symbols (`z`, `x`, `c`, `low`, `u`, `:`, `-`) are missing values with a reason: every
measure is stored as a DOUBLE (NULL for a symbol) beside a `<measure>_symbol` column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.ingest import parse
from dashboard.ingest.problems import Problem, error, warning
from dashboard.schema import EXCLUSION_MEASURES, REFERENCE_DDL

SYMBOLS = frozenset({"z", "x", "c", "low", "u", ":", "-"})

ENGLAND_CODE = "E92000001"

# LAIT and the LA code list name regions but give no code: these are the ONS codes of the nine
# English regions, and of Inner and Outer London, which the exclusions files publish as regions.
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
    "inner london": "E13000001",
    "london (inner)": "E13000001",
    "outer london": "E13000002",
    "london (outer)": "E13000002",
}

# The LAIT measures SEIP loads: exclusion and suspension rates, and FSM %, by phase.
LAIT_MEASURES = (
    "SecPermEx",
    "SecFixedEx",
    "Sec_ Pup_FixedEx",
    "SecFSM",
    "Ever6_FSM_Sec",
    "TotPermEx",
    "TotFixedEx",
    "Total_ Pup_FixedEx",
    "PriPermEx",
    "PriFixedEx",
    "Pri_ Pup_FixedEx",
    "PriFSM",
    "Ever6_FSM_Prim",
    "SpecPermEx",
    "SpecFixedEx",
    "Spec_ Pup_FixedEx",
)

GEOGRAPHIC_LEVELS = {
    "national": "england",
    "regional": "region",
    "local authority": "local_authority",
}


# Which columns identify the rows a file covers: storing a file first deletes stored rows
# with the same key, so re-importing a file (or a newer release of it) never duplicates.
# LAs are keyed on the old code, which stays when the new code changes (Somerset).
KEYS: dict[str, tuple[str, ...]] = {
    "ref_exclusions_geography": ("academic_year", "area_type", "area_key", "school_type"),
    "ref_exclusions_national": ("academic_year", "area_code", "school_type"),
    "ref_lait": ("measure", "academic_year", "area_type", "area_key"),
    "ref_statistical_neighbours": ("sn_model", "focus_old_la_code"),
    "ref_la_codes": ("old_la_code",),
    "ref_lait_dictionary": ("measure",),
}


@dataclass
class RefFile:
    """One DfE reference file, read and typed, ready for `load.store_reference`."""

    kind: str
    file: str
    frames: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def stored(self) -> int:
        """The rows `load.store_reference` writes: fewer than `rows` where rows are skipped (LAIT's other measures)."""
        return sum(len(frame) for frame in self.frames.values())


@dataclass(frozen=True)
class _Layout:
    kind: str
    table: str
    required: frozenset[str]
    any_of: tuple[frozenset[str], ...]
    reader: Callable[[_Reader], list[dict] | pd.DataFrame]


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

    @cached_property
    def numbered(self) -> list[tuple[int, list[str]]]:
        """(row number as the user sees it, cells) for every non-blank row."""
        return [(i, cells) for i, cells in enumerate(self.rows, start=self.first_row) if any(c.strip() for c in cells)]

    def records(self):
        """Yield (row number as the user sees it, {column: raw text}) for non-blank rows."""
        for i, cells in self.numbered:
            yield i, {col: (cells[j].strip() if j < len(cells) else "") for j, col in enumerate(self.columns)}

    def error(self, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.bad_rows.add(row)
        self.problems.append(error(self.table, self.name, row, column, value, rule, message))

    def warning(self, row: int | None, column: str | None, value: str | None, rule: str, message: str) -> None:
        self.problems.append(warning(self.table, self.name, row, column, value, rule, message))

    def year(self, row: int, column: str, raw: str) -> str | None:
        try:
            return parse.year(raw)
        except parse.BadValue as exc:
            self.error(row, column, raw, exc.rule, exc.message)
            return None

    def frame(self) -> pd.DataFrame:
        """Every non-blank row as stripped text, a column per header name, and `source_row`."""
        width = len(self.columns)
        frame = pd.DataFrame(
            [(cells + [""] * width)[:width] for _, cells in self.numbered], columns=self.columns, dtype="str"
        )
        frame = frame.apply(lambda column: column.str.strip())
        frame.insert(0, "source_row", [i for i, _ in self.numbered])
        return frame

    def years(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """`column` as academic years (`2023/24`), None where the cell is not one (an error each)."""
        spelled = {}
        for raw in frame[column].unique():  # a file spells its years a few ways, not once per row
            try:
                spelled[raw] = parse.year(raw)
            except parse.BadValue:
                spelled[raw] = None
        years = frame[column].map(spelled)
        for row, raw in frame.loc[years.isna(), ["source_row", column]].itertuples(index=False):
            self.year(row, column, raw)
        return years

    def measures(self, frame: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
        """The DfE figures in `measures` typed by DuckDB: `<m>` (DOUBLE) and `<m>_symbol`, an error per bad cell.

        A missing column is all NULL with no symbol.
        """
        con = duckdb.connect()
        try:
            con.register("cells", frame)
            typed = ", ".join(_measure_sql(f'"{m}"' if m in frame.columns else "''", m) for m in measures)
            out = con.execute(f"select source_row, {typed} from cells order by source_row").df()
        finally:
            con.close()
        for m in (m for m in measures if m in frame.columns):
            bad = out[f"{m}__bad"]
            for row, raw in frame.loc[bad.to_numpy(), ["source_row", m]].itertuples(index=False):
                self.error(
                    row,
                    m,
                    raw,
                    "bad_dfe_value",
                    "a DfE figure is a number or one of the symbols z, x, c, low, u, : or -",
                )
        return out.drop(columns=[f"{m}__bad" for m in measures])


_SYMBOL_LIST = "(" + ", ".join(f"'{s}'" for s in sorted(SYMBOLS)) + ")"


def _measure_sql(cell: str, name: str) -> str:
    """DuckDB expressions typing the text `cell` as a DfE figure: `name` (DOUBLE, NULL for a symbol),
    `name_symbol` and `name__bad` (neither a number nor a symbol).

    12 significant digits remove binary noise (17.399999999999999 -> 17.4) without imposing a
    display precision.
    """
    number = f"try_cast(replace({cell}, ',', '') as double)"
    is_symbol = f"lower({cell}) in {_SYMBOL_LIST}"
    return (
        f"case when {is_symbol} then null else printf('%.12g', {number})::double end as \"{name}\", "
        f'case when {is_symbol} then lower({cell}) end as "{name}_symbol", '
        f"coalesce({cell}, '') <> '' and not {is_symbol} and {number} is null as \"{name}__bad\""
    )


def _phase(raw: str) -> str:
    """One spelling of school type / education phase: `State-funded secondary` -> `state_funded_secondary`."""
    name = parse.header(raw)
    return "special" if name == "state_funded_special" else name


def _phase_column(rec: dict) -> str:
    return "education_phase" if "education_phase" in rec else "school_type"


def _read_geography(r: _Reader) -> pd.DataFrame:
    cells = r.frame()
    for optional in ("region_code", "region_name", "country_code", "country_name", "la_name"):
        if optional not in cells:
            cells[optional] = ""
    level = cells["geographic_level"].str.lower().map(GEOGRAPHIC_LEVELS)
    for row, raw in cells.loc[level.isna(), ["source_row", "geographic_level"]].itertuples(index=False):
        r.warning(
            row,
            "geographic_level",
            raw,
            "dfe_level_skipped",
            "only national, regional and local authority rows are used; this row was skipped",
        )
    cells, level = cells[level.notna()], level[level.notna()]
    is_region, is_la = level == "region", level == "local_authority"
    blank = cells.replace("", None)
    region_code = blank["region_code"]
    for row in cells.loc[is_region & region_code.isna(), "source_row"]:
        r.error(row, "region_code", "", "dfe_missing_code", "a regional row needs its region_code")
    old_code = cells["old_la_code"]
    bad_code = is_la & ~old_code.str.fullmatch(r"\d{3}")
    for row, raw in cells.loc[bad_code, ["source_row", "old_la_code"]].itertuples(index=False):
        r.error(
            row, "old_la_code", raw, "dfe_bad_la_code", "a local authority row needs its 3-digit old LA code, e.g. 855"
        )
    # `x`: an LA abolished before new codes were given (Cheshire 875) has none
    new_code = blank["new_la_code"].where(~cells["new_la_code"].str.lower().isin(SYMBOLS))
    phase = cells[_phase_column(cells)]
    out = pd.DataFrame(
        {
            "file_name": r.name,
            "source_row": cells["source_row"],
            "academic_year": r.years(cells, "time_period"),
            "area_type": level,
            "area_code": new_code.where(
                is_la, region_code.where(is_region, blank["country_code"].fillna(ENGLAND_CODE))
            ),
            "area_name": blank["la_name"].where(
                is_la, blank["region_name"].where(is_region, blank["country_name"].fillna("England"))
            ),
            "region_code": region_code,
            "region_name": blank["region_name"],
            "old_la_code": old_code.where(is_la),
            "new_la_code": new_code.where(is_la),
            "school_type": phase.map({raw: _phase(raw) for raw in phase.unique()}),
        }
    )
    typed = r.measures(cells, EXCLUSION_MEASURES)
    return pd.concat([out.reset_index(drop=True), typed.drop(columns="source_row")], axis=1)


def _read_national(r: _Reader) -> pd.DataFrame:
    cells = r.frame()
    if "country_code" not in cells:
        cells["country_code"] = ""
    is_total = (
        (cells["characteristic_group"].str.lower() == "total")
        & (cells["characteristic"].str.lower() == "total")
        & (cells["geographic_level"].str.lower() == "national")
    )
    skipped = int((~is_total).sum())
    if skipped:
        r.warning(
            None,
            None,
            None,
            "dfe_rows_skipped",
            f"{skipped} rows that are not England totals were skipped: only England totals are used from this file",
        )
    cells = cells[is_total]
    phase = cells[_phase_column(cells)]
    out = pd.DataFrame(
        {
            "file_name": r.name,
            "source_row": cells["source_row"],
            "academic_year": r.years(cells, "time_period"),
            "area_code": cells["country_code"].replace("", ENGLAND_CODE),
            "school_type": phase.map({raw: _phase(raw) for raw in phase.unique()}),
        }
    )
    typed = r.measures(cells, tuple(m for m in EXCLUSION_MEASURES if m != "num_schools"))
    return pd.concat([out.reset_index(drop=True), typed.drop(columns="source_row")], axis=1)


# One reading of LAIT's long layout for the CSV and the parquet file alike, run by DuckDB over
# `lait_source` (source_row, short_desc, years, area, value, la_number, region: all text).
_LAIT_SQL = r"""
with

source as (

    select
        source_row,
        trim(short_desc) as measure,
        trim(coalesce(years, '')) as years,
        trim(coalesce(area, '')) as area_name,
        trim(coalesce(value, '')) as raw_value,
        trim(coalesce(la_number, '')) as la_number,
        upper(trim(coalesce(region, ''))) in ('', 'NA') as has_no_region,
    from lait_source
    where trim(short_desc) in (select measure from lait_measures)

),

typed as (

    select
        source.*,
        -- a census year Y (January) falls in academic year Y-1/Y
        case when regexp_full_match(years, '\d{4}') then years::integer end as census_year,
        case
            when regexp_full_match(years, '\d{4}')
                then (years::integer - 1)::varchar || '/' || lpad((years::integer % 100)::varchar, 2, '0')
            when regexp_full_match(years, '\d{4}/\d{2}')
                and right(years, 2)::integer = (left(years, 4)::integer + 1) % 100
                then years
        end as academic_year,
        case
            when lower(area_name) = 'england' then 'england'
            when has_no_region and regions.area_code is not null then 'region'
            when regexp_full_match(la_number, '\d{3}') and not has_no_region then 'local_authority'
        end as area_type,
        regions.area_code as region_code,
        $typed_value,
    from source
    left join lait_regions as regions
        on regions.name = lower(source.area_name)

)

select
    source_row,
    measure,
    years,
    academic_year,
    census_year,
    area_type,
    case area_type when 'england' then 'E92000001' when 'region' then region_code end as area_code,
    case when area_type = 'local_authority' then la_number end as old_la_code,
    area_name,
    value,
    value_symbol,
    raw_value,
    value__bad as is_bad_value,
from typed
order by source_row
"""


def _lait_frame(con: duckdb.DuckDBPyConnection, name: str, table: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Type the `lait_source` relation of `con`: the ref_lait rows and every problem found."""
    con.register("lait_measures", pd.DataFrame({"measure": list(LAIT_MEASURES)}))
    con.register("lait_regions", pd.DataFrame({"name": list(REGION_CODES), "area_code": list(REGION_CODES.values())}))
    typed = con.execute(_LAIT_SQL.replace("$typed_value", _measure_sql("raw_value", "value"))).df()
    problems: list[Problem] = []
    bad_year = typed["academic_year"].isna()
    for row, years in typed.loc[bad_year, ["source_row", "years"]].itertuples(index=False):
        problems.append(
            error(
                table,
                name,
                int(row),
                "years",
                years,
                "bad_year",
                "LAIT years are an academic year like 2023/24 or a census year like 2025",
            )
        )
    bad_value = typed["is_bad_value"] & ~bad_year
    for row, raw in typed.loc[bad_value, ["source_row", "raw_value"]].itertuples(index=False):
        problems.append(
            error(
                table,
                name,
                int(row),
                "value",
                raw,
                "bad_dfe_value",
                "a DfE figure is a number or one of the symbols z, x, c, low, u, : or -",
            )
        )
    skipped = typed["area_type"].isna() & ~bad_year & ~bad_value
    # one warning per area, at its first row: LAIT repeats an area for every measure and year
    for area, rows in typed.loc[skipped].groupby("area_name", sort=False)["source_row"]:
        problems.append(
            warning(
                table,
                name,
                int(rows.iloc[0]),
                "area",
                area,
                "lait_area_skipped",
                f"not England, an English region or a local authority with a 3-digit number; "
                f"its {len(rows)} row(s) were skipped",
            )
        )
    kept = typed[~(bad_year | bad_value | skipped)].copy()
    kept["file_name"] = name
    return kept, problems


def _read_lait(r: _Reader) -> pd.DataFrame:
    cells = r.frame()
    if "region" not in cells:
        cells["region"] = ""
    cells = cells[["source_row", "short_desc", "years", "area", "value", "la_number", "region"]]
    con = duckdb.connect()
    try:
        con.register("lait_source", cells)
        frame, problems = _lait_frame(con, r.name, r.table)
    finally:
        con.close()
    r.problems.extend(problems)
    return frame


_LAIT_PARQUET = {
    "short_desc": "short_desc",
    "years": "years",
    "la_and_regions": "area",
    "values": "value",
    "la_number": "la_number",
    "region": "region",
}


def read_parquet(path: Path) -> RefFile | None:
    """Read LAIT's long data set (bds_long parquet) with DuckDB; None when the file is not that.

    A file that cannot be read as parquet at all gives a RefFile with one error.
    """
    path = Path(path)
    con = duckdb.connect()
    try:
        try:
            relation = con.read_parquet(str(path), file_row_number=True)
        except duckdb.Error:
            problem = error(
                None,
                path.name,
                None,
                None,
                None,
                "bad_parquet",
                "the file cannot be read as parquet: it may be damaged or not a parquet file",
            )
            return RefFile("lait", path.name, {}, [problem], 0)
        columns = {parse.header(c): c for c in relation.columns}
        if not set(_LAIT_PARQUET) - {"region"} <= columns.keys():
            return None
        # LAIT's LA Number is a float column (855.0): an LA's code is its 3 digits as text
        selected = ", ".join(
            ('cast(cast("{0}" as bigint) as varchar)' if name == "la_number" else 'cast("{0}" as varchar)').format(
                columns[name].replace('"', '""')
            )
            + f" as {alias}"
            for name, alias in _LAIT_PARQUET.items()
            if name in columns
        )
        relation.create_view("lait_file")
        con.execute(
            f"create view lait_source as select file_row_number + 1 as source_row, {selected}"
            f"{'' if 'region' in columns else ', null as region'} from lait_file"
        )
        frame, problems = _lait_frame(con, path.name, "ref_lait")
        rows = con.execute("select count(*) from lait_file").fetchone()[0]
    finally:
        con.close()
    return RefFile("lait", path.name, {"ref_lait": _frame("ref_lait", frame)}, problems, rows)


_EXCEL_EPOCH = date(1899, 12, 30)


def _update_date(raw: str) -> date | None:
    """A LAIT dictionary date: an Excel day number (46232 = 2026-07-31) or a written date; None if neither."""
    if raw.isdigit():
        return _EXCEL_EPOCH + timedelta(days=int(raw))
    try:
        return parse.date(raw)
    except parse.BadValue:
        return None


def _read_dictionary(r: _Reader) -> list[dict]:
    out = []
    for row, rec in r.records():
        measure = rec["measure_short"]
        if not measure:
            r.error(
                row,
                "measure_short",
                "",
                "dictionary_no_measure",
                "every measure needs its short code (Measure_short), e.g. SecPermEx",
            )
            continue
        next_update = _update_date(rec["next_update"])
        out.append(
            {
                "file_name": r.name,
                "source_row": row,
                "measure": measure,
                "title": rec.get("measure") or None,
                "topic": rec.get("topic") or None,
                # `NA`: the measure has no polarity (FSM %) or no set number of decimals
                "polarity": None if rec["polarity"].upper() in {"", "NA"} else rec["polarity"],
                "decimals": int(rec["dps"]) if rec["dps"].isdigit() else None,
                "description": rec.get("description") or None,
                "methodology": rec.get("methodology") or None,
                "year_type": rec.get("year_type") or None,
                "last_update": _update_date(rec.get("last_update", "")),
                "next_update": next_update,
                # what LAIT says instead of a date: `Discontinued`, `No longer published at Local Authority level`
                "next_update_note": None if next_update else (rec["next_update"] or None),
            }
        )
    return out


_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MODEL_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
# DfE's workbook does not name its model inside: the file name does (sn_may_2025.xlsx)
_MODEL_IN_NAME = re.compile(r"(?<![a-z])(" + "|".join(_MONTHS) + r")[\s_\-]*(\d{4})(?!\d)", re.IGNORECASE)


def _read_neighbours(r: _Reader) -> list[dict]:
    out = []
    for row, rec in r.records():
        m = _MODEL_DATE.search(rec["sn_model"])
        if not m:
            r.error(
                row,
                "sn_model",
                rec["sn_model"],
                "sn_model_date",
                "the model name must say when it was published, e.g. `CSSNBT May 2025`",
            )
            continue
        try:
            rank = int(rec["rank"])
        except ValueError:
            r.error(row, "rank", rec["rank"], "sn_bad_rank", "rank is a whole number, 1 for the closest neighbour")
            continue
        for col in ("focus_old_la_code", "sn_old_la_code"):
            if not re.fullmatch(r"\d{3}", rec[col]):
                r.error(row, col, rec[col], "dfe_bad_la_code", "an old LA code has 3 digits, e.g. 855")
        out.append(
            {
                "file_name": r.name,
                "source_row": row,
                "sn_model": rec["sn_model"],
                "model_date": date(int(m.group(2)), _MONTHS[m.group(1).lower()], 1),
                "focus_old_la_code": rec["focus_old_la_code"],
                "focus_la_name": rec.get("focus_la_name") or None,
                "rank": rank,
                "sn_old_la_code": rec["sn_old_la_code"],
                "sn_new_la_code": rec.get("sn_new_la_code") or None,
                "sn_la_name": rec.get("sn_la_name") or None,
                "sn_region_name": rec.get("sn_region_name") or None,
                "closeness": rec.get("closeness") or None,
            }
        )
    return out


_EXCLUSION_COLUMNS = frozenset(
    {"time_period", "geographic_level", "headcount", "perm_excl", "perm_excl_rate", "suspension", "susp_rate"}
)
_PHASE = (frozenset({"school_type"}), frozenset({"education_phase"}))

LAYOUTS = (
    _Layout(
        "exclusions_national",
        "ref_exclusions_national",
        _EXCLUSION_COLUMNS | {"characteristic_group", "characteristic"},
        _PHASE,
        _read_national,
    ),
    _Layout(
        "exclusions_by_geography",
        "ref_exclusions_geography",
        _EXCLUSION_COLUMNS | {"old_la_code", "new_la_code", "la_name"},
        _PHASE,
        _read_geography,
    ),
    _Layout("lait", "ref_lait", frozenset({"short_desc", "years", "area", "value", "la_number"}), (), _read_lait),
    _Layout(
        "statistical_neighbours",
        "ref_statistical_neighbours",
        frozenset({"sn_model", "focus_old_la_code", "rank", "sn_old_la_code"}),
        (),
        _read_neighbours,
    ),
    _Layout(
        "lait_dictionary",
        "ref_lait_dictionary",
        frozenset({"measure_short", "polarity", "dps", "next_update"}),
        (),
        _read_dictionary,
    ),
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
        return _unread(
            layout,
            path.name,
            None,
            "dfe_encoding",
            "DfE open-data files are UTF-8; this file is not, so it was not read",
        )
    # Blank lines above the header are skipped; row numbers stay those of the file.
    top = next((i for i, c in enumerate(cells) if any(x.strip() for x in c)), len(cells))
    file_header = cells[top] if top < len(cells) else []
    if _layout(file_header) is not layout:
        return _unread(
            layout,
            path.name,
            1,
            "dfe_header_changed",
            "the file's header is not the one it was recognised by; it was not read",
        )
    reader = _Reader(path.name, layout.table, file_header, cells[top + 1 :], top)
    # A row with an error is not kept, so the frames never hold a half-read row.
    rows = layout.reader(reader)
    if isinstance(rows, pd.DataFrame):
        rows = rows[~rows["source_row"].isin(reader.bad_rows)]
    else:
        rows = [row for row in rows if row["source_row"] not in reader.bad_rows]
    return RefFile(
        layout.kind, path.name, {layout.table: _frame(layout.table, rows)}, reader.problems, len(reader.numbered)
    )


def _code(cell: object) -> str:
    """An LA code cell as text: calamine gives 855 (int), 855.0 (float) or '855'."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return parse.text(cell)


def _read_sn_workbook(r: _Reader, name: str) -> list[dict]:
    """The statistical-neighbour workbook: one row per LA, SN1..SN10 each followed by its closeness (SNP)."""
    m = _MODEL_IN_NAME.search(name)
    if not m:
        r.error(
            None,
            None,
            name,
            "sn_model_date",
            "DfE's neighbour workbook does not say which model it is: name the file after the model's "
            "month and year, e.g. sn_may_2025.xlsx",
        )
        return []
    month, year = m.group(1).lower(), int(m.group(2))
    model = f"CSSNBT {month.title()} {year}"
    focus_col = "la_num" if "la_num" in r.columns else "la_number"
    rank_at = {k: r.columns.index(f"sn{k}") for k in range(1, 11)}
    out = []
    for row, rec in r.records():
        focus = rec[focus_col]
        if not focus:  # a label row, such as DfE's `Old SNs:` above the abolished LAs
            continue
        if not re.fullmatch(r"\d{3}", focus):
            r.error(row, focus_col, focus, "dfe_bad_la_code", "an old LA code has 3 digits, e.g. 855")
            continue
        cells = r.rows[row - r.first_row]
        for rank, at in rank_at.items():
            code = _code(cells[at]) if at < len(cells) else ""
            if code in {"", "-"}:  # DfE's `-`: the LA has no neighbours in this model (Cumberland in 2021)
                continue
            if not re.fullmatch(r"\d{3}", code):
                r.error(row, f"sn{rank}", code, "dfe_bad_la_code", "an old LA code has 3 digits, e.g. 855")
                continue
            closeness = parse.text(cells[at + 1]) if at + 1 < len(cells) else ""
            out.append(
                {
                    "file_name": r.name,
                    "source_row": row,
                    "sn_model": model,
                    "model_date": date(year, _MONTHS[month], 1),
                    "focus_old_la_code": focus,
                    "focus_la_name": rec.get("la_name") or None,
                    "rank": rank,
                    "sn_old_la_code": code,
                    "sn_new_la_code": None,
                    "sn_la_name": None,
                    "sn_region_name": None,
                    "closeness": closeness or None,
                }
            )
    return out


def _read_la_codes(r: _Reader) -> list[dict]:
    """DfE's LA code list: LAs only; England and the regions (970-990, 1000) have the type `NA`."""
    out = []
    for row, rec in r.records():
        if rec["type"].upper() in {"", "NA"}:
            continue
        if not re.fullmatch(r"\d{3}", rec["la_number"]):
            r.error(row, "la_number", rec["la_number"], "dfe_bad_la_code", "an old LA code has 3 digits, e.g. 855")
            continue
        region = rec["region"] or None
        out.append(
            {
                "file_name": r.name,
                "source_row": row,
                "old_la_code": rec["la_number"],
                "la_name": rec["la_name"],
                "region_name": region,
                "region_code": REGION_CODES.get((region or "").lower()),
                "la_type": rec["type"],
            }
        )
    return out


# Workbook layouts: the names in a header row that may sit below DfE's rows of column numbers.
_WORKBOOKS = (
    (
        "statistical_neighbours",
        "ref_statistical_neighbours",
        frozenset({"la_name", *(f"sn{k}" for k in range(1, 11))}),
        frozenset({"la_num", "la_number"}),
    ),
    ("la_codes", "ref_la_codes", frozenset({"la_number", "la_name", "region", "type"}), frozenset()),
)
_HEADER_SEARCH_ROWS = 10


def read_workbook(name: str, book: dict[str, pd.DataFrame]) -> RefFile | None:
    """Read a DfE workbook (statistical neighbours, LA code list) from its sheets; None when it is neither.

    `book` holds each sheet's cells with no header, as `pd.read_excel(header=None)` gives them.
    The header row is found by its names, so DfE's rows of column letters and numbers above it
    are passed over; rows are numbered as Excel shows them.
    """
    for frame in book.values():
        cells = [
            [c if isinstance(c, str) else ("" if parse.is_blank(c) else c) for c in row]
            for row in frame.itertuples(index=False, name=None)
        ]
        for top, head in enumerate(cells[:_HEADER_SEARCH_ROWS]):
            names = {parse.header(parse.text(c)) for c in head if not parse.is_blank(c)}
            for kind, table, required, one_of in _WORKBOOKS:
                if required <= names and (not one_of or one_of & names):
                    reader = _Reader(
                        name,
                        table,
                        [parse.text(c) for c in head],
                        [[_code(c) for c in row] for row in cells[top + 1 :]],
                        top,
                    )
                    rows = (
                        _read_sn_workbook(reader, name) if kind == "statistical_neighbours" else _read_la_codes(reader)
                    )
                    rows = [row for row in rows if row["source_row"] not in reader.bad_rows]
                    return RefFile(kind, name, {table: _frame(table, rows)}, reader.problems, len(reader.numbered))
    return None


def _unread(layout: _Layout, name: str, row: int | None, rule: str, message: str) -> RefFile:
    problem = error(layout.table, name, row, None, None, rule, message)
    return RefFile(layout.kind, name, {layout.table: _frame(layout.table, [])}, [problem], 0)


@cache
def _schema(table: str) -> dict[str, str]:
    """Column name -> DuckDB type of a ref_* table, in table order, as the DDL states it."""
    con = duckdb.connect()
    try:
        for stmt in REFERENCE_DDL:
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
