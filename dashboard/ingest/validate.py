"""The rules of the export contract: type every cell, check every row, table and reference.

`check(export, con)` returns the typed rows of every table and every problem found, in
file and row order. References resolve against the same import and against what the
warehouse already holds (`con`, or None for an empty warehouse). Docs: docs/import-rules.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from dashboard.formula_safety import is_formula_like
from dashboard.ingest import parse
from dashboard.ingest.contract import LOAD_ORDER, TABLES, Column, identifier_meaning
from dashboard.ingest.problems import Problem, error, warning
from dashboard.ingest.read import Export, Sheet

COSTLY_PLACEMENT_GBP = Decimal("100000")
EARLIEST_DATE = dt.date(2000, 9, 1)
# A name or note is never this long; a longer cell is a mistake or an attack, and is refused.
MAX_CELL_CHARS = 1000
# Values that identify a pupil, in a pupil-level table's text cells (never quoted back).
_UPN = re.compile(r"^[A-Za-z]\d{11}[0-9A-Za-z]$")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d{2}|(19|20)\d{2}-\d{1,2}-\d{1,2})(?!\d)")
_NAME = re.compile(r"^[A-Z][A-Za-z'’-]*(,? [A-Z][A-Za-z'’-]*)+$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PARTNERSHIP_CODE = re.compile(r"^[A-Z0-9]{2,12}$")


@dataclass
class Row:
    """One data row, typed: where it came from and its contract values (None when blank)."""

    sheet: Sheet
    number: int
    values: dict[str, object]
    failed: set[str] = field(default_factory=set)


@dataclass
class Checked:
    """The outcome of checking one export: typed rows per table, and every problem found."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class Known:
    """What the warehouse already holds that an import may refer to."""

    partnerships: set[str] = field(default_factory=set)
    schools: set[int] = field(default_factory=set)
    referrals: dict[str, tuple[str, dt.date]] = field(default_factory=dict)
    census: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection | None) -> Known:
        """Read the keys an import may refer to; an empty Known when there is no warehouse."""
        if con is None:
            return cls()
        cur = con.cursor()
        try:
            return cls(
                partnerships={r[0] for r in cur.execute("select partnership_code from partnerships").fetchall()},
                schools={r[0] for r in cur.execute("select urn from schools").fetchall()},
                referrals={
                    r[0]: (r[1], r[2])
                    for r in cur.execute("select referral_id, pupil_ref, referral_date from referrals").fetchall()
                },
                census={(r[0], r[1]) for r in cur.execute("select academic_year, urn from school_census").fetchall()},
            )
        finally:
            cur.close()


