"""Builders for the Policy impact page: the authority against England, its neighbours and its
synthetic control; the placebo picture; what the exclusions avoided are worth; how the estimate
moves with the start year; and the verdict in words. DataFrame in, (Figure, table) out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.assumptions import cost_of_one_exclusion
from dashboard.charts import notes, theme
from dashboard.impact import Impact

MEASURE_WORDS = {
    "pex_rate": ("permanent exclusions", "Permanent exclusion rate"),
    "suspension_rate": ("suspensions", "Suspension rate"),
}
COMPARATOR_LABELS = {
    "synthetic": "Synthetic control",
    "sn_median": "Statistical neighbours (median)",
    "england": "England",
}
SYNTHETIC_COLOUR = theme.PALETTE[3]
ARRANGEMENT_FILL = "rgba(40, 161, 151, 0.12)"  # PALETTE[1], faint, so the lines stay readable
PRE_FIT_GOOD = 0.1  # a pre-period RMSPE within a tenth of the LA's mean pre-period rate is a close fit


def _years(series: pd.DataFrame) -> list[str]:
    return series["academic_year"].tolist()


def _mark_start(fig: go.Figure, years: list[str], start: str, milestones: pd.DataFrame | None = None) -> None:
    """Shade the arrangements' periods and draw a line where the chosen start year begins.

    On a category axis year i sits at position i, so a period from year a to year b runs from a - 0.5 to b + 0.5."""
    position = {y: i for i, y in enumerate(years)}
    for row in [] if milestones is None else milestones.to_dict("records"):
        first = position.get(row["from_year"], 0 if row["from_year"] < years[0] else None)
        last_year = row["to_year"] if isinstance(row["to_year"], str) and row["to_year"] else years[-1]
        last = position.get(last_year, len(years) - 1 if last_year > years[-1] else None)
        if first is None or last is None or last < first:
            continue
        fig.add_vrect(x0=first - 0.5, x1=last + 0.5, fillcolor=ARRANGEMENT_FILL, line_width=0, layer="below")
        # below the band where a note's marker sits (notes.with_notes), on a veil of white that keeps
        # the words readable over a dotted note line and the lines under them visible
        fig.add_annotation(
            x=first - 0.45,
            y=1,
            yshift=-notes.MARKER_BAND,
            xref="x",
            yref="paper",
            text=theme.wrap(row["arrangement"], 28),
            showarrow=False,
            xanchor="left",
            yanchor="top",
            align="left",
            bgcolor="rgba(255, 255, 255, 0.6)",
            font={"size": 11, "color": theme.NEUTRAL},
        )
    if start in position:
        fig.add_vline(x=position[start] - 0.5, line={"color": theme.NEUTRAL, "dash": "dash", "width": 1.5})


def rates_chart(result: Impact, milestones: pd.DataFrame | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """The LA's rate (blue) against its synthetic control (orange), England and the SN median (grey)."""
    series = result.series
    years = _years(series)
    _, label = MEASURE_WORDS[result.measure]
    lines = (
        ("la", result.la_name, {"color": theme.PALETTE[0], "width": 3}),
        ("synthetic", "Synthetic control", {"color": SYNTHETIC_COLOUR, "width": 2.5, "dash": "dash"}),
        ("england", "England", {"color": theme.GREY_DARK, "width": 2}),
        ("sn_median", "Statistical neighbours (median)", {"color": theme.GREY_DARK, "width": 2, "dash": "dot"}),
    )
    fig = go.Figure()
    for column, name, line in lines:
        texts = [theme.format_value(None if pd.isna(v) else v, "", 3) for v in series[column]]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=series[column],
                name=name,
                mode="lines+markers",
                line=line,
                marker={"color": line["color"], "size": 6 if column == "la" else 4},
                text=texts,
                hovertemplate=f"{name}, %{{x}}: %{{text}} per 100<extra></extra>",
            )
        )
    theme.style(fig, y_title="per 100 pupils", height=420)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, tickangle=-45)
    _mark_start(fig, years, result.start, milestones)
    table = series[["academic_year", "la", "synthetic", "sn_median", "england"]].rename(
        columns={
            "la": f"{result.la_name} ({label.lower()}, per 100)",
            "synthetic": "Synthetic control",
            "sn_median": "Statistical neighbours (median)",
            "england": "England",
        }
    )
    return fig, table


