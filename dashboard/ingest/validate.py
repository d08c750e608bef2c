"""The rules of the export contract: type every cell, check every row, table and reference.

`check(export, known)` returns the typed rows of every table and every problem found, in
file and row order. References resolve against the same import and against `known`, the keys
the warehouse already holds (empty for an empty warehouse). Docs: docs/import-rules.md.

The rows are checked in bulk in a DuckDB database of the import's own (in memory, spilling
to a temporary folder), never in the warehouse: a region's export is millions of rows, and a
Python object per cell took gigabytes (issue 14). DuckDB reads each CSV that it can read
exactly as Python's csv module would (see `read.Sheet.source`); the rows a workbook or an odd
CSV gave are loaded as text. Each distinct value of a column is typed once by the normalisers
in `parse` (exports repeat dates, codes and URNs), so every value is read by the same code and
every message is the one the contract gives; only text and money cells in their plain form
(printable ASCII, `1234.50`, `£1,234.50`) are typed in SQL, where the result is the same. The
rules are SQL that return the offending rows with their row numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pyarrow as pa

from dashboard.formula_safety import FORMULA_PREFIXES, is_formula_like
from dashboard.ingest import parse
from dashboard.ingest.contract import LOAD_ORDER, TABLES, Column, Table, identifier_meaning
from dashboard.ingest.problems import Problem, error, warning
from dashboard.ingest.read import Export, Sheet, csv_rows

COSTLY_PLACEMENT_GBP = Decimal("100000")
EARLIEST_DATE = dt.date(2000, 9, 1)
# A name or note is never this long; a longer cell is a mistake or an attack, and is refused.
MAX_CELL_CHARS = 1000
# Values that identify a pupil, in a pupil-level table's text cells (never quoted back).
_UPN = re.compile(r"^[A-Za-z]\d{11}[0-9A-Za-z]$")
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d{2}|(19|20)\d{2}-\d{1,2}-\d{1,2})(?!\d)")
_NAME = re.compile(r"^[A-Z][A-Za-z'’-]*(,? [A-Z][A-Za-z'’-]*)+$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PARTNERSHIP_CODE = "[A-Z0-9]{2,12}"
# The import's own DuckDB holds at most this much in memory and spills the rest to disk.
WORKSPACE_MEMORY = "1GB"

# Cells typed in SQL because their plain form reads the same there as in `parse`: text of
# printable ASCII without spaces around it (so `strip` leaves it alone), and money as
# `-1234.5` or `£1,234.50`. Any other spelling goes through the normaliser.
_PLAIN_TEXT = "[!-~]([ -~]*[!-~])?"
_PLAIN_MONEY = r"-?[0-9]{1,11}(\.[0-9]{1,2})?"
_PLAIN_POUNDS = r"£[0-9]{1,3}(,[0-9]{3}){0,3}\.[0-9]{2}"
# Every character Python's str.strip() removes, as an RE2 class: a row is blank when all its
# cells hold only these (parse.is_blank).
_WHITESPACE = "[" + "".join(f"\\x{{{i:x}}}" for i in range(0x110000) if chr(i).isspace()) + "]*"

# Problems of one row are reported in the order the rules are listed in docs/import-rules.md:
# its cells, the row's rules, identifying values, formula-like text, unlikely dates, then the
# checks across rows and tables.
_CELLS, _ROW_RULES, _IDENTIFIERS, _FORMULAS, _DATES, _KEYS, _REFERENCES = 0, 100, 200, 300, 400, 500, 600


# The checks written in SQL below: rule id and message, its {names} filled in per row (`_fill`).
REQUIRED = "required_value", "{column} must be filled in"
FORMULA_LIKE = (
    "formula_like_text",
    "this text begins with =, +, - or @, so a spreadsheet could run it as a formula; "
    "it was stored as text and every download writes it with a ' in front",
)
UNLIKELY_DATE = "unlikely_date", "this date is before September 2000 or more than a year from now: is the year right?"
E_MAIL = "identifier_value", "this {column} holds an e-mail address, which identifies a person"
DUPLICATE_KEY = "duplicate_key", "this {label} is also on {where}: each {label} may appear only once"
UNKNOWN_REFERENCE = (
    "unknown_reference",
    "this {column} is not a known {what}: add it to the {what}s table in this import, or import that first",
)
NO_CENSUS = (
    "no_census_for_year",
    "school {urn} has referrals in {year} but no school_census row for that year, "
    "so its rates for that year cannot be worked out",
)
PUPIL_REF_MISMATCH = "pupil_ref_mismatch", "this pupil_ref differs from the one on the placement's referral"
BEFORE_REFERRAL = "placement_before_referral", "the placement starts before its referral ({referred})"


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _fill(template: str, **sql: str) -> str:
    """SQL for a message template, each {name} filled by the SQL expression given for it."""
    parts = re.split(r"\{(\w+)\}", template)
    return " || ".join(_q(p) if i % 2 == 0 else f"({sql[p]})::varchar" for i, p in enumerate(parts) if p or i % 2)


@dataclass
class Known:
    """What the warehouse already holds that an import may refer to, as Arrow tables
    (`partnerships`: partnership_code; `schools`: urn; `referrals`: referral_id, pupil_ref,
    referral_date; `census`: academic_year, urn). Empty for an empty warehouse."""

    partnerships: pa.Table | None = None
    schools: pa.Table | None = None
    referrals: pa.Table | None = None
    census: pa.Table | None = None


@dataclass
class Row:
    """One typed data row: its table, where it came from (the file as problems name it, the row
    as the user sees it) and its contract values (None when blank or unreadable)."""

    table: str
    file: str
    number: int
    values: dict[str, object]


@dataclass
class Checked:
    """The outcome of checking one export: rows per table, rows per sheet, every problem found,
    and the typed rows themselves (`typed`), held in the import's own database until `close`."""

    rows: dict[str, int] = field(default_factory=dict)
    sheet_rows: dict[int, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _con: duckdb.DuckDBPyConnection | None = None
    _spill: str | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def typed(self, table: str) -> pa.RecordBatchReader:
        """The typed rows of `table`, in contract column order, as they came (file and row order)."""
        columns = ", ".join(f'"{c}"' for c in TABLES[table].column_names)
        return self._con.sql(f"select {columns} from t_{table} order by sheet, row").to_arrow_reader()

    def records(self, table: str) -> list[Row]:
        """The typed rows of `table` one by one, for the few rows an upload's own checks look at."""
        names = TABLES[table].column_names
        columns = ", ".join(f't."{c}"' for c in names)
        found = self._con.execute(
            f"select s.file, t.row, {columns} from t_{table} t join sheets s using (sheet) order by t.sheet, t.row"
        ).fetchall()
        return [Row(table, file, number, dict(zip(names, values))) for file, number, *values in found]

    def close(self) -> None:
        """Drop the typed rows and the import's temporary folder."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None

    def __enter__(self) -> Checked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def academic_year(day: dt.date) -> str:
    """The academic year a date falls in: 1 Sep Y to 31 Aug Y+1 is `Y/Y+1`."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


_ACADEMIC_YEAR_SQL = (
    "(case when month({d}) >= 9 then year({d}) else year({d}) - 1 end)::varchar || '/' || "
    "lpad(((case when month({d}) >= 9 then year({d}) else year({d}) - 1 end + 1) % 100)::varchar, 2, '0')"
)


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


_ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int32(),
    "date": pa.date32(),
    "money": pa.decimal128(14, 2),
    "year": pa.string(),
    "bool": pa.bool_(),
    "code": pa.string(),
    "number": pa.float64(),
}
# A workbook cell that is not text (a number, a date, TRUE) travels through SQL as this marker
# and its index; the normaliser gets the cell itself back.
_OBJECT = "\x00"


