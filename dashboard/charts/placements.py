"""Builders for the Placements and costs page. DataFrame in, (Figure, table) out.

Inputs are the rows of `queries/charts/placements_*.sql` through the gate. Counts a governor
may not see arrive as null with a `<column>_suppressed` flag, and so do the costs and rates
built on them (each query's `-- built on counts:` header) and the parts of hidden totals across
the page's tables (`dashboard.disclosure`, BREAKDOWNS). Builders only read the flags: nothing
hidden is drawn as a number.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import theme
from dashboard.charts.suppression import flags, keep, mark_hidden, shown

PROVIDER_TYPES = (
    "partnership_ap",
    "registered_ap",
    "unregistered_ap",
    "fe_college",
    "special_school",
    "managed_move",
    "outreach",
)
# One colour per provider type on every chart: the six GSS colours and a mid blue.
PROVIDER_COLOURS = dict(zip(PROVIDER_TYPES, (*theme.PALETTE, "#2073BC"), strict=True))

# Outcomes from best to worst for the pupil, coloured so that the good ones read together.
OUTCOMES = ("reintegrated", "sustained_to_end_y11", "moved_to_special", "left_area", "other", "permanently_excluded")
OUTCOME_COLOURS = {
    "reintegrated": theme.PALETTE[1],
    "sustained_to_end_y11": theme.PALETTE[0],
    "moved_to_special": theme.PALETTE[5],
    "left_area": theme.GREY_LIGHT,
    "other": theme.GREY_DARK,
    "permanently_excluded": theme.PALETTE[2],
}
DURATIONS = ("Under 6 weeks", "6 to 12 weeks", "13 to 25 weeks", "26 to 38 weeks", "39 weeks or more")
DURATION_COLOURS = ("#5694CA", "#2073BC", "#185A93", "#12436D", "#0B2942")


def _provider_order(codes: pd.Series) -> list[str]:
    known = [c for c in PROVIDER_TYPES if c in set(codes)]
    return known + sorted(set(codes) - set(known))


def _texts(values: pd.Series, hidden: pd.Series, unit: str, decimals: int) -> list[str]:
    return [
        theme.format_value(None if pd.isna(v) else float(v), unit, decimals, suppressed=bool(s))
        for v, s in zip(values, hidden, strict=True)
    ]


def provider_type_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The provider-type rows in the standard order, labelled, with derived figures hidden where needed."""
    table = frame.copy()
    order = {code: i for i, code in enumerate(_provider_order(table["provider_type"]))}
    table = table.sort_values("provider_type", key=lambda s: s.map(order)).reset_index(drop=True)
    table.insert(0, "provider", table["provider_type"].map(theme.label))
    return table


