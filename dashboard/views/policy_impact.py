"""Policy impact: since the authority's schools stopped using permanent exclusion, how many fewer
pupils were permanently excluded than would have been otherwise, and how sure can we be?

Answered from published DfE data alone (real data, even on the synthetic demo): the authority's
rate against England, its statistical neighbours and a synthetic control (a weighted mix of
other LAs that tracked it before the start), the placebo test, the exclusions avoided and what
they are worth, and how the answer moves with the start year.
"""

from __future__ import annotations

import streamlit as st

from dashboard import impact
from dashboard.assumptions import ASSUMPTIONS
from dashboard.charts import policy_impact as charts
from dashboard.charts import theme
from dashboard.components import data, filters, page, policy, report_downloads
from dashboard.components.chart_panel import chart_panel

SOURCE = (
    "DfE, Suspensions and permanent exclusions in England, by geography (2006/07 to 2022/23) and "
    "LAIT (2023/24); statistical neighbours from DfE's CSSNBT; Open Government Licence v3.0. "
    "Estimates by SEIP Insight"
)
REAL_DATA = (
    "**Real DfE data.** Everything on this page comes from published DfE statistics for the "
    "authority and every other LA in England, not from the partnerships' exports, so it is real "
    "even on the synthetic demo."
)
MEASURES = {"Permanent exclusions": "pex_rate", "Suspensions": "suspension_rate"}
AGAINST = {
    "synthetic": "Against its synthetic control",
    "sn_median": "Against its neighbours' median rate",
    "england": "Against England's rate",
}
DONORS = {"All LAs in England": "all", "Statistical neighbours only": "neighbours"}
METHOD = """
**How it is worked out** (contract: `policy-impact.md`).

- **Gaps**: the authority's rate minus England's, and minus the median of its 10 statistical neighbours.
- **Difference in differences**: the average gap after the start minus the average gap before it.
- **Synthetic control** (Abadie, Diamond and Hainmueller, 2010): a weighted mix of other LAs whose rate is
  published in every year, with weights (never negative, adding up to 1) chosen so that the mix follows the
  authority as closely as possible *before* the start. After the start, the mix shows what would have happened
  without the policy. A tiny penalty (lambda = {lam:g}) on the squared weights picks one answer where several
  fit equally well.
- **Placebo test**: the same fit for every other LA as if it had started the policy. The p-value is the share
  (counting the authority itself) whose post-start miss, relative to its pre-start fit, is at least as large.
- **Exclusions avoided**: for each year from the start, the authority's pupils times the comparator's rate
  minus its own, divided by 100, added up over the years DfE published a headcount.
"""
MILESTONES_HOWTO = """
**Shaded periods** come from `data/reference/policy_milestones.csv`, one row per arrangement:
`la_code` (the old 3-digit DfE code, e.g. 855), `from_year` and `to_year` (academic years such as 2010/11;
leave `to_year` blank while it lasts) and `arrangement` (a few words). Another authority adds its own rows;
a row the product cannot read is refused with its row and column named.
"""


def _choices() -> tuple[str, str, str]:
    settings = data.settings()
    cols = st.columns(3)
    with cols[0]:
        measure = MEASURES[
            filters.url_choice("Measure", list(MEASURES), "measure", "State-funded secondary, per 100 pupils")
        ]
    starts = policy.possible_starts(measure)
    with cols[1]:
        start = (
            filters.url_choice(
                "Policy start year",
                starts,
                "start",
                "The first academic year of the policy; the years before it are the "
                "pre-period the comparison is fitted on",
                default=settings.policy_start,
            )
            if starts
            else settings.policy_start
        )
    with cols[2]:
        donors = DONORS[
            filters.url_choice(
                "Compare with", list(DONORS), "donors", "The LAs the synthetic control may be built from"
            )
        ]
    return measure, start, donors


def _verdict(result: impact.Impact) -> None:
    lines = charts.verdict(result)
    # bold, not a heading: a sentence of findings is not a section (headings stay h1, h2 in order)
    st.markdown(f"**{lines[0]}**")
    cols = st.columns(3)
    for col, key in zip(cols, ("synthetic", "sn_median", "england")):
        n = result.exclusions_avoided[key]
        col.metric(AGAINST[key], f"{charts.about(n)} {'fewer' if n >= 0 else 'more'}")
    st.info("**How sure can we be?** " + " ".join(lines[1:-1]), icon=":material/balance:")
    st.caption(lines[-1])


