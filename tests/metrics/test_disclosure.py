"""Disclosure control for governors: primary (1-4), 0 and 5 shown, derived figures, secondary suppression."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import access, metrics, warehouse
from dashboard.disclosure import base_counts, control_counts, suppress_rows
from dashboard.settings import Settings

CAT = metrics.catalogue()


def row(metric, value, code="NTH", year="2023/24", area_type="partnership"):
    return {"metric": metric, "academic_year": year, "area_type": area_type, "area_code": code, "value": value}


def shown(rows):
    return {
        (r["metric"], r["academic_year"], r["area_type"], r["area_code"]): (r["value"], r["suppressed"]) for r in rows
    }


def test_counts_1_to_4_suppressed_0_and_5_shown():
    rows = [row("permanent_exclusions", v, year=f"20{20 + v}/{21 + v}") for v in (0, 1, 2, 3, 4, 5)]
    got = shown(suppress_rows(rows, 4, CAT))
    assert [got[("permanent_exclusions", f"20{20 + v}/{21 + v}", "partnership", "NTH")] for v in range(6)] == [
        (0, False),
        (None, True),
        (None, True),
        (None, True),
        (None, True),
        (5, False),
    ]


def test_threshold_is_a_setting():
    rows = [row("referrals", 5), row("referrals", 9, year="2024/25"), row("referrals", 10, year="2025/26")]
    assert [r["suppressed"] for r in suppress_rows(rows, 9, CAT)] == [True, True, False]
    assert [r["suppressed"] for r in suppress_rows(rows, 0, CAT)] == [False, False, False]


def test_derived_figures_that_would_reveal_a_small_count_are_suppressed():
    rows = [
        row("permanent_exclusions", 2),
        row("pex_rate", 0.11),
        row("pupils_on_roll", 1800),
        row("exclusions_avoided_vs_england", 2.56),
        row("cost_per_exclusion_avoided", 4000.0),
        row("placements_started", 3),
        row("placement_cost_gbp", 9000.0),
        row("cost_per_placement", 3000.0),
        row("referred_pupils", 12),
        row("pex_after_referral", 2),
        row("avoidance_rate", 83.3),
        row("placements_ended", 10),
        row("placements_reintegrated", 3),
        row("reintegration_rate", 30.0),
        row("suspensions", 40),
        row("suspension_rate", 2.2),
    ]
    got = shown(suppress_rows(rows, 4, CAT))
    hidden = {k[0] for k, (_, s) in got.items() if s}
    assert hidden == {
        "permanent_exclusions",
        "pex_rate",
        "exclusions_avoided_vs_england",
        "cost_per_exclusion_avoided",
        "placements_started",
        "cost_per_placement",
        "pex_after_referral",
        "avoidance_rate",
        "placements_reintegrated",
        "reintegration_rate",
    }
    assert got[("placement_cost_gbp", "2023/24", "partnership", "NTH")] == (9000.0, False)
    assert got[("suspension_rate", "2023/24", "partnership", "NTH")] == (2.2, False)


def test_cost_per_exclusion_avoided_follows_permanent_exclusions_through_exclusions_avoided():
    assert base_counts("cost_per_exclusion_avoided", CAT) == {"permanent_exclusions"}
    assert base_counts("avoidance_rate", CAT) == {"referred_pupils", "pex_after_referral"}
    assert base_counts("funding_gbp", CAT) == frozenset()


def test_one_small_partnership_alone_takes_the_next_smallest_with_it():
    # STH 2 is suppressed; ALL 16 shown: NTH (5) is the next smallest non-zero, so it goes too.
    # MAT1's 0 is not chosen: STH + MAT1 = 16 - 5 - 9 = 2, and a secondary cell is 0 or >= 5,
    # so MAT1 would be read as 0 and STH as 2
    rows = [
        row("permanent_exclusions", 5, "NTH"),
        row("permanent_exclusions", 2, "STH"),
        row("permanent_exclusions", 0, "MAT1"),
        row("permanent_exclusions", 9, "EST"),
        row("permanent_exclusions", 16, "ALL", area_type="la_total"),
        row("pex_rate", 0.28, "NTH"),
    ]
    got = shown(suppress_rows(rows, 4, CAT))
    y = "2023/24"
    assert got[("permanent_exclusions", y, "partnership", "STH")] == (None, True)
    assert got[("permanent_exclusions", y, "partnership", "NTH")] == (None, True)
    assert got[("pex_rate", y, "partnership", "NTH")] == (None, True)
    assert got[("permanent_exclusions", y, "partnership", "MAT1")] == (0, False)
    assert got[("permanent_exclusions", y, "partnership", "EST")] == (9, False)
    assert got[("permanent_exclusions", y, "la_total", "ALL")] == (16, False)


def test_secondary_tie_broken_by_code():
    rows = [
        row("referrals", 7, "ZED"),
        row("referrals", 7, "ABC"),
        row("referrals", 1, "STH"),
        row("referrals", 15, "ALL", area_type="la_total"),
    ]
    hidden = {r["area_code"] for r in suppress_rows(rows, 4, CAT) if r["suppressed"]}
    assert hidden == {"STH", "ABC"}


def test_secondary_falls_back_to_the_la_total_when_the_others_are_0():
    # referred_pupils: the la_total counts distinct pupils, so here it is 6 while STH is 3
    # and the others 0; 6 is shown by the count rule, yet would give STH away with the zeros
    rows = [
        row("referred_pupils", 3, "STH"),
        row("referred_pupils", 0, "NTH"),
        row("referred_pupils", 6, "ALL", area_type="la_total"),
    ]
    hidden = {r["area_code"] for r in suppress_rows(rows, 4, CAT) if r["suppressed"]}
    assert hidden == {"STH", "ALL"}


def test_no_secondary_when_two_are_suppressed_or_the_total_is():
    two = [
        row("suspensions", 1, "NTH"),
        row("suspensions", 5, "STH"),
        row("suspensions", 1, "MAT1"),
        row("suspensions", 7, "ALL", area_type="la_total"),
    ]
    assert {r["area_code"] for r in suppress_rows(two, 4, CAT) if r["suppressed"]} == {"NTH", "MAT1"}
    total_small = [
        row("suspensions", 1, "NTH"),
        row("suspensions", 0, "STH"),
        row("suspensions", 0, "MAT1"),
        row("suspensions", 1, "ALL", area_type="la_total"),
    ]
    assert {r["area_code"] for r in suppress_rows(total_small, 4, CAT) if r["suppressed"]} == {"NTH", "ALL"}


def test_published_dfe_figures_and_nulls_are_left_alone():
    rows = [
        row("permanent_exclusions", 3, "E10000018", area_type="local_authority"),
        row("pex_rate", 0.01, "E10000018", area_type="local_authority"),
        row("permanent_exclusions", None, "NTH"),
        row("pex_rate", None, "NTH"),
    ]
    out = suppress_rows(rows, 4, CAT)
    assert [(r["value"], r["suppressed"]) for r in out] == [(3, False), (0.01, False), (None, False), (None, False)]


def test_a_governed_frame_gives_nan_and_true():
    rows = [row("referrals", 2.0), row("referrals", 6.0, "STH"), row("pupils_on_roll", 3.0)]
    out = metrics.frame(suppress_rows([dict(r, area_name="", value_symbol=None) for r in rows], 4, CAT))
    assert list(out.columns) == list(metrics.FRAME_COLUMNS)
    assert math.isnan(out["value"].iloc[0]) and out["suppressed"].tolist() == [True, False, False]
    assert out["value"].iloc[1:].tolist() == [6.0, 3.0]
    assert out["value"].dtype == "float64" and out["suppressed"].dtype == bool


# ------------------------------------------------------------- on the fixture warehouse


def _governor(metrics_db, rules_only=True, **kwargs):
    """A governor's metrics: under the dictionary's rules alone, or (`rules_only=False`) as the
    gate serves them, the disclosure audit's cells hidden too."""
    settings = Settings(db_path=metrics_db)
    con = warehouse.open_read_only(metrics_db)
    try:
        if rules_only:
            frame = metrics.frame(access.governed_metric_rows(metrics.compute_rows(con, settings, **kwargs), settings))
        else:
            frame = access.metrics(con, access.Viewer("test", "governor"), settings, **kwargs)
    finally:
        con.close()
    return {
        (r.metric, r.academic_year, r.area_code): (None if math.isnan(r.value) else r.value, r.suppressed)
        for r in frame.itertuples()
    }


