"""Builders for the School view: one school against its partnership and against schools with a
similar share of pupils on free school meals.

Input is `queries/charts/school_year_summary.sql` (counts per school and year). Rates are
worked out here for each group from its added-up counts, the same way for all three, so they
compare like with like.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import theme
from dashboard.charts.suppression import flags, keep, mark_hidden

# Pupil counts a governor may not see from 1 to the threshold (metrics.md, disclosure control).
COUNTS = ("referrals", "referred_pupils", "placements_started", "permanent_exclusions", "suspensions")

# (measure, label, unit, decimals, numerator, denominator, scale, counts it rests on)
MEASURES = (
    ("fsm_pct", "Pupils on free school meals (%)", "percent", 1, "fsm_eligible", "pupils_on_roll", 100.0, ()),
    ("referral_rate", "Referrals per 100 pupils", "", 2, "referrals", "pupils_on_roll", 100.0, ("referrals",)),
    ("pex_rate", "Permanent exclusion rate (per 100 pupils)", "", 2, "permanent_exclusions",
     "pupils_on_roll", 100.0, ("permanent_exclusions",)),
    ("suspension_rate", "Suspension rate (per 100 pupils)", "", 2, "suspensions", "pupils_on_roll",
     100.0, ("suspensions",)),
    ("placement_cost_per_pupil", "Placement cost per pupil on roll (£)", "gbp", 2, "placement_cost_gbp",
     "pupils_on_roll", 1.0, ("placements_started",)),
    ("cost_per_placement", "Cost per placement (£)", "gbp", 0, "placement_cost_gbp", "placements_started",
     1.0, ("placements_started",)),
)
GROUPS = ("school", "partnership", "similar_schools")
GROUP_LABELS = {"school": "This school", "partnership": "Its partnership",
                "similar_schools": "Similar FSM schools"}


def control_schools(summary: pd.DataFrame, max_count: int) -> pd.DataFrame:
    """Governor disclosure control on school counts: 1 to `max_count` is hidden (0 stays 0), and
    where exactly one school of a partnership is hidden for a count and year, the next smallest
    non-zero school is hidden too, so the partnership total cannot give the hidden one away."""
    out = summary.copy()
    for column in COUNTS:
        hidden = out[column].between(1, max_count) if max_count > 0 else out[column].lt(0)
        for _, cell in out.groupby(["partnership_code", "academic_year"], dropna=False):
            if hidden[cell.index].sum() != 1:
                continue
            candidates = cell[~hidden[cell.index] & cell[column].gt(0)]
            if not candidates.empty:
                hidden[candidates.sort_values([column, "urn"]).index[0]] = True
        out[f"{column}_suppressed"] = hidden.fillna(False).astype(bool)
        out[column] = out[column].astype("Float64").mask(out[f"{column}_suppressed"])
    return out


def similar_schools(summary: pd.DataFrame, urn: int, year: str, band: float = 3.0) -> pd.DataFrame:
    """Other schools whose FSM share in `year` is within `band` percentage points of the school's."""
    rows = summary[summary["academic_year"] == year].copy()
    rows["fsm_pct"] = 100.0 * rows["fsm_eligible"] / rows["pupils_on_roll"].where(rows["pupils_on_roll"] > 0)
    mine = rows.loc[rows["urn"] == urn, "fsm_pct"]
    if mine.empty or pd.isna(mine.iloc[0]):
        return rows.iloc[0:0]
    close = (rows["fsm_pct"] - mine.iloc[0]).abs() <= band + 1e-9
    return rows[close & (rows["urn"] != urn)].drop(columns=["fsm_pct"])


