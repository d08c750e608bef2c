"""The warehouse: one DuckDB file, rewritten beside itself and swapped in atomically.

Every change (an import, `seip demo`, a user account) goes through `rewrite`: the current
file is copied to a temporary file in the same folder, the change runs there in one
transaction, the marts are rebuilt, and only then is the copy `os.replace`d over the
original. A refused change, an exception or a killed process leaves the original untouched.
Readers (the dashboard) open the file read-only and key their caches on `version`.

Queries live in `queries/<layer>/<name>.sql`, one statement each. A header line
`-- params: $a, $b` declares the bound parameters; `run` refuses missing or unknown ones.
Queries whose rows a governor may see declare their pupil counts, so that disclosure
control is applied to them in the data layer (`dashboard.disclosure.control_counts`):
`-- pupil counts: referrals, suspensions` (or `none`) and, where the rows of a group add up to
a total shown elsewhere, `-- counts add up within: step, source` (or `all rows`, or `none`).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from dashboard import schema
from dashboard.settings import QUERIES_DIR

if TYPE_CHECKING:
    # pandas costs more than a second to import here: `seip metrics` answers without it
    import pandas as pd

# Layers built on every rewrite, in this order (each reads only the ones before it and itself).
BUILT_LAYERS = ("staging", "intermediate", "marts")
# Of those, the layers kept as views: the marts read them once each, so materialising them too
# copied every exclusion twice more (33 of the 94 s of a region's import, issue 14). Consumers
# read marts only (tests/test_layers.py).
VIEW_LAYERS = ("staging", "intermediate")


class QueryError(ValueError):
    """A query was asked for that does not exist, or with missing or unknown parameters."""


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    """One SQL file under queries/: its name, layer, declared parameters and text."""

    name: str
    layer: str
    params: tuple[str, ...]
    sql: str
    pupil_counts: tuple[str, ...] = ()
    add_up_within: tuple[str, ...] | None = None


def header(text: str, label: str) -> str | None:
    """The text after `-- <label>:` in a query's header, with the indented lines that continue it
    (`--   ...`) and without a note in brackets after it; None when the line is absent."""
    m = re.search(rf"^--\s*{label}:\s*(.*(?:\n--   .*)*)$", text, re.MULTILINE | re.IGNORECASE)
    if m is None:
        return None
    value = " ".join(line.removeprefix("--").strip() for line in m.group(1).splitlines())
    return value.split(" (")[0].strip()


def _header(text: str, label: str) -> tuple[str, ...] | None:
    """The comma-separated names after `-- <label>:` in a query's header, None when absent."""
    value = header(text, label)
    if value is None:
        return None
    if value.lower() in {"", "none"}:
        return ()
    return tuple(p.strip().lstrip("$") for p in value.split(","))


