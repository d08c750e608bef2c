"""The policy-impact estimates (dashboard/impact.py) on panels small enough to work out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from impact_panels import YEARS, panel_rows

from dashboard import impact
from dashboard.settings import check_academic_year

# ------------------------------------------------------------------ gaps, DiD, exclusions avoided
#
# LA 001, start 2010/11 (pre 2006/07-2009/10, post 2010/11 and 2011/12):
#   LA       0.20 0.20 0.20 0.20 | 0.10 0.05     pupils 1000 x4 | 2000, not published
#   England  0.25 0.25 0.25 0.25 | 0.25 0.20
#   neighbours 002 = 0.20, 003 = 0.30, 004 = 0.10 every year except 2011/12 (not published)
#     -> SN median 0.20 | 0.20, 0.25 (the median of the two present values)
#   donor 005 (not a neighbour) = 0.40 every year; 004 lacks a year, so it is no donor
GAPS = {
    "001": ([0.20, 0.20, 0.20, 0.20, 0.10, 0.05], [1000, 1000, 1000, 1000, 2000, None], False),
    "002": ([0.20] * 6, [900] * 6, True),
    "003": ([0.30] * 6, [900] * 6, True),
    "004": ([0.10] * 5 + [None], [900] * 6, True),
    "005": ([0.40] * 6, [900] * 6, False),
}
GAPS_ENGLAND = [0.25, 0.25, 0.25, 0.25, 0.25, 0.20]


@pytest.fixture(scope="module")
def gaps_result() -> impact.Impact:
    return impact.estimate(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate", "2010/11")


def test_pre_and_post_years(gaps_result):
    assert gaps_result.pre_years == ["2006/07", "2007/08", "2008/09", "2009/10"]
    assert gaps_result.post_years == ["2010/11", "2011/12"]


def test_gaps_against_england_and_the_neighbours_median(gaps_result):
    s = gaps_result.series.set_index("academic_year")
    assert s["sn_median"].tolist() == pytest.approx([0.20] * 5 + [0.25])
    assert s["gap_england"].tolist() == pytest.approx([-0.05] * 4 + [-0.15, -0.15])
    assert s["gap_sn"].tolist() == pytest.approx([0.0] * 4 + [-0.10, -0.20])


def test_differences_in_differences(gaps_result):
    # england: mean(-0.15, -0.15) - mean(-0.05 x4) = -0.10; SN: mean(-0.10, -0.20) - 0 = -0.15
    assert gaps_result.did["england"] == pytest.approx(-0.10)
    assert gaps_result.did["sn_median"] == pytest.approx(-0.15)


def test_differences_in_differences_over_the_years_present_and_none_without_any():
    # pre: mean(1, 3) = 2 (the second year has no gap); post: 10 (its second year has none)
    assert impact.difference_in_differences(np.array([1.0, np.nan, 3.0]), np.array([10.0, np.nan])) == 8.0
    assert impact.difference_in_differences(np.array([np.nan]), np.array([10.0])) is None
    assert impact.difference_in_differences(np.array([1.0]), np.array([np.nan, np.nan])) is None


def test_exclusions_avoided_leave_out_years_without_headcount(gaps_result):
    avoided = gaps_result.exclusions_avoided
    # only 2010/11 has a headcount: 2000 x (0.25 - 0.10) / 100 = 3; SN 2000 x (0.20 - 0.10) / 100 = 2
    assert avoided["england"] == pytest.approx(3.0)
    assert avoided["sn_median"] == pytest.approx(2.0)
    # the LA's pre-period (0.20 flat) is matched by donor 002 alone, which stays at 0.20
    assert avoided["synthetic"] == pytest.approx(2.0, abs=1e-3)
    assert avoided["years_without_headcount"] == ["2011/12"]


def test_donors_need_every_year_and_the_synthetic_control_fits(gaps_result):
    sc = gaps_result.synthetic_control
    assert sc["donors"] == 3  # 002, 003, 005; 004 misses 2011/12
    assert [w["la_code"] for w in sc["weights"]] == ["002"]
    assert sc["weights"][0]["weight"] == pytest.approx(1.0, abs=1e-3)
    assert sc["pre_rmspe"] == pytest.approx(0.0, abs=1e-4)
    # post gaps -0.10 and -0.15: RMSPE sqrt((0.01 + 0.0225) / 2), mean -0.125
    assert sc["post_rmspe"] == pytest.approx(math.sqrt(0.01625), abs=1e-4)
    assert sc["mean_post_gap"] == pytest.approx(-0.125, abs=1e-4)
    assert sc["lambda"] == impact.LAMBDA


def test_neighbours_only_donor_pool(gaps_result):
    panel = panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6])
    result = impact.estimate(panel, "001", "pex_rate", "2010/11", donor_pool="neighbours")
    assert result.synthetic_control["donor_pool"] == "neighbours"
    assert result.synthetic_control["donors"] == 2  # 002 and 003; 005 is no neighbour, 004 misses a year


# ------------------------------------------------------------------ the weights come back


def test_a_known_convex_combination_of_donors_gives_its_weights_back():
    rng = np.random.default_rng(7)
    donors = rng.uniform(0.05, 0.40, size=(12, 5))
    truth = np.array([0.5, 0.3, 0.0, 0.2, 0.0])
    treated = donors @ truth
    treated[8:] -= 0.05  # the policy lowers the rate from the ninth year
    rows = {f"{100 + j}": (donors[:, j].tolist(), [1000] * 12, False) for j in range(5)}
    rows["001"] = (treated.tolist(), [1000] * 12, False)
    result = impact.estimate(panel_rows(rows, [0.2] * 12, YEARS[:12]), "001", "pex_rate", YEARS[8], placebos=False)
    weights = {w["la_code"]: w["weight"] for w in result.synthetic_control["weights"]}
    assert weights == pytest.approx({"100": 0.5, "101": 0.3, "103": 0.2}, abs=1e-3)
    assert result.synthetic_control["mean_post_gap"] == pytest.approx(-0.05, abs=1e-3)


def test_weights_are_non_negative_and_add_up_to_one():
    rng = np.random.default_rng(3)
    donors = rng.uniform(0.0, 0.3, size=(4, 140))
    w = impact.fit_weights(np.array([0.2, 0.15, 0.18, 0.05]), donors)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------ placebo inference
#
# Five LAs, pre 2007/08-2009/10, post 2010/11-2011/12, every series flat within each period:
#   001 (the LA) 0.50 | 0.10   A 0.10 | 0.10   B 0.20 | 0.50   C 0.30 | 0.30   D 0.40 | 0.40
# 001 lies above every donor: its synthetic control is D alone (pre gap 0.10, post gap -0.30): ratio 3.
# Placebo A (donors B, C, D): B alone (pre gap -0.10, post 0.10 - 0.50 = -0.40): ratio 4.
# Placebo D (donors A, B, C): C alone (pre gap 0.10, post 0.10): ratio 1.
# Placebos B and C lie inside their donors' range: an (all but) exact pre fit and a post gap, so a
# ratio far above 3. Donors at or above 3: A, B, C -> p = (1 + 3) / (1 + 4) = 0.8; rank 1 + 3 = 4.
PLACEBO = {
    "001": ([0.50] * 3 + [0.10] * 2, [1000] * 5, False),
    "101": ([0.10] * 5, [1000] * 5, False),
    "102": ([0.20] * 3 + [0.50] * 2, [1000] * 5, False),
    "103": ([0.30] * 5, [1000] * 5, False),
    "104": ([0.40] * 5, [1000] * 5, False),
}


def test_placebo_ranks_and_p_value_on_five_las():
    result = impact.estimate(panel_rows(PLACEBO, [0.2] * 5, YEARS[1:6]), "001", "pex_rate", "2010/11")
    sc = result.synthetic_control
    assert sc["pre_rmspe"] == pytest.approx(0.10, abs=1e-6)
    assert sc["post_rmspe"] == pytest.approx(0.30, abs=1e-6)
    ratios = result.placebos.drop_duplicates("la_code").set_index("la_code")["ratio"]
    assert ratios["101"] == pytest.approx(4.0, abs=1e-4)
    assert ratios["104"] == pytest.approx(1.0, abs=1e-4)
    assert ratios["102"] > 100 and ratios["103"] > 100
    assert sc["placebo_p_value"] == pytest.approx(0.8)
    assert sc["placebo_rank"] == 4
    # every placebo's gap for every year, for the grey lines behind the LA's
    assert len(result.placebos) == 4 * 5
    assert "001" not in set(result.placebos["la_code"])


def test_placebo_inference_counts_ties_as_at_least_as_large():
    assert impact.placebo_inference(3.0, [3.0, 1.0, 5.0, 3.0]) == (4 / 5, 2)
    assert impact.placebo_inference(9.0, [3.0, 1.0]) == (1 / 3, 1)


# ------------------------------------------------------------------ too little data, said plainly


def test_fewer_than_three_pre_years_is_too_little_data():
    with pytest.raises(impact.TooLittleData, match=r"2 year\(s\) before 2008/09 \(at least 3 are needed\)"):
        impact.estimate(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate", "2008/09")


def test_no_post_year_is_too_little_data():
    with pytest.raises(impact.TooLittleData, match=r"0 from 2015/16 on"):
        impact.estimate(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate", "2015/16")


def test_an_la_without_data_is_too_little_data():
    with pytest.raises(impact.TooLittleData, match="no pex_rate for LA 999"):
        impact.estimate(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "999", "pex_rate", "2010/11")


def test_fewer_than_two_donors_is_too_little_data():
    rows = {k: GAPS[k] for k in ("001", "002", "004")}
    with pytest.raises(impact.TooLittleData, match="Too few comparison authorities.*1 LA"):
        impact.estimate(panel_rows(rows, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate", "2010/11")


@pytest.mark.parametrize("start", ["2010", "2010/12", "10/11", "2010-11"])
def test_a_malformed_start_year_is_refused(start):
    with pytest.raises(ValueError, match="not an academic year such as 2010/11"):
        check_academic_year(start)


# ------------------------------------------------------------------ by start year, and the JSON


def test_one_estimate_per_possible_start():
    table = impact.by_start(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate")
    # at least 3 years before and 1 from the start on: 2009/10, 2010/11, 2011/12
    assert table["start"].tolist() == ["2009/10", "2010/11", "2011/12"]
    # from 2011/12: post 2011/12 only, which has no headcount -> nothing counted
    assert table["exclusions_avoided"].tolist() == pytest.approx([2.0, 2.0, 0.0], abs=1e-3)


@pytest.mark.parametrize("donors", ["all", "neighbours"])
def test_each_start_years_row_is_what_the_estimate_from_that_year_gives(donors):
    panel = panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6])
    table = impact.by_start(panel, "001", "pex_rate", donors)
    assert len(table) == 3
    for row in table.to_dict("records"):
        result = impact.estimate(panel, "001", "pex_rate", row["start"], donors, placebos=False)
        sc = result.synthetic_control
        # the same figures to the last bit, worked out without the estimate's tables
        assert row == {
            "start": row["start"],
            "exclusions_avoided": result.exclusions_avoided["synthetic"],
            "mean_post_gap": sc["mean_post_gap"],
            "did_sn": result.did["sn_median"],
            "pre_rmspe": sc["pre_rmspe"],
        }


def test_by_start_needs_two_donors_too():
    rows = {code: GAPS[code] for code in ("001", "004", "005")}  # 004 misses a year: 005 is the one donor
    with pytest.raises(impact.TooLittleData, match="Too few comparison authorities.*1 LA"):
        impact.by_start(panel_rows(rows, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate")


def test_payload_has_the_contract_shape(gaps_result):
    payload = gaps_result.payload()
    assert list(payload) == [
        "la_code",
        "la_name",
        "measure",
        "start",
        "pre_years",
        "post_years",
        "series",
        "did",
        "synthetic_control",
        "exclusions_avoided",
    ]
    first = payload["series"][0]
    assert list(first) == ["academic_year", "la", "england", "sn_median", "synthetic", "pupils"]
    assert first["pupils"] == 1000 and isinstance(first["pupils"], int)
    assert payload["series"][-1]["pupils"] is None
    assert list(payload["synthetic_control"]) == [
        "donor_pool",
        "donors",
        "lambda",
        "weights",
        "pre_rmspe",
        "post_rmspe",
        "mean_post_gap",
        "placebo_p_value",
        "placebo_rank",
    ]
    assert list(payload["exclusions_avoided"]) == ["synthetic", "sn_median", "england", "years_without_headcount"]
    assert isinstance(pd.Series([w["weight"] for w in payload["synthetic_control"]["weights"]]).iloc[0], float)
