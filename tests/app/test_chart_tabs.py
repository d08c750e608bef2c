"""The chart panel's tabs in AppTest: the Table and Download tabs are drawn only while open (the
browser spent most of a page's CPU building the grids of hidden tables), the Chart tab is open
first and always drawn, with its text alternative."""

from __future__ import annotations

import streamlit as st
from app_driver import open_tab
from streamlit.testing.v1 import AppTest

from dashboard.components.chart_panel import views_key


def one_chart():
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.components.chart_panel import chart_panel

    table = pd.DataFrame(
        {"partnership": ["North", "South"], "referrals": [12.0, 3.0], "referrals_suppressed": [False, True]}
    )
    fig = go.Figure(go.Bar(x=["North", "South"], y=[12, None], name="Referrals"))
    chart_panel(fig, table, title="Referrals by partnership", caption="North referred 12.", source="Tests", key="refs")


def panel(db, monkeypatch) -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", "none")
    return AppTest.from_function(one_chart, default_timeout=60).run()


def drawn(at: AppTest) -> tuple[int, int, int]:
    """How many charts, tables and download buttons the page holds."""
    return len(at.get("plotly_chart")), len(at.dataframe), len(at.get("download_button"))


def test_only_the_chart_is_drawn_until_a_tab_is_opened(empty_db, monkeypatch):
    at = panel(empty_db, monkeypatch)
    assert not at.exception
    assert at.session_state[views_key("refs")] == "Chart"
    assert [t.label for t in at.tabs] == ["Chart", "Table", "Download"]
    assert drawn(at) == (1, 0, 0)
    assert 'data-chart="chart-refs"' in at.get("html")[0].proto.body  # the alternative, for screen readers


def test_the_table_tab_opened_shows_the_table_with_c_for_the_suppressed_count(empty_db, monkeypatch):
    at = open_tab(panel(empty_db, monkeypatch), "Table")
    assert not at.exception
    assert drawn(at) == (1, 1, 0)
    table = at.dataframe[0].value
    assert table.to_dict("list") == {"partnership": ["North", "South"], "referrals": ["12", "c"]}
    assert "c = suppressed" in at.caption[0].value


def test_the_download_tab_opened_offers_both_files_and_the_table_goes(empty_db, monkeypatch):
    at = open_tab(open_tab(panel(empty_db, monkeypatch), "Table"), "Download")
    assert not at.exception
    assert drawn(at) == (1, 0, 2)
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download Excel (XLSX)"]
    assert drawn(open_tab(at, "Chart")) == (1, 0, 0)
