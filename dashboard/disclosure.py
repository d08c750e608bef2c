"""Disclosure control (metrics.md): small pupil counts, and what would reveal them, become `c`.

Applied to the long metric rows in the data layer (`dashboard.metrics.compute`), so no page,
download or report can show a value a governor must not see. Only the partnership and
la_total areas are controlled: DfE figures are already published.

The rule runs on plain rows (`suppress_rows`) so that `seip metrics` answers without
importing pandas; `suppress` applies the same rule to a DataFrame.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CONTROLLED_AREAS = ("partnership", "la_total")


def base_counts(metric: str, catalogue: Mapping) -> frozenset[str]:
    """The pupil counts a metric is built on, following depends_on through derived metrics."""
    seen: set[str] = set()
    todo = [metric]
    counts: set[str] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        definition = catalogue[current]
        if definition.pupil_count:
            counts.add(current)
        todo.extend(definition.depends_on)
    return frozenset(counts)


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def suppress_rows(rows: list[dict], threshold: int, catalogue: Mapping) -> list[dict]:
    """Return copies of the long metric rows with disclosure control applied.

    1. primary: a pupil count (catalogue `pupil_count`) from 1 to `threshold` is suppressed;
       0 stays 0;
    2. secondary: where exactly one partnership is suppressed for a metric and year and the
       la_total is shown, the next smallest non-zero partnership is suppressed too (a 0
       would give the first value away by subtraction); with no such partnership the
       la_total is suppressed instead;
    3. derived: every metric whose `depends_on` leads to a suppressed count in the same area
       and year is suppressed.
    Each row needs metric, academic_year, area_type, area_code and value; suppressed rows
    get value None and suppressed True, the others keep their `suppressed` (default False).
    """
    out = [dict(r, suppressed=bool(r.get("suppressed", False))) for r in rows]
    hidden = [False] * len(out)
    by_metric_year: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, row in enumerate(out):
        if row["area_type"] not in CONTROLLED_AREAS:
            continue
        definition = catalogue.get(row["metric"])
        if definition is None or not definition.pupil_count:
            continue
        by_metric_year[(row["metric"], row["academic_year"])].append(i)
        value = _number(row["value"])
        hidden[i] = value is not None and 1 <= value <= threshold

    for cells in by_metric_year.values():
        partners = [i for i in cells if out[i]["area_type"] == "partnership"]
        shown_totals = [i for i in cells if out[i]["area_type"] == "la_total"
                        and not hidden[i] and _number(out[i]["value"]) is not None]
        if sum(hidden[i] for i in partners) != 1 or not shown_totals:
            continue
        candidates = [i for i in partners if not hidden[i] and (_number(out[i]["value"]) or 0) > 0]
        if candidates:
            hidden[min(candidates, key=lambda i: (_number(out[i]["value"]), out[i]["area_code"]))] = True
        else:
            hidden[shown_totals[0]] = True

    hidden_counts: dict[tuple, set[str]] = defaultdict(set)
    for i, row in enumerate(out):
        if hidden[i]:
            hidden_counts[(row["area_type"], row["area_code"], row["academic_year"])].add(row["metric"])
    bases = {m: base_counts(m, catalogue) for m, d in catalogue.items() if not d.pupil_count}
    for i, row in enumerate(out):
        if row["area_type"] not in CONTROLLED_AREAS or not bases.get(row["metric"]):
            continue
        if bases[row["metric"]] & hidden_counts.get((row["area_type"], row["area_code"], row["academic_year"]), set()):
            hidden[i] = True

    for i, row in enumerate(out):
        if hidden[i]:
            row["value"] = None
            row["suppressed"] = True
    return out


def suppress(frame: pd.DataFrame, threshold: int, catalogue: Mapping) -> pd.DataFrame:
    """`suppress_rows` over a long metric DataFrame: suppressed cells get value NaN, suppressed True."""
    import pandas as pd

    rows = suppress_rows(frame.to_dict("records"), threshold, catalogue)
    out = pd.DataFrame(rows, columns=list(dict.fromkeys([*frame.columns, "suppressed"])), index=frame.index)
    out["value"] = out["value"].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


# ---------------------------------------------------------------- chart queries (DataFrames)

def flags(frame: pd.DataFrame, column: str) -> pd.Series:
    """True where `column` is suppressed (`suppressed` marks `value`, `<column>_suppressed` the rest)."""
    import pandas as pd

    marker = "suppressed" if column == "value" else f"{column}_suppressed"
    if marker not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[marker].fillna(False).astype(bool)


def hide_rows(out: pd.DataFrame, column: str, rows: pd.Series) -> None:
    """Hide `column` in the `rows` marked, in place (value null, `<column>_suppressed` true)."""
    out[f"{column}_suppressed"] = flags(out, column) | rows
    out[column] = out[column].astype("Float64").mask(out[f"{column}_suppressed"])


def hide_second(frame: pd.DataFrame, column: str, by: str | list[str] | None = None) -> pd.DataFrame:
    """Where exactly one count of `column` is hidden (within each `by` group), hide the next
    smallest non-zero one too, so that the total shown elsewhere cannot give it away by
    subtraction (metrics.md, disclosure control)."""
    import pandas as pd

    out = frame.copy()
    groups = [out] if by is None else [g for _, g in out.groupby(by, dropna=False, sort=False)]
    extra = pd.Series(False, index=out.index)
    for group in groups:
        hidden = flags(group, column)
        if hidden.sum() != 1:
            continue
        candidates = group[~hidden & group[column].fillna(0).gt(0)]
        if not candidates.empty:
            extra[candidates.sort_values(column).index[0]] = True
    if extra.any():
        hide_rows(out, column, extra)
    return out


def control_counts(frame: pd.DataFrame, counts: tuple[str, ...], threshold: int,
                   add_up_within: tuple[str, ...] | None) -> pd.DataFrame:
    """Disclosure control on a chart query's rows, as its SQL header declares them.

    Primary: each count in `counts` from 1 to `threshold` becomes null with
    `<count>_suppressed` true (0 stays 0). Secondary: where the rows of a group (`add_up_within`
    columns; `()` for all rows together) add up to a total shown elsewhere, a lone hidden
    count takes the next smallest non-zero one of its group with it. None: no secondary.
    """
    out = frame.copy()
    for column in counts:
        small = out[column].between(1, threshold) if threshold > 0 else out[column].lt(0)
        out[f"{column}_suppressed"] = small.fillna(False).astype(bool)
        out[column] = out[column].astype("Float64").mask(out[f"{column}_suppressed"])
        if add_up_within is not None:
            out = hide_second(out, column, by=list(add_up_within) or None)
    return out