def _group_figures(rows: pd.DataFrame, hidden: dict[str, bool]) -> dict[str, tuple[float | None, bool]]:
    """Each measure for one group of school-years, as (value, suppressed); `hidden` names the
    counts that may not be shown, and every rate built on one is hidden with it."""
    totals = {c: rows[c].sum(min_count=1) for c in ("pupils_on_roll", "fsm_eligible", "placement_cost_gbp", *COUNTS)}
    out: dict[str, tuple[float | None, bool]] = {}
    for measure, _, _, _, num, den, scale, bases in MEASURES:
        if any(hidden.get(b, False) for b in bases):
            out[measure] = (None, True)
            continue
        n, d = totals[num], totals[den]
        value = None if pd.isna(n) or pd.isna(d) or d <= 0 else scale * float(n) / float(d)
        out[measure] = (value, False)
    for c in ("pupils_on_roll", *COUNTS):
        if hidden.get(c, False):
            out[c] = (None, True)
        else:
            out[c] = (None if pd.isna(totals[c]) else float(totals[c]), False)
    return out


def _small(rows: pd.DataFrame, max_count: int | None) -> dict[str, bool]:
    if max_count is None:
        return {}
    return {c: bool(1 <= rows[c].sum() <= max_count) for c in COUNTS}


def comparison(summary: pd.DataFrame, urn: int, year: str, *, band: float = 3.0,
               max_count: int | None = None) -> pd.DataFrame:
    """The school against its partnership and similar-FSM schools in `year`: one row per measure.

    Columns: measure, label, school, partnership, similar_schools (and `<group>_suppressed`).
    `summary` holds the true counts. With `max_count` (a governor's view) the school's counts
    go through `control_schools`, and a group total of 1 to `max_count` is hidden too.
    Raises KeyError when the school is not in the summary.
    """
    if summary[summary["urn"] == urn].empty:
        raise KeyError(f"no school with URN {urn}")
    this_year = summary[summary["academic_year"] == year]
    school = this_year[this_year["urn"] == urn]
    code = summary.loc[summary["urn"] == urn, "partnership_code"].iloc[0]
    partnership = this_year[this_year["partnership_code"] == code]
    similar = similar_schools(summary, urn, year, band)
    school_hidden: dict[str, bool] = {}
    if max_count is not None and not school.empty:
        controlled = control_schools(this_year, max_count)
        mine = controlled[controlled["urn"] == urn]
        school_hidden = {c: bool(flags(mine, c).any()) for c in COUNTS}
    groups = {
        "school": _group_figures(school, school_hidden) if not school.empty else {},
        "partnership": _group_figures(partnership, _small(partnership, max_count)) if not partnership.empty else {},
        "similar_schools": _group_figures(similar, _small(similar, max_count)) if not similar.empty else {},
    }
    labels = {m[0]: m[1] for m in MEASURES}
    labels.update({"pupils_on_roll": "Pupils on roll", "referrals": "Referrals",
                   "referred_pupils": "Referred pupils", "placements_started": "Placements started",
                   "permanent_exclusions": "Permanent exclusions", "suspensions": "Suspensions"})
    rows = []
    for measure in ("pupils_on_roll", *[m[0] for m in MEASURES], *COUNTS):
        row = {"measure": measure, "label": labels[measure]}
        for group in GROUPS:
            value, hidden = groups[group].get(measure, (None, False))
            row[group] = value
            row[f"{group}_suppressed"] = hidden
        rows.append(row)
    table = pd.DataFrame(rows)
    for group in GROUPS:
        table[group] = table[group].astype(float)
    return table