def academic_year(day: dt.date) -> str:
    """The academic year a date falls in: 1 Sep Y to 31 Aug Y+1 is `Y/Y+1`."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


class _Collector:
    """Problems in file and row order, however late a cross-table check finds them."""

    def __init__(self, export: Export):
        self._files = {info.name: i for i, info in enumerate(export.files)}
        self._sheets = {id(s): (self._files[s.info.name], i) for i, s in enumerate(export.sheets)}
        self._found: list[tuple[tuple[int, int, int, int], Problem]] = []

    def add(self, sheet: Sheet | None, problem: Problem) -> None:
        if sheet is not None:
            where = self._sheets[id(sheet)]
        else:
            # A problem found while reading: a whole file, or a workbook sheet that was not read.
            where = (self._files.get(problem.file.split(", sheet ")[0], -1), -1)
        self._found.append(((*where, problem.row or 0, len(self._found)), problem))

    def sorted(self) -> list[Problem]:
        return [p for _, p in sorted(self._found, key=lambda item: item[0])]


def _normaliser(col: Column) -> Callable[[object], object]:
    if col.type == "code":
        return lambda raw: parse.code(raw, col.codes)
    if col.name == "partnership_code":
        return lambda raw: parse.text(raw).upper()
    return {
        "text": parse.text,
        "int": parse.integer,
        "date": parse.date,
        "money": parse.money,
        "year": parse.year,
        "bool": parse.boolean,
        "number": parse.number,
    }[col.type]


def check(export: Export, con: duckdb.DuckDBPyConnection | None) -> Checked:
    """Type and check every sheet of `export` against the contract and the warehouse behind `con`."""
    out = _Collector(export)
    for p in export.problems:
        out.add(None, p)
    rows: dict[str, list[Row]] = {name: [] for name in LOAD_ORDER}
    for sheet in export.sheets:
        rows[sheet.table].extend(_check_sheet(sheet, out))
    _check_keys(rows, out)
    _check_references(rows, Known.from_warehouse(con), out)
    return Checked({t: r for t, r in rows.items() if r}, out.sorted())


def _check_sheet(sheet: Sheet, out: _Collector) -> list[Row]:
    table = TABLES[sheet.table]

    def problem(kind, row, column, value, rule, message):
        out.add(sheet, kind(sheet.table, sheet.file, row, column, value, rule, message))

    names = [parse.header(h) for h in sheet.header]
    identifiers = [(h, identifier_meaning(n)) for h, n in zip(sheet.header, names, strict=True)]
    if any(meaning for _, meaning in identifiers):
        for h, meaning in identifiers:
            if meaning:
                problem(
                    error,
                    None,
                    h,
                    None,
                    "direct_identifier",
                    f"the column '{h}' holds {meaning}, which identifies a person directly; exports "
                    f"must be pseudonymised, so the whole {sheet.table} table is refused and nothing "
                    "of it is stored. Remove the column and import again",
                )
        return []

    positions: dict[str, int] = {}
    for i, (raw, name) in enumerate(zip(sheet.header, names)):
        if not name:
            if any(i < len(cells) and not parse.is_blank(cells[i]) for _, cells in sheet.rows):
                problem(
                    warning,
                    None,
                    f"column {_letters(i)}",
                    None,
                    "unknown_column",
                    f"column {_letters(i)} has values but no header, so it was ignored",
                )
            continue
        if name in positions:
            problem(error, None, raw, None, "duplicate_column", f"two columns are both '{name}': keep one")
        elif name in table.column_names:
            positions[name] = i
        else:
            problem(
                warning,
                None,
                raw,
                None,
                "unknown_column",
                f"the column '{raw}' is not part of the {sheet.table} table and was ignored",
            )
    for name in table.required:
        if name not in positions:
            problem(
                error,
                None,
                name,
                None,
                "missing_column",
                f"the required column '{name}' is missing from the {sheet.table} table",
            )

    present = [
        (n, table.column(n).required, positions[n], _normaliser(table.column(n)), {})
        for n in table.column_names
        if n in positions
    ]
    absent = {n: None for n in table.column_names if n not in positions}
    rule_check = ROW_RULES[sheet.table]
    dates = [n for n, *_ in present if table.column(n).type == "date"]
    texts = [n for n, *_ in present if table.column(n).type == "text"]
    earliest, latest = EARLIEST_DATE, dt.date.today() + dt.timedelta(days=366)
    typed: list[Row] = []
    for number, cells in sheet.rows:
        values = dict(absent)
        failed = set()
        width = len(cells)
        for name, required, pos, normalise, cache in present:
            raw = cells[pos] if pos < width else None
            # Exports repeat values (dates, codes, URNs): each distinct cell is read once per column.
            key = raw if raw.__class__ is str else (raw.__class__, raw)
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = _read_cell(raw, normalise)
            if hit is _BLANK:
                values[name] = None
                if required:
                    failed.add(name)
                    problem(error, number, name, None, "required_value", f"{name} must be filled in")
            elif hit.__class__ is parse.BadValue:
                values[name] = None
                failed.add(name)
                problem(error, number, name, parse.text(raw), hit.rule, hit.message)
            else:
                values[name] = hit[0]
        for kind, column, rule, message in rule_check(values, failed):
            shown = None if values.get(column) is None else parse.text(cells[positions[column]])
            problem(kind, number, column, shown, rule, message)
        if table.pupil_level:
            for name, rule, message in _identifier_values(values):
                failed.add(name)
                problem(error, number, name, None, rule, message)
        for name in texts:
            if is_formula_like(values[name]):
                problem(
                    warning,
                    number,
                    name,
                    values[name],
                    "formula_like_text",
                    "this text begins with =, +, - or @, so a spreadsheet could run it as a formula; "
                    "it was stored as text and every download writes it with a ' in front",
                )
        for name in dates:
            day = values[name]
            # A planned end date may lie years ahead (a placement to the end of Year 11).
            if day is not None and (day < earliest or (day > latest and name != "end_date")):
                problem(
                    warning,
                    number,
                    name,
                    parse.text(cells[positions[name]]),
                    "unlikely_date",
                    "this date is before September 2000 or more than a year from now: is the year right?",
                )
        typed.append(Row(sheet, number, values, failed))
    return typed


_BLANK = object()


def _read_cell(raw: object, normalise: Callable[[object], object]) -> object:
    """_BLANK, the BadValue raised, or a 1-tuple holding the typed value (which may be falsy)."""
    if parse.is_blank(raw):
        return _BLANK
    if raw.__class__ is str and len(raw) > MAX_CELL_CHARS:
        return parse.BadValue(
            "cell_too_long",
            f"the cell holds {len(raw):,} characters; no value in an export is longer than {MAX_CELL_CHARS:,}",
        )
    try:
        return (normalise(raw),)
    except parse.BadValue as bad:
        return bad


def _identifier_values(values: dict[str, object]):
    """(column, rule, message) for each text cell of a pupil-level row that identifies a pupil."""
    ref = values.get("pupil_ref")
    if isinstance(ref, str):
        if _UPN.match(ref):
            yield (
                "pupil_ref",
                "identifier_value",
                "this pupil_ref looks like a UPN (a letter and 12 digits): send the pseudonymous reference instead",
            )
        elif _DATE_IN_TEXT.search(ref):
            yield (
                "pupil_ref",
                "identifier_value",
                "this pupil_ref holds a date, which may be a date of birth: send the pseudonymous reference instead",
            )
        elif _NAME.match(ref):
            yield (
                "pupil_ref",
                "identifier_value",
                "this pupil_ref looks like a person's name: send the pseudonymous reference instead",
            )
    for name, value in values.items():
        if isinstance(value, str) and "@" in value and _EMAIL.search(value):
            yield name, "identifier_value", f"this {name} holds an e-mail address, which identifies a person"


def _letters(index: int) -> str:
    """A column's letters as Excel shows them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _show(value: object) -> str:
    """A typed value as the user would write it: dates day first, money with pence."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- row rules
# Each takes a row's typed values and the columns that already failed to parse, and
# yields (severity function, column, rule, message).


def _urn(values, failed):
    urn = values.get("urn")
    if urn is not None and not 100000 <= urn <= 999999:
        failed.add("urn")
        yield error, "urn", "out_of_range", "a URN is the school's 6-digit DfE number, from 100000 to 999999"


def _partnership_code(values, failed):
    code = values.get("partnership_code")
    if code is not None and not _PARTNERSHIP_CODE.match(code):
        failed.add("partnership_code")
        yield (
            error,
            "partnership_code",
            "bad_partnership_code",
            "a partnership code is 2 to 12 letters or digits, such as HB or MAT1",
        )


def _at_most_roll(values, failed, columns):
    roll = values.get("pupils_on_roll")
    if roll is not None and roll < 0:
        yield error, "pupils_on_roll", "out_of_range", "pupils_on_roll cannot be negative"
        roll = None
    for name in columns:
        n = values.get(name)
        if n is None:
            continue
        if n < 0:
            yield error, name, "out_of_range", f"{name} cannot be negative"
        elif roll is not None and n > roll:
            yield error, name, "out_of_range", f"{name} cannot be more than pupils_on_roll ({roll})"


def _partnerships(values, failed):
    yield from _partnership_code(values, failed)


def _schools(values, failed):
    yield from _urn(values, failed)
    yield from _partnership_code(values, failed)


def _school_census(values, failed):
    yield from _urn(values, failed)
    yield from _at_most_roll(values, failed, ("fsm_eligible", "sen_support", "ehcp"))


def _funding(values, failed):
    yield from _partnership_code(values, failed)
    amount = values.get("amount_gbp")
    if amount is not None and amount < 0 and values.get("stream") != "adjustment":
        yield (
            error,
            "amount_gbp",
            "out_of_range",
            "only an adjustment may be negative; other funding amounts are 0 or more",
        )


def _referrals(values, failed):
    yield from _urn(values, failed)
    group = values.get("year_group")
    if group is not None and not 7 <= group <= 11:
        yield error, "year_group", "out_of_range", "year_group is a secondary year group, 7 to 11"
    referred, panel = values.get("referral_date"), values.get("panel_date")
    if referred is not None and panel is not None and panel < referred:
        yield (
            error,
            "panel_date",
            "panel_before_referral",
            f"the panel date is before the referral date ({_show(referred)})",
        )


def _placements(values, failed):
    start, end, outcome = values.get("start_date"), values.get("end_date"), values.get("outcome")
    if start is not None and end is not None and end < start:
        yield error, "end_date", "end_date_not_before_start", f"the end date is before the start date ({_show(start)})"
    if end is None and "end_date" not in failed and outcome is not None and outcome != "ongoing":
        yield (
            error,
            "end_date",
            "end_date_required",
            f"a placement whose outcome is {outcome} has ended, so it needs an end_date",
        )
    if end is not None and outcome == "ongoing" and end < dt.date.today():
        yield (
            warning,
            "end_date",
            "ongoing_after_end",
            "the outcome is ongoing but the end date has passed: is the outcome up to date?",
        )
    sessions = values.get("sessions_per_week")
    if sessions is not None and not 1 <= sessions <= 10:
        yield error, "sessions_per_week", "out_of_range", "sessions_per_week counts half-day sessions, 1 to 10"
    cost = values.get("cost_gbp")
    if cost is not None and cost < 0:
        yield error, "cost_gbp", "out_of_range", "a placement cost cannot be negative"
    elif cost is not None and cost > COSTLY_PLACEMENT_GBP:
        yield (
            warning,
            "cost_gbp",
            "costly_placement",
            "this placement costs more than £100,000: please check the amount",
        )


def _exclusions(values, failed):
    yield from _urn(values, failed)
    days = values.get("days")
    if days is not None and (days <= 0 or days * 2 != int(days * 2)):
        yield error, "days", "out_of_range", "days is more than 0, in whole or half days (0.5, 1, 1.5, ...)"


ROW_RULES = {
    "partnerships": _partnerships,
    "schools": _schools,
    "school_census": _school_census,
    "funding": _funding,
    "referrals": _referrals,
    "placements": _placements,
    "exclusions": _exclusions,
}


# ---------------------------------------------------------------- table and cross-table rules


def _check_keys(rows: dict[str, list[Row]], out: _Collector) -> None:
    """Each key once per import (funding's key names a group of rows, so it may repeat)."""
    for name, table_rows in rows.items():
        if name == "funding":
            continue
        key_cols = TABLES[name].key
        seen: dict[tuple, Row] = {}
        for row in table_rows:
            key = tuple(row.values[k] for k in key_cols)
            if any(k is None for k in key):
                continue
            first = seen.setdefault(key, row)
            if first is row:
                continue
            where = f"row {first.number}" + ("" if first.sheet is row.sheet else f" of {first.sheet.file}")
            shown = ", ".join(_show(k) for k in key)
            label = " and ".join(key_cols)
            out.add(
                row.sheet,
                error(
                    name,
                    row.sheet.file,
                    row.number,
                    ", ".join(key_cols),
                    shown,
                    "duplicate_key",
                    f"this {label} is also on {where}: each {label} may appear only once",
                ),
            )


def _check_references(rows: dict[str, list[Row]], known: Known, out: _Collector) -> None:
    partnerships = known.partnerships | {r.values["partnership_code"] for r in rows.get("partnerships", [])}
    schools = known.schools | {r.values["urn"] for r in rows.get("schools", [])}
    referrals = dict(known.referrals)
    referrals.update(
        {r.values["referral_id"]: (r.values["pupil_ref"], r.values["referral_date"]) for r in rows.get("referrals", [])}
    )
    census = known.census | {(r.values["academic_year"], r.values["urn"]) for r in rows.get("school_census", [])}

    def missing(table, row, column, what, where):
        value = row.values[column]
        if value is not None and column not in row.failed and value not in where:
            out.add(
                row.sheet,
                error(
                    table,
                    row.sheet.file,
                    row.number,
                    column,
                    _show(value),
                    "unknown_reference",
                    f"this {column} is not a known {what}: add it to the {what}s table "
                    "in this import, or import that first",
                ),
            )
            return True
        return False

    for row in rows.get("schools", []):
        missing("schools", row, "partnership_code", "partnership", partnerships)
    for row in rows.get("funding", []):
        missing("funding", row, "partnership_code", "partnership", partnerships)
    for table in ("school_census", "referrals", "exclusions"):
        for row in rows.get(table, []):
            missing(table, row, "urn", "school", schools)

    no_census: set[tuple[str, int]] = set()
    for row in rows.get("referrals", []):
        urn, day = row.values["urn"], row.values["referral_date"]
        if urn is None or day is None or urn not in schools:
            continue
        year = academic_year(day)
        if (year, urn) not in census and (year, urn) not in no_census:
            no_census.add((year, urn))
            out.add(
                row.sheet,
                warning(
                    "referrals",
                    row.sheet.file,
                    row.number,
                    "urn",
                    str(urn),
                    "no_census_for_year",
                    f"school {urn} has referrals in {year} but no school_census row for that "
                    "year, so its rates for that year cannot be worked out",
                ),
            )

    for row in rows.get("placements", []):
        if missing("placements", row, "referral_id", "referral", referrals):
            continue
        ref = referrals.get(row.values["referral_id"])
        if ref is None:
            continue
        pupil, referred = ref
        if row.values["pupil_ref"] is not None and pupil is not None and row.values["pupil_ref"] != pupil:
            out.add(
                row.sheet,
                warning(
                    "placements",
                    row.sheet.file,
                    row.number,
                    "pupil_ref",
                    None,
                    "pupil_ref_mismatch",
                    "this pupil_ref differs from the one on the placement's referral",
                ),
            )
        start = row.values["start_date"]
        if start is not None and referred is not None and start < referred:
            out.add(
                row.sheet,
                warning(
                    "placements",
                    row.sheet.file,
                    row.number,
                    "start_date",
                    _show(start),
                    "placement_before_referral",
                    f"the placement starts before its referral ({_show(referred)})",
                ),
            )