def test_governor_view_of_the_fixture(metrics_db):
    got = _governor(metrics_db)
    y = "2023/24"
    # permanent exclusions 2023/24: NTH 5, STH 2, MAT1 0, ALL 7. STH alone is small and ALL is
    # shown, so NTH (next smallest non-zero) is suppressed as well; 0 stays 0
    assert got[("permanent_exclusions", y, "STH")] == (None, True)
    assert got[("permanent_exclusions", y, "NTH")] == (None, True)
    assert got[("permanent_exclusions", y, "MAT1")] == (0, False)
    assert got[("permanent_exclusions", y, "ALL")] == (7, False)
    for derived in ("pex_rate", "exclusions_avoided_vs_england", "cost_per_exclusion_avoided"):
        assert got[(derived, y, "STH")] == (None, True)
        assert got[(derived, y, "NTH")] == (None, True)
    # a governor's rates come rounded to their display decimals: 100 x 7 / 3,520 = 0.1989 -> 0.20
    assert got[("pex_rate", y, "ALL")] == (0.2, False)
    # suspensions 2023/24: NTH 1, STH 5, MAT1 1, ALL 7: two small ones, no secondary needed
    assert got[("suspensions", y, "STH")] == (5, False)
    assert got[("suspensions", y, "NTH")] == (None, True)
    assert got[("suspensions", y, "MAT1")] == (None, True)
    assert got[("suspension_rate", y, "STH")] == (0.42, False)  # 100 x 5 / 1,200 = 0.4167
    # 2022/23 placements started NTH 2, STH 1, MAT1 1, ALL 4: all small; their costs stay, averages go
    for code in ("NTH", "STH", "MAT1", "ALL"):
        assert got[("placements_started", "2022/23", code)] == (None, True)
        assert got[("cost_per_placement", "2022/23", code)] == (None, True)
    assert got[("placement_cost_gbp", "2022/23", "ALL")] == (12200.5, False)
    # 2024/25: ALL permanent exclusions 1 is itself small, so nothing to protect by subtraction
    assert got[("permanent_exclusions", "2024/25", "NTH")] == (None, True)
    assert got[("permanent_exclusions", "2024/25", "ALL")] == (None, True)
    assert got[("permanent_exclusions", "2024/25", "STH")] == (0, False)
    # never suppressed: pupils, funding, DfE figures
    assert got[("pupils_on_roll", y, "MAT1")] == (520, False)
    assert got[("funding_gbp", y, "STH")] == (510000, False)
    assert got[("permanent_exclusions", "2022/23", "E10000018")] == (56, False)


