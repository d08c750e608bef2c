"""Gathering what a governor sees, at a region's scale: each chart query once for all
partnerships and every School view's groups of a year at once give exactly the cells, hidden
flags and relations (in the same order) of one request per partnership and per school, as the
audit gathered them when it was written for one authority."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard import access, disclosure, metrics, school_groups, warehouse
from dashboard.disclosure_audit import (
    BREAKDOWN_COLUMNS,
    LA_TOTAL,
    Publication,
    add_metrics,
    add_query,
    add_school_groups,
    add_schools,
    gather,
)
from dashboard.settings import Settings


def gather_one_at_a_time(con, settings, year: str) -> Publication:
    """The audit's gathering as it was written for one authority: each chart query run and
    controlled once per partnership, each school's groups filtered from the whole summary."""
    pub = Publication(settings.suppress_max)
    add_metrics(
        pub,
        metrics.compute(con, settings, year=year),
        metrics.frame(access.governed_metric_rows(metrics.compute_rows(con, settings, year=year), settings)),
        year,
        metrics.catalogue(),
    )
    areas = [(LA_TOTAL, None)] + [(c, c) for c in metrics.partnership_codes(con)]
    for name in BREAKDOWN_COLUMNS:
        query = warehouse.queries()[name]
        for area, code in areas:
            params = {p: year if p == "year" else code for p in query.params}
            raw = warehouse.run(con, name, **params)
            shown = access.governed_by_rules(con, settings, name, raw, params)
            add_query(pub, name, raw, shown, year, area, query.pupil_counts)
    summary = warehouse.run(con, access.SCHOOL_SUMMARY)
    controlled = access.governed_by_rules(con, settings, access.SCHOOL_SUMMARY, summary, {})
    groups, members = {}, {}
    for urn in summary.loc[summary["academic_year"] == year, "urn"].unique():
        urn = int(urn)
        members[urn] = school_groups.members(summary, urn, year)
        groups[urn] = access.school_groups_by_rules(summary, controlled, urn, year, settings)
    add_schools(pub, summary, controlled, year, school_groups.COUNTS, groups, members)
    return pub


def assert_same(new: Publication, old: Publication) -> None:
    assert new.values == old.values
    assert new.hidden == old.hidden
    assert new.shown_somewhere == old.shown_somewhere
    assert new.relations == old.relations


def years_of(con) -> list[str]:
    return sorted(warehouse.run(con, access.SCHOOL_SUMMARY)["academic_year"].dropna().unique())


@pytest.mark.parametrize("threshold", [4, 10, 0])
def test_gathering_at_once_equals_one_request_at_a_time_on_the_fixture(metrics_db, threshold):
    con = warehouse.open_read_only(metrics_db)
    settings = Settings(db_path=metrics_db, suppress_max=threshold)
    try:
        for year in years_of(con):
            new = gather(con, settings, year)
            assert new.values and new.relations
            assert_same(new, gather_one_at_a_time(con, settings, year))
    finally:
        con.close()


@pytest.mark.slow
def test_gathering_at_once_equals_one_request_at_a_time_on_the_demo(demo_db):
    con = warehouse.open_read_only(demo_db)
    settings = Settings(db_path=demo_db)
    try:
        for year in years_of(con):
            assert_same(gather(con, settings, year), gather_one_at_a_time(con, settings, year))
    finally:
        con.close()


def test_every_chart_query_runs_once_for_all_partnerships(metrics_db):
    con = warehouse.open_read_only(metrics_db)
    try:
        codes = list(metrics.partnership_codes(con))
        assert len(codes) >= 2
        for name in BREAKDOWN_COLUMNS:
            query = warehouse.queries()[name]
            assert warehouse._each_sql(query.sql, "partnership") is not None, name  # one statement
            for year in years_of(con):
                params = {"year": year} if "year" in query.params else {}
                together = warehouse.run_each(con, name, "partnership", codes, **params)
                assert list(together[warehouse.EACH].unique()) == [
                    c for c in codes if c in set(together[warehouse.EACH])
                ]  # one partnership after another
                for code in codes:
                    apart = warehouse.run(con, name, **params, partnership=code)
                    mine = together[together[warehouse.EACH] == code].drop(columns=warehouse.EACH)
                    # an empty frame's text columns may be typed differently; rows, order and values are the same
                    pd.testing.assert_frame_equal(
                        mine.reset_index(drop=True), apart, check_dtype=len(apart) > 0, check_index_type=False
                    )
    finally:
        con.close()


