"""School view: a school against its partnership and similar-FSM schools, worked by hand, with
governor disclosure control; the summary query on the hand-checkable fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import disclosure, metrics, school_groups, warehouse
from dashboard.charts import school as charts

YEAR = "2024/25"


def summary() -> pd.DataFrame:
    # U1 and U2 in partnership P; U3 and U4 in Q. FSM: U1 20%, U2 10%, U3 22.5%, U4 23%
    return pd.DataFrame(
        {
            "urn": [1, 2, 3, 4],
            "school_name": ["U1", "U2", "U3", "U4"],
            "partnership_code": ["P", "P", "Q", "Q"],
            "partnership_name": ["Partnership P", "Partnership P", "Partnership Q", "Partnership Q"],
            "la_code": [None] * 4,
            "academic_year": [YEAR] * 4,
            "pupils_on_roll": [1000, 500, 800, 400],
            "fsm_eligible": [200, 50, 180, 92],
            "referrals": [10, 5, 2, 6],
            "referred_pupils": [8, 5, 2, 6],
            "placements_started": [4, 0, 2, 6],
            "placement_cost_gbp": [20_000.0, 0.0, 9_000.0, 30_000.0],
            "permanent_exclusions": [2, 0, 1, 3],
            "suspensions": [50, 10, 40, 30],
        }
    )


def governed(s: pd.DataFrame, urn: int, year: str, threshold: int = 4) -> pd.DataFrame:
    """What the gate gives a governor for the School view: the controlled summary and groups."""
    return disclosure.control_school_groups(
        school_groups.figures(s, urn, year), controlled(s, threshold), urn, year, threshold
    )


def controlled(s: pd.DataFrame, threshold: int = 4) -> pd.DataFrame:
    """The gate's control of school_year_summary for a governor, as its SQL header declares."""
    return disclosure.control_query(s, warehouse.queries()["school_year_summary"], threshold, metrics.catalogue())


def values(table: pd.DataFrame, group: str) -> dict:
    return dict(zip(table["measure"], table[group], strict=True))


def test_similar_schools_are_within_three_points_inclusive():
    # U1 is at 20%: U3 (22.5) and U4 (23.0, on the edge) are similar, U2 (10) is not
    assert list(school_groups.similar_schools(summary(), 1, YEAR)["urn"]) == [3, 4]
    assert list(school_groups.similar_schools(summary(), 1, YEAR, band=2.5)["urn"]) == [3]


def test_similar_schools_are_of_the_schools_own_authority():
    # P in authority 855, Q in 856: U1 (20%) has no similar school left; U3 (22.5%) keeps U4 (23%)
    two = summary().assign(la_code=["855", "855", "856", "856"])
    assert list(school_groups.similar_schools(two, 1, YEAR)["urn"]) == []
    assert list(school_groups.similar_schools(two, 3, YEAR)["urn"]) == [4]
    # a blank la_code is an authority of its own: U3 and U4 blank, U1 and U2 in 855
    mixed = summary().assign(la_code=["855", "855", None, None])
    assert list(school_groups.similar_schools(mixed, 1, YEAR)["urn"]) == []
    assert list(school_groups.similar_schools(mixed, 4, YEAR)["urn"]) == [3]
    groups = school_groups.figures(two, 3, YEAR).set_index("group")
    # U4 alone: 6 referrals over 400 pupils
    assert groups.loc["similar_schools", "schools"] == 1
    assert groups.loc["similar_schools", "referral_rate"] == pytest.approx(1.5)


def test_comparison_by_hand():
    table = charts.comparison(school_groups.figures(summary(), 1, YEAR))
    school, part, similar = (values(table, g) for g in charts.GROUPS)
    # the school: 10 referrals / 1,000 pupils x 100 = 1.0; 2 PEX -> 0.2; 50 suspensions -> 5.0;
    # 20,000 / 1,000 = £20 per pupil; 20,000 / 4 = £5,000 per placement
    assert (school["referral_rate"], school["pex_rate"], school["suspension_rate"]) == pytest.approx((1.0, 0.2, 5.0))
    assert (school["placement_cost_per_pupil"], school["cost_per_placement"]) == pytest.approx((20.0, 5_000.0))
    # the partnership (U1 + U2): 1,500 pupils, 250 FSM (16.67%), 15 referrals (1.0), 2 PEX (0.1333),
    # 60 suspensions (4.0), 20,000 / 1,500 = £13.33 per pupil, 20,000 / 4 placements = £5,000
    assert part["fsm_pct"] == pytest.approx(250 / 1500 * 100)
    assert (part["referral_rate"], part["pex_rate"], part["suspension_rate"]) == pytest.approx((1.0, 2 / 15, 4.0))
    assert part["placement_cost_per_pupil"] == pytest.approx(20_000 / 1500)
    # similar (U3 + U4): 1,200 pupils, 272 FSM, 8 referrals, 4 PEX, 70 suspensions, £39,000 on 8 placements
    assert similar["fsm_pct"] == pytest.approx(272 / 1200 * 100)
    assert (similar["referral_rate"], similar["pex_rate"], similar["suspension_rate"]) == pytest.approx(
        (8 / 12, 4 / 12, 70 / 12)
    )
    assert (similar["placement_cost_per_pupil"], similar["cost_per_placement"]) == pytest.approx((32.5, 4_875.0))
    assert not table[[f"{g}_suppressed" for g in charts.GROUPS]].any().any()
    assert charts.comparison_sentence(table, "U1") == (
        "U1's permanent exclusion rate was 0.20 per 100 pupils, above its partnership's 0.13."
    )


