"""Funding and deprivation: is the money where the need is?

Funding per pupil against the share of pupils on free school meals for each partnership,
the funding streams, the core grant paid against the sharing formula, and a what-if that
redraws every partnership's share as the pupil weight and the pot change.
"""

from __future__ import annotations

import math

import streamlit as st

from dashboard.charts import funding as charts
from dashboard.charts import theme
from dashboard.components import data, filters, kpi, page, report_downloads
from dashboard.components.chart_panel import chart_panel

SOURCE = "partnership exports (funding, school census)"
HEADLINES = ("funding_gbp", "funding_per_pupil", "core_grant_gbp", "fsm_pct")


def _what_if(year: str) -> None:
    inputs = data.fetch("funding_formula_inputs", year=year)
    inputs = inputs.dropna(subset=["pupils_on_roll", "fsm_eligible"])
    st.header("What if the formula changed?", anchor=False)
    if inputs.empty:
        page.no_data(f"No partnership has a census return for {year}, so there is nothing to share out.")
        return
    paid = float(inputs["core_grant_gbp"].fillna(0).sum())
    default_weight = data.settings().pupil_weight
    st.markdown(
        "The core grant is shared by a formula: a weight **w** on each partnership's share of "
        "pupils on roll and **1 − w** on its share of pupils eligible for free school meals. "
        "Move the sliders to see every partnership's share change at once. Nothing is saved."
    )
    left, right = st.columns(2)
    with left:
        weight = st.slider(
            "Pupil weight w (the rest goes by FSM pupils)",
            0.0,
            1.0,
            default_weight,
            0.05,
            key="what-if-weight",
            help=f"The setting in force is {default_weight:g} (SEIP_PUPIL_WEIGHT).",
        )
    with right:
        # in £ millions, so the slider reads £3.00m rather than £3000000
        top = max(0.5, math.ceil(paid * 2 / 500_000) / 2)
        millions = st.slider(
            "The pot to share (£ million)",
            0.0,
            top,
            round(paid / 50_000) / 20,
            0.05,
            key="what-if-pot",
            format="£%.2fm",
            help=f"The core grant paid in {year} was {theme.format_value(paid, 'gbp', 0)}.",
        )
        pot = millions * 1_000_000
    shares = data.chart(charts.formula_shares, inputs, float(pot), float(weight))
    fig, table = data.chart(charts.what_if, shares)
    biggest = table.loc[table["change_gbp"].abs().idxmax()] if table["change_gbp"].notna().any() else None
    setting = f"With w = {weight:.2f} and a pot of {theme.format_value(pot, 'gbp', 0)}"
    if biggest is None:
        sentence = ""
    elif abs(biggest["change_gbp"]) < 0.5:
        sentence = f"{setting}, every partnership would get exactly what it was paid."
    else:
        sentence = (
            f"{setting}, {biggest['partnership']} would change most: "
            f"{theme.format_value(biggest['change_gbp'], 'gbp', 0)} against what it was paid."
        )
    chart_panel(
        fig,
        table,
        title=f"What-if shares of the core grant, {year}",
        caption=sentence + " Grey bars are the core grant actually paid.",
        source=SOURCE,
        key="funding-what-if",
    )


def render() -> None:
    """Draw the page."""
    page.header("Funding and deprivation", "Is the money where the need is?")
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page="funding", key="funding")
    if f.year is None:
        page.no_data("There is no partnership data in the warehouse yet: import an export first.")
        return
    kpi.metric_cards(HEADLINES, f)
    partnerships = data.metrics(year=f.year)

    fig, table = data.chart(charts.funding_vs_fsm, partnerships, f.year, f.partnership)
    sentence = charts.fsm_sentence(table)
    slope = charts.fitted_line(table["fsm_pct"], table["funding_per_pupil"])
    title = (
        f"Partnerships with more pupils on free school meals get more per pupil, {f.year}"
        if slope is not None and slope[0] > 0.005
        else f"Funding per pupil against free school meals, {f.year}"
    )
    chart_panel(
        fig,
        table,
        title=title,
        caption=(sentence + " " if sentence else "")
        + "Each bubble is a partnership, sized by its pupils on roll; all funding streams."
        + (f" {f.partnership_name} is ringed and named, the others faint." if f.partnership else ""),
        source=SOURCE,
        key="funding-vs-fsm",
    )

    streams = data.fetch("funding_by_stream", year=f.year, partnership=f.partnership)
    fig, table = data.chart(charts.funding_streams, streams)
    where = theme.in_sentence(f.partnership_name)
    chart_panel(
        fig,
        table,
        title=f"Funding streams, {f.year}",
        caption=(f"Money received in {f.year} by {where}, by stream; adjustments can be negative (money recovered)."),
        source=SOURCE,
        key="funding-streams",
    )

    fig, table = data.chart(charts.formula_vs_paid, partnerships, f.year)
    gap = charts.formula_gap_sentence(table)
    title = (
        f"Every partnership was paid its formula allocation, {f.year}"
        if gap.startswith("Every")
        else f"Core grant paid against the sharing formula, {f.year}"
    )
    chart_panel(
        fig,
        table,
        title=title,
        caption=(gap + " " if gap else "")
        + f"Formula allocation at the pupil weight in force ({data.settings().pupil_weight:g}); "
        "every partnership is shown, as the formula shares one pot between them.",
        source=SOURCE,
        key="formula-vs-paid",
    )

    _what_if(f.year)


if __name__ == "__main__":
    render()