def test_a_partnership_filter_cannot_undo_secondary_suppression(metrics_db):
    # NTH's 5 is hidden only because of STH's 2: asking for NTH alone must not reveal it
    got = _governor(metrics_db, rules_only=False, partnership="NTH", year="2023/24")
    assert got[("permanent_exclusions", "2023/24", "NTH")] == (None, True)
    assert {code for (_, _, code) in got} == {"NTH", "ALL", "E10000018", "E12000004", "E92000001", "SN_MEDIAN"}


@pytest.mark.parametrize("role", ["commissioner", "chair", "head"])
def test_other_roles_see_every_aggregate(metrics_db, role):
    con = warehouse.open_read_only(metrics_db)
    try:
        frame = access.metrics(
            con, access.Viewer("test", role, None if role == "commissioner" else "NTH"), Settings(db_path=metrics_db)
        )
    finally:
        con.close()
    assert not frame["suppressed"].any()
    assert (
        frame.set_index(["metric", "academic_year", "area_code"]).loc[
            ("permanent_exclusions", "2023/24", "STH"), "value"
        ]
        == 2
    )


# ---------------------------------------------------------------- chart queries


def test_control_counts_hides_1_to_4_keeps_0_and_5_and_takes_a_second_within_each_group():
    # Sex adds up to the referred-pupil total shown beside it: F 11 + M 33 + X 3 = 47. Hiding X
    # alone would leave 47 - 11 - 33 = 3, so the next smallest non-zero (F, 11) goes too.
    # Year groups: Y9 0 and Y10 5 are shown as they are; no group has a lone hidden count.
    frame = pd.DataFrame(
        {
            "characteristic": ["Sex", "Sex", "Sex", "Year group", "Year group"],
            "group_name": ["Female", "Male", "Other", "Year 9", "Year 10"],
            "referred_pupils": [11, 33, 3, 0, 5],
        }
    )
    out = control_counts(frame, ("referred_pupils",), 4, ("characteristic",))
    assert out["referred_pupils_suppressed"].tolist() == [True, False, True, False, False]
    assert out["referred_pupils"].tolist()[1] == 33 and out["referred_pupils"].tolist()[3:] == [0, 5]
    assert out["referred_pupils"].isna().tolist() == [True, False, True, False, False]