def test_governor_comparison_hides_small_counts_and_what_they_reveal():
    table = charts.comparison(governed(summary(), 1, YEAR)).set_index("measure")
    # the school's 4 placements and 2 PEX are hidden, with the rates and costs built on them
    for measure in (
        "placements_started",
        "permanent_exclusions",
        "pex_rate",
        "placement_cost_per_pupil",
        "cost_per_placement",
    ):
        assert table.loc[measure, "school_suppressed"] and np.isnan(table.loc[measure, "school"])
    assert table.loc["referrals", "school"] == 10 and not table.loc["referrals", "school_suppressed"]
    # the partnership's totals are 4 placements and 2 PEX: hidden too; its 15 referrals are shown
    assert table.loc["pex_rate", "partnership_suppressed"] and table.loc["placements_started", "partnership_suppressed"]
    assert table.loc["referral_rate", "partnership"] == pytest.approx(1.0)
    # similar schools: 8 placements shown, 4 PEX hidden
    assert table.loc["cost_per_placement", "similar_schools"] == pytest.approx(4_875.0)
    assert table.loc["pex_rate", "similar_schools_suppressed"]
    fig, shown = charts.comparison_chart(table.reset_index())
    bars = [t for t in fig.data if t.type == "bar"]
    school_bars = [t.text[0] for t in bars if t.name == "This school"]
    # 5 rate panels: referrals, PEX, suspensions, cost per pupil, cost per placement
    assert school_bars == ["1.00", "c", "5.00", "c", "c"]
    similar_bars = [t.text[0] for t in bars if t.name == "Similar FSM schools"]
    assert similar_bars == [f"{8 / 12:.2f}", "c", f"{70 / 12:.2f}", "£32.50", "£4,875"]
    # where a bar is hidden a c is written on the chart: PEX panel (school, partnership, similar),
    # cost per pupil (school, partnership: 4 placements), cost per placement (school, partnership)
    marks = [list(t.y) for t in fig.data if t.type == "scatter"]
    assert marks == [
        ["This school", "Its partnership", "Similar FSM schools"],
        ["This school", "Its partnership"],
        ["This school", "Its partnership"],
    ]
    assert "This school_suppressed" in shown.columns


def test_control_schools_adds_a_second_school_so_no_subtraction_reveals_one():
    s = pd.DataFrame(
        {
            "urn": [1, 2, 3],
            "partnership_code": ["P"] * 3,
            "academic_year": [YEAR] * 3,
            "referrals": [2, 7, 9],
            "referred_pupils": [0, 7, 9],
            "placements_started": [5, 5, 5],
            "permanent_exclusions": [0, 0, 3],
            "suspensions": [1, 2, 30],
        }
    )
    out = controlled(s, 4)
    # referrals: 2 is hidden, so the next smallest (7) is hidden too; 9 stays
    assert list(out["referrals_suppressed"]) == [True, True, False]
    assert list(out["referred_pupils_suppressed"]) == [False, False, False]  # 0 is shown as 0
    # PEX: only the 3 is non-zero and it is hidden; the zeros reveal nothing more
    assert list(out["permanent_exclusions_suppressed"]) == [False, False, True]
    # suspensions: two hidden already, no second school needed
    assert list(out["suspensions_suppressed"]) == [True, True, False]
    assert out["referrals"].isna().tolist() == [True, True, False]


def test_unknown_school_and_empty_year():
    with pytest.raises(KeyError):
        school_groups.figures(summary(), 999, YEAR)
    table = charts.comparison(school_groups.figures(summary(), 1, "2019/20"))
    assert table[list(charts.GROUPS)].isna().all().all()
    fig, _ = charts.comparison_chart(table)
    assert "No figures" in fig.layout.annotations[0].text


def test_school_year_summary_query(metrics_db):
    con = warehouse.open_read_only(metrics_db)
    try:
        rows = warehouse.run(con, "school_year_summary")
    finally:
        con.close()
    south = rows[(rows["urn"] == 100003) & (rows["academic_year"] == "2023/24")].iloc[0]
    # South College 2023/24: referrals R06, R07 (2 pupils); placements PL04 + PL05 = 9,500;
    # PEX X04, X05; suspensions S05-S09 (5)
    assert (south["pupils_on_roll"], south["referrals"], south["referred_pupils"]) == (1200, 2, 2)
    assert (south["placements_started"], south["placement_cost_gbp"]) == (2, 9_500)
    assert (south["permanent_exclusions"], south["suspensions"]) == (2, 5)
    north = rows[(rows["urn"] == 100001) & (rows["academic_year"] == "2022/23")].iloc[0]
    # North High 2022/23: R01 and R02 are one pupil (PA); PL07 1,200 + PL01 6,000
    assert (north["referrals"], north["referred_pupils"], north["placement_cost_gbp"]) == (2, 1, 7_200)
    assert len(rows) == 12  # 4 schools x 3 census years, and no event outside them


def test_trend_says_in_words_when_every_count_is_hidden():
    # U3's 2 referrals, 2 placements and 1 permanent exclusion are each 1 to 4: nothing to draw
    fig, table = charts.trend(controlled(summary(), 4), 3)
    # in lines of at most 36 characters, as a 320 px phone shows them whole
    assert fig.data == () and fig.layout.annotations[0].text == (
        "Every count here is c in every year:<br>a count of 1 to 4 pupils, or a<br>figure that would reveal one."
    )
    assert list(table["academic_year"]) == [YEAR] and table["referrals_suppressed"].tolist() == [True]


def test_trend_marks_hidden_counts():
    fig, table = charts.trend(controlled(summary(), 4), 1)
    assert list(table["academic_year"]) == [YEAR]
    # U1's 4 placements are hidden: no bar, a c label
    assert np.isnan(fig.data[1].y[0])
    assert (list(fig.data[3].x), list(fig.data[3].text)) == ([YEAR], ["c"])
    assert fig.data[0].y[0] == 10
