"""Disclosure control (metrics.md): small pupil counts, and what would reveal them, become `c`.

Called only by the gate (`dashboard.access.fetch`, and `access.metric_rows` for the metrics),
so no page, download, report or CLI command can show a value a governor must not see. Only the
partnership and la_total areas are controlled: DfE figures are already published.

The metrics' rule runs on plain rows (`suppress_rows`, `hide_metric_rows`) so that `seip
metrics` answers without importing pandas. Chart queries are controlled as their SQL header
declares (`control_query`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from dashboard.warehouse import header

if TYPE_CHECKING:
    import pandas as pd

CONTROLLED_AREAS = ("partnership", "la_total")
# Units of the rates a governor gets rounded to their display decimals (and any figure built on a count).
RATE_UNITS = ("percent", "rate_per_100", "gbp_per_pupil")


def small_counts(threshold: int | None = None) -> str:
    """The counts a governor never sees, in words ('1 to N' for a SEIP_SUPPRESS_MAX of N; the
    setting in force when `threshold` is None)."""
    if threshold is None:
        from dashboard.settings import Settings

        threshold = Settings.from_env().suppress_max
    return "none" if threshold < 1 else "1" if threshold == 1 else f"1 to {threshold}"


def suppressed_meaning(threshold: int | None = None) -> str:
    """What `c` stands for, as every page, note and hover words it."""
    return f"a count of {small_counts(threshold)} pupils, or a figure that would reveal one"


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
       and year is suppressed;
    4. every rate or ratio shown (a percent, a rate per 100 or per pupil, or a figure built on a
       pupil count) is rounded to its display decimals (dictionary `decimals`).
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
        shown_totals = [
            i
            for i in cells
            if out[i]["area_type"] == "la_total" and not hidden[i] and _number(out[i]["value"]) is not None
        ]
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

    ratios = {m for m, d in catalogue.items() if d.unit in RATE_UNITS or bases.get(m)}
    for i, row in enumerate(out):
        if hidden[i]:
            row["value"] = None
            row["suppressed"] = True
        elif row["area_type"] in CONTROLLED_AREAS and row["metric"] in ratios:
            row["value"] = _rounded(row["value"], catalogue[row["metric"]].decimals)
    return out


def _rounded(value, decimals: int):
    # a governor gets a rate as it is shown, never the full-precision float: rate x pupils
    # would otherwise give a count exactly (metrics.md, disclosure control)
    number = _number(value)
    return None if number is None else round(number, decimals)


def hide_metric_rows(rows: list[dict], cells: set[tuple[str, str, str]], catalogue: Mapping) -> list[dict]:
    """Long metric rows with each (metric, academic_year, area_code) in `cells` suppressed, and
    every metric built on one of them in the same area and year (the disclosure audit's cells)."""
    if not cells:
        return rows
    hidden_at: dict[tuple, set[str]] = defaultdict(set)
    for metric, year, area in cells:
        hidden_at[(year, area)].add(metric)
    bases = {m: base_counts(m, catalogue) for m in catalogue}

    def hidden(row: dict) -> bool:
        built_on = {row["metric"]} | bases.get(row["metric"], frozenset())
        return row["area_type"] in CONTROLLED_AREAS and bool(
            built_on & hidden_at.get((row["academic_year"], row["area_code"]), set())
        )

    return [dict(row, value=None, suppressed=True) if hidden(row) else row for row in rows]


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
    import numpy as np
    import pandas as pd

    out = frame.copy()
    if out.empty:
        return out
    hidden = flags(out, column).to_numpy()
    group = (
        np.zeros(len(out), dtype=np.int64)
        if by is None
        else out.groupby(by, dropna=False, sort=False).ngroup().to_numpy()
    )
    lone = np.bincount(group, weights=hidden.astype(np.float64))[group] == 1  # exactly one hidden in its group
    value = out[column].astype("Float64").fillna(0).to_numpy(dtype=np.float64)
    candidate = np.flatnonzero(lone & ~hidden & (value > 0))
    if len(candidate):
        # in each group, the smallest candidate; on a tie, the first in row order
        ordered = candidate[np.lexsort((candidate, value[candidate], group[candidate]))]
        first = ordered[np.r_[True, group[ordered][1:] != group[ordered][:-1]]]
        extra = np.zeros(len(out), dtype=bool)
        extra[first] = True
        hide_rows(out, column, pd.Series(extra, index=out.index))
    return out


def control_counts(
    frame: pd.DataFrame, counts: tuple[str, ...], threshold: int, add_up_within: tuple[str, ...] | None
) -> pd.DataFrame:
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


def hide_derived(frame: pd.DataFrame, derived: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Hide each derived column wherever any count it is built on is hidden.

    `derived` maps a column (a cost, a rate) to the count columns it rests on. A frame with
    no suppressed count comes back unchanged (no flag columns are added).
    """
    import pandas as pd

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
    import pandas as pd

    out = frame.copy()
    rows = out[by].isin(set(groups)) if not out.empty else pd.Series(False, index=out.index)
    if rows.any():
        hide_rows(out, column, rows)
    return out


def hidden_groups(frame: pd.DataFrame, column: str, by: str) -> set:
    """The `by` groups with any hidden count of `column`."""
    return set(frame.loc[flags(frame, column), by]) if not frame.empty else set()


# ---------------------------------------------------------------- a chart query, as its header says


def built_on(sql: str) -> dict[str, tuple[str, ...]]:
    """`-- built on counts: a, b <- x; c <- x + y`: each figure and the counts it rests on."""
    found: dict[str, tuple[str, ...]] = {}
    for part in (header(sql, "built on counts") or "").split(";"):
        if "<-" not in part:
            continue
        figures, counts = part.split("<-")
        bases = tuple(c.strip() for c in counts.split("+") if c.strip())
        for figure in figures.split(","):
            found[figure.strip()] = bases
    return found


def declared_decimals(sql: str) -> dict[str, int]:
    """`-- decimals: referred_pct 1, median_weeks 1`: the display decimals of a query's columns."""
    found = {}
    for part in (header(sql, "decimals") or "").split(","):
        words = part.split()
        if len(words) == 2 and words[1].isdigit():
            found[words[0]] = int(words[1])
    return found


def round_shown(frame: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """Every fractional column named in `decimals` rounded to its display decimals, so no
    full-precision float from which a count follows reaches a governor."""
    from pandas.api.types import is_float_dtype

    out = frame.copy()
    for column, places in decimals.items():
        if column in out.columns and is_float_dtype(out[column].dtype):
            out[column] = out[column].round(places)
    return out


def control_query(frame: pd.DataFrame, query, threshold: int, catalogue: Mapping) -> pd.DataFrame:
    """A governor's rows of a chart query (`warehouse.Query`), as its header declares them:
    primary and secondary control on its pupil counts (`control_counts`), every figure
    `built on counts` that are hidden hidden too, and every figure rounded to its display
    decimals (`-- decimals:`, else the metric dictionary's for a column named as a metric)."""
    out = control_counts(frame, query.pupil_counts, threshold, query.add_up_within)
    out = hide_derived(out, built_on(query.sql))
    decimals = {c: d.decimals for c, d in catalogue.items() if c in out.columns} | declared_decimals(query.sql)
    return round_shown(out, decimals)


# A query whose rows break down a count of another query run with the same parameters, by a
# column: (the total's query, the count, the column, whether one hidden part hides the rest of
# its group). The parts of a hidden total would give it away; so would the rest of a total
# whose one part is hidden, where the parts are few (outcomes, lengths).
BREAKDOWNS = {
    "placements_outcomes": ("placements_by_provider_type", "placements_ended", "provider_type", True),
    "placements_durations": ("placements_by_provider_type", "placements_ended", "provider_type", True),
    "placements_providers": ("placements_by_provider_type", "placements_ended", "provider_type", False),
}


def control_breakdown(parts: pd.DataFrame, totals: pd.DataFrame, name: str) -> pd.DataFrame:
    """`parts` (a governor's rows of the BREAKDOWNS query `name`, already under `control_query`)
    with every group hidden whose total in `totals` (the controlled total query) is hidden, and
    for outcomes and lengths every group with any part hidden."""
    _, column, by, whole_group = BREAKDOWNS[name]
    hidden = hidden_groups(totals, column, by)
    if whole_group:
        hidden |= hidden_groups(parts, column, by)
    return hide_groups(parts, column, by, hidden)


def control_school_groups(
    groups: pd.DataFrame,
    controlled_summary: pd.DataFrame,
    urn: int,
    year: str,
    threshold: int,
    also_hidden: Mapping[str, set] | None = None,
) -> pd.DataFrame:
    """A governor's School view groups of `urn` in `year` (`school_groups.figures`): the school's
    counts hidden as they are in the controlled school summary (`control_query` of
    school_year_summary, so every page agrees), a partnership or similar-schools total of 1 to
    `threshold` hidden, every rate built on a hidden count hidden, and every rate rounded to
    its display decimals. `also_hidden` names more counts to hide by group (the audit's)."""
    import pandas as pd

    from dashboard.school_groups import COUNTS, MEASURES

    also_hidden = also_hidden or {}
    mine = controlled_summary[(controlled_summary["urn"] == urn) & (controlled_summary["academic_year"] == year)]
    school_hidden = {c: bool(flags(mine, c).any()) for c in COUNTS}
    out = groups.copy()
    is_school = out["group"] == "school"
    for column in COUNTS:
        small = (
            out[column].between(1, threshold).fillna(False).astype(bool)
            if threshold > 0
            else pd.Series(False, index=out.index)
        )
        audited = out["group"].map(lambda g, c=column: c in also_hidden.get(g, set())).astype(bool)
        hide_rows(out, column, (is_school & bool(school_hidden.get(column, False))) | (~is_school & small) | audited)
    out = hide_derived(out, {m[0]: m[7] for m in MEASURES if m[7]})
    return round_shown(out, {m[0]: m[3] for m in MEASURES})