def test_control_counts_all_rows_together_and_no_secondary():
    frame = pd.DataFrame({"reason": ["a", "b", "c"], "referrals": [2, 9, 7]})
    together = control_counts(frame, ("referrals",), 4, ())
    # 2 hidden alone across all reasons: the smallest other non-zero (7) goes with it
    assert together["referrals_suppressed"].tolist() == [True, False, True]
    alone = control_counts(frame, ("referrals",), 4, None)
    assert alone["referrals_suppressed"].tolist() == [True, False, False]


def test_every_chart_query_a_governor_reads_declares_its_pupil_counts(demo_db):
    # The data layer can only control what a query declares: each declared count must be a column.
    con = warehouse.open_read_only(demo_db)
    declared = {q.name: q for q in warehouse.queries().values() if q.pupil_counts}
    assert {
        "exclusions_referral_journey",
        "exclusions_reasons",
        "exclusions_referred_vs_population",
        "placements_by_provider_type",
        "placements_outcomes",
        "placements_durations",
        "placements_providers",
        "placements_trend",
        "value_for_money_outcomes",
    } <= set(declared)
    for q in declared.values():
        params = {p: None for p in q.params}
        frame = warehouse.run(con, q.name, **params)
        assert set(q.pupil_counts) <= set(frame.columns), q.name
        assert set(q.add_up_within or ()) <= set(frame.columns), q.name


def test_who_is_referred_cannot_be_worked_out_by_subtraction_on_the_demo(demo_db):
    con = warehouse.open_read_only(demo_db)
    q = warehouse.queries()["exclusions_referred_vs_population"]
    for code in warehouse.run(con, "partnership_codes")["partnership_code"]:
        raw = warehouse.run(con, q.name, year="2024/25", partnership=code)
        out = control_counts(raw, q.pupil_counts, 4, q.add_up_within)
        for group in ("Sex", "Year group"):
            part = out[out["characteristic"] == group]
            # never exactly one hidden part in a group whose parts add up to the total shown
            assert part["referred_pupils_suppressed"].sum() != 1, (code, group)
