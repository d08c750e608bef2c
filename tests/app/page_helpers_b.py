"""Driving the dashboard's placements, funding, value-for-money and school pages in AppTest,
and what `seip metrics` says for the same filters."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.charts import theme
from dashboard.metrics import catalogue, metrics_payload
from dashboard.settings import Settings

# the router run from outside dashboard/ (see app_under_test.py): from dashboard/app.py itself,
# AppTest would run each page file without the router, because of the pages/ folder beside it
APP = str(Path(__file__).resolve().parent / "app_under_test.py")
PAGES_DIR = Path(__file__).resolve().parents[2] / "dashboard" / "pages"


def open_page(db: Path, monkeypatch, page: str, *, role: str | None = None, **choices: object) -> AppTest:
    """Run the real app on `db`, as `role` (the demo's "view as" role), on `pages/<page>.py`, then
    pick each filter in `choices` (widget key -> option) as a user would."""
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", "none")
    at = AppTest.from_file(APP, default_timeout=120)
    if role is not None:
        at.session_state["view_as_role"] = role
    at.run()
    at.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    for key, value in choices.items():
        at.selectbox(key=key).set_value(value).run()
    return at


def empty_synthetic_warehouse(path: Path) -> Path:
    """A warehouse with the schema and the synthetic flag but no rows (the demo switcher needs the flag)."""
    from dashboard import warehouse

    with warehouse.rewrite(path) as con:
        con.execute("insert or replace into meta values ('synthetic', 'true')")
    return path


def shown_metrics(at: AppTest) -> dict[str, str]:
    """The headline cards on the page: label -> value as shown."""
    return {m.label: m.value for m in at.metric}


def cli_metrics(db: Path, *, year: str, partnership: str | None = None, role: str = "commissioner",
                area_code: str = "ALL") -> dict[str, str]:
    """`seip metrics` for the same filters, as the cards would show each value: label -> text."""
    payload = metrics_payload(Settings.from_env(db), year=year, partnership=partnership, role=role)
    cat = catalogue()
    out = {}
    for row in payload["rows"]:
        if row["area_code"] != area_code or row["academic_year"] != year:
            continue
        info = cat[row["metric"]]
        out[info.label] = theme.format_value(row["value"], info.unit, info.decimals, suppressed=row["suppressed"])
    return out


def texts(at: AppTest) -> str:
    """Every sentence the page shows (info, errors, markdown, captions, headings)."""
    return " ".join(str(e.value) for kind in ("info", "error", "warning", "markdown", "caption", "subheader", "title")
                    for e in getattr(at, kind))


def chart_specs(at: AppTest) -> list[dict]:
    """The plotly figures on the page as JSON."""
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
