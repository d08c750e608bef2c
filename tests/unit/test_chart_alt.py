"""The charts' text alternatives (chart_panel.alt_text): the kind, the axes and the series in
at most 220 characters, never the title; an empty figure says there is no chart."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts import theme
from dashboard.components.chart_panel import ALT_MAX, alt_text


def test_a_bar_chart_with_a_comparator_line():
    fig = go.Figure(
        [
            go.Bar(
                x=[0.35, 0.1], y=["North West", "Charnwood"], orientation="h", name="Partnerships", showlegend=False
            ),
            go.Scatter(x=[0.23, 0.23], y=["North West", "Charnwood"], mode="lines", name="England"),
        ]
    )
    fig.update_layout(xaxis_title="per 100 pupils")
    assert alt_text(fig) == "Bar and line chart of 2 bars, per 100 pupils across. One series: England."
    # a series the title names is not said again
    assert alt_text(fig, "Rates against England") == "Bar and line chart of 2 bars, per 100 pupils across."


def test_a_line_chart_over_the_years_with_many_series():
    fig = go.Figure(
        [go.Scatter(x=["2023/24", "2024/25"], y=[1, 2], mode="lines+markers", name=f"Area {i}") for i in range(6)]
    )
    fig.update_layout(xaxis_title="academic year", yaxis_title="%")
    assert alt_text(fig) == (
        "Line and point chart, academic year along the bottom, % down the side. "
        "Series: Area 0, Area 1, Area 2, Area 3 and 2 more."
    )


def test_long_names_are_cut_at_a_word_to_220_characters():
    fig = go.Figure(
        [go.Scatter(x=[1], y=[1], mode="markers", name="a very long partnership name " * 4) for _ in range(2)]
    )
    fig.data[1].name = "another " * 30
    text = alt_text(fig)
    assert len(text) <= ALT_MAX and text.endswith("…")


def test_an_empty_figure_says_why():
    assert alt_text(theme.empty("No funding figures for 2019/20.")) == "No chart: No funding figures for 2019/20."