def comparison_chart(table: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """The rates of `comparison` as small grouped bars, one panel per measure: the school in colour,
    the comparators grey, named in a legend above (so the bars have the full width on a phone).
    Returns the figure and the table as people read it."""
    rates = table[table["measure"].isin([m[0] for m in MEASURES if m[0] != "fsm_pct"])]
    shown = rates.rename(columns={g: GROUP_LABELS[g] for g in GROUPS}
                         | {f"{g}_suppressed": f"{GROUP_LABELS[g]}_suppressed" for g in GROUPS})
    shown = shown.drop(columns=["measure"]).rename(columns={"label": "measure"})
    if rates[list(GROUPS)].isna().all().all() and not rates[[f"{g}_suppressed" for g in GROUPS]].any().any():
        return theme.empty("No figures for this school in this year."), shown
    units = {m[0]: (m[2], m[3]) for m in MEASURES}
    fig = make_subplots(rows=len(rates), cols=1, subplot_titles=list(rates["label"]), vertical_spacing=0.1)
    colours = {"school": theme.PALETTE[0], "partnership": theme.GREY_DARK, "similar_schools": theme.GREY_LIGHT}
    for i, (_, row) in enumerate(rates.iterrows(), start=1):
        unit, decimals = units[row["measure"]]
        for group in GROUPS:
            hidden = bool(row[f"{group}_suppressed"])
            value = None if hidden or pd.isna(row[group]) else float(row[group])
            fig.add_trace(go.Bar(
                y=[GROUP_LABELS[group]], x=[value], orientation="h", marker_color=colours[group],
                name=GROUP_LABELS[group], legendgroup=group, showlegend=i == 1,
                text=[theme.format_value(value, unit, decimals, suppressed=hidden)],
                textposition="outside", cliponaxis=False,
                hovertemplate=f"{GROUP_LABELS[group]}: %{{text}}<extra></extra>"), row=i, col=1)
        mark_hidden(fig, [GROUP_LABELS[g] for g in GROUPS if row[f"{g}_suppressed"]], row=i, col=1)
        fig.update_yaxes(autorange="reversed", showticklabels=False, row=i, col=1)
        fig.update_xaxes(range=theme.headroom([row[g] for g in GROUPS if not row[f"{g}_suppressed"]], 0.3),
                         row=i, col=1)
    theme.style(fig, height=140 * len(rates) + 80)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_layout(legend=theme.LEGEND_ABOVE, margin={"t": 90})
    fig.update_annotations(font={"size": 14}, x=0, xanchor="left")
    return fig, shown


def comparison_sentence(table: pd.DataFrame, school_name: str) -> str:
    """The school's exclusion rate against its partnership's, in words ('' when either is unknown)."""
    row = table.set_index("measure").loc["pex_rate"]
    if row["school_suppressed"] or row["partnership_suppressed"] or pd.isna(row["school"]) or pd.isna(row["partnership"]):
        return ""
    s, p = float(row["school"]), float(row["partnership"])
    if round(s, 2) == round(p, 2):
        return f"{school_name}'s permanent exclusion rate matched its partnership's ({s:.2f})."
    side = "below" if s < p else "above"
    return (f"{school_name}'s permanent exclusion rate was {s:.2f} per 100 pupils, {side} its "
            f"partnership's {p:.2f}.")


def trend(summary: pd.DataFrame, urn: int) -> tuple[go.Figure, pd.DataFrame]:
    """Referrals, placements started and permanent exclusions at the school each year (grouped bars)."""
    rows = summary[summary["urn"] == urn].sort_values("academic_year")
    table = keep(rows, ["academic_year", "referrals", "placements_started", "permanent_exclusions"])
    if table.empty:
        return theme.empty("No figures for this school."), table
    fig = go.Figure()
    for i, (column, name) in enumerate((("referrals", "Referrals"), ("placements_started", "Placements started"),
                                        ("permanent_exclusions", "Permanent exclusions"))):
        hidden = flags(table, column)
        values = table[column].astype("Float64").mask(hidden).astype(float)
        fig.add_trace(go.Bar(
            x=table["academic_year"], y=values, name=name, marker_color=theme.PALETTE[i],
            hovertemplate=f"{name}, %{{x}}: %{{y}}<extra></extra>"))
    hidden_years = table.loc[flags(table, "referrals") | flags(table, "placements_started")
                             | flags(table, "permanent_exclusions"), "academic_year"].tolist()
    mark_hidden(fig, hidden_years, horizontal=False)
    theme.style(fig, height=380, y_title="Count")
    fig.update_layout(barmode="group", legend=theme.LEGEND_ABOVE)
    fig.update_xaxes(type="category")
    return fig, table