def gap_chart(result: Impact) -> tuple[go.Figure, pd.DataFrame]:
    """The LA's gap to its synthetic control (blue) with every placebo's gap in grey behind it."""
    years = _years(result.series)
    fig = go.Figure()
    placebos = result.placebos
    if not placebos.empty:
        lines = theme.broken_lines(placebos, "la_code", ["academic_year", "gap"])
        fig.add_trace(
            go.Scatter(
                x=lines["academic_year"],
                y=lines["gap"],
                mode="lines",
                name="Each other LA as if it were treated (placebo)",
                line={"color": theme.GREY_LIGHT, "width": 1},
                hoverinfo="skip",
                connectgaps=False,
            )
        )
    gaps = result.series["gap_sc"]
    texts = [theme.format_value(v, "", 3) for v in gaps]
    fig.add_trace(
        go.Scatter(
            x=years,
            y=gaps,
            name=f"{result.la_name} minus its synthetic control",
            mode="lines+markers",
            line={"color": theme.PALETTE[0], "width": 3},
            marker={"color": theme.PALETTE[0], "size": 6},
            text=texts,
            hovertemplate="%{x}: %{text} per 100<extra></extra>",
        )
    )
    theme.style(fig, y_title="gap, per 100 pupils", height=400)
    fig.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor=theme.NEUTRAL)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, tickangle=-45)
    _mark_start(fig, years, result.start)
    table = result.series[["academic_year", "gap_sc"]].rename(
        columns={"gap_sc": f"{result.la_name} minus synthetic control (per 100)"}
    )
    if not placebos.empty:
        spread = placebos.groupby("academic_year")["gap"].agg(
            placebo_low=lambda g: g.quantile(0.05), placebo_high=lambda g: g.quantile(0.95)
        )
        table = table.merge(
            spread.rename(
                columns={"placebo_low": "Placebo gaps, 5th percentile", "placebo_high": "Placebo gaps, 95th percentile"}
            ),
            left_on="academic_year",
            right_index=True,
            how="left",
        )
    return fig, table