def _charts(result: impact.Impact) -> None:
    built = policy.figures(result.measure, result.start, result.synthetic_control["donor_pool"])
    if built["milestones_problem"]:
        st.error(f"The milestones file cannot be read: {built['milestones_problem']}", icon=":material/error:")
    _, label = charts.MEASURE_WORDS[result.measure]
    below = result.synthetic_control["mean_post_gap"] < 0
    chart_panel(
        *built["rates"],
        title=(f"{label}: {result.la_name} {'below' if below else 'above'} its synthetic control from {result.start}"),
        caption=(
            f"{result.la_name}'s {label.lower()} (blue) each year against its synthetic control "
            "(orange, dashed), England (grey) and the median of its statistical neighbours (grey, "
            f"dotted). The dashed line marks the start, {result.start}; shaded periods are the "
            "authority's arrangements."
        ),
        source=SOURCE,
        key="impact-rates",
    )
    larger, donors = charts.placebo_standing(result)
    chart_panel(
        *built["gaps"],
        title=f"{result.la_name}'s gap to its synthetic control, against {donors} placebo LAs",
        caption=(
            f"The blue line is {result.la_name} minus its synthetic control; each grey line is "
            "another LA minus its own synthetic control, fitted as if it had started the policy in "
            f"{result.start}. Near 0 before the start means a close fit. After it, {larger} of "
            f"{donors} placebo LAs moved at least as far from their comparison. The table gives the "
            "middle 90% of the placebo gaps each year."
        ),
        source=SOURCE,
        key="impact-gaps",
    )
    weights = result.synthetic_control["weights"]
    chart_panel(
        *built["weights"],
        title=f"The synthetic control is {len(weights)} LAs, led by " + (weights[0]["la_name"] if weights else "none"),
        caption=(
            f"The weight of each LA in the synthetic control (weights above 0.1%, adding up to "
            f"100%), chosen from {result.synthetic_control['donors']} LAs whose rate DfE published "
            "in every year."
        ),
        source=SOURCE,
        key="impact-weights",
    )


def _worth(result: impact.Impact) -> None:
    include_lifetime = st.toggle(
        "Count the IPPR lifetime cost of an exclusion (a contested upper bound)",
        value=False,
        key="impact-lifetime",
        help="IPPR (2017) put the lifetime cost to the state of one permanent exclusion at about £370,000.",
    )
    fig, table = policy.worth(result.measure, result.start, result.synthetic_control["donor_pool"], include_lifetime)
    words, _ = charts.MEASURE_WORDS[result.measure]
    chart_panel(
        fig,
        table,
        title=f"{words.capitalize()} avoided since {result.start}, and what they are worth",
        caption=(
            f"Fewer {words} than each comparator would have meant, added over the years from "
            f"{result.start}, and (in brackets) their worth at the central unit costs below: an AP "
            "place for the years an excluded pupil spends there"
            + (", plus IPPR's lifetime cost" if include_lifetime else "")
            + ". The table gives the low and high values too. A model, not a fact."
        ),
        source=SOURCE + "; unit costs as listed below",
        key="impact-avoided",
    )
    st.markdown("**Unit costs** (the same as on the [Value for money](value-for-money) page):")
    shown = [
        a
        for a in ASSUMPTIONS
        if a.id != "special_school_place_per_year" and (include_lifetime or a.id != "lifetime_cost_per_exclusion")
    ]
    st.markdown(
        "\n".join(
            f"- {a.label}: {_cost(a.value, a.unit)} (low {_cost(a.low, a.unit)}, high "
            f"{_cost(a.high, a.unit)}). Source: {a.source}; {a.source_date}."
            for a in shown
        )
    )


def _cost(value: float, unit: str) -> str:
    if unit.startswith("£"):
        return f"{theme.format_value(value, 'gbp', 0)}{unit.removeprefix('£')}"
    return f"{value:g} {unit}"


def _by_start(result: impact.Impact) -> None:
    fig, table = policy.by_start(result.measure, result.start, result.synthetic_control["donor_pool"])
    if table.empty:
        return
    words, _ = charts.MEASURE_WORDS[result.measure]
    low, high = table["exclusions_avoided"].min(), table["exclusions_avoided"].max()
    chart_panel(
        fig,
        table,
        title=f"How the estimate moves with the start year: {charts.about(low)} to {charts.about(high)}"
        if low >= 0
        else "How the estimate moves with the start year",
        caption=(
            f"Fewer {words} than the synthetic control for each start year the data allows "
            f"(at least {impact.MIN_PRE_YEARS} years before it); {result.start}, the one chosen, in "
            "blue. A later start has fewer years to count and a longer pre-period to fit; "
            "an estimate that changes sign with the start year is fragile."
        ),
        source=SOURCE,
        key="impact-by-start",
    )


def render() -> None:
    """Draw the page."""
    page.header(
        "Policy impact",
        "Since the partnerships began, how many fewer pupils were permanently "
        "excluded than would have been otherwise, and how sure can we be?",
    )
    st.info(REAL_DATA, icon=":material/verified:")
    measure, start, donors = _choices()
    # the pack's Policy impact section answers for permanent exclusions against all LAs from the
    # start in the settings, whatever is chosen above; its cover names the latest year of data
    report_downloads.offer(filters.latest_year(), None, page="policy_impact", key="policy-impact")
    try:
        with st.spinner("Fitting the synthetic control and the placebo LAs..."):
            result = policy.estimate(measure, start, donors)
    except impact.TooLittleData as exc:
        page.no_data(str(exc))
        return
    _verdict(result)
    _charts(result)
    _worth(result)
    _by_start(result)
    with st.expander("How it is worked out, and the shaded periods"):
        st.markdown(METHOD.format(lam=impact.LAMBDA))
        st.markdown(MILESTONES_HOWTO)


if __name__ == "__main__":
    render()
