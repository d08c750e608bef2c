"""Placements and costs: what do we buy, and what does it achieve?

Placements started by kind of provider and what they cost (per placement and per
pupil-week), how long they last, how they end, each provider's cost against how often its
pupils go back to mainstream, and the spend over the years.
"""

from __future__ import annotations

from dashboard.charts import placements as charts
from dashboard.charts import theme
from dashboard.components import data, filters, kpi, page, report_downloads, signin
from dashboard.components.chart_panel import chart_panel

SOURCE = "partnership exports (placements, referrals, schools)"
HEADLINES = ("placements_started", "placement_cost_gbp", "cost_per_placement", "reintegration_rate")


def render() -> None:
    """Draw the page."""
    page.header("Placements and costs", "What do we buy, and what does it achieve?")
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page="placements", key="placements")
    if f.year is None:
        page.no_data("There is no partnership data in the warehouse yet: import an export first.")
        return
    kpi.metric_cards(HEADLINES, f)

    params = {"year": f.year, "partnership": f.partnership}
    by_type = data.fetch("placements_by_provider_type", **params)
    where = theme.in_sentence(f.partnership_name)
    if by_type.empty:
        page.no_data(f"No placements started or ended in {f.year} for {where}.")
        return
    outcomes = data.fetch("placements_outcomes", **params)
    lengths = data.fetch("placements_durations", **params)
    providers = data.fetch("placements_providers", **params)
    history = data.fetch("placements_trend", partnership=f.partnership)

    fig, table = data.chart(charts.spend_by_provider_type, by_type)
    top = table.dropna(subset=["placement_cost_gbp"]).sort_values("placement_cost_gbp", ascending=False)
    # with a hidden cost the largest shown may not be the largest: no finding in the title then
    hidden = "placement_cost_gbp_suppressed" in table.columns and table["placement_cost_gbp_suppressed"].any()
    title = (
        f"Most placement spend in {f.year} went to {top['provider'].iloc[0]}"
        if not top.empty and not hidden
        else f"Placement spend by provider type, {f.year}"
    )
    chart_panel(
        fig,
        table,
        title=title,
        caption=(
            f"Cost of the placements started in {f.year} for {where}, by kind of "
            "provider; the table gives the number of placements too."
        ),
        source=SOURCE,
        key="spend-by-provider-type",
    )

    fig, table = data.chart(charts.unit_costs_by_provider_type, by_type)
    chart_panel(
        fig,
        table,
        title=f"Cost per placement and per pupil-week, {f.year}",
        caption=(
            "A pupil-week is one pupil in a placement for one week. Placements still "
            "running count the weeks so far, so their weekly cost falls as they go on."
        ),
        source=SOURCE,
        key="unit-costs-by-provider-type",
    )

    fig, table = data.chart(charts.outcomes_by_provider_type, outcomes)
    sentence = charts.reintegration_sentence(by_type)
    chart_panel(
        fig,
        table,
        title=f"How placements that ended in {f.year} turned out",
        caption=(sentence + " " if sentence else "")
        + "Share of each provider type's ended placements by outcome; reintegrated means "
        "back in a mainstream school.",
        source=SOURCE,
        key="outcomes-by-provider-type",
    )

    fig, table = data.chart(charts.durations, lengths)
    chart_panel(
        fig,
        table,
        title=f"How long placements that ended in {f.year} lasted",
        caption="Placements ended in the year by length: a half term is about 6 weeks, a school year 39.",
        source=SOURCE,
        key="placement-durations",
    )

    fig, table = data.chart(charts.cost_against_reintegration, providers)
    chart_panel(
        fig,
        table,
        title=f"Cost per placement against reintegration, by provider, {f.year}",
        caption=(
            "Each bubble is a provider, sized by its placements that ended in the year; "
            "higher and further left is better value."
        ),
        source=SOURCE,
        key="cost-against-reintegration",
    )

    fig, table = data.chart(charts.trend, history)
    chart_panel(
        fig,
        table,
        title="Placement spend over the years, by provider type",
        caption=f"Cost of placements started each year for {where}, by kind of provider.",
        source=SOURCE,
        key="placement-spend-trend",
    )

    # Pupil-level records for the partnership chosen: the sign-in component applies the viewer's scope.
    signin.pupil_list(data.viewer(), partnership=f.partnership, academic_year=f.year, key="partnership-pupils")


if __name__ == "__main__":
    render()