def weights_chart(result: Impact) -> tuple[go.Figure, pd.DataFrame]:
    """The donors that make up the synthetic control and their weights, largest first."""
    weights = pd.DataFrame(result.synthetic_control["weights"], columns=["la_code", "la_name", "weight"])
    if weights.empty:
        return theme.empty("No donor carries weight."), weights
    shown = weights.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=shown["weight"] * 100,
            y=[theme.wrap(n, 22) for n in shown["la_name"]],
            orientation="h",
            marker_color=SYNTHETIC_COLOUR,
            text=[f"{w:.0%}" if w >= 0.01 else f"{w:.1%}" for w in shown["weight"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    theme.style(fig, x_title="weight (%)", height=max(220, 26 * len(weights) + 80))
    fig.update_xaxes(range=theme.headroom(shown["weight"] * 100))
    table = weights.rename(columns={"la_code": "LA code", "la_name": "Local authority"})
    table["weight_pct"] = table.pop("weight") * 100
    return fig, table


def avoided_table(
    result: Impact,
    low: dict[str, float],
    central: dict[str, float],
    high: dict[str, float],
    *,
    include_lifetime: bool = False,
) -> pd.DataFrame:
    """Exclusions avoided against each comparator and what they are worth at low, central and high
    unit costs: comparator, exclusions_avoided, worth_low_gbp, worth_gbp, worth_high_gbp."""
    rows = []
    for key in ("synthetic", "sn_median", "england"):
        n = result.exclusions_avoided[key]
        worth = {
            s: n * cost_of_one_exclusion(c, include_lifetime=include_lifetime)
            for s, c in (("low", low), ("central", central), ("high", high))
        }
        rows.append(
            {
                "comparator": COMPARATOR_LABELS[key],
                "exclusions_avoided": n,
                "worth_low_gbp": worth["low"],
                "worth_gbp": worth["central"],
                "worth_high_gbp": worth["high"],
            }
        )
    return pd.DataFrame(rows)


def avoided_chart(table: pd.DataFrame, measure: str) -> go.Figure:
    """Bars of the exclusions avoided against each comparator; each comparator's label says the
    number and what it is worth."""
    words, _ = MEASURE_WORDS[measure]
    figures = [
        f"{theme.format_value(n, '', 0)} (about {millions(w)})"
        for n, w in zip(table["exclusions_avoided"], table["worth_gbp"], strict=True)
    ]
    # the figures go in the axis labels, which plotly makes room for, not beyond the bars: on a
    # 320 px phone a label beyond the longest bar ran off the chart
    names = [f"{theme.wrap(c, 18)}<br><b>{f}</b>" for c, f in zip(table["comparator"], figures, strict=True)]
    colours = [
        SYNTHETIC_COLOUR if c == COMPARATOR_LABELS["synthetic"] else theme.GREY_DARK for c in table["comparator"]
    ]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=table["exclusions_avoided"],
            orientation="h",
            marker_color=colours,
            customdata=figures,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    theme.style(fig, x_title=theme.wrap(f"fewer {words} than the comparator", 20), height=300)
    fig.update_yaxes(autorange="reversed", tickfont={"size": 13, "color": theme.INK}, ticklabelstandoff=6)
    fig.update_xaxes(rangemode="normal", zeroline=True, zerolinecolor=theme.NEUTRAL)
    return fig


def by_start_chart(table: pd.DataFrame, chosen: str, measure: str) -> go.Figure:
    """The exclusions avoided against the synthetic control for each possible start year, the chosen one in colour."""
    words, _ = MEASURE_WORDS[measure]
    colours = [theme.PALETTE[0] if s == chosen else theme.GREY_LIGHT for s in table["start"]]
    fig = go.Figure(
        go.Bar(
            x=table["start"],
            y=table["exclusions_avoided"],
            marker_color=colours,
            text=[theme.format_value(v, "", 0) for v in table["exclusions_avoided"]],
            textposition="outside",
            cliponaxis=False,
            name=f"fewer {words}",
            showlegend=False,
            hovertemplate="start %{x}: %{text}<extra></extra>",
        )
    )
    theme.style(fig, y_title=f"fewer {words}", x_title="policy start year", height=300)
    fig.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor=theme.NEUTRAL)
    fig.update_xaxes(type="category", tickangle=-45)
    return fig


def millions(gbp: float) -> str:
    """Money as said in a sentence: £21.1m, £0.4m (the unit costs are not known to the pound)."""
    return f"{'-' if gbp < 0 else ''}£{abs(gbp) / 1e6:,.1f}m"


def about(n: float) -> str:
    """A count of exclusions as said in a sentence: to the nearest 10 from 100 up, else whole."""
    rounded = round(n, -1) if abs(n) >= 100 else round(n)
    return f"{abs(rounded):,.0f}"


def headline(result: Impact) -> str:
    """One sentence: since the start, about N fewer (or more) exclusions than the synthetic control."""
    words, _ = MEASURE_WORDS[result.measure]
    n = result.exclusions_avoided["synthetic"]
    side = "fewer" if n >= 0 else "more"
    return (
        f"Since {result.start}, about {about(n)} {side} {words} in {result.la_name}'s state-funded "
        f"secondary schools than in a comparison built from other authorities that tracked it before "
        f"{result.start} (its synthetic control); about {about(result.exclusions_avoided['england'])} "
        f"{'fewer' if result.exclusions_avoided['england'] >= 0 else 'more'} than at England's rate."
    )


def placebo_standing(result: Impact) -> tuple[int, int]:
    """How many placebo LAs had a post-period gap (RMSPE) at least as large as the LA's, and how many there are."""
    if result.placebos.empty:
        return 0, 0
    post = result.placebos.drop_duplicates("la_code")["post_rmspe"]
    return int((post >= result.synthetic_control["post_rmspe"]).sum()), len(post)


def verdict(result: Impact) -> list[str]:
    """The verdict in plain English: the headline first, then how sure we can be (pre-period fit,
    placebo test), then the caveats last."""
    sc = result.synthetic_control
    pre_mean = result.series.loc[result.series["academic_year"].isin(result.pre_years), "la"].mean()
    close = sc["pre_rmspe"] <= PRE_FIT_GOOD * pre_mean
    miss = "under 0.001" if sc["pre_rmspe"] < 0.001 else f"{sc['pre_rmspe']:.3f}"
    lines = [
        headline(result),
        f"Before {result.start} the synthetic control tracked {result.la_name} "
        f"{'closely' if close else 'only loosely'} (a typical miss of {miss} per 100, against a rate of "
        f"about {pre_mean:.2f}).",
    ]
    p = sc["placebo_p_value"]
    if p is not None:
        larger, donors = placebo_standing(result)
        strength = "a gap this large is unlikely to be chance" if p <= 0.1 else "by this test the gap could be chance"
        lines.append(
            f"Giving each of the {donors} other LAs the same treatment in {result.start} (a placebo test), "
            f"{result.la_name} ranks {sc['placebo_rank']} of {donors + 1} by how far it moved from its "
            f"comparison against how well it fitted before (p = {p:.2f}): {strength}. In absolute terms, "
            f"{larger} of the {donors} moved at least as far. With only {len(result.pre_years)} years before "
            "the start almost any LA can be matched closely, so this test is weak evidence either way."
        )
    caveats = [
        f"only {len(result.pre_years)} years of published data come before {result.start}"
        if len(result.pre_years) < 8
        else None,
        "national changes in the same years (the 2012 exclusion guidance, academy conversions, COVID "
        "closures in 2019/20 and 2020/21) reach every LA, and the comparison removes only what they did "
        "alike",
        "this estimates what would have happened otherwise; it is not a count",
    ]
    missing = result.exclusions_avoided["years_without_headcount"]
    if missing:
        caveats.append("years without a published headcount are left out of the count (" + ", ".join(missing) + ")")
    lines.append("Caveats: " + "; ".join(c for c in caveats if c) + ".")
    return lines