def test_a_query_written_otherwise_runs_once_per_value(metrics_db):
    # no `$partnership is null or ...` filter, or a second ORDER BY in `final`: no one statement
    assert warehouse._each_sql("select $partnership as p", "partnership") is None
    two_orders = (
        "with\n\nfinal as (\n\n    select\n        x\n    from t\n"
        "    where ($p is null or code = $p)\n    order by x\n    order by y\n\n)\n\nselect * from final"
    )
    assert warehouse._each_sql(two_orders, "p") is None
    assert warehouse._each_sql(two_orders.replace("    order by y\n", ""), "p") is not None
    con = warehouse.open_read_only(metrics_db)
    try:
        codes = list(metrics.partnership_codes(con))
        # a query without the parameter, or no query at all, is refused
        with pytest.raises(warehouse.QueryError):
            warehouse.run_each(con, "scope_options", "partnership", codes)
        with pytest.raises(warehouse.QueryError):
            warehouse.run_each(con, "no_such_query", "partnership", codes)
        empty = warehouse.run_each(con, "placements_trend", "partnership", [])
        assert empty.empty and warehouse.EACH in empty.columns
        # asked to, a query runs once per value: the same rows (the journey is gathered so)
        for name in BREAKDOWN_COLUMNS:
            params = {"year": "2023/24"} if "year" in warehouse.queries()[name].params else {}
            apart = warehouse.run_each(con, name, "partnership", codes, together=False, **params)
            together = warehouse.run_each(con, name, "partnership", codes, **params)
            pd.testing.assert_frame_equal(apart, together, check_dtype=False)
    finally:
        con.close()


def summary() -> pd.DataFrame:
    # P: U1 U2 U5; Q: U3 U4. FSM 2024/25: U1 20%, U2 10%, U3 22.5%, U4 23%, U5 none on roll (no share).
    # U6 is P's in 2023/24 only. Counts of 1 to 4 sum into small and large group totals.
    rows = [
        (1, "P", "2024/25", 1000, 200, 3, 2, 1, 0, 4),
        (2, "P", "2024/25", 500, 50, 1, 1, 0, 2, 9),
        (3, "Q", "2024/25", 800, 180, 2, 2, 3, 1, 0),
        (4, "Q", "2024/25", 400, 92, 6, 5, 0, 0, 2),
        (5, "P", "2024/25", 0, 0, 0, 0, 1, 0, 1),
        (6, "P", "2023/24", 300, 60, 1, 1, 1, 1, 1),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "urn",
            "partnership_code",
            "academic_year",
            "pupils_on_roll",
            "fsm_eligible",
            "referrals",
            "referred_pupils",
            "placements_started",
            "permanent_exclusions",
            "suspensions",
        ],
    )
    frame["school_name"] = "U" + frame["urn"].astype(str)
    frame["partnership_name"] = "Partnership " + frame["partnership_code"]
    frame["placement_cost_gbp"] = 1000.0 * frame["placements_started"]
    frame["la_code"] = None
    return frame


def school_groups_both_ways(s: pd.DataFrame, year: str, threshold: int) -> Publication:
    """Every School view's groups of `year` added at once, checked against school by school."""
    settings = Settings(db_path=Path("unused.duckdb"), suppress_max=threshold)
    controlled = disclosure.control_query(s, warehouse.queries()[access.SCHOOL_SUMMARY], threshold, metrics.catalogue())
    old, new = Publication(threshold), Publication(threshold)
    urns = [int(u) for u in s.loc[s["academic_year"] == year, "urn"].unique()]
    add_schools(
        old,
        s,
        controlled,
        year,
        school_groups.COUNTS,
        {u: access.school_groups_by_rules(s, controlled, u, year, settings) for u in urns},
        {u: school_groups.members(s, u, year) for u in urns},
    )
    add_school_groups(new, s, controlled, year, school_groups.COUNTS)
    assert_same(new, old)
    return new


