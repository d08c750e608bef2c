"""The School view's groups, worked out behind the gate: one school, its partnership, and the
schools with a similar share of pupils on free school meals, each with its added-up counts and
the rates built on them.

The groups are summed from `queries/charts/school_year_summary.sql` (true counts), so the
gate (`dashboard.access.fetch(..., "school_comparison", ...)`) computes them before any
disclosure control, and a page only ever gets the controlled result. Rates are each group's
added-up counts over its added-up pupils, the same way for all three groups.
"""

from __future__ import annotations

import pandas as pd

# Pupil counts a governor may not see from 1 to the threshold (metrics.md, disclosure control).
COUNTS = ("referrals", "referred_pupils", "placements_started", "permanent_exclusions", "suspensions")

# (measure, label, unit, decimals, numerator, denominator, scale, counts it rests on)
MEASURES = (
    ("fsm_pct", "Pupils on free school meals (%)", "percent", 1, "fsm_eligible", "pupils_on_roll", 100.0, ()),
    ("referral_rate", "Referrals per 100 pupils", "", 2, "referrals", "pupils_on_roll", 100.0, ("referrals",)),
    (
        "pex_rate",
        "Permanent exclusion rate (per 100 pupils)",
        "",
        2,
        "permanent_exclusions",
        "pupils_on_roll",
        100.0,
        ("permanent_exclusions",),
    ),
    (
        "suspension_rate",
        "Suspension rate (per 100 pupils)",
        "",
        2,
        "suspensions",
        "pupils_on_roll",
        100.0,
        ("suspensions",),
    ),
    (
        "placement_cost_per_pupil",
        "Placement cost per pupil on roll (£)",
        "gbp",
        2,
        "placement_cost_gbp",
        "pupils_on_roll",
        1.0,
        ("placements_started",),
    ),
    (
        "cost_per_placement",
        "Cost per placement (£)",
        "gbp",
        0,
        "placement_cost_gbp",
        "placements_started",
        1.0,
        ("placements_started",),
    ),
)
GROUPS = ("school", "partnership", "similar_schools")
SUMS = ("pupils_on_roll", "fsm_eligible", "placement_cost_gbp", *COUNTS)


def similar_schools(summary: pd.DataFrame, urn: int, year: str, band: float = 3.0) -> pd.DataFrame:
    """Other schools of the school's local authority (its partnership's `la_code`; schools whose
    partnership names none count as one authority) whose FSM share in `year` is within `band`
    percentage points of the school's."""
    rows = summary[(summary["academic_year"] == year) & same_authority(summary, urn)].copy()
    rows["fsm_pct"] = 100.0 * rows["fsm_eligible"] / rows["pupils_on_roll"].where(rows["pupils_on_roll"] > 0)
    mine = rows.loc[rows["urn"] == urn, "fsm_pct"]
    if mine.empty or pd.isna(mine.iloc[0]):
        return rows.iloc[0:0]
    close = (rows["fsm_pct"] - mine.iloc[0]).abs() <= band + 1e-9
    return rows[close & (rows["urn"] != urn)].drop(columns=["fsm_pct"])


def authority(summary: pd.DataFrame) -> pd.Series:
    """Each row's local authority: its `la_code`, or "" where its partnership names none."""
    return summary["la_code"].astype(object).where(summary["la_code"].notna(), "")


def same_authority(summary: pd.DataFrame, urn: int) -> pd.Series:
    """The rows of `summary` in the authority of school `urn` (all rows for an unknown school)."""
    every = authority(summary)
    mine = every[summary["urn"] == urn]
    return every == mine.iloc[0] if len(mine) else pd.Series(True, index=summary.index)


def members(summary: pd.DataFrame, urn: int, year: str, band: float = 3.0) -> dict[str, pd.DataFrame]:
    """The school-year rows of each group of `urn` in `year`. Raises KeyError for an unknown school."""
    if summary[summary["urn"] == urn].empty:
        raise KeyError(f"no school with URN {urn}")
    this_year = summary[summary["academic_year"] == year]
    code = summary.loc[summary["urn"] == urn, "partnership_code"].iloc[0]
    return {
        "school": this_year[this_year["urn"] == urn],
        "partnership": this_year[this_year["partnership_code"] == code],
        "similar_schools": similar_schools(summary, urn, year, band),
    }


def figures(summary: pd.DataFrame, urn: int, year: str, band: float = 3.0) -> pd.DataFrame:
    """One row per group (school, partnership, similar_schools): `schools` (how many), the added-up
    SUMS (null for a group with no rows) and each MEASURES rate (null when its denominator is 0
    or missing). Raises KeyError when the school is not in the summary."""
    rows = []
    for group, part in members(summary, urn, year, band).items():
        row: dict[str, object] = {"group": group, "schools": len(part)}
        for column in SUMS:
            total = part[column].sum(min_count=1)
            row[column] = None if pd.isna(total) else float(total)
        for measure, _, _, _, num, den, scale, _ in MEASURES:
            n, d = row[num], row[den]
            row[measure] = None if n is None or d is None or d <= 0 else scale * n / d
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in (*SUMS, *(m[0] for m in MEASURES)):
        table[column] = table[column].astype("Float64")
    return table
