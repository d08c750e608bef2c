"""Benchmarks: how has the authority compared with England, its region and its statistical
neighbours, every year since 2006/07?

Published DfE figures for state-funded secondary schools over the whole published history
(the COVID years marked): exclusion and suspension rates and FSM share; the authority's rank
and quartile band (LAIT's A-D, A the best quarter by the measure's polarity) among its
neighbours and among all local authorities; FSM share against the exclusion rate across the
neighbours.
"""

from __future__ import annotations

import streamlit as st

from dashboard.charts import benchmarks as charts
from dashboard.components import data, filters, page, report_downloads
from dashboard.components.chart_panel import chart_panel
from dashboard.metrics import LA_TOTAL

SOURCE = (
    "DfE, Suspensions and permanent exclusions in England; DfE LAIT; DfE statistical "
    "neighbour tool (state-funded secondary; Open Government Licence v3.0)"
)
METRICS = ("pex_rate", "suspension_rate", "fsm_pct")
RANKED = ("pex_rate", "suspension_rate")


def _authority_name(frame) -> str:
    names = frame.loc[frame["area_type"] == "local_authority", "area_name"].dropna()
    return str(names.iloc[0]) if not names.empty else "The authority"


def _when(value) -> str | None:
    return None if value is None or str(value) in {"NaT", "nan", "None"} else f"{value:%B %Y}"


def _next_update(r) -> str | None:
    """When DfE next updates a measure (LAIT's dictionary): a month, or LAIT's words (`Discontinued`)."""
    return _when(r.next_update) or (r.next_update_note if isinstance(r.next_update_note, str) else None)


def _dfe_note(measures, metric: str) -> str:
    row = measures[measures["metric"] == metric]
    when = _next_update(next(row.itertuples(index=False))) if not row.empty else None
    return f" DfE's next update (LAIT): {when}." if when else ""


def _about_measures(measures) -> None:
    """What DfE's LAIT dictionary says about each measure: polarity, DfE's description, updates."""
    if measures.empty:
        return
    polarity = {
        "lower_is_better": "lower is better",
        "higher_is_better": "higher is better",
        "neutral": "neither higher nor lower is better",
    }
    lines = []
    for r in measures.itertuples(index=False):
        label = data.metric_info(r.metric)["label"]
        next_update = _next_update(r)
        parts = (
            f"last updated {_when(r.last_update)}" if _when(r.last_update) else "",
            f"next update {next_update}" if next_update else "",
        )
        updated = ", ".join(part for part in parts if part)
        caveat = " ".join(str(r.caveats).split()) if isinstance(r.caveats, str) else ""
        lines.append(
            f"- **{label}** (LAIT `{r.lait_measure}`): {polarity.get(r.polarity, r.polarity)}"
            f"{'; ' + updated if updated else ''}. {caveat}"
        )
    with st.expander("About these DfE measures (from DfE LAIT's data dictionary)"):
        st.markdown("\n".join(lines))


def render() -> None:
    """Draw the page."""
    page.header(
        "Benchmarks",
        "How has the authority compared with England, its region and its statistical neighbours since 2006/07?",
    )
    # the authority and its comparators in every year: DfE's areas come with the la_total alone
    frame = data.metrics(partnership=LA_TOTAL)
    if frame[frame["area_type"] == "local_authority"].empty:
        page.no_data(
            "There is no published DfE data for this authority in the warehouse: "
            "import the DfE reference files (`seip import data/reference`)."
        )
        return
    f = filters.year_and_partnership(partnership=False)
    report_downloads.offer(f.year, None, page="benchmarks", key="benchmarks")
    la = _authority_name(frame)
    settings = data.settings()
    neighbours = data.fetch("benchmarks_neighbours", la_code=settings.la_code, sn_model=settings.sn_model)
    ranks = data.fetch("benchmarks_ranks", la_code=settings.la_code, sn_model=settings.sn_model)
    measures = data.fetch("benchmarks_measures")
    models = neighbours["sn_model"].dropna()
    model = f"DfE's {models.iloc[0]} model" if not models.empty else "DfE's statistical-neighbour model"

    for metric in METRICS:
        info = data.metric_info(metric)
        unit, decimals = info["unit"], int(info["decimals"])
        fig, table = data.chart(
            charts.authority_vs_comparators,
            frame,
            metric,
            la_label=la,
            label=info["label"],
            unit=unit,
            decimals=decimals,
        )
        years = table["academic_year"].dropna()
        span = f", {years.min()} to {years.max()}" if not years.empty else ""
        chart_panel(
            fig,
            table,
            title=f"{info['label']}: {la} against England, region and neighbours{span}",
            caption=(
                f"{info['label']} for {la} (blue) each year DfE published, with England, the "
                f"region and the median of its statistical neighbours ({model}) in grey. "
                f"Shaded: {charts.COVID_NOTE} (2019/20, 2020/21)." + _dfe_note(measures, metric)
            ),
            source=SOURCE,
            key=f"benchmark-{metric}",
        )

    for metric in RANKED:
        info = data.metric_info(metric)
        fig, table = data.chart(charts.rank_bands, ranks, metric, la_label=la, label=info["label"])
        chart_panel(
            fig,
            table,
            title=charts.rank_sentence(ranks, metric, la_label=la, label=info["label"]),
            caption=(
                f"{la}'s quartile band each year for {info['label'].lower()}: among itself and "
                f"its ten statistical neighbours ({model}) and among every local authority "
                "with a published figure. Band A is the best quarter (rank 1 is the best, "
                "by DfE LAIT's polarity), D the worst: band = ceil(4 x rank / areas ranked), "
                "as LAIT's quartile bands. Shaded: the COVID years."
            ),
            source=SOURCE,
            key=f"benchmark-rank-{metric}",
        )

    _about_measures(measures)

    both = neighbours.dropna(subset=["pex_rate", "fsm_pct"])
    years = sorted(both["academic_year"].unique())
    if not years:
        page.no_data("No year has both FSM share and exclusion rate for the neighbours.")
        return
    year = f.year if f.year in years else years[-1]
    fig, table = data.chart(charts.fsm_against_exclusions, neighbours, year)
    note = "" if year == f.year else f" {f.year} is not published yet, so this shows {year}."
    chart_panel(
        fig,
        table,
        title=f"FSM share against permanent exclusion rate, neighbours, {year}",
        caption=(
            f"Each dot is one of {la}'s statistical neighbours ({la} in blue). "
            + charts.correlation_sentence(table)
            + note
        ),
        source=SOURCE,
        key="benchmark-fsm-vs-pex",
    )


if __name__ == "__main__":
    render()
