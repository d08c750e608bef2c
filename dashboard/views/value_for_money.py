"""Value for money: what does avoiding an exclusion cost, and what does it save?

A model, not a fact: the partnership's spend on placements set against the permanent
exclusions it avoided (compared with England's rate) and the placements that ended well,
and against what the alternatives cost. Every assumption is shown with its source and can be
changed; the low and high scenarios give the range.
"""

from __future__ import annotations

import streamlit as st

from dashboard.assumptions import ASSUMPTIONS
from dashboard.charts import theme
from dashboard.charts import value_for_money as model
from dashboard.components import data, filters, kpi, page, report_downloads
from dashboard.components.chart_panel import chart_panel, suppressed_note

SOURCE = (
    "partnership exports (placements, exclusions, school census); England permanent exclusion "
    "rate from DfE (Open Government Licence v3.0); unit costs as listed under the assumptions"
)
MODEL_NOTE = (
    "**This page is a model, not a fact.** It estimates what exclusions avoided would "
    "otherwise have cost, using national unit costs and the assumptions below. "
    "Change any of them to see how much the answer depends on them."
)


def _assumption_inputs() -> tuple[dict, dict, dict, list[str]]:
    """Number inputs for every assumption; returns the low, central and high values and any problems."""
    low, central, high, problems = {}, {}, {}, []
    st.header("The assumptions", anchor=False)
    st.caption("National figures, not this authority's own prices: replace them with your own if you have them.")
    for a in ASSUMPTIONS:
        with st.container(border=True):
            st.markdown(f"**{a.label}** ({a.unit})")
            step, shown = (0.25, "%.2f") if a.unit == "years" else (500.0, "%.0f")
            cols = st.columns(3)
            for col, name, store, default in (
                (cols[0], "Low", low, a.low),
                (cols[1], "Central", central, a.value),
                (cols[2], "High", high, a.high),
            ):
                with col:
                    store[a.id] = float(
                        st.number_input(
                            f"{name}: {a.label[0].lower()}{a.label[1:]}",
                            min_value=0.0,
                            value=float(default),
                            step=step,
                            format=shown,
                            key=f"vfm-{a.id}-{name.lower()}",
                            label_visibility="visible",
                        )
                    )
            st.caption(f"Source: {a.source}; {a.source_date}. {a.note}")
            if not low[a.id] <= central[a.id] <= high[a.id]:
                problems.append(
                    f"{a.label}: the low value must not be above the central value, "
                    "nor the central value above the high value."
                )
    return low, central, high, problems


def _figures(f: filters.Filters) -> model.Inputs:
    """The partnership's own figures the model starts from, and which of them are suppressed."""
    frame = kpi.area_metrics(f)
    spend = kpi.headline_for(frame, "placement_cost_gbp", f)
    avoided = kpi.headline_for(frame, "exclusions_avoided_vs_england", f)
    outcomes = data.fetch("value_for_money_outcomes", year=f.year, partnership=f.partnership)
    return model.inputs_from(spend, avoided, outcomes)


def _results(
    f: filters.Filters, where: str, inputs: model.Inputs, low: dict, central: dict, high: dict, include_lifetime: bool
) -> None:
    results = data.chart(model.scenarios, inputs, central, low, high, include_lifetime=include_lifetime)
    st.header(f"The model for {where}, {f.year}", anchor=False)
    st.markdown("\n".join(f"- {fact}" for fact in model.facts(inputs)))
    if inputs.suppressed:
        st.caption(suppressed_note())
    st.markdown(f"**{model.verdict(results, inputs)}**")

    table = data.chart(model.comparison_table, inputs, central, low, high, include_lifetime=include_lifetime)
    fig = data.chart(model.comparison_chart, table)
    per = table.set_index("item")["value"]
    ours = per.get("Our cost per exclusion avoided")
    alt = per.get("AP for the years an excluded pupil spends there")
    title = f"What a result costs against the alternatives, {f.year}"
    if ours is not None and alt is not None and ours == ours:
        title = f"Avoiding an exclusion cost {'less' if ours < alt else 'more'} than the AP it replaces, {f.year}"
    chart_panel(
        fig,
        table,
        title=title,
        caption=(
            "Our cost per exclusion avoided and per successful outcome (blue) against "
            "unit costs of the alternatives (grey); whiskers run from the low to the high "
            "assumption. A model, not a fact."
        ),
        source=SOURCE,
        key="vfm-unit-costs",
    )

    fig = data.chart(model.scenario_chart, results, inputs)
    chart_panel(
        fig,
        results,
        title=f"Exclusion costs avoided under each scenario, {f.year}",
        caption=(
            "Exclusions avoided times what one would have cost (AP place times years"
            + (", plus the IPPR lifetime cost" if include_lifetime else "")
            + "), low, central and high; the dashed line is what was spent. A model, not a fact."
        ),
        source=SOURCE,
        key="vfm-scenarios",
    )


def render() -> None:
    """Draw the page."""
    page.header("Value for money", "What does avoiding an exclusion cost, and what does it save?")
    st.info(MODEL_NOTE, icon=":material/calculate:")
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page="value_for_money", key="value_for_money")
    if f.year is None:
        page.no_data("There is no partnership data in the warehouse yet: import an export first.")
        return
    inputs = _figures(f)
    where = theme.in_sentence(f.partnership_name)
    if model.nothing_to_model(inputs):
        page.no_data(f"There are no placement or exclusion figures for {where} in {f.year}.")
        return
    include_lifetime = st.toggle(
        "Count the IPPR lifetime cost of an exclusion (a contested upper bound)",
        value=False,
        key="vfm-lifetime",
        help="IPPR (2017) put the lifetime cost to the state of one permanent exclusion at £370,000.",
    )
    # the results go above the assumptions that drive them
    results_area = st.container()
    low, central, high, problems = _assumption_inputs()
    with results_area:
        if problems:
            for problem in problems:
                st.error(problem, icon=":material/error:")
            return
        _results(f, where, inputs, low, central, high, include_lifetime)


if __name__ == "__main__":
    render()
