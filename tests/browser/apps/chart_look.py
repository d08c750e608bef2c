"""Each kind of figure the dashboard draws, twice: as Streamlit's chart theme draws a plotly
figure, and as the dashboard sends it (screen.for_screen, theme=None). Served by
tests/browser/test_chart_look.py, which compares the two."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboard.charts import theme
from dashboard.components.chart_panel import _drawn

YEARS = ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def lines() -> go.Figure:
    fig = go.Figure()
    series = {"Leicestershire": [0.03, 0.02, 0.01, 0.02, 0.04, 0.03], "Rutland": [0.05, 0.04, 0.02, 0.03, 0.05, 0.06]}
    for (name, values), symbol in zip(series.items(), theme.SYMBOLS, strict=False):
        fig.add_trace(go.Scatter(x=YEARS, y=values, name=name, mode="lines+markers", marker_symbol=symbol))
    england = [0.1, 0.06, 0.05, 0.08, 0.11, 0.12]
    fig.add_trace(go.Scatter(x=YEARS, y=england, name="England", line=theme.COMPARATOR_STYLE["england"]))
    fig.add_vrect(x0="2019/20", x1="2020/21", fillcolor=theme.GREY_LIGHT, opacity=0.35, line_width=0)
    fig.add_vline(x="2021/22", line_dash="dot")
    fig.add_annotation(x="2021/22", y=0.12, text="policy start", showarrow=False)
    return theme.style(fig, y_title="per 100 pupils", x_title="academic year")


def bars() -> go.Figure:
    names = [theme.wrap(n) for n in ("North West Leicestershire Partnership", "Charnwood", "Hinckley and Bosworth")]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=[0.35, 0.1, 0.08],
            orientation="h",
            text=["0.35", "0.10", "0.08"],
            textposition="outside",
            error_x={"array": [0.02, 0.01, 0.01]},
        )
    )
    return theme.style(fig, x_title="per 100 pupils")


def flows() -> go.Figure:
    fig = go.Figure(
        go.Sankey(
            node={"label": ["Referred", "Outreach", "AP placement"]},
            link={"source": [0, 0], "target": [1, 2], "value": [30, 12]},
        )
    )
    return theme.style(fig, height=300)


def small_multiples() -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Rate", "Cost"))
    fig.add_trace(go.Bar(x=["a", "b"], y=[1, 2], name="rate"), row=1, col=1)
    fig.add_trace(go.Bar(x=["a", "b"], y=[300, 200], name="cost"), row=1, col=2)
    return theme.style(fig, title="Two measures")


FIGURES = {
    "lines": lines(),
    "bars": bars(),
    "flows": flows(),
    "small-multiples": small_multiples(),
    "empty": theme.empty("There is nothing to draw for these choices."),
}

for name, fig in FIGURES.items():
    st.plotly_chart(fig, key=f"themed-{name}", width="stretch", config={"displayModeBar": False})
    st.plotly_chart(_drawn(fig), key=f"sent-{name}", width="stretch", theme=None, config={"displayModeBar": False})
