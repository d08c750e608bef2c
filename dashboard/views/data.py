"""Data and definitions: what do these figures mean, where do they come from, and can I trust them?

The metric dictionary, the sources and their licences, the date the data runs to, the import
log and the data-quality warnings; a banner says so whenever the data is synthetic.
"""

from __future__ import annotations

import re

import streamlit as st

from dashboard import warehouse
from dashboard.components import alerts, data, filters, notes, page, report_downloads, signin, upload
from dashboard.disclosure import suppressed_meaning
from dashboard.formula_safety import csv_bytes
from dashboard.settings import REFERENCE_DIR

DICTIONARY_COLUMNS = ("label", "definition", "polarity", "unit", "source", "caveats", "metric", "decimals")
POLARITY_WORDS = {"lower": "lower is better", "higher": "higher is better", "neutral": "neither"}

SOURCES = """
| source | what it gives | licence |
|---|---|---|
| Partnership exports (referrals, placements, exclusions, funding, schools, census) | every partnership, school and pupil figure | held by the partnerships and the local authority; pseudonymised; not published |
| DfE, *Suspensions and permanent exclusions in England* (by geography, national) | England, East Midlands, local authority and neighbour exclusion figures | Open Government Licence v3.0 |
| DfE, Local Authority Interactive Tool (LAIT) | secondary exclusion rates to 2023/24 and secondary FSM % (January census) | Open Government Licence v3.0 |
| DfE, Children's Services Statistical Neighbour Benchmarking Tool | the authority's statistical neighbours (2021 and 2025 models) | Open Government Licence v3.0 |
"""

SYMBOLS = """
| symbol | meaning |
|---|---|
| `c` | suppressed: {suppressed} |
| `–` | no data for this area and year |
| `x` | not available (DfE) |
| `z` | not applicable (DfE) |
| `low` | rounds to 0 but is not 0 (DfE) |
"""


def _pack() -> None:
    st.header("The report pack", anchor=False)
    st.markdown(
        "Every page's charts and tables for a partnership and year, as your role sees them: "
        "a PDF for a board meeting (headline figures, each page's charts with their tables, "
        "definitions and sources) and a workbook with one table per sheet."
    )
    f = filters.year_and_partnership()
    report_downloads.offer(f.year, f.partnership, page=None, key="pack")


def _dictionary() -> None:
    st.header("The metric dictionary", anchor=False)
    cat = data.catalogue()
    shown = cat[[c for c in DICTIONARY_COLUMNS if c in cat.columns]].copy()
    if "polarity" in shown.columns:
        shown["polarity"] = shown["polarity"].map(lambda p: POLARITY_WORDS.get(p, p))
    wide = st.column_config.TextColumn(width="large")
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="metric-dictionary",
        column_config={
            "label": st.column_config.TextColumn(width="medium"),
            "definition": wide,
            "source": wide,
            "caveats": wide,
        },
    )
    st.download_button(
        "Download the metric dictionary (CSV)",
        csv_bytes(shown),
        file_name="metric-dictionary.csv",
        mime="text/csv",
        key="dictionary-csv",
    )
    st.caption(
        "Rates are per 100 pupils, as DfE publishes them: 0.10 means 10 in every 10,000 "
        "pupils. An academic year runs from 1 September to 31 August."
    )


def _sources() -> None:
    st.header("Sources and licences", anchor=False)
    st.markdown(SOURCES)
    readme = REFERENCE_DIR / "README.md"
    if readme.exists():
        with st.expander("Where each DfE file came from (provenance)"):
            # its headings go under this page's h2 sections: # becomes ###, ## becomes ####
            st.markdown(re.sub(r"^(#+) ", r"##\1 ", readme.read_text(encoding="utf-8"), flags=re.MULTILINE))
    st.subheader("Symbols", anchor=False)
    st.markdown(SYMBOLS.format(suppressed=suppressed_meaning()))


def _import_log() -> None:
    st.header("Data as at and the import log", anchor=False)
    st.markdown(
        f"The partnership data runs to **{data.data_as_of()}** (the latest referral, "
        "placement or exclusion date in it)."
    )
    log = data.fetch("data_import_log")
    if log.empty:
        page.no_data("Nothing has been imported into this warehouse yet.")
        return
    st.dataframe(log, hide_index=True, width="stretch", key="import-log")


def _quality() -> None:
    st.header("Data-quality warnings", anchor=False)
    log = data.fetch("data_import_log")
    warned = log[log["warnings"].fillna(0) > 0] if not log.empty else log
    checks = []
    for name, query in sorted(warehouse.queries().items()):
        if query.layer == "tests" and not query.params:
            offending = data.fetch(name)
            checks.append(
                {
                    "check": name.removeprefix("assert_").replace("_", " "),
                    "rows_failing": len(offending),
                    "result": "pass" if offending.empty else "warning",
                }
            )
    if warned.empty and not any(c["result"] == "warning" for c in checks):
        st.success(
            "No data-quality warnings: every import was clean and every data check passes.",
            icon=":material/check_circle:",
        )
    if not warned.empty:
        st.warning(f"{len(warned)} imported file(s) came with warnings (the import went ahead).")
        st.dataframe(
            warned[["imported_at", "file_name", "table_name", "warnings"]],
            hide_index=True,
            width="stretch",
            key="import-warnings",
        )
    if checks:
        st.dataframe(checks, hide_index=True, width="stretch", key="data-checks")


def render() -> None:
    """Draw the page."""
    page.header("Data and definitions", "What do these figures mean, where do they come from, and can I trust them?")
    if data.is_synthetic():
        st.error(
            "**This warehouse holds synthetic data.** The partnerships, schools and pupils "
            "are invented by `seip demo`; only the DfE comparators are real.",
            icon=":material/science:",
        )
    _pack()
    _dictionary()
    _sources()
    _import_log()
    _quality()
    upload.section()
    notes.section()
    alerts.section()
    signin.audit_section(data.viewer())  # commissioners only: sign-ins, pupil-level views, downloads


if __name__ == "__main__":
    render()
