"""Benchmarks builders on hand-made frames: authority against comparators, rank, quartile."""

import numpy as np
import pandas as pd

from dashboard.charts import benchmarks, theme

COLUMNS = ["metric", "academic_year", "area_type", "area_code", "area_name", "value", "suppressed"]
METRICS = pd.DataFrame([
    ("pex_rate", "2022/23", "local_authority", "E10000018", "Leicestershire", 0.10, False),
    ("pex_rate", "2023/24", "local_authority", "E10000018", "Leicestershire", 0.13, False),
    ("pex_rate", "2022/23", "england", "E92000001", "England", 0.22, False),
    ("pex_rate", "2023/24", "england", "E92000001", "England", 0.16, False),
    ("pex_rate", "2006/07", "england", "E92000001", "England", 0.12, False),
    ("pex_rate", "2023/24", "sn_median", "SN_MEDIAN", "SN", 0.25, False),
    ("pex_rate", "2023/24", "partnership", "NTH", "North", 0.50, False),
], columns=COLUMNS)


def test_authority_in_colour_comparators_grey_over_the_authoritys_years():
    fig, table = benchmarks.authority_vs_comparators(METRICS, "pex_rate", la_label="Leicestershire",
                                                     label="Rate", unit="rate_per_100")
    assert [t.name for t in fig.data] == ["Leicestershire", "England",
                                          "Statistical neighbours (median)"]
    assert fig.data[0].line.color == theme.PALETTE[0]
    assert fig.data[1].line.color == theme.GREY_DARK
    # England's 2006/07 is outside the authority's years; partnerships are not benchmarks
    assert list(fig.data[1].x) == ["2022/23", "2023/24"]
    assert len(table) == 2 + 2 + 1


def test_authority_without_data_says_so():
    fig, table = benchmarks.authority_vs_comparators(METRICS, "fsm_pct", la_label="Leicestershire",
                                                     label="FSM share")
    assert table.empty and fig.layout.annotations[0].text == "No published fsm share for Leicestershire."


NEIGHBOURS = pd.DataFrame([
    ("2023/24", "Focus", True, 0.13, 16.2),
    ("2023/24", "A", False, 0.06, 15.6),
    ("2023/24", "B", False, 0.13, 18.0),
    ("2023/24", "C", False, 0.30, 21.0),
    ("2023/24", "D", False, 0.25, np.nan),
    ("2022/23", "Focus", True, 0.40, 15.0),
    ("2022/23", "A", False, 0.10, 14.0),
    ("2022/23", "B", False, np.nan, 14.0),
    ("2021/22", "A", False, 0.10, 14.0),
], columns=["academic_year", "area_name", "is_focus", "pex_rate", "fsm_pct"])


def test_rank_among_neighbours_lower_is_better():
    ranks = benchmarks.rank_among(NEIGHBOURS, "pex_rate", "lower")
    # 2021/22 has no focus value: left out. 2022/23: Focus 0.40 vs A 0.10 (B missing): 2 of 2,
    # quartile ceil(4*2/2) = 4. 2023/24: 0.06 < 0.13 = 0.13 < 0.25 < 0.30: Focus ties B for 2nd
    # of 5, quartile ceil(4*2/5) = ceil(1.6) = 2.
    assert ranks.to_dict("records") == [
        {"academic_year": "2022/23", "value": 0.40, "rank": 2, "areas": 2, "quartile": 4},
        {"academic_year": "2023/24", "value": 0.13, "rank": 2, "areas": 5, "quartile": 2},
    ]


def test_rank_higher_is_better_reverses():
    ranks = benchmarks.rank_among(NEIGHBOURS, "pex_rate", "higher")
    # 2023/24 descending: 0.30, 0.25, 0.13, 0.13, 0.06: Focus ties for 3rd; ceil(12/5) = 3
    assert ranks.iloc[1][["rank", "quartile"]].tolist() == [3, 3]


def test_rank_chart_puts_rank_one_at_the_top():
    ranks = benchmarks.rank_among(NEIGHBOURS, "pex_rate")
    fig, table = benchmarks.rank_chart(ranks, la_label="Focus", label="Rate")
    assert list(fig.data[0].y) == [2, 2]
    assert list(fig.data[0].text) == ["2 of 2 (quartile 4)", "2 of 5 (quartile 2)"]
    assert [a.text for a in fig.layout.annotations] == ["2 of 5 (quartile 2)"]
    assert tuple(fig.layout.yaxis.range) == (5.5, 0.5)
    empty, _ = benchmarks.rank_chart(ranks.iloc[0:0], la_label="Focus", label="Rate")
    assert "No neighbour comparison" in empty.layout.annotations[0].text


def test_fsm_against_exclusions_focus_in_colour():
    fig, table = benchmarks.fsm_against_exclusions(NEIGHBOURS, "2023/24")
    # D has no FSM share: left out
    assert table["area_name"].tolist() == ["Focus", "A", "B", "C"]
    others, focus = fig.data
    assert list(others.x) == [15.6, 18.0, 21.0] and others.marker.color == theme.GREY_LIGHT
    assert list(focus.y) == [0.13] and focus.marker.color == theme.PALETTE[0]
    empty, _ = benchmarks.fsm_against_exclusions(NEIGHBOURS, "2030/31")
    assert empty.layout.annotations[0].text == "No neighbour has both figures for 2030/31."


def test_correlation_sentence():
    table = pd.DataFrame({"fsm_pct": [10.0, 20.0, 30.0], "pex_rate": [0.1, 0.2, 0.3]})
    # a perfect straight line: r = 1
    assert benchmarks.correlation_sentence(table) == (
        "Across these 3 areas, more deprived areas tend to exclude more: a strong link (r = 1.00).")
    flat = table.assign(pex_rate=[0.2, 0.1, 0.2])
    # deviations x: -10, 0, 10; y: 0.0333, -0.0667, 0.0333: covariance 0, r = 0
    assert "hardly related (r = 0.00)" in benchmarks.correlation_sentence(flat)
    assert benchmarks.correlation_sentence(table.iloc[:2]) == ""
