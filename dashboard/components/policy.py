"""The policy-impact estimate and its charts for the Policy impact page and the Overview's headline.

A fit with ~140 placebos takes 0.15-0.2 s of CPU on the demo, and hashing a panel or an
estimate as a cache key 3-6 ms on every call of every rerun, so everything here is cached
through `data.chart` on short keys only (the warehouse version and viewer, which `data.chart`
adds, then the LA, the neighbour model and the user's choices):
a rerun with warm caches looks up strings.

Beneath that, the estimates themselves and their charts are shared by every viewer whose impact
panel holds the same figures, keyed on its contents: the panel is DfE's published data, the same for every
commissioner, chair and head (only a governor's passes through disclosure control, and is shared
with the others only where control changed nothing). Each head's or governor's first visit would
otherwise fit the 140 placebos again (about 0.3 s of the server's CPU, on 2 cores) and build the
five figures (about 0.2 s more): a chair's or head's first visit after a commissioner's takes
0.13 s. `seip serve` works out the ones the pages show first before it says it is healthy
(`launch._estimate_ahead`), so that not even the first visitor waits for them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import impact
from dashboard.assumptions import scenario_costs
from dashboard.charts import policy_impact as charts
from dashboard.components import data
from dashboard.settings import REFERENCE_DIR

MILESTONES_FILE = REFERENCE_DIR / "policy_milestones.csv"


def _key() -> tuple[str, int | None]:
    s = data.settings()
    return s.la_code, s.sn_model


def _panel(la_code: str, sn_model: int | None, measure: str) -> pd.DataFrame:
    return data.fetch("impact_panel", la_code=la_code, measure=measure, sn_model=sn_model)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: data.contents})
def shared_estimate(
    panel: pd.DataFrame, la_code: str, measure: str, start: str, donors: str, placebos: bool
) -> impact.Impact:
    return impact.estimate(panel, la_code, measure, start, donors, placebos=placebos)


def _estimate(
    la_code: str, sn_model: int | None, measure: str, start: str, donors: str, placebos: bool
) -> impact.Impact:
    return shared_estimate(_panel(la_code, sn_model, measure), la_code, measure, start, donors, placebos)


def estimate(measure: str, start: str, donors: str, *, placebos: bool = True) -> impact.Impact:
    """The estimate for the LA in the settings (raises impact.TooLittleData with a message to show)."""
    return data.chart(_estimate, *_key(), measure, start, donors, placebos)


def _possible_starts(la_code: str, sn_model: int | None, measure: str) -> list[str]:
    frame = _panel(la_code, sn_model, measure)
    own = frame[(frame["area_type"] == "la") & (frame["area_code"] == la_code) & frame["value"].notna()]
    return sorted(own["academic_year"].unique())[impact.MIN_PRE_YEARS :]


def possible_starts(measure: str) -> list[str]:
    """The start years the data allows: at least 3 published years before, 1 from the start on."""
    return data.chart(_possible_starts, *_key(), measure)


def milestones_version() -> float:
    """When the milestones file last changed (0 without one): part of the figures' keys."""
    return MILESTONES_FILE.stat().st_mtime if MILESTONES_FILE.exists() else 0.0


def _own(built: tuple) -> tuple:
    # (figure, table) with the viewer's own shallow copy of the table: `data.chart` marks the
    # frames it hands out as its own
    fig, table = built
    return fig, table.copy(deep=False)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: data.contents})
def shared_figures(
    panel: pd.DataFrame, la_code: str, measure: str, start: str, donors: str, milestones_version: float
) -> dict[str, tuple | str | None]:
    """The figures of `shared_estimate` (with its placebos), shared as it is: by the panel's contents."""
    result = shared_estimate(panel, la_code, measure, start, donors, True)
    try:
        periods, problem = impact.read_milestones(MILESTONES_FILE, la_code), None
    except impact.MilestoneError as exc:
        periods, problem = None, str(exc)
    return {
        "rates": charts.rates_chart(result, periods),
        "gaps": charts.gap_chart(result),
        "weights": charts.weights_chart(result),
        "milestones_problem": problem,
    }


def _figures(
    la_code: str, sn_model: int | None, measure: str, start: str, donors: str, milestones_version: float
) -> dict[str, tuple | str | None]:
    built = shared_figures(_panel(la_code, sn_model, measure), la_code, measure, start, donors, milestones_version)
    return {name: _own(part) if isinstance(part, tuple) else part for name, part in built.items()}


def figures(measure: str, start: str, donors: str) -> dict[str, tuple | str | None]:
    """(figure, table) for 'rates', 'gaps' and 'weights', and 'milestones_problem' (None, or why
    the milestones file was not used)."""
    return data.chart(_figures, *_key(), measure, start, donors, milestones_version())


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: data.contents})
def shared_worth(
    panel: pd.DataFrame, la_code: str, measure: str, start: str, donors: str, include_lifetime: bool
) -> tuple:
    """`worth` for a panel, shared by its contents."""
    costs = scenario_costs()
    table = charts.avoided_table(
        shared_estimate(panel, la_code, measure, start, donors, True),
        costs["low"],
        costs["central"],
        costs["high"],
        include_lifetime=include_lifetime,
    )
    return charts.avoided_chart(table, measure), table


def _worth(la_code: str, sn_model: int | None, measure: str, start: str, donors: str, include_lifetime: bool) -> tuple:
    return _own(shared_worth(_panel(la_code, sn_model, measure), la_code, measure, start, donors, include_lifetime))


def worth(measure: str, start: str, donors: str, include_lifetime: bool) -> tuple:
    """(figure, table) of the exclusions avoided against each comparator and what they are worth."""
    return data.chart(_worth, *_key(), measure, start, donors, include_lifetime)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: data.contents})
def shared_by_start(panel: pd.DataFrame, la_code: str, measure: str, start: str, donors: str) -> tuple:
    """`by_start` for a panel, shared by its contents: the estimate for every start year is worked
    out once whichever is chosen, the chart once for each chosen."""
    table = _every_start(panel, la_code, measure, donors)
    return charts.by_start_chart(table, start, measure), table


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: data.contents})
def _every_start(panel: pd.DataFrame, la_code: str, measure: str, donors: str) -> pd.DataFrame:
    return impact.by_start(panel, la_code, measure, donors)


def _by_start(la_code: str, sn_model: int | None, measure: str, start: str, donors: str) -> tuple:
    return _own(shared_by_start(_panel(la_code, sn_model, measure), la_code, measure, start, donors))


def by_start(measure: str, start: str, donors: str) -> tuple:
    """(figure, table) of the estimate for every possible start year, the chosen one marked."""
    return data.chart(_by_start, *_key(), measure, start, donors)


def overview_headline() -> None:
    """The Overview's one line from the Policy impact page, labelled as real DfE data (it is, even on
    the synthetic demo); nothing when the data cannot support the estimate."""
    try:
        result = estimate("pex_rate", data.settings().policy_start, "all", placebos=False)
    except impact.TooLittleData:
        return
    st.info(
        f"**Real DfE data.** {charts.headline(result)} See [Policy impact](policy-impact) for how sure we can be.",
        icon=":material/verified:",
    )