def check(export: Export, known: Known | None = None) -> Checked:
    """Type and check every sheet of `export` against the contract and the keys in `known`.

    The caller closes the result (or uses it in a `with` block) once the typed rows are stored.
    """
    spill = tempfile.mkdtemp(prefix="seip-import-")
    con = duckdb.connect(config={"memory_limit": WORKSPACE_MEMORY, "temp_directory": spill})
    con.execute("set enable_progress_bar = false")
    checked = Checked(_con=con, _spill=spill)
    try:
        _Check(export, con, known or Known(), checked).run()
    except BaseException:
        checked.close()
        raise
    return checked


class _Check:
    """One run of the checks: the import's database, and the problems found outside it."""

    def __init__(self, export: Export, con: duckdb.DuckDBPyConnection, known: Known, checked: Checked):
        self.export, self.con, self.known, self.checked = export, con, known, checked
        self.files = {info.name: i for i, info in enumerate(export.files)}
        self.objects: list[object] = []
        # ((file index, sheet index, row, rank, order), problem) for problems found in Python.
        self.found: list[tuple[tuple[int, int, int, int, int], Problem]] = []
        self.today = dt.date.today()
        con.execute(
            "create table problems (sheet integer, row integer, rank integer, severity varchar, "
            "col varchar, value varchar, rule varchar, message varchar)"
        )
        con.execute("create table sheets (sheet integer, file varchar, tbl varchar)")

    def run(self) -> None:
        for p in self.export.problems:
            file = self.files.get(p.file.split(", sheet ")[0], -1)
            self.found.append(((file, -1, p.row or 0, 0, len(self.found)), p))
        by_table: dict[str, list[tuple[int, Sheet, dict[str, int]]]] = {name: [] for name in LOAD_ORDER}
        for i, sheet in enumerate(self.export.sheets):
            self.con.execute("insert into sheets values (?, ?, ?)", [i, sheet.file, sheet.table])
            positions = self._header(i, sheet)
            if positions is not None:
                by_table[sheet.table].append((i, sheet, positions))
        for name in LOAD_ORDER:
            self._type(name, by_table[name])
            self._row_rules(TABLES[name])
            self._keys(TABLES[name])
        self._references()
        counts = self.con.execute(
            " union all ".join(f"select '{n}', sheet, count(*) from t_{n} group by sheet" for n in LOAD_ORDER)
        ).fetchall()
        for _, sheet, n in counts:
            self.checked.sheet_rows[sheet] = n
        totals = {name: sum(n for t, _, n in counts if t == name) for name in LOAD_ORDER}
        self.checked.rows = {name: n for name, n in totals.items() if n}
        self.checked.problems = self._sorted()

    # -------------------------------------------------------------- problems

    def _add(self, index: int, sheet: Sheet, problem: Problem) -> None:
        where = (self.files[sheet.info.name], index, problem.row or 0, 0, len(self.found))
        self.found.append((where, problem))

    def _sorted(self) -> list[Problem]:
        rows = self.con.execute(
            "select p.sheet, p.row, p.rank, p.severity, s.tbl, s.file, p.col, p.value, p.rule, p.message "
            "from problems p join sheets s using (sheet)"
        ).fetchall()
        sheet_file = {i: self.files[s.info.name] for i, s in enumerate(self.export.sheets)}
        for sheet, row, rank, severity, table, file, column, value, rule, message in rows:
            kind = error if severity == "error" else warning
            where = (sheet_file[sheet], sheet, row, 1 + rank, len(self.found))
            self.found.append((where, kind(table, file, row, column, value, rule, message)))
        return [p for _, p in sorted(self.found, key=lambda item: item[0])]

    def _insert_problems(self, sql: str, params: dict | None = None) -> None:
        """Add the problems a query returns as (sheet, row, rank, severity, col, value, rule, message)."""
        self.con.execute(f"insert into problems {sql}", params)

    # -------------------------------------------------------------- headers

    def _header(self, index: int, sheet: Sheet) -> dict[str, int] | None:
        """Check a sheet's header; the position of each contract column, or None when the table is refused."""
        table = TABLES[sheet.table]

        def problem(kind, column, rule, message):
            self._add(index, sheet, kind(sheet.table, sheet.file, None, column, None, rule, message))

        names = [parse.header(h) for h in sheet.header]
        identifiers = [(h, identifier_meaning(n)) for h, n in zip(sheet.header, names, strict=True)]
        if any(meaning for _, meaning in identifiers):
            for h, meaning in identifiers:
                if meaning:
                    problem(
                        error,
                        h,
                        "direct_identifier",
                        f"the column '{h}' holds {meaning}, which identifies a person directly; exports "
                        f"must be pseudonymised, so the whole {sheet.table} table is refused and nothing "
                        "of it is stored. Remove the column and import again",
                    )
            return None
        positions: dict[str, int] = {}
        for i, (raw, name) in enumerate(zip(sheet.header, names)):
            if not name:
                if self._has_values(sheet, i):
                    problem(
                        warning,
                        f"column {_letters(i)}",
                        "unknown_column",
                        f"column {_letters(i)} has values but no header, so it was ignored",
                    )
                continue
            if name in positions:
                problem(error, raw, "duplicate_column", f"two columns are both '{name}': keep one")
            elif name in table.column_names:
                positions[name] = i
            else:
                problem(
                    warning,
                    raw,
                    "unknown_column",
                    f"the column '{raw}' is not part of the {sheet.table} table and was ignored",
                )
        for name in table.required:
            if name not in positions:
                problem(
                    error,
                    name,
                    "missing_column",
                    f"the required column '{name}' is missing from the {sheet.table} table",
                )
        return positions

    def _duckdb_reads(self, sheet: Sheet) -> bool:
        try:
            self.con.execute(f"select count(*) from {_read_csv(sheet)}").fetchone()
        except duckdb.InvalidInputException:
            return False
        return True

    def _has_values(self, sheet: Sheet, i: int) -> bool:
        if sheet.source is not None and not self._duckdb_reads(sheet):
            sheet.rows, sheet.source = csv_rows(sheet), None
        if sheet.source is None:
            return any(i < len(cells) and not parse.is_blank(cells[i]) for _, cells in sheet.rows)
        found = self.con.execute(
            f"select 1 from {_read_csv(sheet)} where not regexp_full_match(coalesce(c{i}, ''), '{_WHITESPACE}') limit 1"
        ).fetchone()
        return found is not None

    # -------------------------------------------------------------- cells

    def _raw(self, index: int, sheet: Sheet, positions: dict[str, int], table: Table) -> str:
        """A select of one sheet's non-blank data rows: sheet, row, and each contract column as text."""
        if sheet.source is not None:
            cells = [f"c{i}" for i in range(len(sheet.header))]
            source = _read_csv(sheet)
            # The header is line 1 and DuckDB keeps every other line (there are no empty
            # ones, see read.Sheet.source), so a row's number is its place + 1.
            numbered = f"select row_number() over () + 1 as row, * from {source}"
            blank = f"regexp_full_match(concat({', '.join(cells)}), '{_WHITESPACE}')"
            rows = f"(select * from ({numbered}) where not {blank})"
        else:
            rows = self._rows_as_arrow(index, sheet, positions)
        columns = ", ".join(
            f'c{positions[c]} as "{c}"' if c in positions else f'null::varchar as "{c}"' for c in table.column_names
        )
        return f"select {index} as sheet, row::integer as row, {columns} from {rows}"

    def _rows_as_arrow(self, index: int, sheet: Sheet, positions: dict[str, int]) -> str:
        """Register the rows a workbook or an odd CSV gave (already without blank rows) as a table."""
        wanted = sorted(set(positions.values()))
        columns: dict[str, list] = {f"c{i}": [] for i in wanted}
        numbers = []
        for number, cells in sheet.rows:
            numbers.append(number)
            width = len(cells)
            for i in wanted:
                columns[f"c{i}"].append(self._text(cells[i]) if i < width else None)
        name = f"sheet_rows_{index}"
        self.con.register(name, pa.table({"row": pa.array(numbers, pa.int32()), **columns}))
        return name

    def _text(self, cell: object) -> str | None:
        if cell.__class__ is str and not cell.startswith(_OBJECT):
            return cell
        if parse.is_blank(cell):
            return None
        self.objects.append(cell)
        return f"{_OBJECT}{len(self.objects) - 1}"

    def _type(self, name: str, sheets: list[tuple[int, Sheet, dict[str, int]]]) -> None:
        """Build t_<table>: sheet, row, and per column its text (r_), typed value, and what failed (e_)."""
        table = TABLES[name]
        raw = " union all ".join(self._raw(i, s, p, table) for i, s, p in sheets) or (
            "select null::integer as sheet, null::integer as row, "
            + ", ".join(f'null::varchar as "{c}"' for c in table.column_names)
            + " where false"
        )
        try:
            self.con.execute(f"create or replace table raw_{name} as {raw}")
        except duckdb.InvalidInputException:
            # DuckDB refuses a row longer than the header; such a file is read by the csv module.
            for _, sheet, _ in sheets:
                if sheet.source is not None and not self._duckdb_reads(sheet):
                    sheet.rows, sheet.source = csv_rows(sheet), None
            raw = " union all ".join(self._raw(i, s, p, table) for i, s, p in sheets)
            self.con.execute(f"create or replace table raw_{name} as {raw}")
        selects, joins = ["r.sheet", "r.row"], []
        for col in table.columns:
            c, m = col.name, f'"m_{col.name}"'
            plain = _plain_sql(col, f'r."{c}"')
            self._classify(name, col, plain)
            joins.append(f'left join map_{name}_{c} {m} on {m}.raw = r."{c}"')
            value = f"{m}.value" if plain is None else f"case when {plain[0]} then {plain[1]} else {m}.value end"
            blank = f'r."{c}" is null or coalesce({m}.blank, false)'
            # A required column missing from a sheet is one missing_column problem, not one per row.
            missing = [str(i) for i, _, p in sheets if c not in p]
            required = "null"
            if col.required:
                required = f"case when r.sheet in ({', '.join(missing)}) then null else {_q(REQUIRED[0])} end"
                required = _q(REQUIRED[0]) if not missing else required
            selects += [
                f'r."{c}" as "r_{c}"',
                f'{value} as "{c}"',
                f'case when {blank} then {required} else {m}.rule end as "e_{c}"',
            ]
        self.con.execute(
            f"create or replace table t_{name} as select {', '.join(selects)} from raw_{name} r {' '.join(joins)}"
        )
        self.con.execute(f"drop table raw_{name}")
        cell_problems = []
        for rank, col in enumerate(table.columns):
            c = col.name
            cell_problems.append(
                f"select sheet, row, {_CELLS + rank}, 'error', '{c}', "
                f'case when "e_{c}" = {_q(REQUIRED[0])} then null else {_shown(name, c)} end, '
                f'"e_{c}", case when "e_{c}" = {_q(REQUIRED[0])} then {_fill(REQUIRED[1], column=_q(c))} '
                f'else (select message from map_{name}_{c} m where m.raw = t."r_{c}") end '
                f'from t_{name} t where "e_{c}" is not null'
            )
        self._insert_problems(" union all ".join(cell_problems))

    def _classify(self, name: str, col: Column, plain: tuple[str, str] | None) -> None:
        """map_<table>_<column>: each distinct cell not in plain form, typed by its normaliser."""
        c = col.name
        where = f'r."{c}" is not null' + ("" if plain is None else f" and not {plain[0]}")
        distinct = [
            v for (v,) in self.con.execute(f'select distinct r."{c}" from raw_{name} r where {where}').fetchall()
        ]
        normalise = _normaliser(col)
        values, blanks, shown, rules, messages = [], [], [], [], []
        for text in distinct:
            cell = self.objects[int(text[1:])] if text.startswith(_OBJECT) else text
            hit = _read_cell(cell, normalise)
            blanks.append(hit is _BLANK)
            if hit is _BLANK or hit.__class__ is parse.BadValue:
                values.append(None)
                rules.append(None if hit is _BLANK else hit.rule)
                messages.append(None if hit is _BLANK else hit.message)
            else:
                values.append(hit[0])
                rules.append(None)
                messages.append(None)
            shown.append(None if hit is _BLANK else parse.text(cell))
        mapping = pa.table(
            {
                "raw": pa.array(distinct, pa.string()),
                "blank": pa.array(blanks, pa.bool_()),
                "value": pa.array(values, _ARROW_TYPES[col.type]),
                "shown": pa.array(shown, pa.string()),
                "rule": pa.array(rules, pa.string()),
                "message": pa.array(messages, pa.string()),
            }
        )
        self.con.register("mapping", mapping)
        self.con.execute(f"create or replace table map_{name}_{c} as select * from mapping")
        self.con.unregister("mapping")

    # -------------------------------------------------------------- rows

    def _row_rules(self, table: Table) -> None:
        name = table.name
        rules = ROW_RULES[name]
        dates = [c.name for c in table.columns if c.type == "date"]
        texts = [c.name for c in table.columns if c.type == "text"]
        selects = []
        for rank, (severity, column, rule, condition, message) in enumerate(rules):
            selects.append(
                f"select sheet, row, {_ROW_RULES + rank}, '{severity}', '{column}', "
                f"case when \"{column}\" is null then null else {_shown(name, column)} end, '{rule}', {message} "
                f"from t_{name} t where {condition}"
            )
        for rank, column in enumerate(texts):
            formulas = self._confirmed("formula", name, column, _formula_prefix(column), is_formula_like)
            selects.append(
                f"select sheet, row, {_FORMULAS + rank}, 'warning', '{column}', \"{column}\", "
                f"{_q(FORMULA_LIKE[0])}, {_q(FORMULA_LIKE[1])} "
                f'from t_{name} t where "{column}" in (select value from {formulas})'
            )
        for rank, column in enumerate(dates):
            planned = "" if column == "end_date" else f' or "{column}" > $latest'
            selects.append(
                f"select sheet, row, {_DATES + rank}, 'warning', '{column}', {_shown(name, column)}, "
                f"{_q(UNLIKELY_DATE[0])}, {_q(UNLIKELY_DATE[1])} "
                f'from t_{name} t where "{column}" < $earliest{planned}'
            )
        if table.pupil_level:
            selects += self._identifier_selects(table)
        params = {"earliest": EARLIEST_DATE, "latest": self.today + dt.timedelta(days=366), "today": self.today}
        used = {k: v for k, v in params.items() if f"${k}" in " ".join(selects)}
        self._insert_problems(" union all ".join(selects), used)

    def _confirmed(self, kind: str, name: str, column: str, candidates: str, keep: Callable[[str], object]) -> str:
        """A table of the distinct values of a column that a cheap SQL test picks out and `keep`
        (the Python rule itself) confirms: the SQL only narrows, Python decides."""
        found = self.con.execute(f'select distinct "{column}" from t_{name} where {candidates}').fetchall()
        kept = [v for (v,) in found if keep(v)]
        self.con.register(f"{kind}_{name}_{column}", pa.table({"value": pa.array(kept, pa.string())}))
        return f"{kind}_{name}_{column}"

    def _identifier_selects(self, table: Table) -> list[str]:
        """Problems for pupil-level text cells that identify a pupil (their values are never quoted)."""
        name = table.name
        selects = []
        found = self.con.execute(f"select distinct pupil_ref from t_{name} where {_PUPIL_REF_CANDIDATE}").fetchall()
        flagged = [(v, _pupil_ref_problem(v)) for (v,) in found]
        flagged = [(v, message) for v, message in flagged if message]
        self.con.register(
            f"pupil_ref_problems_{name}",
            pa.table(
                {
                    "value": pa.array([v for v, _ in flagged], pa.string()),
                    "message": pa.array([m for _, m in flagged], pa.string()),
                }
            ),
        )
        selects.append(
            f"select sheet, row, {_IDENTIFIERS}, 'error', 'pupil_ref', null, {_q(E_MAIL[0])}, p.message "
            f"from t_{name} t join pupil_ref_problems_{name} p on p.value = t.pupil_ref"
        )
        for rank, col in enumerate(table.columns, start=1):
            if col.type != "text":
                continue
            emails = self._confirmed("email", name, col.name, f"contains(\"{col.name}\", '@')", _EMAIL.search)
            selects.append(
                f"select sheet, row, {_IDENTIFIERS + rank}, 'error', '{col.name}', null, {_q(E_MAIL[0])}, "
                f"{_fill(E_MAIL[1], column=_q(col.name))} "
                f'from t_{name} t where "{col.name}" in (select value from {emails})'
            )
        return selects

    # -------------------------------------------------------------- keys and references

    def _keys(self, table: Table) -> None:
        """Each key once per import (funding's key names a group of rows, so it may repeat)."""
        if table.name == "funding":
            return
        name, keys = table.name, [f'"{k}"' for k in table.key]
        label = " and ".join(table.key)
        where = "'row ' || r.first_row || case when r.first_sheet = r.sheet then '' else ' of ' || s.file end"
        same = " and ".join(f"d.{k} = t.{k}" for k in keys)
        shown = " || ', ' || ".join(f"{k}::varchar" for k in keys)
        self._insert_problems(
            f"""
            with twice as (
                select {", ".join(keys)} from t_{name}
                where {" and ".join(f"{k} is not null" for k in keys)}
                group by all having count(*) > 1
            ),
            rows as (
                select t.sheet, t.row, {", ".join(f"t.{k}" for k in keys)},
                    first_value(t.sheet) over w as first_sheet, first_value(t.row) over w as first_row,
                    row_number() over w as nth
                from t_{name} t join twice d on {same}
                window w as (partition by {", ".join(f"t.{k}" for k in keys)} order by t.sheet, t.row)
            )
            select r.sheet, r.row, {_KEYS}, 'error', '{", ".join(table.key)}', {shown}, {_q(DUPLICATE_KEY[0])},
                {_fill(DUPLICATE_KEY[1], label=_q(label), where=where)}
            from rows r join sheets s on s.sheet = r.first_sheet
            where r.nth > 1
            """
        )

    def _references(self) -> None:
        con, known = self.con, self.known
        for key, columns, types in (
            ("partnerships", ("partnership_code",), ("varchar",)),
            ("schools", ("urn",), ("integer",)),
            ("referrals", ("referral_id", "pupil_ref", "referral_date"), ("varchar", "varchar", "date")),
            ("census", ("academic_year", "urn"), ("varchar", "integer")),
        ):
            stored = getattr(known, key)
            if stored is None:
                cols = ", ".join(f"null::{t} as {c}" for c, t in zip(columns, types))
                con.execute(f"create table known_{key} as select {cols} where false")
            else:
                con.register("stored", stored)
                con.execute(f"create table known_{key} as select {', '.join(columns)} from stored")
                con.unregister("stored")
        con.execute(
            "create table all_partnerships as select partnership_code from known_partnerships "
            "union select partnership_code from t_partnerships"
        )
        con.execute("create table all_schools as select urn from known_schools union select urn from t_schools")
        con.execute(
            "create table all_census as select academic_year, urn from known_census "
            "union select academic_year, urn from t_school_census"
        )
        # A referral in this import replaces a stored one of the same id (the last row wins).
        con.execute(
            """create table all_referrals as
            select referral_id, arg_max_null(pupil_ref, (sheet, row)) as pupil_ref,
                arg_max_null(referral_date, (sheet, row)) as referral_date
            from t_referrals where referral_id is not null group by referral_id
            union all
            select * from known_referrals k
            where not exists (select 1 from t_referrals t where t.referral_id = k.referral_id)"""
        )

        def unknown(table: str, column: str, what: str, where: str, failed: str, rank: int = 0) -> str:
            return (
                f"select sheet, row, {_REFERENCES + rank}, 'error', '{column}', \"{column}\"::varchar, "
                f"{_q(UNKNOWN_REFERENCE[0])}, {_fill(UNKNOWN_REFERENCE[1], column=_q(column), what=_q(what))} "
                f'from t_{table} t where "{column}" is not null and "e_{column}" is null and not ({failed}) '
                f'and "{column}" not in (select {column} from {where} where {column} is not null)'
            )

        bad_code = f"not regexp_full_match(partnership_code, '{_PARTNERSHIP_CODE}')"
        bad_urn = "urn not between 100000 and 999999"
        selects = [
            unknown("schools", "partnership_code", "partnership", "all_partnerships", bad_code),
            unknown("funding", "partnership_code", "partnership", "all_partnerships", bad_code),
            *(
                unknown(t, "urn", "school", "all_schools", bad_urn)
                for t in ("school_census", "referrals", "exclusions")
            ),
        ]
        year = _ACADEMIC_YEAR_SQL.format(d="referral_date")
        selects.append(
            f"""select arg_min(sheet, (sheet, row)), arg_min(row, (sheet, row)), {_REFERENCES + 10}, 'warning',
                'urn', urn::varchar, {_q(NO_CENSUS[0])}, {_fill(NO_CENSUS[1], urn="urn", year="year")}
            from (select sheet, row, urn, {year} as year from t_referrals
                  where urn is not null and referral_date is not null and urn in (select urn from all_schools)) r
            where not exists (select 1 from all_census c where c.academic_year = r.year and c.urn = r.urn)
            group by urn, year"""
        )
        email = '"referral_id" in (select value from email_placements_referral_id)'
        selects.append(unknown("placements", "referral_id", "referral", "all_referrals", email, rank=20))
        # A placement's referral is looked up even when its referral_id failed a check (as before).
        matched = "from t_placements t join all_referrals a on a.referral_id = t.referral_id where true"
        selects.append(
            f"select t.sheet, t.row, {_REFERENCES + 21}, 'warning', 'pupil_ref', null, {_q(PUPIL_REF_MISMATCH[0])}, "
            f"{_q(PUPIL_REF_MISMATCH[1])} {matched} "
            "and t.pupil_ref is not null and a.pupil_ref is not null and t.pupil_ref != a.pupil_ref"
        )
        selects.append(
            f"select t.sheet, t.row, {_REFERENCES + 22}, 'warning', 'start_date', "
            f"{_shown('placements', 'start_date')}, "
            f"{_q(BEFORE_REFERRAL[0])}, {_fill(BEFORE_REFERRAL[1], referred=_show_date('a.referral_date'))} "
            f"{matched} and t.start_date is not null and a.referral_date is not null "
            "and t.start_date < a.referral_date"
        )
        self._insert_problems(" union all ".join(selects))


