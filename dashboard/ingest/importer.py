"""`seip import` and `seip validate`: read, check, and store an export all-or-nothing.

An import runs inside `warehouse.rewrite`: the checks run against a copy of the warehouse,
and the copy is swapped in only when there is no error. A refused import is not recorded in
the warehouse (it cannot change); the user gets the full report instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard import warehouse
from dashboard.ingest import reference
from dashboard.ingest.contract import LOAD_ORDER, TABLES
from dashboard.ingest.problems import Problem
from dashboard.ingest.read import Export, read_paths
from dashboard.ingest.validate import Checked, Row, check

ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int32(),
    "date": pa.date32(),
    "money": pa.decimal128(14, 2),
    "year": pa.string(),
    "bool": pa.bool_(),
    "code": pa.string(),
    "number": pa.float64(),
}


@dataclass
class ImportResult:
    """What one import or validation found and did."""

    problems: list[Problem]
    rows: dict[str, int]
    files: list[str] = field(default_factory=list)
    changed: bool = False
    validate_only: bool = False

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        """One plain-English paragraph: files read, rows per table, errors, warnings, what changed."""
        files = f"Read {len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        files += f" ({', '.join(self.files)})." if self.files else "."
        counted = ", ".join(f"{name} {n:,}" for name, n in self.rows.items())
        if not self.ok:
            verb = "read"
        elif self.validate_only:
            verb = "that would be stored"
        else:
            verb = "stored"
        rows = f" Rows {verb}: {counted}." if counted else " No rows to store."
        found = f" {len(self.errors)} error(s), {len(self.warnings)} warning(s)."
        if self.validate_only:
            outcome = " Nothing was changed (validate only)."
        elif self.changed:
            outcome = " The warehouse was updated."
        else:
            outcome = " The import was refused: the warehouse was not changed."
        return files + rows + found + outcome


class _Refused(Exception):
    """Raised inside the rewrite to discard the copy when the checks found an error."""


def check_paths(paths: list[Path], db_path: Path) -> ImportResult:
    """Run every import check on `paths` against the warehouse at `db_path`; change nothing."""
    export = read_paths(paths)
    db_path = Path(db_path)
    con = warehouse.open_read_only(db_path) if db_path.exists() else None
    try:
        checked = check(export, con)
    finally:
        if con is not None:
            con.close()
    return _result(export, checked, validate_only=True)


def import_paths(
    paths: list[Path], db_path: Path, *, synthetic: bool = False, meta: dict[str, str] | None = None
) -> ImportResult:
    """Import `paths` into the warehouse at `db_path`, all or nothing.

    `synthetic=True` marks generated demo data; any import of partnership tables without it
    marks the warehouse as holding real data for good (meta key `synthetic`). `meta` rows are
    written in the same transaction (the demo records its fingerprint this way).
    """
    export = read_paths(paths)
    try:
        with warehouse.rewrite(Path(db_path)) as con:
            checked = check(export, con)
            result = _result(export, checked)
            if not result.ok:
                raise _Refused
            store(con, export, checked, synthetic=synthetic)
            for key, value in (meta or {}).items():
                con.execute("insert or replace into meta values (?, ?)", [key, value])
    except _Refused:
        return result
    result.changed = True
    return result


def _result(export: Export, checked: Checked, validate_only: bool = False) -> ImportResult:
    rows = {name: len(r) for name, r in checked.rows.items()}
    for source in export.refs:
        rows[source.ref.kind] = rows.get(source.ref.kind, 0) + source.ref.stored
    return ImportResult(checked.problems, rows, [f.name for f in export.files], validate_only=validate_only)


def store(con: duckdb.DuckDBPyConnection, export: Export, checked: Checked, *, synthetic: bool) -> None:
    """Write checked rows, reference files, the import log and the synthetic flag through `con`."""
    for name in LOAD_ORDER:
        if checked.rows.get(name):
            store_table(con, name, checked.rows[name])
    for source in export.refs:
        reference.store(con, source.ref)
    _log(con, export, checked)
    if checked.rows:
        _mark_synthetic(con, synthetic)


def store_table(con: duckdb.DuckDBPyConnection, name: str, rows: list[Row]) -> None:
    """Upsert typed rows into one table: a row whose key is stored replaces it.

    Funding's key (academic_year, partnership_code) names a group: the group is replaced whole.
    """
    table = TABLES[name]
    incoming = pa.table(
        {c.name: pa.array([r.values[c.name] for r in rows], type=ARROW_TYPES[c.type]) for c in table.columns}
    )
    con.register("incoming", incoming)
    try:
        same_key = " and ".join(f"stored.{k} = incoming.{k}" for k in table.key)
        con.execute(f"delete from {name} stored where exists (select 1 from incoming where {same_key})")
        con.execute(f"insert into {name} by name select * from incoming")
    finally:
        con.unregister("incoming")


def _log(con: duckdb.DuckDBPyConnection, export: Export, checked: Checked) -> None:
    import_id = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stored: dict[int, int] = {}
    for table_rows in checked.rows.values():
        for row in table_rows:
            stored[id(row.sheet)] = stored.get(id(row.sheet), 0) + 1
    counts: dict[str, int] = {}
    for p in checked.problems:
        if p.severity == "warning":
            counts[p.file] = counts.get(p.file, 0) + 1
    entries = []
    for info in export.files:
        parts = [(s.table, s.file, len(s.rows), stored.get(id(s), 0)) for s in export.sheets if s.info is info]
        parts += [(r.ref.kind, info.name, r.ref.rows, r.ref.stored) for r in export.refs if r.info is info]
        outcome = "imported"
        if not parts:
            parts, outcome = [(None, info.name, 0, 0)], "ignored"
        # A sheet's own warnings go on its line; the file's other warnings (an unknown sheet, say) on the first.
        warned = [counts.get(shown, 0) if shown != info.name else 0 for _, shown, _, _ in parts]
        warned[0] += sum(n for f, n in counts.items() if f == info.name or f.startswith(info.name + ", sheet ")) - sum(
            warned
        )
        for (table, _, read, kept), warnings in zip(parts, warned):
            entries.append((import_id, now, info.name, table, info.size, info.sha256, read, kept, outcome, warnings, 0))
    if entries:
        con.executemany("insert into import_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)


def _mark_synthetic(con: duckdb.DuckDBPyConnection, synthetic: bool) -> None:
    """Once real partnership data has entered, the warehouse is never labelled synthetic again."""
    current = con.execute("select value from meta where key = 'synthetic'").fetchone()
    if synthetic and current is not None and current[0] == "false":
        return
    con.execute("insert or replace into meta values ('synthetic', ?)", ["true" if synthetic else "false"])
