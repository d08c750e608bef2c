"""Builders for the Funding and deprivation page, and the sharing formula's what-if.

`formula_shares` is the formula of metrics.md (`formula_allocation_gbp`) as a pure function,
so the page's sliders can redraw every partnership's share at once without a query.
Funding is money paid to organisations, not a count of pupils: nothing here is suppressed.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import theme

STREAMS = ("core_grant", "ehcp_top_up", "development", "school_contribution", "adjustment")
STREAM_LABELS = {
    "core_grant": "Core grant (High Needs, by formula)",
    "ehcp_top_up": "EHCP top-up",
    "development": "Development",
    "school_contribution": "School contributions",
    "adjustment": "Adjustments",
}
STREAM_COLOURS = dict(zip(STREAMS, theme.PALETTE, strict=False))


def formula_shares(inputs: pd.DataFrame, pot: float, pupil_weight: float) -> pd.DataFrame:
    """Each partnership's share of `pot` by the sharing formula, with the weight given.

    share = pot x (w x pupils_on_roll / all pupils + (1 - w) x fsm_eligible / all FSM pupils).
    `inputs` has partnership_name, pupils_on_roll and fsm_eligible (other columns are kept).
    Adds pupil_share_pct, fsm_share_pct and what_if_gbp; a share whose total is 0 is null.
    Raises ValueError when the weight is outside 0..1 or the pot is negative or not a number.
    """
    if not 0.0 <= pupil_weight <= 1.0 or math.isnan(pupil_weight):
        raise ValueError(f"the pupil weight must be between 0 and 1, not {pupil_weight}")
    if pot < 0 or math.isnan(pot):
        raise ValueError(f"the pot must be £0 or more, not {pot}")
    out = inputs.copy()
    pupils = out["pupils_on_roll"].astype(float)
    fsm = out["fsm_eligible"].astype(float)
    total_pupils, total_fsm = pupils.sum(), fsm.sum()
    out["pupil_share_pct"] = 100.0 * pupils / total_pupils if total_pupils > 0 else math.nan
    out["fsm_share_pct"] = 100.0 * fsm / total_fsm if total_fsm > 0 else math.nan
    pupil_part = pupils / total_pupils if total_pupils > 0 else 0.0
    fsm_part = fsm / total_fsm if total_fsm > 0 else 0.0
    # a side with no pupils at all can only share out nothing; with weight on it the share is unknown
    unknown = (total_pupils <= 0 and pupil_weight > 0) or (total_fsm <= 0 and pupil_weight < 1)
    out["what_if_gbp"] = math.nan if unknown else pot * (pupil_weight * pupil_part + (1 - pupil_weight) * fsm_part)
    return out


def fitted_line(x: pd.Series, y: pd.Series) -> tuple[float, float] | None:
    """Least-squares slope and intercept of y on x; None with fewer than two distinct x values."""
    pairs = pd.DataFrame({"x": x, "y": y}).dropna().astype(float)
    if pairs["x"].nunique() < 2:
        return None
    mx, my = pairs["x"].mean(), pairs["y"].mean()
    slope = ((pairs["x"] - mx) * (pairs["y"] - my)).sum() / ((pairs["x"] - mx) ** 2).sum()
    return float(slope), float(my - slope * mx)


def _partnership_values(frame: pd.DataFrame, year: str, metrics: tuple[str, ...]) -> pd.DataFrame:
    rows = frame[
        (frame["academic_year"] == year) & (frame["area_type"] == "partnership") & frame["metric"].isin(metrics)
    ]
    wide = rows.pivot_table(
        index="area_code", columns="metric", values="value", aggfunc="first", dropna=False
    ).reset_index()
    for metric in metrics:
        if metric not in wide.columns:
            wide[metric] = math.nan
    names = dict(zip(rows["area_code"], rows["area_name"], strict=True))
    wide["area_name"] = wide["area_code"].map(names)
    wide = wide.rename(columns={"area_code": "partnership_code", "area_name": "partnership"})
    return wide[["partnership_code", "partnership", *metrics]].sort_values("partnership").reset_index(drop=True)


def funding_vs_fsm(frame: pd.DataFrame, year: str, highlight: str | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """Funding per pupil against FSM share per partnership: bubbles sized by pupils, a fitted line.

    `frame` is the long metrics frame; `highlight` (a partnership code) is drawn solid and the
    others faint. The table is the points drawn.
    """
    table = _partnership_values(frame, year, ("fsm_pct", "funding_per_pupil", "pupils_on_roll"))
    drawn = table.dropna(subset=["fsm_pct", "funding_per_pupil"])
    if drawn.empty:
        return (
            theme.empty(f"No funding or census figures for the partnerships in {year}."),
            table.drop(columns=["partnership_code"]),
        )
    colours = theme.colour_map(drawn["partnership"].tolist())
    fig = go.Figure()
    biggest = max(float(drawn["pupils_on_roll"].max()), 1.0)
    for _, row in drawn.iterrows():
        # the chosen partnership differs by more than its colour: a dark ring and its name beside it
        chosen = highlight == row["partnership_code"]
        fig.add_trace(
            go.Scatter(
                x=[row["fsm_pct"]],
                y=[row["funding_per_pupil"]],
                mode="markers+text" if chosen else "markers",
                name=row["partnership"],
                text=[row["partnership"]] if chosen else None,
                textposition="top center",
                textfont={"color": theme.NEUTRAL},
                marker={
                    "size": [row["pupils_on_roll"]],
                    "sizemode": "area",
                    "sizeref": biggest / 45**2,
                    "sizemin": 8,
                    "color": colours[row["partnership"]],
                    "opacity": 0.85 if highlight in (None, row["partnership_code"]) else 0.25,
                    "line": {"color": theme.INK, "width": 3} if chosen else {"color": "white", "width": 1},
                },
                customdata=[[row["pupils_on_roll"]]],
                hovertemplate=(
                    f"{row['partnership']}: %{{x:.1f}}% FSM, £%{{y:,.2f}} per pupil, "
                    "%{customdata[0]:,.0f} pupils<extra></extra>"
                ),
            )
        )
    line = fitted_line(drawn["fsm_pct"], drawn["funding_per_pupil"])
    if line is not None:
        xs = [float(drawn["fsm_pct"].min()), float(drawn["fsm_pct"].max())]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[line[0] * x + line[1] for x in xs],
                mode="lines",
                name="Fitted line",
                line={"color": theme.GREY_DARK, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )
    theme.style(fig, height=480, x_title="Pupils eligible for free school meals (%)", y_title="Funding per pupil (£)")
    fig.update_layout(legend_itemsizing="constant")
    # pad the axes so the largest bubbles are not cut at the edges
    lo, hi = float(drawn["fsm_pct"].min()), float(drawn["fsm_pct"].max())
    pad = max((hi - lo) * 0.2, 1.0)
    fig.update_xaxes(ticksuffix="%", rangemode="normal", range=[lo - pad, hi + pad])
    fig.update_yaxes(tickprefix="£", separatethousands=True, rangemode="normal")
    return fig, table.drop(columns=["partnership_code"])


def fsm_sentence(table: pd.DataFrame) -> str:
    """The fitted line in words: how much more (or less) per pupil for each extra point of FSM."""
    line = fitted_line(table["fsm_pct"], table["funding_per_pupil"])
    if line is None:
        return ""
    slope = line[0]
    if abs(slope) < 0.005:
        return "Funding per pupil does not change with the share of pupils on free school meals."
    direction = "more" if slope > 0 else "less"
    return (
        f"Across the partnerships, each extra percentage point of pupils on free school meals "
        f"goes with about {theme.format_value(abs(slope), 'gbp', 2)} {direction} funding per pupil "
        "(fitted line, unweighted)."
    )


def funding_streams(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """The money each partnership received in the year, stacked by stream (horizontal bars)."""
    table = frame.copy()
    table["stream"] = table["stream"].map(lambda s: STREAM_LABELS.get(s, theme.label(s)))
    table = table.rename(columns={"partnership_name": "partnership"}).drop(columns=["partnership_code"])
    if table.empty:
        return theme.empty("No funding recorded for this year and choice."), table
    partners = sorted(table["partnership"].unique())
    fig = go.Figure()
    for code in [s for s in STREAMS if s in set(frame["stream"])]:
        part = table[table["stream"] == STREAM_LABELS[code]]
        fig.add_trace(
            go.Bar(
                y=part["partnership"],
                x=part["amount_gbp"],
                name=STREAM_LABELS[code],
                orientation="h",
                marker_color=STREAM_COLOURS[code],
                hovertemplate=f"{STREAM_LABELS[code]}, %{{y}}: £%{{x:,.0f}}<extra></extra>",
            )
        )
    theme.style(fig, height=max(300, 120 + 48 * len(partners)), x_title="Funding received (£)")
    fig.update_layout(barmode="relative")
    fig.update_xaxes(tickprefix="£", separatethousands=True)
    fig.update_yaxes(categoryorder="array", categoryarray=partners, autorange="reversed", rangemode="normal")
    return fig, table


def formula_vs_paid(frame: pd.DataFrame, year: str) -> tuple[go.Figure, pd.DataFrame]:
    """Core grant paid against what the sharing formula gives, per partnership (grouped bars)."""
    table = _partnership_values(frame, year, ("core_grant_gbp", "formula_allocation_gbp"))
    table["paid_minus_formula_gbp"] = table["core_grant_gbp"] - table["formula_allocation_gbp"]
    drawn = table.dropna(subset=["core_grant_gbp", "formula_allocation_gbp"], how="all")
    if drawn.empty:
        return theme.empty(f"No core grant recorded for {year}."), table
    fig = go.Figure()
    for column, name, colour in (
        ("core_grant_gbp", "Core grant paid", theme.PALETTE[0]),
        ("formula_allocation_gbp", "Formula allocation", theme.GREY_LIGHT),
    ):
        fig.add_trace(
            go.Bar(
                y=drawn["partnership"],
                x=drawn[column],
                name=name,
                marker_color=colour,
                orientation="h",
                hovertemplate=f"{name}, %{{y}}: £%{{x:,.0f}}<extra></extra>",
            )
        )
    theme.style(fig, height=max(300, 120 + 56 * len(drawn)), x_title="£")
    fig.update_layout(barmode="group", legend_traceorder="normal")
    fig.update_xaxes(tickprefix="£", separatethousands=True)
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    return fig, table


def formula_gap_sentence(table: pd.DataFrame) -> str:
    """The partnership paid furthest from its formula allocation, in words ('' when none)."""
    known = table.dropna(subset=["paid_minus_formula_gbp"])
    if known.empty:
        return ""
    row = known.loc[known["paid_minus_formula_gbp"].abs().idxmax()]
    gap = float(row["paid_minus_formula_gbp"])
    if abs(gap) < 0.5:
        return "Every partnership was paid exactly its formula allocation."
    side = "more" if gap > 0 else "less"
    return (
        f"{row['partnership']} was paid {theme.format_value(abs(gap), 'gbp', 0)} {side} than "
        "the formula gives it, the largest gap."
    )


def what_if(shares: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Each partnership's what-if share against the core grant it was paid (grouped bars).

    `shares` is the output of `formula_shares` (with core_grant_gbp).
    """
    table = shares.rename(columns={"partnership_name": "partnership"}).copy()
    table["change_gbp"] = table["what_if_gbp"] - table["core_grant_gbp"]
    table = table[
        [
            "partnership",
            "pupils_on_roll",
            "fsm_eligible",
            "pupil_share_pct",
            "fsm_share_pct",
            "core_grant_gbp",
            "what_if_gbp",
            "change_gbp",
        ]
    ]
    if table.empty:
        return theme.empty("No partnerships with a census return this year."), table
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=table["partnership"],
            x=table["core_grant_gbp"],
            name="Core grant paid",
            marker_color=theme.GREY_LIGHT,
            orientation="h",
            hovertemplate="Paid, %{y}: £%{x:,.0f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=table["partnership"],
            x=table["what_if_gbp"],
            name="What-if share",
            marker_color=theme.PALETTE[1],
            orientation="h",
            text=[theme.format_value(v, "gbp", 0) for v in table["what_if_gbp"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="What-if, %{y}: £%{x:,.0f}<extra></extra>",
        )
    )
    theme.style(fig, height=max(300, 120 + 56 * len(table)), x_title="£")
    fig.update_layout(barmode="group", legend_traceorder="normal")
    fig.update_xaxes(
        tickprefix="£",
        separatethousands=True,
        range=theme.headroom(pd.concat([table["what_if_gbp"], table["core_grant_gbp"]]), 0.25),
    )
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    return fig, table
