"""The warehouse's own tables: every CREATE statement for its base tables, in one place.

`meta` (the version and `synthetic` flag), `import_log` (one row per file an import read),
the partnership export tables (typed by the contract in `dashboard.ingest.contract`) and the
DfE reference tables (`ref_*`). The staging views and mart tables are not here: they are the
queries under `queries/`, built by `dashboard.warehouse.build_marts`. What the app
writes (accounts, the audit log, notes) lives in the store, with its own migrations
(`dashboard.store.MIGRATIONS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard.ingest.contract import LOAD_ORDER, TABLES

if TYPE_CHECKING:
    import duckdb

META_DDL = (
    "create table if not exists meta (key varchar primary key, value varchar not null)",
    """create table if not exists import_log (
        import_id varchar not null,
        imported_at timestamp not null,
        file_name varchar not null,
        table_name varchar,
        size_bytes bigint,
        sha256 varchar,
        rows_read integer,
        rows_stored integer,
        outcome varchar not null,
        warnings integer,
        errors integer
    )""",
)

# The measures of DfE's exclusions files, each stored as a DOUBLE beside a `<measure>_symbol`.
EXCLUSION_MEASURES = (
    "num_schools",
    "headcount",
    "perm_excl",
    "perm_excl_rate",
    "suspension",
    "susp_rate",
    "one_plus_susp",
    "one_plus_susp_rate",
)


def _measure_ddl(measures: tuple[str, ...]) -> str:
    return ",\n        ".join(f"{m} double, {m}_symbol varchar" for m in measures)


REFERENCE_DDL: tuple[str, ...] = (
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
    """create table if not exists ref_la_codes (
        file_name varchar not null,
        source_row integer not null,
        old_la_code varchar not null,
        la_name varchar not null,
        region_name varchar,
        region_code varchar,
        la_type varchar
    )""",
    """create table if not exists ref_lait_dictionary (
        file_name varchar not null,
        source_row integer not null,
        measure varchar not null,
        title varchar,
        topic varchar,
        polarity varchar,
        decimals integer,
        description varchar,
        methodology varchar,
        year_type varchar,
        last_update date,
        next_update date,
        next_update_note varchar
    )""",
)


def partnership_ddl() -> list[str]:
    """CREATE TABLE statements for the export tables, typed by the contract, and an ALTER for
    each column, which adds to a warehouse made before a column joined the contract what it
    lacks (blank in its stored rows)."""
    ddl = []
    for name in LOAD_ORDER:
        table = TABLES[name]
        cols = ", ".join(f"{c.name} {c.sql_type}" for c in table.columns)
        ddl.append(f"create table if not exists {name} ({cols})")
        ddl.extend(f"alter table {name} add column if not exists {c.name} {c.sql_type}" for c in table.columns)
    return ddl


def ddl() -> tuple[str, ...]:
    """Every statement `create` runs, in order."""
    return (*META_DDL, *partnership_ddl(), *REFERENCE_DDL)


def create(con: duckdb.DuckDBPyConnection) -> None:
    """Create every base table the warehouse holds (idempotent)."""
    for stmt in ddl():
        con.execute(stmt)
