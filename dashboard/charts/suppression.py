"""Disclosure control as chart builders meet it: which cells are hidden, and what they reveal.

The data layer (`dashboard.disclosure.control_counts`, applied by `components.data.fetch`
to every query that declares its pupil counts) hides a governor's small pupil counts as
null with a `<column>_suppressed` flag. A cost or rate built on such a count would give it away, so
`hide_derived` hides those too before anything is drawn or tabled.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import theme
from dashboard.disclosure import flags, hide_rows, hide_second

__all__ = ["flags", "hide_second", "hide_derived", "hide_groups", "hidden_groups", "keep", "shown", "mark_hidden"]


def hide_derived(frame: pd.DataFrame, derived: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Hide each derived column wherever any count it is built on is hidden.

    `derived` maps a column (a cost, a rate) to the count columns it rests on. A frame with
    no suppressed count comes back unchanged (no flag columns are added).
    """
    out = frame.copy()
    for column, bases in derived.items():
        if column not in out.columns:
            continue
        hidden = pd.Series(False, index=out.index)
        for base in bases:
            hidden |= flags(out, base)
        if not hidden.any():
            continue
        out[f"{column}_suppressed"] = flags(out, column) | hidden
        out[column] = out[column].astype("Float64").mask(out[f"{column}_suppressed"])
    return out


def hide_groups(frame: pd.DataFrame, column: str, by: str, groups: set) -> pd.DataFrame:
    """Hide every count of `column` in the `by` groups named: the parts of a hidden total would
    give it away."""
    out = frame.copy()
    rows = out[by].isin(set(groups)) if not out.empty else pd.Series(False, index=out.index)
    if rows.any():
        hide_rows(out, column, rows)
    return out


def hidden_groups(frame: pd.DataFrame, column: str, by: str) -> set:
    """The `by` groups with any hidden count of `column`."""
    return set(frame.loc[flags(frame, column), by]) if not frame.empty else set()


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


def mark_hidden(fig: go.Figure, categories: list, *, horizontal: bool = True, at: list[float] | float = 0.0,
                row: int | None = None, col: int | None = None) -> None:
    """Write `c` where a hidden value would be drawn: a bar of NaN draws nothing, and a reader
    must see that something is there but withheld. `at` is the value axis position (one per category)."""
    if not categories:
        return
    spots = list(at) if isinstance(at, list) else [at] * len(categories)
    where = {"x": spots, "y": list(categories)} if horizontal else {"x": list(categories), "y": spots}
    trace = go.Scatter(**where, mode="text", text=["c"] * len(categories),
                       textposition="middle right" if horizontal else "top center",
                       textfont={"color": theme.NEUTRAL, "size": 14}, showlegend=False, cliponaxis=False,
                       hovertemplate="c: hidden, a count of 1 to 4 pupils or a figure that would reveal one<extra></extra>")
    if row is None:
        fig.add_trace(trace)
    else:
        fig.add_trace(trace, row=row, col=col)