def _read_csv(sheet: Sheet) -> str:
    """DuckDB's read of a CSV that `read` found plain (UTF-8, no quotes, no empty lines): every
    cell as text, the header skipped, short rows padded with nulls; a row longer than the header
    is an error, and the reader then gives the file to Python's csv module instead."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(sheet.header)))
    path = str(sheet.source).replace("'", "''")
    return (
        f"read_csv('{path}', header = false, skip = 1, auto_detect = false, columns = {{{columns}}}, "
        "delim = ',', quote = '\"', escape = '\"', null_padding = true, strict_mode = true, parallel = false)"
    )


def _plain_sql(col: Column, ref: str) -> tuple[str, str] | None:
    """(condition, typed value) for the cells of a column SQL types exactly as `parse` does, if any."""
    if col.type == "text":
        value = f"upper({ref})" if col.name == "partnership_code" else ref
        return f"(length({ref}) <= {MAX_CELL_CHARS} and regexp_full_match({ref}, '{_PLAIN_TEXT}'))", value
    if col.type == "money":
        return (
            f"(regexp_full_match({ref}, '{_PLAIN_MONEY}') or regexp_full_match({ref}, '{_PLAIN_POUNDS}'))",
            f"replace(replace({ref}, '£', ''), ',', '')::decimal(14, 2)",
        )
    return None


def _shown(table: str, column: str) -> str:
    """SQL for a cell as the user wrote it, trimmed (parse.text), for a message."""
    return f'coalesce((select m.shown from map_{table}_{column} m where m.raw = t."r_{column}"), t."r_{column}")'


def _formula_prefix(column: str) -> str:
    prefixes = ", ".join(
        "'" + p.replace("'", "''") + "'" if p.isprintable() else f"chr({ord(p)})" for p in FORMULA_PREFIXES
    )
    return f'left("{column}", 1) in ({prefixes})'


# A pupil_ref that might identify a pupil; `_pupil_ref_problem` decides. Python's `\d` also
# matches digits of other scripts, so anything beyond ASCII is looked at too. The date is
# narrowed to `1-2-2010` (not any `1-2`): pseudonyms such as `L000-000191` are not all looked at.
_PUPIL_REF_CANDIDATE = (
    "regexp_matches(pupil_ref, '^[A-Za-z][0-9]{11}[0-9A-Za-z]$|[0-9][/.-][0-9]{1,2}[/.-](19|20)[0-9]{2}"
    "|(19|20)[0-9]{2}-[0-9]|^[A-Z].* |[^\\x{0}-\\x{7f}]')"
)


def _pupil_ref_problem(ref: str) -> str | None:
    """The message for a pupil_ref that looks like a UPN, holds a date or looks like a name."""
    if _UPN.match(ref):
        return "this pupil_ref looks like a UPN (a letter and 12 digits): send the pseudonymous reference instead"
    if _DATE_IN_TEXT.search(ref):
        return "this pupil_ref holds a date, which may be a date of birth: send the pseudonymous reference instead"
    if _NAME.match(ref):
        return "this pupil_ref looks like a person's name: send the pseudonymous reference instead"
    return None


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


def _letters(index: int) -> str:
    """A column's letters as Excel shows them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _show_date(column: str) -> str:
    """SQL for a date as the user would write it, day first (as messages show dates)."""
    return f"strftime({column}, '%d/%m/%Y')"


