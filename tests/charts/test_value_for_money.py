"""The value-for-money model, worked by hand, and its assumptions' integrity."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.assumptions import ASSUMPTIONS, Assumption, by_id
from dashboard.charts import theme
from dashboard.charts import value_for_money as vfm
from dashboard.components.chart_panel import alt_text

# inputs for the hand-worked model tests (the shipped, sourced figures are checked below)
CENTRAL = {
    "ap_place_per_year": 18_000,
    "years_in_ap_after_exclusion": 1.5,
    "special_school_place_per_year": 25_000,
    "lifetime_cost_per_exclusion": 370_000,
}
LOW = {
    "ap_place_per_year": 10_000,
    "years_in_ap_after_exclusion": 1.0,
    "special_school_place_per_year": 19_000,
    "lifetime_cost_per_exclusion": 0,
}
HIGH = {
    "ap_place_per_year": 26_000,
    "years_in_ap_after_exclusion": 2.0,
    "special_school_place_per_year": 60_000,
    "lifetime_cost_per_exclusion": 370_000,
}
INPUTS = vfm.Inputs(placement_cost_gbp=90_000, exclusions_avoided=3, successful_outcomes=6)


def test_model_central_by_hand():
    got = vfm.model(INPUTS, CENTRAL)
    # one exclusion would cost 18,000 x 1.5 = 27,000; 3 avoided = 81,000; spent 90,000
    assert got == {
        "cost_per_exclusion_avoided": 30_000,
        "cost_per_successful_outcome": 15_000,
        "cost_avoided_per_exclusion": 27_000,
        "cost_avoided_gbp": 81_000,
        "net_saving_gbp": -9_000,
    }


def test_model_with_the_lifetime_cost():
    got = vfm.model(INPUTS, CENTRAL, include_lifetime=True)
    # 27,000 + 370,000 = 397,000 each; x 3 = 1,191,000; minus 90,000
    assert got["cost_avoided_per_exclusion"] == 397_000
    assert got["net_saving_gbp"] == 1_101_000


def test_scenarios_and_verdict():
    results = vfm.scenarios(INPUTS, CENTRAL, LOW, HIGH).set_index("scenario")
    # low: 10,000 x 1 x 3 = 30,000 - 90,000 = -60,000; high: 26,000 x 2 x 3 = 156,000 - 90,000 = 66,000
    assert list(results["net_saving_gbp"]) == [-60_000, -9_000, 66_000]
    assert vfm.verdict(results.reset_index(), INPUTS) == (
        "It depends on the assumptions: the central scenario gives a net cost of £9,000, but the "
        "range runs from a net cost of £60,000 to a net saving of £66,000."
    )
    cheap = vfm.Inputs(placement_cost_gbp=10_000, exclusions_avoided=3, successful_outcomes=6)
    assert vfm.verdict(vfm.scenarios(cheap, CENTRAL, LOW, HIGH), cheap).startswith(
        "Under every scenario the exclusion costs avoided exceed the spend: a net saving of £20,000 to £146,000"
    )


def test_no_exclusions_avoided_means_no_cost_per_exclusion_avoided():
    worse = vfm.Inputs(placement_cost_gbp=90_000, exclusions_avoided=-2.5, successful_outcomes=0)
    got = vfm.model(worse, CENTRAL)
    assert got["cost_per_exclusion_avoided"] is None and got["cost_avoided_gbp"] is None
    assert got["cost_per_successful_outcome"] is None and got["net_saving_gbp"] is None
    results = vfm.scenarios(worse, CENTRAL, LOW, HIGH)
    assert vfm.verdict(results, worse) == (
        "The model cannot say: no exclusions were avoided against England's rate (the rate was at or above England's)."
    )
    fig = vfm.scenario_chart(results, worse)
    assert alt_text(fig) == "No chart: " + (
        "No exclusions were avoided against England's rate (the rate was at or above England's), "
        "so there is no saving to model."
    )
    assert vfm.facts(worse)[1] == (
        "Permanent exclusions avoided compared with England's rate: -2.5 (none: the rate was at or above England's)."
    )


HIDDEN = "not shown (c) because they rest on a small number of pupils"


@pytest.mark.parametrize(
    ("inputs", "verdict", "chart", "avoided_fact"),
    [
        (  # a governor's count of exclusions avoided rests on 1 to 4 pupils: the gate nulls it
            vfm.Inputs(9_500, None, 2, frozenset({"exclusions_avoided"})),
            f"The model cannot say: the exclusions avoided against England's rate are {HIDDEN}.",
            f"The exclusions avoided against England's rate are {HIDDEN}, so there is no saving to model.",
            "c.",
        ),
        (  # no England rate to compare with that year
            vfm.Inputs(9_500, None, 2),
            "The model cannot say: the exclusions avoided against England's rate are not known for this year.",
            "The exclusions avoided against England's rate are not known for this year, "
            "so there is no saving to model.",
            "–.",
        ),
        (  # the avoided cost is modelled, the spend hidden: 3 x 27,000 = 81,000 centrally, no net figure
            vfm.Inputs(None, 3, 2, frozenset({"placement_cost_gbp"})),
            "The model cannot say: the spend on placements is not shown (c) because it rests on a small number "
            "of pupils.",
            None,
            "3.0.",
        ),
        (
            vfm.Inputs(None, 3, 2),
            "The model cannot say: the spend on placements is not known.",
            None,
            "3.0.",
        ),
    ],
)
def test_why_the_model_cannot_say(inputs, verdict, chart, avoided_fact):
    results = vfm.scenarios(inputs, CENTRAL, LOW, HIGH)
    assert vfm.verdict(results, inputs) == verdict
    fig = vfm.scenario_chart(results, inputs)
    if chart is None:
        assert list(fig.data[0].y) == [30_000, 81_000, 156_000]
        # low and high outlined in the central scenario's colour, which alone is filled
        assert list(fig.data[0].marker.color) == ["white", theme.PALETTE[1], "white"]
        assert fig.data[0].marker.line.color == theme.PALETTE[1] and fig.data[0].marker.line.width == 2
        assert not fig.layout.shapes  # no spend line to draw
    else:
        assert not fig.data and alt_text(fig) == f"No chart: {chart}"
        # short lines, so a phone shows the whole sentence
        assert max(len(line) for line in fig.layout.annotations[0].text.split("<br>")) <= 36
    assert vfm.facts(inputs)[1] == f"Permanent exclusions avoided compared with England's rate: {avoided_fact}"
    # nothing is worked out from a hidden or unknown figure: no cost per exclusion avoided, no saving
    if inputs.exclusions_avoided is None:
        assert results[["cost_per_exclusion_avoided", "cost_avoided_gbp"]].isna().all().all()
    assert results["net_saving_gbp"].isna().all()


def test_model_refuses_a_negative_unit_cost():
    with pytest.raises(ValueError, match="ap_place_per_year"):
        vfm.model(INPUTS, {**CENTRAL, "ap_place_per_year": -1})


def test_comparison_table_and_chart():
    table = vfm.comparison_table(INPUTS, CENTRAL, LOW, HIGH)
    rows = table.set_index("item")
    assert rows.loc["Our cost per exclusion avoided", "value"] == 30_000
    ap = rows.loc["AP for the years an excluded pupil spends there"]
    # low 10,000 x 1, central 18,000 x 1.5, high 26,000 x 2
    assert (ap["low"], ap["value"], ap["high"]) == (10_000, 27_000, 52_000)
    assert "Lifetime cost of an exclusion (IPPR, contested upper bound)" not in rows.index
    with_lifetime = vfm.comparison_table(INPUTS, CENTRAL, LOW, HIGH, include_lifetime=True)
    assert with_lifetime["kind"].iloc[-1] == "contested"
    fig = vfm.comparison_chart(with_lifetime)
    # ours blue, the alternatives grey, the contested bound light grey and hatched
    assert list(fig.data[0].marker.color) == ["#12436D", "#12436D", theme.GREY_DARK, theme.GREY_DARK, theme.GREY_LIGHT]
    assert list(fig.data[0].error_x.array)[2] == 52_000 - 27_000


def test_every_assumption_is_sourced_dated_and_in_its_range():
    assert {a.id for a in ASSUMPTIONS} == set(CENTRAL)
    for a in ASSUMPTIONS:
        assert a.source and a.source_date and a.unit
        assert a.low <= a.value <= a.high
    # the sourced figures of ../shared/reference/unit-costs.md (central, low, high)
    assert {a.id: (a.value, a.low, a.high) for a in ASSUMPTIONS} == {
        "ap_place_per_year": (23_042, 10_000, 30_785),
        "years_in_ap_after_exclusion": (1.5, 1.0, 2.0),
        "special_school_place_per_year": (26_000, 26_000, 63_000),
        "lifetime_cost_per_exclusion": (370_000, 0, 370_000),
    }
    assert by_id()["lifetime_cost_per_exclusion"].value == 370_000
    assert "contested" in by_id()["lifetime_cost_per_exclusion"].note
    with pytest.raises(ValueError, match="outside its range"):
        Assumption("x", "x", value=5, low=6, high=7, unit="£", source="s", source_date="d")


def test_comparison_chart_with_nothing_to_draw():
    nothing = pd.DataFrame({"item": ["x"], "kind": ["partnership"], "low": [None], "value": [None], "high": [None]})
    assert "No cost per result" in vfm.comparison_chart(nothing.astype({"value": float})).layout.annotations[0].text


@pytest.mark.parametrize(
    ("year", "partnership", "expected"),
    [
        # 2022/23 ended: PL01 and PL06 reintegrated, PL07 other
        ("2022/23", None, (3, 2)),
        # 2023/24 ended (all at South College, STH): PL02 moved to special, PL04 excluded, PL05 reintegrated
        ("2023/24", None, (3, 1)),
        ("2023/24", "STH", (3, 1)),
        # NTH's only 2023/24 placement (PL03) is ongoing
        ("2023/24", "NTH", (0, 0)),
    ],
)
def test_successful_outcomes_query(metrics_db, year, partnership, expected):
    con = warehouse.open_read_only(metrics_db)
    try:
        row = warehouse.run(con, "value_for_money_outcomes", year=year, partnership=partnership).iloc[0]
    finally:
        con.close()
    assert (row["placements_ended"], row["successful_outcomes"]) == expected
