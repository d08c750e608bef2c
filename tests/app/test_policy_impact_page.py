"""Policy impact in AppTest on the demo warehouse (which holds DfE's national files): the default
start from the settings, a start chosen in the URL, another LA, too little data in words, the
unit costs cited, and the Overview's headline labelled as real DfE data."""

from __future__ import annotations

import pytest
from app_driver import open_page, specs, words

from dashboard.assumptions import by_id
from dashboard.charts.policy_impact import about
from dashboard.impact import for_settings
from dashboard.settings import Settings

PAGE = "policy_impact"


def expected(db, monkeypatch, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return for_settings(Settings.from_env(db))


def test_default_view_answers_for_leicestershire_from_2010_11(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="start").value == "2010/11"
    result = expected(demo_db, monkeypatch)
    avoided = result.exclusions_avoided
    assert {m.label: m.value for m in at.metric} == {
        "Against its synthetic control": f"{about(avoided['synthetic'])} fewer",
        "Against its neighbours' median rate": f"{about(avoided['sn_median'])} fewer",
        "Against England's rate": f"{about(avoided['england'])} fewer",
    }
    shown = words(at)
    assert "Real DfE data." in shown
    assert f"Since 2010/11, about {about(avoided['synthetic'])} fewer permanent exclusions in Leicestershire" in shown
    p = result.synthetic_control["placebo_p_value"]
    assert f"(p = {p:.2f})" in shown and "Caveats: only 4 years of published data come before 2010/11" in shown
    # the rates, the placebo gaps, the weights, what it is worth, and the estimate by start year
    assert len(specs(at)) == 5
    gaps = specs(at)[1]["data"]
    assert gaps[0]["name"].startswith("Each other LA") and len(gaps) == 2
    # the unit costs are those of the Value for money page, each cited; IPPR's only when switched on
    assert by_id()["ap_place_per_year"].source in shown
    assert by_id()["lifetime_cost_per_exclusion"].source not in shown
    at.toggle(key="impact-lifetime").set_value(True).run()
    assert by_id()["lifetime_cost_per_exclusion"].source in words(at)


def test_a_start_chosen_in_the_url(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, query={"start": "2012/13"})
    assert not at.exception
    assert at.selectbox(key="start").value == "2012/13"
    shown = words(at)
    assert "Leicestershire below its synthetic control from 2012/13" in shown
    result = expected(demo_db, monkeypatch)
    assert result.start == "2010/11"  # the setting is unchanged; only the page's choice moved
    # the by-start chart marks the chosen start in colour
    by_start = specs(at)[-1]["data"][0]
    chosen = by_start["x"].index("2012/13")
    assert by_start["marker"]["color"][chosen] == "#12436D"


def test_choosing_a_start_on_the_page(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, start="2009/10")
    assert not at.exception
    assert "Since 2009/10, about" in words(at)


def test_another_la(demo_db, monkeypatch):
    monkeypatch.setenv("SEIP_LA_CODE", "886")
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    shown = words(at)
    assert "Kent below its synthetic control" in shown or "Kent above its synthetic control" in shown
    # the shipped milestones are Leicestershire's: Kent's chart has no shaded period
    assert not [s for s in specs(at)[0]["layout"]["shapes"] if s["type"] == "rect"]


def test_too_little_data_is_said_in_words(demo_db, monkeypatch):
    monkeypatch.setenv("SEIP_LA_CODE", "940")  # North Northamptonshire: from 2021/22 only
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    assert any("Too little data" in i.value and "North Northamptonshire" in i.value for i in at.info)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("role", ["commissioner", "governor"])
def test_the_overview_headline_is_real_dfe_data(demo_db, monkeypatch, role):
    at = open_page(demo_db, monkeypatch, "overview", role=role)
    assert not at.exception
    result = expected(demo_db, monkeypatch)
    line = next(i.value for i in at.info if "Real DfE data." in i.value)
    assert f"Since 2010/11, about {about(result.exclusions_avoided['synthetic'])} fewer permanent" in line
