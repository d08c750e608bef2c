"""Builders for the School view: one school against its partnership and against schools with a
similar share of pupils on free school meals.

Input is the gate's `school_comparison` (each group's added-up counts and the rates built on
them, `dashboard.school_groups`) and `queries/charts/school_year_summary.sql` (counts per
school and year) for the trend, both already under a governor's disclosure control.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import theme
from dashboard.charts.suppression import flags, keep, mark_hidden, suppressed_meaning
from dashboard.school_groups import COUNTS, GROUPS, MEASURES

GROUP_LABELS = {"school": "This school", "partnership": "Its partnership", "similar_schools": "Similar FSM schools"}
LABELS = {m[0]: m[1] for m in MEASURES} | {
    "pupils_on_roll": "Pupils on roll",
    "referrals": "Referrals",
    "referred_pupils": "Referred pupils",
    "placements_started": "Placements started",
    "permanent_exclusions": "Permanent exclusions",
    "suspensions": "Suspensions",
}


def comparison(groups: pd.DataFrame) -> pd.DataFrame:
    """The School view's groups (`school_groups.figures` as the gate returns them, with
    `<column>_suppressed` flags for a governor) as one row per measure.

    Columns: measure, label, school, partnership, similar_schools (and `<group>_suppressed`).
    """
    by_group = groups.set_index("group")
    rows = []
    for measure in ("pupils_on_roll", *[m[0] for m in MEASURES], *COUNTS):
        row = {"measure": measure, "label": LABELS[measure]}
        for group in GROUPS:
            hidden = group in by_group.index and bool(flags(by_group.loc[[group]], measure).any())
            value = by_group.loc[group, measure] if group in by_group.index and not hidden else None
            row[group] = None if value is None or pd.isna(value) else float(value)
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
    shown = rates.rename(
        columns={g: GROUP_LABELS[g] for g in GROUPS}
        | {f"{g}_suppressed": f"{GROUP_LABELS[g]}_suppressed" for g in GROUPS}
    )
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
            fig.add_trace(
                go.Bar(
                    y=[GROUP_LABELS[group]],
                    x=[value],
                    orientation="h",
                    marker_color=colours[group],
                    name=GROUP_LABELS[group],
                    legendgroup=group,
                    showlegend=i == 1,
                    text=[theme.format_value(value, unit, decimals, suppressed=hidden)],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate=f"{GROUP_LABELS[group]}: %{{text}}<extra></extra>",
                ),
                row=i,
                col=1,
            )
        mark_hidden(fig, [GROUP_LABELS[g] for g in GROUPS if row[f"{g}_suppressed"]], row=i, col=1)
        fig.update_yaxes(autorange="reversed", showticklabels=False, row=i, col=1)
        fig.update_xaxes(
            range=theme.headroom([row[g] for g in GROUPS if not row[f"{g}_suppressed"]], 0.3), row=i, col=1
        )
    theme.style(fig, height=140 * len(rates) + 80)
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_layout(margin={"t": 90})
    fig.update_annotations(font={"size": 14}, x=0, xanchor="left")
    return fig, shown


def comparison_sentence(table: pd.DataFrame, school_name: str) -> str:
    """The school's exclusion rate against its partnership's, in words ('' when either is unknown)."""
    row = table.set_index("measure").loc["pex_rate"]
    if (
        row["school_suppressed"]
        or row["partnership_suppressed"]
        or pd.isna(row["school"])
        or pd.isna(row["partnership"])
    ):
        return ""
    s, p = float(row["school"]), float(row["partnership"])
    if round(s, 2) == round(p, 2):
        return f"{school_name}'s permanent exclusion rate matched its partnership's ({s:.2f})."
    side = "below" if s < p else "above"
    return f"{school_name}'s permanent exclusion rate was {s:.2f} per 100 pupils, {side} its partnership's {p:.2f}."


TREND_COUNTS = ("referrals", "placements_started", "permanent_exclusions")


def trend(summary: pd.DataFrame, urn: int) -> tuple[go.Figure, pd.DataFrame]:
    """Referrals, placements started and permanent exclusions at the school each year (grouped bars)."""
    rows = summary[summary["urn"] == urn].sort_values("academic_year")
    table = keep(rows, ["academic_year", *TREND_COUNTS])
    if table.empty:
        return theme.empty("No figures for this school."), table
    if all(flags(table, c).all() for c in TREND_COUNTS):
        # an axis of nothing but c marks says nothing: say it in words (the table still lists the years)
        return theme.empty(f"Every count here is c in every year: {suppressed_meaning()}."), table
    fig = go.Figure()
    for i, (column, name) in enumerate(
        (
            ("referrals", "Referrals"),
            ("placements_started", "Placements started"),
            ("permanent_exclusions", "Permanent exclusions"),
        )
    ):
        hidden = flags(table, column)
        values = table[column].astype("Float64").mask(hidden).astype(float)
        fig.add_trace(
            go.Bar(
                x=table["academic_year"],
                y=values,
                name=name,
                marker_color=theme.PALETTE[i],
                hovertemplate=f"{name}, %{{x}}: %{{y}}<extra></extra>",
            )
        )
    hidden_years = table.loc[
        flags(table, "referrals") | flags(table, "placements_started") | flags(table, "permanent_exclusions"),
        "academic_year",
    ].tolist()
    mark_hidden(fig, hidden_years, horizontal=False)
    theme.style(fig, height=380, y_title="Count")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    return fig, table
