"""Disclosure control as chart builders meet it: which cells are hidden, and how to draw them.

The gate (`dashboard.access.fetch`, through `dashboard.disclosure`) hides a governor's small
pupil counts, and the figures that would reveal them, as null with a `<column>_suppressed`
flag. Builders only read those flags (`flags`, `shown`, `keep`) and write `c` where a hidden
value would be drawn (`mark_hidden`); they never hide anything themselves.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import theme
from dashboard.disclosure import flags, suppressed_meaning

__all__ = ["flags", "keep", "shown", "mark_hidden", "suppressed_meaning"]


def keep(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Only `columns` (in that order), each with its `_suppressed` flag where it has one: the
    table of exactly what a chart draws."""
    picked = []
    for column in columns:
        picked.append(column)
        if f"{column}_suppressed" in frame.columns:
            picked.append(f"{column}_suppressed")
    return frame[picked].reset_index(drop=True)


def shown(frame: pd.DataFrame, column: str) -> pd.Series:
    """The values of `column` that may be drawn: suppressed cells become NaN (a gap, never 0)."""
    return frame[column].astype("Float64").mask(flags(frame, column)).astype(float)


def mark_hidden(
    fig: go.Figure,
    categories: list,
    *,
    horizontal: bool = True,
    at: list[float] | float = 0.0,
    row: int | None = None,
    col: int | None = None,
) -> None:
    """Write `c` where a hidden value would be drawn: a bar of NaN draws nothing, and a reader
    must see that something is there but withheld. `at` is the value axis position (one per category)."""
    if not categories:
        return
    spots = list(at) if isinstance(at, list) else [at] * len(categories)
    where = {"x": spots, "y": list(categories)} if horizontal else {"x": list(categories), "y": spots}
    trace = go.Scatter(
        **where,
        mode="text",
        text=["c"] * len(categories),
        textposition="middle right" if horizontal else "top center",
        textfont={"color": theme.NEUTRAL, "size": 14},
        showlegend=False,
        cliponaxis=False,
        hovertemplate=f"c: hidden, {suppressed_meaning()}<extra></extra>",
    )
    if row is None:
        fig.add_trace(trace)
    else:
        fig.add_trace(trace, row=row, col=col)
    if horizontal:  # room between the labels and a `c` at the axis (kaleido's PDFs set them touching)
        fig.update_yaxes(ticklabelstandoff=6, row=row, col=col)