@cache
def queries() -> dict[str, Query]:
    """Every query under queries/, by file name (names are unique across layers)."""
    found: dict[str, Query] = {}
    for path in sorted(QUERIES_DIR.glob("*/*.sql")):
        text = path.read_text(encoding="utf-8")
        if path.stem in found:
            raise QueryError(f"two queries are named {path.stem!r}")
        within = _header(text, "counts add up within")
        found[path.stem] = Query(
            path.stem,
            path.parent.name,
            _header(text, "params") or (),
            text,
            pupil_counts=_header(text, "pupil counts") or (),
            add_up_within=() if within == ("all rows",) else within or None,
        )
    return found


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run the stored query `name` with bound `$params` and return its rows.

    Raises QueryError for an unknown query, or a missing or unknown parameter.
    """
    query = _checked(name, params)
    cur = con.cursor()
    try:
        return cur.execute(query.sql, params or None).df()
    finally:
        cur.close()


EACH = "__each"  # the column `run_each` names each row's value by


def run_each(
    con: duckdb.DuckDBPyConnection, name: str, over: str, values: list[str], *, together: bool = True, **params: object
) -> pd.DataFrame:
    """The rows `run(con, name, **params, **{over: value})` gives for each of `values` (none
    null), in one statement: those rows one value after another, each value's in the order
    `run` gives them, named by the value in column EACH (the index runs 0..n-1).

    The query runs once per value inside a lateral join, its filter `($over is null or x =
    $over)` bound to an equality, and its last ORDER BY applied within each value; a query
    written otherwise, or with `together` false, runs once per value. Raises QueryError as `run`
    does."""
    import pandas as pd

    query = _checked(name, {**params, over: None})
    sql = _each_sql(query.sql, over) if together else None
    if sql is None or not values:
        frames = [run(con, name, **params, **{over: v}).assign(**{EACH: v}) for v in values]
        if not frames:
            return run(con, name, **params, **{over: None}).iloc[0:0].assign(**{EACH: None})
        out = pd.concat(frames, ignore_index=True)
        return out[[EACH, *(c for c in out.columns if c != EACH)]]
    cur = con.cursor()
    try:
        out = cur.execute(sql, {**params, "__values": list(values)}).df()
    finally:
        cur.close()
    return out.drop(columns=["__i", "__row"], errors="ignore")


def _each_sql(sql: str, over: str) -> str | None:
    """`run_each`'s statement for a query's `sql`, or None when it is not written as expected:
    one `$over` filter form, a CTE `final` selected last, at most one ORDER BY line in it."""
    body, count = re.subn(
        rf"\(\${over} is null or ([\w.]+) = \${over}\)|\${over} is null or ([\w.]+) = \${over}",
        lambda m: f"({m.group(1) or m.group(2)} = __values.__value)",
        sql,
    )
    if count == 0 or f"${over}" in re.sub(r"--[^\n]*", "", body) or not body.rstrip().endswith("select * from final"):
        return None
    head = re.search(r"\n(\s*)final as \(\n\n(\s*)select\n", body)
    if head is None:
        return None
    final = body[head.end() :]
    orders = re.findall(r"^\s*order by ([^\n]*)$", final, re.MULTILINE)
    if len(orders) > 1:
        return None
    outer = "__q.__i"
    if orders:
        terms = [t.strip().split() for t in orders[0].split(",")]
        if all(len(t) in (1, 2) and re.fullmatch(r"\w+", t[0]) and t[1:] in ([], ["asc"], ["desc"]) for t in terms):
            outer += "".join(f", __q.{' '.join(t)}" for t in terms)
        else:  # ordered by what it does not select: its rank within the value, worked out inside
            rank = f"{head.group(2)}    row_number() over (order by {orders[0]}) as __row,\n"
            body = body[: head.end()] + rank + final
            outer += ", __q.__row"
    return (
        "select __values.__value as " + EACH + ", __values.__i, __q.* "
        "from (select unnest($__values) as __value, generate_subscripts($__values, 1) as __i) as __values, "
        f"lateral ({body}) as __q order by " + outer.replace("__q.__i", "__values.__i")
    )


def run_records(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
    """Like `run`, but rows as dicts of Python values, without pandas."""
    query = _checked(name, params)
    cur = con.cursor()
    try:
        cur.execute(query.sql, params or None)
        columns = [d[0] for d in cur.description]
        return [dict(zip(columns, row)) for row in cur.fetchall()]
    finally:
        cur.close()


def _checked(name: str, params: dict) -> Query:
    try:
        query = queries()[name]
    except KeyError:
        raise QueryError(f"no query named {name!r} under queries/") from None
    missing = set(query.params) - params.keys()
    unknown = params.keys() - set(query.params)
    if missing or unknown:
        raise QueryError(
            f"query {name!r} takes {', '.join(query.params) or 'no parameters'}; "
            f"missing: {sorted(missing)}, unknown: {sorted(unknown)}"
        )
    return query


def _build_order(layer_queries: list[Query]) -> list[Query]:
    """Order queries so that each comes after the ones whose names it mentions."""
    by_name = {q.name: q for q in layer_queries}
    deps = {q.name: {o for o in by_name if o != q.name and re.search(rf"\b{o}\b", q.sql)} for q in layer_queries}
    ordered: list[Query] = []
    done: set[str] = set()
    while len(done) < len(by_name):
        ready = sorted(n for n in by_name if n not in done and deps[n] <= done)
        if not ready:
            raise QueryError(f"queries refer to each other in a cycle: {sorted(set(by_name) - done)}")
        for n in ready:
            ordered.append(by_name[n])
            done.add(n)
    return ordered


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the staging and intermediate queries as views and the marts as tables, dropping
    what a model no longer needs: the table or view of a model that no longer exists (a warehouse
    built before a model was renamed keeps no stale copy), or of another kind than its layer's
    (a warehouse whose staging was built as tables)."""
    layer_of = {q.name: q.layer for q in queries().values() if q.layer in BUILT_LAYERS}
    for name, kind in con.execute(
        "select table_name, table_type from information_schema.tables "
        "where regexp_matches(table_name, '^(stg|int|fct|dim)_')"
    ).fetchall():
        wanted = "VIEW" if layer_of.get(name) in VIEW_LAYERS else "BASE TABLE"
        if name not in layer_of or kind != wanted:
            con.execute(f'drop {"view" if kind == "VIEW" else "table"} "{name}"')
    for layer in BUILT_LAYERS:
        layer_queries = [q for q in queries().values() if q.layer == layer]
        kind = "view" if layer in VIEW_LAYERS else "table"
        for q in _build_order(layer_queries):
            con.execute(f"create or replace {kind} {q.name} as {q.sql}")
    con.execute("insert or replace into meta values ('built_by', ?)", [build_token()])


