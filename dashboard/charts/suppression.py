"""Disclosure control as chart builders meet it: which cells are hidden, and what they reveal.

`components.data.fetch_counts` hides a governor's small pupil counts as null with a
`<column>_suppressed` flag. A cost or rate built on such a count would give it away, so
`hide_derived` hides those too before anything is drawn or tabled.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def flags(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where `column` is suppressed (`suppressed` marks `value`, `<column>_suppressed` the rest)."""
    marker = "suppressed" if column == "value" else f"{column}_suppressed"
    if marker not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[marker].fillna(False).astype(bool)


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


def shown(frame: pd.DataFrame, column: str) -> pd.Series:
    """The values of `column` that may be drawn: suppressed cells become NaN (a gap, never 0)."""
    return frame[column].astype("Float64").mask(flags(frame, column)).astype(float)
