"""Exclusion avoidance: are we keeping pupils in school?

Exclusion and suspension rates against England, the region and statistical neighbours; the
referral journey from panel to outcome; how many referred pupils avoided permanent
exclusion; the reasons; and who is referred compared with the school population.
"""

from __future__ import annotations

from dashboard.charts import exclusions as charts
from dashboard.charts import theme
from dashboard.components import data, filters, kpi, page, report_downloads
from dashboard.components.chart_panel import chart_panel

PARTNERSHIP_SOURCE = "partnership exports (referrals, placements, exclusions, school census)"
DFE_SOURCE = (
    "DfE, Suspensions and permanent exclusions in England, and LAIT "
    "(state-funded secondary; Open Government Licence v3.0)"
)


def _rate_panel(frame, f: filters.Filters, metric: str, key: str) -> None:
    # `frame`: the chosen partnership's years (and the la_total's), or every partnership's
    info = data.metric_info(metric)
    label, unit, decimals = info["label"], info.get("unit") or "", int(info.get("decimals") or 2)
    fig, table = data.chart(
        charts.rates_over_time, frame, metric, label=label, unit=unit, decimals=decimals, partnership=f.partnership
    )
    area = "All partnerships" if f.partnership is None else f.partnership_name
    sentence = charts.latest_gap_sentence(table, f.year, label=label, unit=unit, decimals=decimals, area=area)
    title = f"{label} over the years"
    if sentence:
        below = "below" in sentence
        title = f"{label}: {area} {'below' if below else 'at or above'} England in {f.year}"
    default = charts.rate_description(frame, metric, label)
    chart_panel(
        fig,
        table,
        title=title,
        caption=charts.rate_caption(sentence or default, table),
        source=f"{PARTNERSHIP_SOURCE}; {DFE_SOURCE}",
        key=key,
    )


def render() -> None:
    """Draw the page."""
    page.header("Exclusion avoidance", "Are we keeping pupils in school?")
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page="exclusions", key="exclusions")
    if f.year is None:
        page.no_data("There is no partnership data in the warehouse yet: import an export first.")
        return
    over_time = data.metrics(partnership=f.partnership)
    _rate_panel(over_time, f, "pex_rate", "pex-rate-over-time")
    _rate_panel(over_time, f, "suspension_rate", "suspension-rate-over-time")

    params = {"year": f.year, "partnership": f.partnership}
    links = data.fetch("exclusions_referral_journey", **params)
    if links.empty:
        page.no_data(f"No referrals were made in {f.year} for {theme.in_sentence(f.partnership_name)}.")
    else:
        fig, table = data.chart(charts.referral_journey, links)
        # the total comes from the metrics, which are under disclosure control as a whole
        referred = kpi.headline_for(kpi.area_metrics(f), "referrals", f)
        chart_panel(
            fig,
            table,
            title=f"The referral journey, {f.year}",
            caption=(
                f"{referred.show(referred.value, suppressed=referred.suppressed)} referrals "
                f"in {f.year} for {theme.in_sentence(f.partnership_name)}, "
                "followed from the panel's decision to the provision arranged and its "
                "outcome (a referral with several placements follows its latest)."
            ),
            source=PARTNERSHIP_SOURCE,
            key="referral-journey",
        )

    fig, table = data.chart(charts.avoidance_by_partnership, data.metrics(year=f.year), f.year)
    chart_panel(
        fig,
        table,
        title=f"Referred pupils kept from permanent exclusion, {f.year}",
        caption=(
            "Avoidance rate: of the pupils referred in the year, the share with no "
            "permanent exclusion afterwards (any school, any later year)."
        ),
        source=PARTNERSHIP_SOURCE,
        key="avoidance-by-partnership",
    )

    reasons = data.fetch("exclusions_reasons", **params)
    fig, table = data.chart(charts.reasons, reasons)
    top = table.sort_values("referrals", ascending=False)["reason"].iloc[0] if not table.empty else None
    chart_panel(
        fig,
        table,
        title=(f"Most referrals are for: {top.lower()}" if top else f"Reasons, {f.year}"),
        caption=f"Referrals, suspensions and permanent exclusions in {f.year} by DfE reason.",
        source=PARTNERSHIP_SOURCE,
        key="reasons",
    )

    groups = data.fetch("exclusions_referred_vs_population", **params)
    fig, table = data.chart(charts.referred_vs_population, groups)
    sentence = charts.over_represented_sentence(table)
    chart_panel(
        fig,
        table,
        title=f"Who is referred, compared with all pupils, {f.year}",
        caption=(sentence + " " if sentence else "")
        + "Each pupil counts once a year. The census gives FSM and SEN shares of all "
        "pupils; it has no looked-after, year-group or sex split, so those show "
        "referred pupils only.",
        source=PARTNERSHIP_SOURCE,
        key="referred-vs-population",
    )


if __name__ == "__main__":
    render()
