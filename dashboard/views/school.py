"""School view: how is my school doing within the partnership?

One school's referrals, placements, exclusions and costs in the chosen year, against its
partnership and against schools with a similar share of pupils on free school meals (within
3 percentage points), and over the years; pupil-level records for those allowed to see them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import school as charts
from dashboard.charts import theme
from dashboard.charts.overview import previous_year
from dashboard.components import data, filters, page, signin
from dashboard.components.chart_panel import chart_panel

SOURCE = "partnership exports (school census, referrals, placements, exclusions)"
FSM_BAND = 3.0
CARDS = (
    ("referrals", "Referrals", "neutral"),
    ("placements_started", "Placements started", "neutral"),
    ("permanent_exclusions", "Permanent exclusions", "lower"),
    ("suspensions", "Suspensions", "lower"),
)


def _judged(delta: int, polarity: str) -> str:
    """', better' or ', worse' for a count where lower is better: the colour is not the only sign."""
    if polarity != "lower" or delta == 0:
        return ""
    return ", better" if delta < 0 else ", worse"


def _cards(table, previous) -> None:
    """The school's counts this year, with the change since last year where both can be shown."""
    now = table.set_index("measure")
    before = None if previous is None else previous.set_index("measure")
    for column, (measure, label, polarity) in zip(st.columns(len(CARDS)), CARDS, strict=True):
        value, hidden = now.loc[measure, "school"], bool(now.loc[measure, "school_suppressed"])
        delta = None
        if before is not None and not hidden and not bool(before.loc[measure, "school_suppressed"]):
            old = before.loc[measure, "school"]
            if value == value and old == old:
                delta = int(value - old)
        with column, st.container(border=True):
            st.metric(
                label,
                theme.format_value(None if value != value else value, "", 0, suppressed=hidden),
                None if delta is None else f"{delta:+d} since last year{_judged(delta, polarity)}",
                delta_color="inverse" if polarity == "lower" else "off",
            )


def render() -> None:
    """Draw the page."""
    page.header("School view", "How is my school doing within the partnership?")
    summary = data.fetch("school_year_summary")
    if summary.empty:
        page.no_data("There are no schools in the warehouse yet: import an export first.")
        return
    names = summary.drop_duplicates("urn").set_index("urn")["school_name"].to_dict()
    viewer = data.viewer()
    own = int(viewer.scope) if viewer.scope and viewer.scope.isdigit() else None
    left, right = st.columns(2)
    with left:
        year = filters.year_filter(summary["academic_year"].dropna().unique().tolist())
    with right:
        urn = filters.school_filter(names, default=own)
    name = names[urn]

    groups = data.fetch("school_comparison", urn=urn, year=year, band=FSM_BAND)
    table = data.chart(charts.comparison, groups)
    if table[list(charts.GROUPS[:1])].isna().all().all() and not table["school_suppressed"].any():
        page.no_data(f"{name} has no census return or recorded events in {year}.")
    else:
        partnership, la_code = summary.loc[summary["urn"] == urn, ["partnership_name", "la_code"]].iloc[0]
        among = "" if pd.isna(la_code) else f" in local authority {la_code}"
        similar = int(groups.set_index("group").loc["similar_schools", "schools"])
        st.markdown(f"**{name}**, {partnership}, {year}.")
        prior = previous_year(year)
        previous = (
            data.chart(charts.comparison, data.fetch("school_comparison", urn=urn, year=prior, band=FSM_BAND))
            if (summary["academic_year"] == prior).any()
            else None
        )
        _cards(table, previous)

        fig, shown = data.chart(charts.comparison_chart, table)
        sentence = charts.comparison_sentence(table, name)
        title = f"{name} against its partnership and similar schools, {year}"
        if sentence:
            side = "below" if " below " in sentence else "above" if " above " in sentence else "level with"
            title = f"{name}: permanent exclusion rate {side} its partnership's, {year}"
        chart_panel(
            fig,
            shown,
            title=title,
            caption=((sentence + " ") if sentence else "")
            + f"Similar schools: the {similar} other schools{among} whose share of pupils on free "
            f"school meals is within {FSM_BAND:g} percentage points of this school's. "
            "Each group's rates are its added-up counts over its added-up pupils.",
            source=SOURCE,
            key="school-comparison",
        )

    fig, shown = data.chart(charts.trend, summary, urn)
    chart_panel(
        fig,
        shown,
        title=f"{name} over the years",
        caption="Referrals, placements started and permanent exclusions at the school each year.",
        source=SOURCE,
        key="school-trend",
    )

    # Pupil-level records: the sign-in work's component applies the viewer's scope and audit log.
    partnership_code = summary.loc[summary["urn"] == urn, "partnership_code"].iloc[0]
    signin.pupil_list(viewer, urn=urn, partnership=partnership_code, academic_year=year, key="school-pupils")


if __name__ == "__main__":
    render()
