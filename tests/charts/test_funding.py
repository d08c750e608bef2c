"""Funding and deprivation: the sharing formula's what-if, the fitted line and the builders,
with values worked out by hand; the chart queries on the hand-checkable fixture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard import warehouse
from dashboard.charts import funding as charts
from dashboard.charts import theme


def two() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partnership_name": ["A", "B"],
            "pupils_on_roll": [100, 300],
            "fsm_eligible": [40, 10],
            "core_grant_gbp": [600.0, 400.0],
        }
    )


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        # pupils 100/400 = 0.25 and 300/400 = 0.75; FSM 40/50 = 0.8 and 10/50 = 0.2
        (0.5, [1000 * (0.5 * 0.25 + 0.5 * 0.8), 1000 * (0.5 * 0.75 + 0.5 * 0.2)]),  # 525, 475
        (1.0, [250.0, 750.0]),
        (0.0, [800.0, 200.0]),
    ],
)
def test_formula_shares_by_hand(weight, expected):
    shares = charts.formula_shares(two(), 1000.0, weight)
    np.testing.assert_allclose(shares["what_if_gbp"], expected)
    np.testing.assert_allclose(shares["pupil_share_pct"], [25.0, 75.0])
    np.testing.assert_allclose(shares["fsm_share_pct"], [80.0, 20.0])
    assert shares["what_if_gbp"].sum() == pytest.approx(1000.0)


def test_formula_shares_match_the_metric_on_the_fixture(metrics_db):
    # 2023/24: NTH 1,800 pupils / 340 FSM, STH 1,200 / 310, MAT1 520 / 60; pot 620k + 510k + 160k
    con = warehouse.open_read_only(metrics_db)
    try:
        inputs = warehouse.run(con, "funding_formula_inputs", year="2023/24")
        allocated = con.execute(
            "select area_code, pupils_on_roll, fsm_eligible, core_grant_gbp from fct_area_year "
            "where academic_year = '2023/24' and area_type = 'partnership'"
        ).df()
    finally:
        con.close()
    assert dict(zip(inputs["partnership_code"], inputs["pupils_on_roll"], strict=True)) == {
        "NTH": 1800,
        "STH": 1200,
        "MAT1": 520,
    }
    assert dict(zip(inputs["partnership_code"], inputs["fsm_eligible"], strict=True)) == {
        "NTH": 340,
        "STH": 310,
        "MAT1": 60,
    }
    assert len(allocated) == 3
    shares = charts.formula_shares(inputs, 1_290_000.0, 0.5).set_index("partnership_code")
    assert shares.loc["NTH", "what_if_gbp"] == pytest.approx(1_290_000 * (0.5 * 1800 / 3520 + 0.5 * 340 / 710))
    assert shares.loc["MAT1", "what_if_gbp"] == pytest.approx(1_290_000 * (0.5 * 520 / 3520 + 0.5 * 60 / 710))


def test_formula_shares_refuse_bad_settings_and_handle_no_pupils():
    with pytest.raises(ValueError, match="pupil weight"):
        charts.formula_shares(two(), 1000.0, 1.5)
    with pytest.raises(ValueError, match="pot"):
        charts.formula_shares(two(), -1.0, 0.5)
    with pytest.raises(ValueError, match="pot"):
        charts.formula_shares(two(), math.nan, 0.5)
    nobody = two().assign(fsm_eligible=[0, 0])
    # no FSM pupils anywhere: with any weight on FSM the share is unknown, with w = 1 it is pupils alone
    assert charts.formula_shares(nobody, 1000.0, 0.5)["what_if_gbp"].isna().all()
    np.testing.assert_allclose(charts.formula_shares(nobody, 1000.0, 1.0)["what_if_gbp"], [250.0, 750.0])


def test_fitted_line_by_hand():
    assert charts.fitted_line(pd.Series([0, 1, 2]), pd.Series([1, 3, 5])) == pytest.approx((2.0, 1.0))
    # mean x 20, mean y 110; sum dx*dy = 100, sum dx^2 = 200: slope 0.5, intercept 110 - 0.5 * 20 = 100
    assert charts.fitted_line(pd.Series([10, 20, 30]), pd.Series([100, 120, 110])) == pytest.approx((0.5, 100.0))
    assert charts.fitted_line(pd.Series([5, 5]), pd.Series([1, 2])) is None
    assert charts.fitted_line(pd.Series([5.0, np.nan]), pd.Series([1, 2])) is None


def long_metrics() -> pd.DataFrame:
    rows = []
    for code, name, fsm, per_pupil, pupils, core, formula in (
        ("A", "Alpha", 10.0, 90.0, 1000, 50_000.0, 40_000.0),
        ("B", "Beta", 20.0, 100.0, 2000, 60_000.0, 70_000.0),
        ("C", "Gamma", 30.0, 110.0, 500, 10_000.0, 10_000.0),
    ):
        for metric, value in (
            ("fsm_pct", fsm),
            ("funding_per_pupil", per_pupil),
            ("pupils_on_roll", pupils),
            ("core_grant_gbp", core),
            ("formula_allocation_gbp", formula),
        ):
            rows.append(
                {
                    "metric": metric,
                    "academic_year": "2024/25",
                    "area_type": "partnership",
                    "area_code": code,
                    "area_name": name,
                    "value": value,
                    "suppressed": False,
                }
            )
    rows.append(
        {
            "metric": "fsm_pct",
            "academic_year": "2024/25",
            "area_type": "england",
            "area_code": "E92000001",
            "area_name": "England",
            "value": 25.0,
            "suppressed": False,
        }
    )
    return pd.DataFrame(rows)


def test_funding_vs_fsm_draws_each_partnership_and_the_line():
    fig, table = charts.funding_vs_fsm(long_metrics(), "2024/25")
    assert list(table["partnership"]) == ["Alpha", "Beta", "Gamma"]
    assert [t.name for t in fig.data] == ["Alpha", "Beta", "Gamma", "Fitted line"]
    assert fig.data[0].marker.color == "#12436D" and fig.data[3].line.color == theme.GREY_DARK
    # the points lie on y = x + 80, so the line runs from (10, 90) to (30, 110)
    np.testing.assert_allclose(fig.data[3].y, [90.0, 110.0])
    assert charts.fsm_sentence(table) == (
        "Across the partnerships, each extra percentage point of pupils on free school meals goes "
        "with about £1.00 more funding per pupil (fitted line, unweighted)."
    )
    fig, _ = charts.funding_vs_fsm(long_metrics(), "2024/25", highlight="B")
    assert [t.marker.opacity for t in fig.data[:3]] == [0.25, 0.85, 0.25]
    # not by colour alone: the chosen one is ringed and named on the chart
    assert [t.mode for t in fig.data[:3]] == ["markers", "markers+text", "markers"]
    assert list(fig.data[1].text) == ["Beta"] and fig.data[1].marker.line.width == 3
    fig, table = charts.funding_vs_fsm(long_metrics(), "2019/20")
    assert table.empty and "No funding" in fig.layout.annotations[0].text


def test_formula_vs_paid_and_the_largest_gap():
    fig, table = charts.formula_vs_paid(long_metrics(), "2024/25")
    # paid minus formula: Alpha +10,000, Beta -10,000, Gamma 0; the first largest is Alpha
    assert list(table["paid_minus_formula_gbp"]) == [10_000.0, -10_000.0, 0.0]
    assert charts.formula_gap_sentence(table) == (
        "Alpha was paid £10,000 more than the formula gives it, the largest gap."
    )
    np.testing.assert_array_equal(fig.data[0].x, [50_000.0, 60_000.0, 10_000.0])


def test_what_if_table_gives_the_change_against_what_was_paid():
    fig, table = charts.what_if(charts.formula_shares(two(), 1000.0, 0.5))
    # A: 525 - 600 = -75; B: 475 - 400 = +75
    assert list(table["change_gbp"]) == [-75.0, 75.0]
    np.testing.assert_allclose(fig.data[1].x, [525.0, 475.0])


def test_funding_streams_query_and_chart(metrics_db):
    con = warehouse.open_read_only(metrics_db)
    try:
        streams = warehouse.run(con, "funding_by_stream", year="2022/23", partnership=None)
        south = warehouse.run(con, "funding_by_stream", year="2022/23", partnership="STH")
    finally:
        con.close()
    got = {(r.partnership_code, r.stream): r.amount_gbp for r in streams.itertuples()}
    # NTH's two core grant payments add up: 300,000 + 300,000
    assert got == {
        ("NTH", "core_grant"): 600_000,
        ("NTH", "development"): 20_000,
        ("STH", "core_grant"): 500_000,
        ("STH", "adjustment"): -5_000,
        ("MAT1", "core_grant"): 150_000,
    }
    assert set(south["partnership_code"]) == {"STH"}
    fig, table = charts.funding_streams(south)
    assert {t.name for t in fig.data} == {"Core grant (High Needs, by formula)", "Adjustments"}
    assert fig.layout.barmode == "relative"  # a negative adjustment is drawn below zero