@pytest.mark.parametrize("year", ["2024/25", "2023/24", "2022/23"])
@pytest.mark.parametrize("threshold", [4, 2, 0])
def test_school_groups_at_once_equal_school_by_school(year, threshold):
    new = school_groups_both_ways(summary(), year, threshold)
    if year == "2024/25" and threshold == 4:
        # by hand: P's referrals 3 + 1 + 0 = 4 are not shown (1 to 4) but known from the parts; Q's 8 is shown
        assert ("referrals", year, "schools:P", ()) in new.secret()
        assert new.values[("referrals", year, "schools:Q", ())] == 8.0
        assert ("referrals", year, "schools:Q", ()) in new.shown_somewhere
        # U1's similar schools (20%): U3 and U4; U5 has no FSM share, so no similar group
        similar = [r for r in new.relations if r[0] == ("referrals", year, "similar:1", ())]
        assert [p[2] for p in similar[0][1]] == ["school:3", "school:4"]
        assert not [r for r in new.relations if r[0][2] == "similar:5"]


@pytest.mark.parametrize("threshold", [4, 0])
def test_school_groups_at_once_keep_to_each_authority(threshold):
    # P in authority 855, Q in 856: U1 (20%) has no similar school of its own authority; U3 (22.5%)
    # has U4 (23%), and U4 has U3
    s = summary()
    s["la_code"] = s["partnership_code"].map({"P": "855", "Q": "856"})
    new = school_groups_both_ways(s, "2024/25", threshold)
    similar = {r[0][2]: [p[2] for p in r[1]] for r in new.relations if r[0][0] == "referrals" and "similar" in r[0][2]}
    assert similar == {"similar:3": ["school:4"], "similar:4": ["school:3"]}


def hide_second_group_by_group(frame: pd.DataFrame, column: str, by=None) -> pd.DataFrame:
    """`disclosure.hide_second` as it was written, one group at a time."""
    out = frame.copy()
    groups = [out] if by is None else [g for _, g in out.groupby(by, dropna=False, sort=False)]
    extra = pd.Series(False, index=out.index)
    for group in groups:
        hidden = disclosure.flags(group, column)
        if hidden.sum() != 1:
            continue
        candidates = group[~hidden & group[column].fillna(0).gt(0)]
        if not candidates.empty:
            extra[candidates.sort_values(column, kind="stable").index[0]] = True
    if extra.any():
        disclosure.hide_rows(out, column, extra)
    return out


def test_hide_second_at_once_equals_group_by_group():
    import numpy as np

    rng = np.random.default_rng(14)
    for _ in range(300):
        n = int(rng.integers(0, 14))
        frame = pd.DataFrame(
            {
                "area": rng.choice(["A", "B", None], n),
                "kind": rng.choice(["x", "y"], n),
                "count": pd.array(rng.choice([0, 1, 2, 3, 5, 5, 8, None], n), dtype="Float64"),
            },
            index=rng.permutation(100)[:n],
        )
        small = frame["count"].between(1, 3).fillna(False).astype(bool)
        frame["count_suppressed"] = small
        frame["count"] = frame["count"].mask(small)
        for by in (None, "area", ["area", "kind"]):
            pd.testing.assert_frame_equal(
                disclosure.hide_second(frame, "count", by), hide_second_group_by_group(frame, "count", by)
            )


def test_the_audit_decides_the_same_through_highs_and_through_linprog(metrics_db, monkeypatch):
    # HiGHS's own interface (each solve starting from the last basis) and scipy's linprog (each
    # solve from scratch) give the same exposed cells, ranges and secondary suppression
    from dashboard import disclosure_audit

    con = warehouse.open_read_only(metrics_db)
    settings = Settings(db_path=metrics_db)
    exposed = 0
    try:
        for year in years_of(con):
            results = []
            for interface in (True, False):
                monkeypatch.setattr(disclosure_audit, "_HIGHS_INTERFACE", interface)
                pub = gather(con, settings, year)
                found = {f.cell: (round(f.low, 6), round(f.high, 6), f.routes) for f in disclosure_audit.audit(pub)}
                results.append((found, disclosure_audit.protect(pub), disclosure_audit.audit(pub)))
            assert results[0] == results[1]
            assert results[0][2] == []  # protected
            exposed += len(results[0][0])
        assert exposed >= 2  # 2023/24's two suspensions at least (test_audit_warehouse)
    finally:
        con.close()
