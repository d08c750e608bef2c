"""Benchmarks: how does the authority compare with England, its region and its statistical
neighbours over the years?

Published DfE figures for state-funded secondary schools: exclusion and suspension rates and
FSM share, the authority's rank and quartile among its neighbours, and FSM share against the
exclusion rate across the neighbours.
"""

from __future__ import annotations

from dashboard.charts import benchmarks as charts
from dashboard.components import data, filters, page, report_downloads
from dashboard.components.chart_panel import chart_panel

SOURCE = ("DfE, Suspensions and permanent exclusions in England; DfE LAIT; DfE statistical "
          "neighbour tool (state-funded secondary; Open Government Licence v3.0)")
METRICS = ("pex_rate", "suspension_rate", "fsm_pct")


def _authority_name(frame) -> str:
    names = frame.loc[frame["area_type"] == "local_authority", "area_name"].dropna()
    return str(names.iloc[0]) if not names.empty else "The authority"


def render() -> None:
    """Draw the page."""
    page.header("Benchmarks", "How does the authority compare with England, its region and its "
                "statistical neighbours?")
    frame = data.metrics()
    if frame[frame["area_type"] == "local_authority"].empty:
        page.no_data("There is no published DfE data for this authority in the warehouse: "
                     "import the DfE reference files (`seip import data/reference`).")
        return
    f = filters.year_and_partnership(partnership=False)
    report_downloads.offer(f.year, None, page="benchmarks", key="benchmarks")
    la = _authority_name(frame)
    neighbours = data.fetch("benchmarks_neighbours", la_code=data.settings().la_code)

    info = data.metric_info("pex_rate")
    ranks = data.chart(charts.rank_among, neighbours, "pex_rate", info["polarity"])
    fig, table = data.chart(charts.rank_chart, ranks, la_label=la, label=info["label"])
    latest = ranks.iloc[-1] if not ranks.empty else None
    title = (f"{la} ranks {latest['rank']} of {latest['areas']} neighbours on permanent exclusions "
             f"in {latest['academic_year']} (quartile {latest['quartile']})" if latest is not None
             else f"{la} among its statistical neighbours")
    chart_panel(fig, table, title=title,
                caption=(f"Rank of {la}'s {info['label'].lower()} among itself and its statistical "
                         "neighbours (DfE's latest model); 1 is the lowest rate, quartile 1 the "
                         "lowest quarter."),
                source=SOURCE, key="benchmark-rank")

    for metric in METRICS:
        info = data.metric_info(metric)
        unit, decimals = info["unit"], int(info["decimals"])
        fig, table = data.chart(charts.authority_vs_comparators, frame, metric, la_label=la, label=info["label"],
                                                     unit=unit, decimals=decimals)
        chart_panel(fig, table, title=f"{info['label']}: {la} against England, region and neighbours",
                    caption=(f"{info['label']} for {la} (blue) each year, with England, the region "
                             "and the median of its statistical neighbours in grey."),
                    source=SOURCE, key=f"benchmark-{metric}")

    both = neighbours.dropna(subset=["pex_rate", "fsm_pct"])
    years = sorted(both["academic_year"].unique())
    if not years:
        page.no_data("No year has both FSM share and exclusion rate for the neighbours.")
        return
    year = f.year if f.year in years else years[-1]
    fig, table = data.chart(charts.fsm_against_exclusions, neighbours, year)
    note = "" if year == f.year else f" {f.year} is not published yet, so this shows {year}."
    chart_panel(fig, table, title=f"FSM share against permanent exclusion rate, neighbours, {year}",
                caption=(f"Each dot is one of {la}'s statistical neighbours ({la} in blue). "
                         + charts.correlation_sentence(table) + note),
                source=SOURCE, key="benchmark-fsm-vs-pex")


if __name__ == "__main__":
    render()
