"""Alerts on the Overview (what fires in the chosen year, for figures this viewer may see) and
the Data page's alert rules (a commissioner sets them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import alerts
from dashboard.charts.overview import previous_year
from dashboard.components import data, forms


@st.cache_data(ttl=10, show_spinner=False)
def _rules(db_path: str) -> list[alerts.Rule]:
    # a short life: a rule set in another session shows within seconds; in this one at once (clear())
    from pathlib import Path

    return alerts.rules(Path(db_path))


def show(year: str, partnership: str | None) -> None:
    """The alerts that fire in `year` (for one partnership, or every area), each with its figure and rule."""
    try:
        rule_list = _rules(str(data.settings().db_path))
    except alerts.RuleError as exc:
        st.error(f"The alert rules cannot be read: {exc}", icon=":material/error:")
        return
    if not rule_list:
        return
    # a rule compares the year with the year before, England or the other partnerships that year
    around = pd.concat([data.metrics(year=previous_year(year)), data.metrics(year=year)], ignore_index=True)
    fired = [
        a
        for a in alerts.evaluate(around, rule_list, year)
        if partnership is None or (a.area_type == "partnership" and a.area_code == partnership)
    ]
    if not fired:
        st.success(
            f"No alerts in {year}: no figure crosses a line the commissioners have set.",
            icon=":material/notifications:",
        )
        return
    lines = "\n".join(f"- **{a.area_name}**: {a.shown}. Rule: {a.rule}." for a in fired)
    st.warning(
        f"**{len(fired)} alert{'s' if len(fired) > 1 else ''} in {year}**\n\n{lines}",
        icon=":material/notifications_active:",
    )


def section() -> None:
    """The Data page's alert rules: every rule for everyone; adding and removing for a commissioner."""
    viewer = data.viewer()
    db_path = data.settings().db_path
    st.header("Alert rules", anchor=False)
    st.markdown(
        "An alert shows on the Overview when a figure crosses a line set here (or in the "
        f"settings file named by `{alerts.ALERTS_FILE_SETTING}`); `seip alerts` lists them "
        "for a scheduler to mail. A suppressed figure never raises one."
    )
    try:
        rule_list = _rules(str(db_path))
    except alerts.RuleError as exc:
        st.error(f"The alert rules cannot be read: {exc}", icon=":material/error:")
        return
    catalogue = data.catalogue().set_index("metric")
    if rule_list:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "id": r.id or "",
                        "rule": r.describe(
                            catalogue.loc[r.metric, "label"],
                            catalogue.loc[r.metric, "unit"],
                            int(catalogue.loc[r.metric, "decimals"]),
                        ),
                        "set in": "settings file" if r.source == "file" else "this page",
                    }
                    for r in rule_list
                ]
            ),
            hide_index=True,
            width="stretch",
            key="alert-rules",
        )
    else:
        st.caption("No alert rules yet.")
    if viewer.role != "commissioner":
        return
    with st.form("alert-form", clear_on_submit=True):
        st.subheader("Add a rule", anchor=False)
        metric = st.selectbox(
            "Figure", catalogue.index.tolist(), key="alert-metric", format_func=lambda m: catalogue.loc[m, "label"]
        )
        comparison = st.selectbox(
            "Alert when it is",
            list(alerts.COMPARISONS),
            key="alert-comparison",
            format_func=lambda c: alerts.COMPARISONS[c].format(threshold="X"),
        )
        threshold = st.number_input(
            "X (in the figure's own unit; for 'worse than the year before', 'below' and 'above')",
            value=None,
            key="alert-threshold",
        )
        if st.form_submit_button("Add the rule") and forms.saved(
            "rule",
            lambda: alerts.add_rule(db_path, viewer, metric, comparison, threshold),
            (alerts.RuleError, alerts.NotPermitted),
        ):
            _rules.clear()
            st.success("The rule is saved.", icon=":material/check:")
    stored = [r for r in rule_list if r.id is not None]
    if stored:
        with st.expander("Remove a rule"):
            gone = st.selectbox(
                "Rule",
                stored,
                key="alert-remove",
                format_func=lambda r: (
                    f"{r.id}: {r.metric} {alerts.COMPARISONS[r.comparison].format(threshold=r.threshold or '')}"
                ),
            )
            if st.button("Remove this rule", key="alert-remove-button"):
                alerts.remove_rule(db_path, viewer, gone.id)
                _rules.clear()
                st.rerun()