@cache
def build_token() -> str:
    """A digest of what a rewrite builds (the base tables' DDL and the built layers' SQL): a
    warehouse whose meta `built_by` differs was built by another version of SEIP Insight."""
    import hashlib

    built = [q.sql for q in queries().values() if q.layer in BUILT_LAYERS]
    return hashlib.sha256("\0".join([*schema.ddl(), *built]).encode()).hexdigest()[:16]


def upgrade(path: Path) -> bool:
    """Rebuild a warehouse built by another version of SEIP Insight (`build_token`): its base
    tables gain the columns they lack and its views and marts are built again, through
    `rewrite`, so a warehouse from an older version serves the current queries. True when it
    was rebuilt; False when it was current or does not exist."""
    path = Path(path)
    if not path.exists():
        return False
    con = open_read_only(path, fresh=True)
    try:
        built = con.execute("select max(value) from meta where key = 'built_by'").fetchone()[0]
    finally:
        con.close()
    if built == build_token():
        return False
    with rewrite(path):
        pass
    return True


# ---------------------------------------------------------------- files


def version(path: Path) -> str:
    """A token that changes whenever the warehouse file is replaced (for cache keys)."""
    st = Path(path).stat()
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


def require(path: Path) -> None:
    """Raise FileNotFoundError, saying how to make one, when there is no warehouse at `path`."""
    if not Path(path).exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `seip demo` or `seip import` first")


def open_read_only(path: Path, *, fresh: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for reading (the only way anything reads it). Raises FileNotFoundError
    when it does not exist.

    `fresh=True` gives a private connection that sees the file as it is now even while another
    connection in this process still holds the one an import has since replaced:
    `duckdb.connect(path)` hands back that open database. Run statements on it directly, not
    on its cursors, which forget which database is in use.
    """
    require(path)
    if not fresh:
        return duckdb.connect(str(path), read_only=True)
    con = duckdb.connect()
    try:
        quoted = str(Path(path).resolve()).replace("'", "''")
        con.execute(f"attach '{quoted}' as warehouse (read_only)")
        con.execute("use warehouse")
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def rewrite(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a writable connection to a copy of the warehouse; swap it in if the block succeeds.

    The copy lives beside the original, so `os.replace` is atomic. On any exception (or
    a kill) the copy is discarded and the original file is exactly as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(path):
        yield from _rewrite_locked(path)


@contextlib.contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the warehouse's folder, so two writers never copy the same original.

    The folder, not a lock file, so that nothing is left beside the warehouse. While the lock
    is held, any earlier temporary copy belongs to a process that was killed: it is removed.
    """
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in path.parent.glob(glob.escape(path.name) + ".tmp*"):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        yield
    finally:
        os.close(fd)


def _rewrite_locked(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if path.exists():
            shutil.copyfile(path, tmp)
        else:
            tmp.unlink()
        con = duckdb.connect(str(tmp))
        try:
            schema.create(con)
            con.execute("begin transaction")
            yield con
            build_marts(con)
            con.execute("insert or replace into meta values ('version', ?)", [uuid.uuid4().hex])
            con.execute("commit")
            con.execute("checkpoint")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            raise
        finally:
            con.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure(path: Path) -> None:
    """Create the warehouse with an empty schema if it does not exist yet."""
    if not Path(path).exists():
        with rewrite(path):
            pass
