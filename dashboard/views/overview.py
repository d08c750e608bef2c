"""Overview: how are the partnerships doing this year?

Headline figures for the chosen year and partnership (or all of them), each against last
year and against England and statistical neighbours, with a sentence saying what changed
and a small trend line; then the partnerships side by side.
"""

from __future__ import annotations

import streamlit as st

from dashboard.charts import overview as charts
from dashboard.charts import theme
from dashboard.components import alerts, commentary, data, filters, kpi, page, policy, report_downloads
from dashboard.components.chart_panel import chart_panel

SOURCE = (
    "partnership exports; England and statistical neighbours from DfE exclusions "
    "statistics and LAIT (Open Government Licence v3.0)"
)


def render() -> None:
    """Draw the page."""
    page.header("Overview", "How are the partnerships doing this year?")
    policy.overview_headline()
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page="overview", key="overview")
    if f.year is None:
        page.no_data("There is no partnership data in the warehouse yet: import an export first.")
        return
    infos = [data.metric_info(metric) for metric in charts.HEADLINE_METRICS]
    headlines = data.chart(charts.headlines, kpi.area_metrics(f), infos, f.year, f.area_type, f.area_code)
    if all(h.value is None and not h.suppressed for h in headlines):
        page.no_data(f"There are no figures for {theme.in_sentence(f.partnership_name)} in {f.year}.")
        return
    st.markdown(
        f"**{f.partnership_name}, {f.year}**, compared with {charts.previous_year(f.year)} "
        "and with England. Green means a change for the better, red for the worse."
    )
    kpi.kpi_row(headlines)
    alerts.show(f.year, f.partnership)
    commentary.show(f.partnership, f.partnership_name, f.year)
    with st.expander("These figures as a table"):
        table = charts.headline_table(headlines)
        st.dataframe(table, hide_index=True, width="stretch", key="headline-table")

    info = data.metric_info("pex_rate")
    unit, decimals = info["unit"], int(info["decimals"])
    fig, table = data.chart(
        charts.partnerships_compared,
        data.metrics(year=f.year),
        "pex_rate",
        f.year,
        label=info["label"],
        unit=unit,
        decimals=decimals,
    )
    finding = charts.highest_sentence(table, label=info["label"], unit=unit, decimals=decimals)
    chart_panel(
        fig,
        table,
        title=f"{info['label']} by partnership, {f.year}",
        caption=(
            f"{finding} The dashed grey line is England (state-funded secondary). "
            "Rates are per 100 pupils: 0.10 is 10 in every 10,000."
        ),
        source=SOURCE,
        key="pex-rate-by-partnership",
    )


if __name__ == "__main__":
    render()
