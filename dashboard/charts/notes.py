"""Notes as markers on a trend chart: a dotted line at the note's academic year and a marker
at the top of the plot whose hover text is the note. Pure plotly: figure in, new figure out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from dashboard.charts import theme

_YEAR = re.compile(r"^\d{4}/\d{2}$")
# pixels at the top of the plot the markers take: a label placed there goes below them
MARKER_BAND = 16

# An axis of its own, 0 to 1 over the plot, so the markers sit at the top whatever the data's scale.
_NOTES_AXIS = "y9"


def trend_years(fig: go.Figure) -> list[str]:
    """The academic years on the figure's x axis, in order, when every trace is plotted over
    academic years (a trend chart); [] otherwise."""
    years: list[str] = []
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        if xs is None or len(xs) == 0:
            continue
        if not all(isinstance(x, str) and _YEAR.match(x) for x in xs):
            return []
        years.extend(x for x in xs if x not in years)
    return sorted(years)


def with_notes(fig: go.Figure, notes: Sequence) -> go.Figure:
    """A copy of `fig` with a marker for each of `notes` (objects with academic_year, title,
    body, scope_label, author) whose year is on its x axis; `fig` itself when none is."""
    years = set(trend_years(fig))
    shown = [n for n in notes if n.academic_year in years]
    if not shown:
        return fig
    out = go.Figure(fig)
    by_year: dict[str, list] = {}
    for note in shown:
        by_year.setdefault(note.academic_year, []).append(note)
    for year in by_year:
        out.add_vline(x=year, line_color=theme.NEUTRAL, line_dash="dot", line_width=1)
    # hover text is built from the notes' text: escaped, so a note can never inject markup
    hover = [
        "<br>".join(
            f"<b>{escape(n.title)}</b> ({escape(n.scope_label)}, {year})<br>{escape(n.body)}"
            f"<br><i>{escape(n.author)}</i>"
            for n in notes_of_year
        )
        for year, notes_of_year in by_year.items()
    ]
    out.add_trace(
        go.Scatter(
            x=list(by_year),
            y=[0.97] * len(by_year),
            yaxis=_NOTES_AXIS,
            mode="markers",
            name="Note",
            marker={"symbol": "triangle-down", "size": 12, "color": theme.NEUTRAL},
            hovertext=hover,
            hoverinfo="text",
            hoverlabel={"align": "left"},
            showlegend=True,
        )
    )
    out.update_layout(
        {f"yaxis{_NOTES_AXIS[1:]}": {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True}}
    )
    return out
