"""Value for money in AppTest on the demo warehouse: labelled a model, every assumption shown
with its source and editable, the numbers follow the inputs, and bad inputs are refused in words."""

from __future__ import annotations

import json

import pytest
from app_driver import empty_synthetic_warehouse, open_page, open_tab, words

from dashboard import warehouse
from dashboard.assumptions import ASSUMPTIONS
from dashboard.metrics import metrics_payload
from dashboard.settings import Settings

PAGE = "value_for_money"


def figure(db, metric, year="2024/25", area="ALL"):
    rows = metrics_payload(Settings.from_env(db), year=year)["rows"]
    return next(r["value"] for r in rows if r["metric"] == metric and r["area_code"] == area)


def results(at):
    tables = open_tab(at, "Table").dataframe
    return next(t.value for t in tables if "net_saving_gbp" in t.value.columns).set_index("scenario")


def test_default_view_is_a_sourced_model(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    shown = words(at)
    assert "a model, not a fact" in shown.lower()
    for a in ASSUMPTIONS:
        assert a.source in shown
        assert at.number_input(key=f"vfm-{a.id}-central").value == a.value
        assert at.number_input(key=f"vfm-{a.id}-low").value == a.low
    spend = figure(demo_db, "placement_cost_gbp")
    avoided = figure(demo_db, "exclusions_avoided_vs_england")
    table = results(at)
    # central: avoided x £23,042 x 1.5 years, less the spend
    assert table.loc["central", "net_saving_gbp"] == pytest.approx(avoided * 34_563 - spend)
    assert table.loc["central", "cost_per_exclusion_avoided"] == pytest.approx(spend / avoided)
    assert table.loc["low", "cost_avoided_gbp"] == pytest.approx(avoided * 10_000 * 1.0)
    assert len(at.get("plotly_chart")) == 2


def test_editing_an_assumption_and_the_lifetime_switch_change_the_answer(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    at.number_input(key="vfm-ap_place_per_year-central").set_value(20_000).run()
    avoided = figure(demo_db, "exclusions_avoided_vs_england")
    assert results(at).loc["central", "cost_avoided_gbp"] == pytest.approx(avoided * 20_000 * 1.5)
    at.toggle(key="vfm-lifetime").set_value(True).run()
    assert results(at).loc["central", "cost_avoided_gbp"] == pytest.approx(avoided * (30_000 + 370_000))
    units = next(t.value for t in open_tab(at, "Table").dataframe if "kind" in t.value.columns)
    assert "contested" in set(units["kind"])


def test_a_low_value_above_the_central_one_is_refused_in_words(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    at.number_input(key="vfm-years_in_ap_after_exclusion-low").set_value(3.0).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Years a permanently excluded pupil spends in AP: the low value must not be above the central "
        "value, nor the central value above the high value."
    ]
    assert not at.get("plotly_chart")


def test_a_partnership_worse_than_england_gets_no_cost_per_exclusion_avoided(demo_db, monkeypatch):
    rows = metrics_payload(Settings.from_env(demo_db))["rows"]
    worse = [
        r
        for r in rows
        if r["metric"] == "exclusions_avoided_vs_england"
        and r["area_type"] == "partnership"
        and r["value"] is not None
        and r["value"] <= 0
    ]
    if not worse:
        pytest.skip("every demo partnership beats England's rate in every year")
    row = worse[0]
    con = warehouse.open_read_only(demo_db)
    try:
        name = con.execute(
            "select partnership_name from stg_seip__partnerships where partnership_code = ?", [row["area_code"]]
        ).fetchone()[0]
    finally:
        con.close()
    at = open_page(demo_db, monkeypatch, PAGE, year=row["academic_year"], partnership=name)
    assert not at.exception
    assert "The model cannot say" in words(at)


def test_governor_view_and_empty_warehouse(demo_db, tmp_path, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, role="governor", partnership="Larkspur Academies Trust")
    assert not at.exception
    # Larkspur's 2024/25 exclusions avoided rest on a few pupils: a governor sees c and is told so
    hidden = "the exclusions avoided against England's rate are not shown (c) because they rest on a small number"
    shown = words(at)
    assert "Permanent exclusions avoided compared with England's rate: c." in shown
    assert f"The model cannot say: {hidden}" in shown
    assert "no exclusions were avoided" not in shown.lower()
    scenarios = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert scenarios["layout"]["annotations"][0]["text"].replace("<br>", " ").startswith("T" + hidden[1:])
    at = open_page(empty_synthetic_warehouse(tmp_path / "empty.duckdb"), monkeypatch, PAGE)
    assert not at.exception and "There is no partnership data in the warehouse yet" in words(at)
