"""`data.fetch`, `data.metrics` and `data.chart` recall what Streamlit's cache gave them for the
warehouse version in use (`data._Recent`), found by a plain dict lookup: never across viewers,
versions or argument types, and gone when Streamlit's caches are cleared."""

from __future__ import annotations

import os
import time

import streamlit as st
from app_driver import open_page, specs

from dashboard.components import data


def test_a_viewer_switched_in_a_live_session_gets_their_own_figures(synthetic_copy, monkeypatch):
    """The demo's "view as" switches the viewer without clearing anything: the governor must get
    the governor's figures (c for small counts), not the commissioner's recalled ones."""
    at = open_page(synthetic_copy, monkeypatch, "exclusions")
    commissioner = specs(at)
    at.session_state["view_as_role"] = "governor"
    at.run()
    switched = specs(at)
    governor = specs(open_page(synthetic_copy, monkeypatch, "exclusions", role="governor"))
    assert switched == governor
    assert switched != commissioner


def test_a_new_version_of_the_warehouse_is_read_afresh(synthetic_copy, monkeypatch):
    at = open_page(synthetic_copy, monkeypatch, "overview")
    before = data._recent._version
    assert before is not None and data._recent._held  # the run's reads were kept
    later = time.time() + 5
    os.utime(synthetic_copy, (later, later))  # what an import's swap changes: the version
    at.run()
    assert data._recent._version not in (None, before)


def test_clearing_streamlits_caches_clears_what_was_recalled(synthetic_copy, monkeypatch):
    open_page(synthetic_copy, monkeypatch, "overview")
    assert data._recent._held
    st.cache_resource.clear()  # releases the connections (`_Connections.close_all`)
    assert data._recent._held == {} and data._recent._version is None


def test_keys_tell_types_apart_and_refuse_what_cannot_be_a_key():
    assert data._key("chart", (1,)) != data._key("chart", (True,)) != data._key("chart", (1.0,))
    assert data._key("chart", ("2024/25", None)) == data._key("chart", ("2024/25", None))
    assert data._key("chart", ([1, 2],)) is None


def test_at_most_entries_are_kept_the_oldest_going_first():
    recent = data._Recent()
    for i in range(data._Recent.ENTRIES + 3):
        recent.put("v1", (i,), i)
    assert len(recent._held) == data._Recent.ENTRIES
    assert recent.get("v1", (0,)) is None and recent.get("v1", (data._Recent.ENTRIES + 2,)) == data._Recent.ENTRIES + 2
    assert recent.get("v2", (5,)) is None  # another version: nothing recalled
    recent.put("v2", (5,), "new")
    assert recent._held == {(5,): "new"}


def test_viewers_given_the_same_impact_panel_share_one_estimate(synthetic_copy, monkeypatch):
    """The policy-impact estimates and their figures are keyed on the panel's contents, not on the
    viewer: a chair and a head, whose panel is DfE's published data as the commissioner's is, get
    the estimate and the figures already worked out; a panel that differs in one figure gets its own."""
    from dashboard import access, impact, warehouse
    from dashboard.access import Viewer
    from dashboard.charts import policy_impact as impact_charts
    from dashboard.components import policy
    from dashboard.settings import Settings

    estimates, by_starts, gap_charts = [], [], []
    estimate, by_start, gap_chart = impact.estimate, impact.by_start, impact_charts.gap_chart
    monkeypatch.setattr(impact, "estimate", lambda *a, **k: estimates.append(a[3]) or estimate(*a, **k))
    monkeypatch.setattr(impact, "by_start", lambda *a, **k: by_starts.append(a[1]) or by_start(*a, **k))
    monkeypatch.setattr(impact_charts, "gap_chart", lambda *a: gap_charts.append(a) or gap_chart(*a))
    at = open_page(synthetic_copy, monkeypatch, "policy_impact")
    assert "Policy impact" in at.title[0].value and not at.exception
    worked_out = (len(estimates), len(by_starts), len(gap_charts))
    assert worked_out[0] >= 1 and worked_out[1:] == (1, 1)
    commissioner = specs(at)
    for role in ("chair", "head"):
        at.session_state["view_as_role"] = role
        at.run()
        assert not at.exception and specs(at) == commissioner
    assert (len(estimates), len(by_starts), len(gap_charts)) == worked_out

    # the same contents in another frame: the same estimate; one figure changed: its own
    s = Settings.from_env(synthetic_copy)
    con = warehouse.open_read_only(synthetic_copy)
    try:
        panel = access.fetch(
            con,
            Viewer(name="t", role="head", scope="900001"),
            s,
            "impact_panel",
            la_code=s.la_code,
            measure="pex_rate",
            sn_model=s.sn_model,
        )
    finally:
        con.close()
    args = (s.la_code, "pex_rate", s.policy_start, "all", False)
    first = policy.shared_estimate(panel, *args)
    assert policy.shared_estimate(panel.copy(), *args) is first
    changed = panel.copy()
    changed.loc[changed["area_code"] == s.la_code, "value"] += 0.01
    assert policy.shared_estimate(changed, *args) is not first
    drawn = (s.la_code, "pex_rate", s.policy_start, "all", policy.milestones_version())
    figures = policy.shared_figures(panel, *drawn)
    assert policy.shared_figures(panel.copy(), *drawn) is figures
    assert policy.shared_figures(changed, *drawn) is not figures


def test_the_server_works_out_the_first_estimates_before_anyone_asks(synthetic_copy, monkeypatch):
    """`seip serve` fits what the Overview's headline and the Policy impact page show first, and
    builds the page's figures, before it says it is healthy: the first visitor of either page
    fits and builds nothing."""
    from dashboard import impact
    from dashboard.charts import policy_impact as impact_charts
    from dashboard.components import launch

    st.cache_resource.clear()  # nothing worked out yet, by this test or one before it
    monkeypatch.setenv("SEIP_DB", str(synthetic_copy))
    fits, by_starts, built = [], [], []
    estimate, by_start = impact.estimate, impact.by_start
    monkeypatch.setattr(impact, "estimate", lambda *a, **k: fits.append(k["placebos"]) or estimate(*a, **k))
    monkeypatch.setattr(impact, "by_start", lambda *a, **k: by_starts.append(a[2]) or by_start(*a, **k))
    for name in ("rates_chart", "gap_chart", "weights_chart", "avoided_chart", "by_start_chart"):
        chart = getattr(impact_charts, name)
        monkeypatch.setattr(impact_charts, name, lambda *a, _c=chart, _n=name, **k: built.append(_n) or _c(*a, **k))
    launch._estimate_ahead()
    ahead = (list(fits), list(by_starts), sorted(built))  # copies: the lists go on filling
    assert ahead == (
        [False, True],
        ["pex_rate"],
        ["avoided_chart", "by_start_chart", "gap_chart", "rates_chart", "weights_chart"],
    )
    for name in ("overview", "policy_impact"):
        at = open_page(synthetic_copy, monkeypatch, name, keep_caches=True)
        assert not at.exception
    assert len(at.get("plotly_chart")) == 5
    assert (fits, by_starts, sorted(built)) == ahead  # the pages fitted and built nothing more