# ---------------------------------------------------------------- row rules
# Per table: (severity, column, rule id, SQL condition on the typed row, SQL message), in the
# order the problems of one row are reported.

_URN_RULE = (
    "error",
    "urn",
    "out_of_range",
    "urn not between 100000 and 999999",
    "'a URN is the school''s 6-digit DfE number, from 100000 to 999999'",
)
_CODE_RULE = (
    "error",
    "partnership_code",
    "bad_partnership_code",
    f"not regexp_full_match(partnership_code, '{_PARTNERSHIP_CODE}')",
    "'a partnership code is 2 to 12 letters or digits, such as HB or MAT1'",
)


ROW_RULES: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "partnerships": (
        _CODE_RULE,
        (
            "error",
            "la_code",
            "bad_la_code",
            "not regexp_full_match(la_code, '[0-9]{3}')",
            "'an LA code is the authority''s old 3-digit DfE code, such as 855'",
        ),
    ),
    "schools": (
        _URN_RULE,
        _CODE_RULE,
    ),
    "school_census": (
        _URN_RULE,
        ("error", "pupils_on_roll", "out_of_range", "pupils_on_roll < 0", "'pupils_on_roll cannot be negative'"),
        *(
            rule
            for name in ("fsm_eligible", "sen_support", "ehcp")
            for rule in (
                ("error", name, "out_of_range", f"{name} < 0", f"'{name} cannot be negative'"),
                (
                    "error",
                    name,
                    "out_of_range",
                    f"{name} >= 0 and pupils_on_roll >= 0 and {name} > pupils_on_roll",
                    f"'{name} cannot be more than pupils_on_roll (' || pupils_on_roll || ')'",
                ),
            )
        ),
    ),
    "funding": (
        _CODE_RULE,
        (
            "error",
            "amount_gbp",
            "out_of_range",
            "amount_gbp < 0 and stream is distinct from 'adjustment'",
            "'only an adjustment may be negative; other funding amounts are 0 or more'",
        ),
    ),
    "referrals": (
        _URN_RULE,
        (
            "error",
            "year_group",
            "out_of_range",
            "year_group not between 7 and 11",
            "'year_group is a secondary year group, 7 to 11'",
        ),
        (
            "error",
            "panel_date",
            "panel_before_referral",
            "panel_date < referral_date",
            f"'the panel date is before the referral date (' || {_show_date('referral_date')} || ')'",
        ),
    ),
    "placements": (
        (
            "error",
            "end_date",
            "end_date_not_before_start",
            "end_date < start_date",
            f"'the end date is before the start date (' || {_show_date('start_date')} || ')'",
        ),
        (
            "error",
            "end_date",
            "end_date_required",
            "end_date is null and e_end_date is null and outcome != 'ongoing'",
            "'a placement whose outcome is ' || outcome || ' has ended, so it needs an end_date'",
        ),
        (
            "warning",
            "end_date",
            "ongoing_after_end",
            "outcome = 'ongoing' and end_date < $today",
            "'the outcome is ongoing but the end date has passed: is the outcome up to date?'",
        ),
        (
            "error",
            "sessions_per_week",
            "out_of_range",
            "sessions_per_week not between 1 and 10",
            "'sessions_per_week counts half-day sessions, 1 to 10'",
        ),
        ("error", "cost_gbp", "out_of_range", "cost_gbp < 0", "'a placement cost cannot be negative'"),
        (
            "warning",
            "cost_gbp",
            "costly_placement",
            f"cost_gbp > {COSTLY_PLACEMENT_GBP}",
            "'this placement costs more than £100,000: please check the amount'",
        ),
    ),
    "exclusions": (
        _URN_RULE,
        (
            "error",
            "days",
            "out_of_range",
            "days <= 0 or days * 2 != trunc(days * 2)",
            "'days is more than 0, in whole or half days (0.5, 1, 1.5, ...)'",
        ),
    ),
}
