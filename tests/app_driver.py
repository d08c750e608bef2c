"""Driving the real app in Streamlit's AppTest: open a page on a warehouse as a role, read what it
shows, and what `seip metrics` says for the same filters. The one AppTest helper of the suite
(tests/ is on the import path through its conftest)."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import warehouse
from dashboard.charts import theme
from dashboard.components.chart_panel import views_key
from dashboard.metrics import catalogue, metrics_payload
from dashboard.settings import Settings

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PAGES_DIR = Path(__file__).resolve().parents[1] / "dashboard" / "views"

# url_path -> page file, in the order of the navigation
PAGES = {
    "overview": "overview",
    "policy-impact": "policy_impact",
    "exclusion-avoidance": "exclusions",
    "placements-and-costs": "placements",
    "funding-and-deprivation": "funding",
    "value-for-money": "value_for_money",
    "benchmarks": "benchmarks",
    "school-view": "school",
    "data-and-definitions": "data",
}
TITLES = {
    "overview": "Overview",
    "policy-impact": "Policy impact",
    "exclusion-avoidance": "Exclusion avoidance",
    "placements-and-costs": "Placements and costs",
    "funding-and-deprivation": "Funding and deprivation",
    "value-for-money": "Value for money",
    "benchmarks": "Benchmarks",
    "school-view": "School view",
    "data-and-definitions": "Data and definitions",
}


def open_page(
    db: Path,
    monkeypatch,
    page: str,
    *,
    role: str | None = None,
    query: dict | None = None,
    keep_caches: bool = False,
    **choices: object,
) -> AppTest:
    """Run the real app on `db` (sign-in off: the demo's "view as" switcher) as `role`, with `query`
    in the URL, open `views/<page>.py`, then pick each filter in `choices` (widget key -> option) as
    a user would. Caches are cleared first (AppTest shares them across tests), unless `keep_caches`."""
    if not keep_caches:
        st.cache_data.clear()
        st.cache_resource.clear()
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", "none")
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if role is not None:
        at.session_state["view_as_role"] = role
    at.run()
    at.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    for key, value in choices.items():
        at.selectbox(key=key).set_value(value).run()
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Open tab `label` ("Table", "Download", "Chart") of every chart on the page, as a person
    clicking each would, and rerun: a chart's Table and Download tabs are drawn only while open."""
    prefix = views_key("")
    for key in [k for k in at.session_state.keys() if k.startswith(prefix)]:
        at.session_state[key] = label
    return at.run()


def empty_synthetic_warehouse(path: Path) -> Path:
    """A warehouse with the schema and the synthetic flag but no rows (the demo switcher needs the flag)."""
    with warehouse.rewrite(path) as con:
        con.execute("insert or replace into meta values ('synthetic', 'true')")
    return path


def cards(at: AppTest) -> dict[str, str]:
    """The headline figure cards: label -> value as shown."""
    return {m.label: m.value for m in at.metric}


def cli_cards(
    db: Path, *, year: str, area_code: str = "ALL", partnership: str | None = None, role: str = "commissioner"
) -> dict[str, str]:
    """What `seip metrics` says for the same filters, formatted as a card shows it: label -> text."""
    payload = metrics_payload(Settings.from_env(db), year=year, partnership=partnership, role=role)
    cat = catalogue()
    return {
        cat[r["metric"]].label: theme.format_value(
            r["value"], cat[r["metric"]].unit, cat[r["metric"]].decimals, suppressed=r["suppressed"]
        )
        for r in payload["rows"]
        if r["area_code"] == area_code and r["academic_year"] == year
    }


def specs(at: AppTest) -> list[dict]:
    """The plotly figures drawn on the page, as JSON."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def words(at: AppTest) -> str:
    """Every sentence the page shows (headings, text, captions, notices)."""
    return " ".join(
        str(e.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    )