def spend_by_provider_type(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """What was spent on placements started in the year, by kind of provider (horizontal bars)."""
    table = provider_type_table(frame)
    started = table[table["placements_started"].fillna(1).gt(0) | flags(table, "placements_started")]
    if started.empty:
        return (
            theme.empty("No placements started in this year for this choice."),
            keep(table, ["provider", "placements_started", "placement_cost_gbp"]),
        )
    cost = shown(started, "placement_cost_gbp")
    hidden = flags(started, "placement_cost_gbp")
    counts = _texts(started["placements_started"], flags(started, "placements_started"), "", 0)
    fig = go.Figure(
        go.Bar(
            y=started["provider"],
            x=cost,
            orientation="h",
            marker_color=[PROVIDER_COLOURS.get(c, theme.PALETTE[0]) for c in started["provider_type"]],
            text=_texts(cost, hidden, "gbp", 0),
            textposition="outside",
            cliponaxis=False,
            customdata=counts,
            hovertemplate="%{y}: %{text} on %{customdata} placements<extra></extra>",
        )
    )
    mark_hidden(fig, list(started.loc[hidden, "provider"]))
    theme.style(fig, height=max(260, 70 + 44 * len(started)), x_title="Cost of placements started (£)")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    fig.update_xaxes(tickprefix="£", separatethousands=True, range=theme.headroom(cost, 0.4))
    fig.update_layout(showlegend=False)
    return fig, keep(table, ["provider", "placements_started", "placement_cost_gbp"])


def unit_costs_by_provider_type(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Cost per placement and per pupil-week by kind of provider, side by side."""
    table = provider_type_table(frame)
    rows = table[table["placements_started"].fillna(1).gt(0) | flags(table, "placements_started")]
    table = keep(table, ["provider", "cost_per_placement", "cost_per_pupil_week"])
    if rows.empty:
        return theme.empty("No placements started in this year for this choice."), table
    # one panel above the other, so each keeps the full width on a phone
    fig = make_subplots(
        rows=2, cols=1, subplot_titles=["Cost per placement (£)", "Cost per pupil-week (£)"], vertical_spacing=0.16
    )
    for row, (column, name, colour) in enumerate(
        (
            ("cost_per_placement", "Cost per placement", theme.PALETTE[0]),
            ("cost_per_pupil_week", "Cost per pupil-week", theme.PALETTE[1]),
        ),
        start=1,
    ):
        values = shown(rows, column)
        fig.add_trace(
            go.Bar(
                y=rows["provider"],
                x=values,
                name=name,
                orientation="h",
                marker_color=colour,
                text=_texts(values, flags(rows, column), "gbp", 0),
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name}, %{{y}}: %{{text}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        mark_hidden(fig, list(rows.loc[flags(rows, column), "provider"]), row=row, col=1)
        fig.update_xaxes(tickprefix="£", separatethousands=True, range=theme.headroom(values, 0.4), row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    theme.style(fig, height=max(420, 160 + 2 * 38 * len(rows)))
    fig.update_layout(showlegend=False)
    fig.update_yaxes(rangemode="normal")
    fig.update_annotations(font={"size": 14}, x=0, xanchor="left")
    return fig, table


def outcomes_by_provider_type(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """How ended placements turned out, as shares of each provider type's placements (stacked bars).

    `frame` has provider_type, outcome, placements_ended (and maybe placements_ended_suppressed).
    A provider type with any hidden count is tabled but not drawn: its shares would reveal it.
    """
    table = frame.copy()
    table.insert(0, "provider", table["provider_type"].map(theme.label))
    table.insert(2, "outcome_label", table["outcome"].map(theme.label))
    hidden_types = set(table.loc[flags(table, "placements_ended"), "provider_type"])
    drawn = table[~table["provider_type"].isin(hidden_types)].copy()
    totals = drawn.groupby("provider_type")["placements_ended"].transform("sum")
    drawn["share_pct"] = 100.0 * drawn["placements_ended"] / totals.where(totals > 0)
    table = table.merge(drawn[["provider_type", "outcome", "share_pct"]], on=["provider_type", "outcome"], how="left")
    if hidden_types:
        table["share_pct_suppressed"] = table["provider_type"].isin(hidden_types)
    table = table.drop(columns=["provider_type", "outcome"]).rename(columns={"outcome_label": "outcome"})
    if drawn.empty and not hidden_types:
        return theme.empty("No placements ended in this year for this choice."), table
    providers = [theme.label(c) for c in _provider_order(frame["provider_type"])]
    fig = go.Figure()
    for outcome in [o for o in OUTCOMES if o in set(drawn["outcome"])] + sorted(set(drawn["outcome"]) - set(OUTCOMES)):
        part = drawn[drawn["outcome"] == outcome]
        fig.add_trace(
            go.Bar(
                y=part["provider_type"].map(theme.label),
                x=part["share_pct"],
                name=theme.label(outcome),
                orientation="h",
                marker_color=OUTCOME_COLOURS.get(outcome, theme.GREY_DARK),
                customdata=part["placements_ended"],
                hovertemplate=(
                    f"{theme.label(outcome)}, %{{y}}: %{{x:.0f}}% (%{{customdata}} placements)<extra></extra>"
                ),
            )
        )
    mark_hidden(fig, sorted({theme.label(c) for c in hidden_types}))
    theme.style(fig, height=max(300, 120 + 44 * len(providers)), x_title="% of placements ended in the year")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_yaxes(categoryorder="array", categoryarray=providers, autorange="reversed", rangemode="normal")
    return fig, table


def reintegration_sentence(frame: pd.DataFrame) -> str:
    """Which provider type most often got pupils back to mainstream ('' when none is known)."""
    table = provider_type_table(frame)
    known = table[
        table["reintegration_rate"].notna()
        & ~flags(table, "reintegration_rate")
        & table["placements_ended"].fillna(0).gt(0)
    ]
    if known.empty:
        return ""
    best = known.sort_values(["reintegration_rate", "placements_ended"], ascending=False).iloc[0]
    among = "Of the provider types that can be shown, " if flags(table, "reintegration_rate").any() else ""
    return (
        f"{among}{best['provider']} had the highest reintegration rate: "
        f"{best['reintegration_rate']:.0f}% of its {int(best['placements_ended'])} ended placements."
    )


def durations(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """How long ended placements lasted, in term-sized bands, by provider type (stacked bars of counts)."""
    table = frame.drop(columns=[c for c in ("band_order",) if c in frame.columns]).copy()
    table.insert(0, "provider", table["provider_type"].map(theme.label))
    table = table.drop(columns=["provider_type"])
    if table.empty:
        return theme.empty("No placements ended in this year for this choice."), table
    providers = [theme.label(c) for c in _provider_order(frame["provider_type"])]
    # a provider type with a hidden band is not drawn at all: its other bands would give the total away
    hidden_rows = sorted(set(table.loc[flags(table, "placements_ended"), "provider"]))
    fig = go.Figure()
    for i, band in enumerate(DURATIONS):
        part = table[(table["duration"] == band) & ~table["provider"].isin(hidden_rows)]
        if part.empty:
            continue
        values = part["placements_ended"].astype(float)
        fig.add_trace(
            go.Bar(
                y=part["provider"],
                x=values,
                name=band,
                orientation="h",
                # light to dark: longer placements read darker; the lightest 3.2 to 1 on white, each
                # band edged in white so that it is told from the next
                marker={"color": DURATION_COLOURS[i], "line": {"color": "white", "width": 1}},
                hovertemplate=f"{band}, %{{y}}: %{{x}} placements<extra></extra>",
            )
        )
    mark_hidden(fig, hidden_rows)
    theme.style(fig, height=max(300, 120 + 44 * len(providers)), x_title="Placements ended in the year")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(categoryorder="array", categoryarray=providers, autorange="reversed", rangemode="normal")
    return fig, table


def cost_against_reintegration(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Each provider's cost per placement against its reintegration rate (bubbles sized by placements).

    Placements are those that ended in the year. A provider whose count is hidden is left out
    of the drawing and shown as `c` in the table.
    """
    table = frame.copy()
    table["provider_type"] = table["provider_type"].map(theme.label)
    table = keep(
        table, ["provider_name", "provider_type", "placements_ended", "cost_per_placement", "reintegration_rate"]
    )
    drawn = table[~flags(table, "placements_ended") & table["placements_ended"].fillna(0).gt(0)]
    if drawn.empty:
        return theme.empty("No placements ended in this year for this choice."), table
    fig = go.Figure()
    for kind in [theme.label(c) for c in PROVIDER_TYPES] + sorted(
        set(drawn["provider_type"]) - {theme.label(c) for c in PROVIDER_TYPES}
    ):
        part = drawn[drawn["provider_type"] == kind]
        if part.empty:
            continue
        code = next((c for c in PROVIDER_TYPES if theme.label(c) == kind), None)
        fig.add_trace(
            go.Scatter(
                x=part["cost_per_placement"].astype(float),
                y=part["reintegration_rate"].astype(float),
                mode="markers",
                name=kind,
                marker={
                    "size": part["placements_ended"].astype(float),
                    "sizemode": "area",
                    "sizeref": max(float(drawn["placements_ended"].max()), 1) / 40**2,
                    "sizemin": 6,
                    "color": PROVIDER_COLOURS.get(code, theme.PALETTE[0]),
                    "line": {"color": "white"},
                },
                customdata=part[["provider_name", "placements_ended"]].to_numpy(),
                hovertemplate=(
                    "%{customdata[0]}: £%{x:,.0f} a placement, %{y:.0f}% reintegrated "
                    "of %{customdata[1]} ended<extra></extra>"
                ),
            )
        )
    theme.style(fig, height=460, x_title="Cost per placement (£)", y_title="Reintegration rate (%)")
    fig.update_layout(legend_itemsizing="constant")
    fig.update_xaxes(tickprefix="£", separatethousands=True, rangemode="tozero")
    fig.update_yaxes(range=[-5, 105], ticksuffix="%")
    return fig, table


def trend(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Cost of placements started each year, stacked by provider type, with counts in the table."""
    table = frame.copy()
    table.insert(2, "provider", table["provider_type"].map(theme.label))
    table = keep(table, ["academic_year", "provider", "placement_cost_gbp"])
    if table.empty:
        return theme.empty("No placements recorded for this choice."), table
    years = sorted(table["academic_year"].unique())
    fig = go.Figure()
    for code in _provider_order(frame["provider_type"]):
        part = table[table["provider"] == theme.label(code)]
        fig.add_trace(
            go.Bar(
                x=part["academic_year"],
                y=shown(part, "placement_cost_gbp"),
                name=theme.label(code),
                marker_color=PROVIDER_COLOURS.get(code, theme.PALETTE[0]),
                hovertemplate=f"{theme.label(code)}, %{{x}}: £%{{y:,.0f}}<extra></extra>",
            )
        )
    hidden_years = table.loc[flags(table, "placement_cost_gbp"), "academic_year"].unique().tolist()
    tops = [float(shown(table[table["academic_year"] == y], "placement_cost_gbp").sum()) for y in hidden_years]
    mark_hidden(fig, hidden_years, horizontal=False, at=tops)
    theme.style(fig, height=440, y_title="Cost of placements started (£)")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    fig.update_yaxes(tickprefix="£", separatethousands=True)
    return fig, table
