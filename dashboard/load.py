"""`seip import` and `seip validate`: load what `ingest` read and checked into the warehouse, all or nothing.

`ingest` reads, types and checks an export and writes nothing; this module is the one that
loads. An import runs inside `warehouse.rewrite`: the checks run against a copy of the
warehouse, and the copy is swapped in only when there is no error. A refused import is not
recorded in the warehouse (it cannot change); the user gets the full report instead.
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
from dashboard.ingest.validate import Checked, Known, check


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
    known = Known()
    if db_path.exists():
        con = warehouse.open_read_only(db_path)
        try:
            known = known_keys(con)
        finally:
            con.close()
    with check(export, known) as checked:
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
        with warehouse.rewrite(Path(db_path)) as con, check(export, known_keys(con)) as checked:
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


def known_keys(con: duckdb.DuckDBPyConnection) -> Known:
    """The keys stored in the warehouse behind `con` that an import may refer to."""
    cur = con.cursor()
    try:
        return Known(
            partnerships=cur.sql("select partnership_code from partnerships").to_arrow_table(),
            schools=cur.sql("select urn from schools").to_arrow_table(),
            referrals=cur.sql("select referral_id, pupil_ref, referral_date from referrals").to_arrow_table(),
            census=cur.sql("select academic_year, urn from school_census").to_arrow_table(),
        )
    finally:
        cur.close()


def _result(export: Export, checked: Checked, validate_only: bool = False) -> ImportResult:
    rows = dict(checked.rows)
    for source in export.refs:
        rows[source.ref.kind] = rows.get(source.ref.kind, 0) + source.ref.stored
    return ImportResult(checked.problems, rows, [f.name for f in export.files], validate_only=validate_only)


def store(con: duckdb.DuckDBPyConnection, export: Export, checked: Checked, *, synthetic: bool) -> None:
    """Write checked rows, reference files, the import log and the synthetic flag through `con`."""
    for name in LOAD_ORDER:
        if checked.rows.get(name):
            store_table(con, name, checked.typed(name))
    for source in export.refs:
        store_reference(con, source.ref)
    _log(con, export, checked)
    if checked.rows:
        _mark_synthetic(con, synthetic)


def store_table(con: duckdb.DuckDBPyConnection, name: str, incoming: pa.RecordBatchReader) -> None:
    """Upsert typed rows into one table: a row whose key is stored replaces it.

    Funding's key (academic_year, partnership_code) names a group: the group is replaced whole.
    The rows arrive as a stream from the import's own database: into an empty table they go
    straight in; otherwise they are copied once into a temporary table that the delete and
    the insert both read.
    """
    table = TABLES[name]
    con.register("arriving", incoming)
    try:
        if con.execute(f"select count(*) from (select 1 from {name} limit 1)").fetchone()[0] == 0:
            con.execute(f"insert into {name} by name select * from arriving")
            return
        con.execute("create or replace temp table incoming as select * from arriving")
    finally:
        con.unregister("arriving")
    try:
        same_key = " and ".join(f"stored.{k} = incoming.{k}" for k in table.key)
        con.execute(f"delete from {name} stored where exists (select 1 from incoming where {same_key})")
        con.execute(f"insert into {name} by name select * from incoming")
    finally:
        con.execute("drop table if exists incoming")


def store_reference(con: duckdb.DuckDBPyConnection, ref: reference.RefFile) -> int:
    """Replace the stored rows a DfE reference file covers with its rows; returns the rows stored.

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
            key = ", ".join(
                "coalesce(old_la_code, area_code) as area_key" if k == "area_key" else k for k in reference.KEYS[table]
            )
            match = " and ".join(
                "coalesce(t.old_la_code, t.area_code) is not distinct from k.area_key"
                if k == "area_key"
                else f"t.{k} = k.{k}"
                for k in reference.KEYS[table]
            )
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


def _log(con: duckdb.DuckDBPyConnection, export: Export, checked: Checked) -> None:
    import_id = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    stored = {id(sheet): checked.sheet_rows.get(i, 0) for i, sheet in enumerate(export.sheets)}
    counts: dict[str, int] = {}
    for p in checked.problems:
        if p.severity == "warning":
            counts[p.file] = counts.get(p.file, 0) + 1
    entries = []
    for info in export.files:
        parts = [(s.table, s.file, stored[id(s)], stored[id(s)]) for s in export.sheets if s.info is info]
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
        # one insert of all the lines (executemany took 2 s for a region's 1,050 files)
        names = [d[0] for d in con.execute("select * from import_log limit 0").description]
        con.register("logged", pa.table({n: list(values) for n, values in zip(names, zip(*entries))}))
        try:
            con.execute("insert into import_log select * from logged")
        finally:
            con.unregister("logged")


def _mark_synthetic(con: duckdb.DuckDBPyConnection, synthetic: bool) -> None:
    """Once real partnership data has entered, the warehouse is never labelled synthetic again."""
    current = con.execute("select value from meta where key = 'synthetic'").fetchone()
    if synthetic and current is not None and current[0] == "false":
        return
    con.execute("insert or replace into meta values ('synthetic', ?)", ["true" if synthetic else "false"])
