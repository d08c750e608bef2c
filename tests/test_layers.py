"""Layer rules (conventions.md): builders, ingest, the query runner and metrics never import
streamlit; chart queries read only staging and mart tables; pages hold no SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard import warehouse

ROOT = Path(__file__).resolve().parents[1]
PLAIN = sorted(
    [
        *(ROOT / "dashboard" / "charts").glob("*.py"),
        *(ROOT / "dashboard" / "ingest").glob("*.py"),
        ROOT / "dashboard" / "warehouse.py",
        ROOT / "dashboard" / "metrics.py",
    ]
)
# Tables a chart query may read besides staging (stg_*) and marts (fct_*, dim_*): the import log,
# which the Data and definitions page shows as it is.
CHART_QUERY_EXTRA = {"import_log"}


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


def test_imported_modules_sees_streamlit(tmp_path):
    # the checker itself must catch both spellings
    probe = tmp_path / "probe.py"
    probe.write_text("import streamlit as st\nfrom streamlit.testing import v1\n")
    assert imported_modules(probe) == {"streamlit", "streamlit.testing"}


def tables_read(sql: str) -> set[str]:
    """Names after `from` or `join`, minus the query's own CTE names."""
    body = re.sub(r"--[^\n]*", "", sql.lower())
    ctes = set(re.findall(r"(\w+)\s+as\s*\(", body))
    names = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", body))
    return names - ctes - {"select"}


def test_tables_read_finds_real_tables_not_ctes():
    sql = """-- reads: referrals
    with referrals as (select * from stg_seip__referrals),
    final as (select * from referrals join fct_area_year using (x))
    select * from final"""
    assert tables_read(sql) == {"stg_seip__referrals", "fct_area_year"}


CHART_QUERIES = sorted((q for q in warehouse.queries().values() if q.layer == "charts"), key=lambda q: q.name)


@pytest.mark.parametrize("query", CHART_QUERIES, ids=lambda q: q.name)
def test_chart_queries_read_only_staging_and_marts(query):
    allowed = re.compile(r"^(stg_|fct_|dim_)")
    bad = {t for t in tables_read(query.sql) if not allowed.match(t) and t not in CHART_QUERY_EXTRA}
    assert not bad, f"{query.name} reads {sorted(bad)}"


@pytest.mark.parametrize("query", CHART_QUERIES, ids=lambda q: q.name)
def test_chart_queries_have_the_header(query):
    head = query.sql.lstrip().lower()
    for field in ("-- purpose:", "-- params:", "-- grain:", "-- reads:"):
        assert field in head, f"{query.name} lacks {field}"
    assert re.search(r"select \* from final\s*$", query.sql.strip().lower())


PAGE_FILES = sorted((ROOT / "dashboard" / "pages").glob("*.py"))


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
