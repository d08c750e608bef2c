"""Benchmarks: how does the authority compare with England, its region and its statistical
neighbours over the years?

Published DfE figures for state-funded secondary schools: exclusion and suspension rates and
FSM share, the authority's rank and quartile among its neighbours, and FSM share against the
exclusion rate across the neighbours.
"""

from __future__ import annotations

from dashboard.charts import benchmarks as charts
from dashboard.components import data, page
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
    la = _authority_name(frame)
    for metric in METRICS:
        info = data.metric_info(metric)
        unit, decimals = info.get("unit") or "", int(info.get("decimals") or 2)
        fig, table = charts.authority_vs_comparators(frame, metric, la_label=la, label=info["label"],
                                                     unit=unit, decimals=decimals)
        chart_panel(fig, table, title=f"{info['label']}: {la} against England, region and neighbours",
                    caption=(f"{info['label']} for {la} (blue) each year, with England, the region "
                             "and the median of its statistical neighbours in grey."),
                    source=SOURCE, key=f"benchmark-{metric}")


if __name__ == "__main__":
    render()
