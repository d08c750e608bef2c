"""A figure as the browser is sent it (screen.for_screen): no template, the template and Streamlit's
look written beneath the figure's own settings, arrays as lists, a data revision drawn from its data."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from dashboard.charts import screen, theme

TEMPLATE = {
    "layout": {
        "font": {"color": "#2a3f5f", "size": 10},
        "hovermode": "closest",
        "xaxis": {"linecolor": "#EBF0F8", "gridcolor": "white", "ticks": ""},
        "yaxis": {"zerolinecolor": "#EBF0F8", "ticks": "", "minor": {"ticks": ""}},
        "annotationdefaults": {"arrowcolor": "#2a3f5f", "arrowhead": 0},
        "shapedefaults": {"line": {"color": "#2a3f5f"}},
        "polar": {"bgcolor": "white"},
    },
    "data": {
        "bar": [{"type": "bar", "marker": {"line": {"color": "white", "width": 0.5}}}],
        "scatter": [{"type": "scatter", "opacity": 0.5}, {"type": "scatter", "opacity": 0.9}],
    },
}


def spec(**layout) -> dict:
    return {
        "data": [
            {"type": "bar", "x": ["a"], "y": [1], "marker": {"color": "red"}},
            {"type": "scatter", "x": [1], "y": [2]},
            {"type": "scatter", "x": [1], "y": [3]},
            {"type": "scatter", "x": [1], "y": [4], "opacity": 1},
        ],
        "layout": {"template": TEMPLATE, **layout},
    }


def test_the_template_goes_and_its_layout_lies_beneath_the_figures_own():
    out = screen.for_screen(spec(font={"size": 14}, legend={"x": 0}))["layout"]
    assert "template" not in out
    # the figure's own size; Streamlit's colour over the template's, as Streamlit merges them
    assert out["font"] == {"color": "#808495", "size": 14, "family": '"Source Sans", sans-serif', "weight": 400}
    assert out["hovermode"] == "closest"
    # the legend: the figure's x over Streamlit's look
    assert out["legend"]["x"] == 0 and out["legend"]["valign"] == "top"
    # a template's settings for a kind of plot the figure has not got are left out
    assert "polar" not in out
    # Streamlit's look over the template's: its margins beneath the figure's (none here)
    assert out["margin"] == {"l": 0, "pad": 8, "r": 0}


def test_an_axis_part_is_written_in_only_where_the_figure_says_whether_it_is_shown():
    # plotly draws an axis line when the figure's own layout gives it a colour, not its template
    hidden = screen.for_screen(spec(xaxis={"title": {"text": "year"}}))["layout"]
    assert "linecolor" not in hidden["xaxis"] and hidden["xaxis"]["gridcolor"] == "#e6eaf1"
    assert "zerolinecolor" not in hidden["yaxis"] and "minor" not in hidden["yaxis"]
    # every axis, not only the first, gets the template's and Streamlit's settings
    assert hidden["yaxis"]["ticks"] == "" and hidden["yaxis"]["title"]["standoff"] == 24
    shown = spec(xaxis={"showline": True}, yaxis2={"zeroline": True, "minor": {"dtick": 1}})
    shown = screen.for_screen(shown)["layout"]
    assert shown["xaxis"]["linecolor"] == "#EBF0F8"
    assert shown["yaxis2"]["zerolinecolor"] == "#e6eaf1"
    assert shown["yaxis2"]["minor"] == {"ticks": "", "gridcolor": "#e6eaf1", "dtick": 1}
    assert shown["yaxis2"]["tickfont"] == {"color": "#808495", "size": 12}


def test_annotations_and_shapes_take_the_templates_defaults_one_by_one():
    notes = [{"text": "a"}, {"text": "b", "arrowhead": 2}]
    out = screen.for_screen(spec(annotations=notes, shapes=[{"type": "line", "line": {"width": 2}}]))["layout"]
    assert out["annotations"] == [
        {"arrowcolor": "#2a3f5f", "arrowhead": 0, "text": "a"},
        {"arrowcolor": "#2a3f5f", "arrowhead": 2, "text": "b"},
    ]
    assert out["shapes"] == [{"type": "line", "line": {"color": "#2a3f5f", "width": 2}}]
    assert "annotationdefaults" not in out and "shapedefaults" not in out


def test_each_trace_takes_its_kinds_defaults_in_turn():
    bar, first, second, third = screen.for_screen(spec())["data"]
    assert bar["marker"] == {"line": {"color": "white", "width": 0.5}, "color": "red"}
    # scatter defaults cycle: the first, the second, then the first again under the trace's own
    assert (first["opacity"], second["opacity"], third["opacity"]) == (0.5, 0.9, 1)
    assert bar["type"] == "bar" and first["y"] == [2]


def test_a_title_is_bold_as_streamlit_draws_it_and_none_stays_none():
    assert screen.for_screen(spec(title={"text": "Rates"}))["layout"]["title"]["text"] == "<b>Rates</b>"
    assert "text" not in screen.for_screen(spec(title={}))["layout"]["title"]


def test_arrays_go_as_lists_with_a_missing_number_as_none():
    fig = go.Figure(go.Scatter(x=np.array([1, 2, 3]), y=np.array([0.5, math.nan, 2.25])))
    sent = fig.to_dict()
    assert "bdata" in sent["data"][0]["y"]  # what plotly.py makes of a numpy array
    trace = screen.for_screen(sent)["data"][0]
    assert trace["x"] == [1, 2, 3] and trace["y"] == [0.5, None, 2.25]
    grid = screen.for_screen(go.Figure(go.Heatmap(z=np.array([[1.0, 2.0], [3.0, 4.0]]))).to_dict())["data"][0]
    assert grid["z"] == [[1.0, 2.0], [3.0, 4.0]]


def test_a_figures_data_revision_follows_its_data():
    def revision(y):
        return screen.for_screen(theme.style(go.Figure(go.Bar(x=[1, 2], y=y))).to_dict())["layout"]["datarevision"]

    # made again from the same data, the same figure; other data, another revision
    assert revision([2, 3]) == revision([2, 3]) != revision([2, 4])
