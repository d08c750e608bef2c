"""Layer rules (conventions.md): builders, ingest, the query runner and metrics never import
streamlit; staging models read one source each, intermediate models join staging, and every
query a consumer runs (charts, metrics, pupil rows, scopes) reads marts only; pages hold no SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from dashboard import schema, warehouse

ROOT = Path(__file__).resolve().parents[1]
PLAIN = sorted(
    [
        *(ROOT / "dashboard" / "charts").glob("*.py"),
        *(ROOT / "dashboard" / "ingest").glob("*.py"),
        ROOT / "dashboard" / "warehouse.py",
        ROOT / "dashboard" / "metrics.py",
    ]
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_streamlit_outside_the_app(path):
    assert not {m for m in imported_modules(path) if m.split(".")[0] == "streamlit"}


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard" / "ingest").glob("*.py")), ids=lambda p: p.name)
def test_ingest_writes_nothing(path):
    # ingest reads, types and checks; only dashboard/load.py writes to the warehouse (issue 8, item 4)
    assert not imported_modules(path) & {"dashboard.warehouse", "dashboard.load", "dashboard.store"}


def test_imported_modules_sees_streamlit(tmp_path):
    # the checker itself must catch both spellings
    probe = tmp_path / "probe.py"
    probe.write_text("import streamlit as st\nfrom streamlit.testing import v1\n")
    assert imported_modules(probe) == {"streamlit", "streamlit.testing"}


def tables_read(sql: str) -> set[str]:
    """Names after `from` or `join`, minus the query's own CTE names and table functions (`range(...)`)."""
    body = re.sub(r"--[^\n]*", "", sql.lower())
    ctes = set(re.findall(r"(\w+)\s+as\s*\(", body))
    names = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()", body))
    return names - ctes - {"select"}


def test_tables_read_finds_real_tables_not_ctes():
    sql = """-- reads: referrals
    with referrals as (select * from stg_seip__referrals),
    years as (select range as y from range(1990, 2100)),
    final as (select * from referrals join fct_area_year using (x) cross join years)
    select * from final"""
    assert tables_read(sql) == {"stg_seip__referrals", "fct_area_year"}


# What each layer of queries/ may read (conventions.md: data flows one way). A staging model renames
# and casts one source table; intermediate models join staging; marts are the facts and dimensions
# every consumer reads. A layer reads only layers built before it (warehouse.BUILT_LAYERS) or itself,
# which is what keeps the build order right.
MARTS_ONLY = {"marts"}
MAY_READ = {
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts"},
    "charts": MARTS_ONLY,
    "metrics": MARTS_ONLY,
    "pupil": MARTS_ONLY,
    "access": MARTS_ONLY,
    "tests": {"staging", "intermediate", "marts"},
}
PREFIX = {"staging": r"stg_(seip|dfe)__[a-z0-9_]+", "intermediate": r"int_[a-z0-9_]+", "marts": r"(fct|dim)_[a-z0-9_]+"}
QUERIES = sorted(warehouse.queries().values(), key=lambda q: (q.layer, q.name))
LAYER_OF = {q.name: q.layer for q in QUERIES}


def source_tables() -> set[str]:
    """The tables the warehouse holds before any model is built: the exports, reference data, meta."""
    con = duckdb.connect()
    try:
        schema.create(con)
        return {name for (name,) in con.execute("select table_name from information_schema.tables").fetchall()}
    finally:
        con.close()


def test_every_layer_is_known_and_built_in_order():
    assert {q.layer for q in QUERIES} == {"staging", *MAY_READ}
    assert warehouse.BUILT_LAYERS == ("staging", "intermediate", "marts")


@pytest.mark.parametrize("query", [q for q in QUERIES if q.layer in PREFIX], ids=lambda q: q.name)
def test_models_are_named_by_their_layer(query):
    assert re.fullmatch(PREFIX[query.layer], query.name), f"{query.layer} model {query.name} is misnamed"


@pytest.mark.parametrize("query", [q for q in QUERIES if q.layer == "staging"], ids=lambda q: q.name)
def test_staging_models_read_one_source_table_each(query):
    read = tables_read(query.sql)
    assert len(read) == 1 and read <= source_tables(), f"{query.name} reads {sorted(read)}"


@pytest.mark.parametrize("query", [q for q in QUERIES if q.layer != "staging"], ids=lambda q: q.name)
def test_queries_read_only_the_layers_they_may(query):
    bad = {t for t in tables_read(query.sql) if LAYER_OF.get(t) not in MAY_READ[query.layer]}
    assert not bad, (
        f"{query.layer} query {query.name} reads {sorted(bad)}; it may read {sorted(MAY_READ[query.layer])} only"
    )


def test_the_layer_check_fails_on_a_chart_reading_staging():
    sql = "with referrals as (select * from stg_seip__referrals) select * from referrals join import_log using (x)"
    assert {t for t in tables_read(sql) if LAYER_OF.get(t) not in MAY_READ["charts"]} == {
        "stg_seip__referrals",
        "import_log",
    }


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_queries_have_the_header_and_say_what_they_read(query):
    head = query.sql.lstrip().lower()
    for field in ("-- purpose:", "-- params:", "-- pupil counts:", "-- grain:", "-- reads:"):
        assert field in head, f"{query.name} lacks {field}"
    assert re.search(r"select \* from final\s*$", query.sql.strip().lower())
    said = warehouse.header(query.sql, "reads")
    said = set() if said.startswith("nothing") else {name.strip() for name in said.split(",")}
    assert said == tables_read(query.sql), f"{query.name}: `-- reads:` says {sorted(said)}"


PAGE_FILES = sorted((ROOT / "dashboard" / "views").glob("*.py"))


def test_no_pages_folder_beside_the_router():
    # Streamlit takes a `pages/` folder beside the main script for an old-style multipage app and
    # runs its files without the router's sign-in; the pages live in views/ so nothing needs patching
    assert PAGE_FILES
    assert not (ROOT / "dashboard" / "pages").exists()


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_hold_no_sql_and_do_no_work_on_import(path):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\b(select|insert|update|delete)\b[^\n]*\b(from|into|set)\b", text, re.I)
    assert "duckdb" not in imported_modules(path)
    if path.name != "__init__.py":
        tree = ast.parse(text)
        assert ast.get_docstring(tree), f"{path.name} must say the question it answers"
        top_calls = [n for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
        assert not top_calls, f"{path.name} calls something at import time"
        assert text.rstrip().endswith('if __name__ == "__main__":\n    render()')
