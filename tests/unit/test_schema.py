"""The warehouse's base tables are created in one place, `dashboard/schema.py`."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from dashboard import schema
from dashboard.ingest.contract import LOAD_ORDER

ROOT = Path(__file__).resolve().parents[2]
# The store (accounts, audit log, notes) is another database with its own migrations.
# schema.py: the warehouse; store.py: the writable store; ingest/validate.py: scratch tables in the
# validator's own in-memory DuckDB (the bulk checks), never in the warehouse
OWN_SCHEMA = {
    ROOT / "dashboard" / "schema.py",
    ROOT / "dashboard" / "store.py",
    ROOT / "dashboard" / "ingest" / "validate.py",
}
CREATES_TABLE = re.compile(r"\bcreate\s+(?:temp\w*\s+)?table\b", re.IGNORECASE)


def test_create_makes_every_base_table_and_can_run_twice():
    con = duckdb.connect()
    schema.create(con)
    schema.create(con)
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == {
        "meta",
        "import_log",
        *LOAD_ORDER,
        "ref_exclusions_geography",
        "ref_exclusions_national",
        "ref_lait",
        "ref_statistical_neighbours",
        "ref_la_codes",
        "ref_lait_dictionary",
    }
    # every exclusions measure is a number beside the DfE symbol that stands in for it
    columns = dict(con.execute("select column_name, column_type from (describe ref_exclusions_geography)").fetchall())
    assert columns["perm_excl_rate"] == "DOUBLE"
    assert columns["perm_excl_rate_symbol"] == "VARCHAR"
    assert "num_schools" not in {
        r[0] for r in con.execute("select column_name from (describe ref_exclusions_national)").fetchall()
    }


def test_no_other_module_creates_a_table():
    creators = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "dashboard").rglob("*.py"))
        if path not in OWN_SCHEMA and CREATES_TABLE.search(path.read_text(encoding="utf-8"))
    ]
    assert creators == []


def test_the_check_sees_a_create_statement():
    assert CREATES_TABLE.search('con.execute("""CREATE TABLE if not exists t (a int)""")')
    assert CREATES_TABLE.search("create temp table t as select 1")
    assert not CREATES_TABLE.search("create or replace table stg_x as select 1")
