"""The gate (`access.fetch`, `access.metrics`): every query declares its pupil counts, a governor's
rows are controlled as the header says, across the Placements page's tables, on the School view,
and with rates rounded; other roles get the rows as they are; the threshold is the setting."""

from __future__ import annotations

import json
import os
import shutil

import duckdb
import pandas as pd
import pytest

from dashboard import access, disclosure, metrics, warehouse
from dashboard.access import NotPermitted, Viewer
from dashboard.settings import QUERIES_DIR, Settings

GOVERNOR = Viewer("g", "governor", "NTH")
COMMISSIONER = Viewer("c", "commissioner")


def governed(name: str, frame: pd.DataFrame, totals: pd.DataFrame | None = None, threshold: int = 4) -> pd.DataFrame:
    """What the gate does to a governor's rows of `name` (with the controlled total query's rows
    for a breakdown), on frames built by hand."""
    out = disclosure.control_query(frame, warehouse.queries()[name], threshold, metrics.catalogue())
    return out if totals is None else disclosure.control_breakdown(out, totals, name)


# ------------------------------------------------------------- every query declares its counts


def _names_of_pupil_counts() -> set[str]:
    declared = {c for q in warehouse.queries().values() for c in q.pupil_counts}
    return declared | {m for m, d in metrics.catalogue().items() if d.pupil_count}


def undeclared(name: str, sql: str, columns: set[str]) -> list[str]:
    """What a query's header fails to say about the pupil counts among its `columns`."""
    found = []
    if warehouse.header(sql, "pupil counts") is None:
        found.append(f"{name} has no `-- pupil counts:` line")
    declared = set(warehouse._header(sql, "pupil counts") or ())
    if declared and warehouse.header(sql, "counts add up within") is None:
        found.append(f"{name} declares no additive groups (`-- counts add up within:`)")
    missing = (columns & _names_of_pupil_counts()) - declared
    if missing:
        found.append(f"{name} returns pupil counts {sorted(missing)} it does not declare")
    if declared - columns:
        found.append(f"{name} declares counts it does not return: {sorted(declared - columns)}")
    return found


def test_every_query_declares_its_pupil_counts_and_their_groups(demo_db):
    # Every file under queries/ says which pupil counts it returns (or none), and where it returns
    # any, how they add up; each column named as a pupil count anywhere must be declared. Account
    # queries read the users table, which the demo does not hold: their header is checked alone.
    con = warehouse.open_read_only(demo_db)
    problems = []
    try:
        for path in sorted(QUERIES_DIR.glob("*/*.sql")):
            query = warehouse.queries()[path.stem]
            params = {p: "855" if p == "la_code" else 0.5 if p == "pupil_weight" else None for p in query.params}
            columns = (
                set(query.pupil_counts)
                if query.layer == "access"
                else set(warehouse.run(con, path.stem, **params).columns)
            )
            problems += undeclared(path.stem, path.read_text(encoding="utf-8"), columns)
    finally:
        con.close()
    assert not problems


def test_the_enumeration_fails_on_an_undeclared_count():
    sql = "-- params: none\n-- pupil counts: none\nselect 3 as permanent_exclusions\n"
    columns = set(duckdb.connect().execute(sql).df().columns)
    assert undeclared("q", sql, columns) == ["q returns pupil counts ['permanent_exclusions'] it does not declare"]
    assert undeclared("q", "select 1", set()) == ["q has no `-- pupil counts:` line"]
    assert undeclared("q", "-- pupil counts: referrals\n", {"referrals"}) == [
        "q declares no additive groups (`-- counts add up within:`)"
    ]


# ------------------------------------------------------------- a governor's rows


def test_the_placements_tables_are_controlled_together():
    # by provider type: started 10, 2, 7 and ended 8, 6, 3
    by_type = pd.DataFrame(
        {
            "provider_type": ["outreach", "partnership_ap", "registered_ap"],
            "placements_started": [10, 2, 7],
            "placement_cost_gbp": [5_000.0, 12_000.0, 9_000.0],
            "cost_per_placement": [500.0, 6_000.0, 1_285.7142857],
            "cost_per_pupil_week": [50.0, 400.0, 90.0],
            "median_weeks": [10.0, 15.0, 12.0],
            "placements_ended": [8, 6, 3],
            "placements_reintegrated": [6, 0, 6],
            "reintegration_rate": [75.0, 0.0, 200.0],
        }
    )
    b = governed("placements_by_provider_type", by_type)
    outcomes = pd.DataFrame(
        {
            "provider_type": ["outreach", "outreach", "partnership_ap", "registered_ap"],
            "outcome": ["reintegrated", "other", "reintegrated", "reintegrated"],
            "placements_ended": [6, 2, 6, 3],
        }
    )
    o = governed("placements_outcomes", outcomes, b)
    d = governed("placements_durations", outcomes.rename(columns={"outcome": "duration"}), b)
    p = governed(
        "placements_providers",
        pd.DataFrame(
            {
                "provider_name": ["A", "B", "C"],
                "provider_type": ["outreach"] * 3,
                "placements_ended": [3, 5, 9],
                "placements_reintegrated": [0, 0, 0],
            }
        ),
        b,
    )
    h = governed(
        "placements_trend",
        pd.DataFrame(
            {
                "academic_year": ["2023/24"] * 3,
                "provider_type": ["outreach", "partnership_ap", "registered_ap"],
                "placements_started": [2, 6, 8],
                "placement_cost_gbp": [1.0, 2.0, 3.0],
            }
        ),
    )
    # started: only partnership AP's 2 is hidden, so the next smallest (registered AP's 7) goes too;
    # outreach's 10 stays. Ended: registered AP's 3 is hidden, and with it the next smallest (6)
    assert list(b["placements_started_suppressed"]) == [False, True, True]
    assert list(b["placements_ended_suppressed"]) == [False, True, True]
    # their costs and rates go with them; registered AP's 1,285.71... is hidden, outreach's rounded
    assert list(b["cost_per_placement_suppressed"]) == [False, True, True]
    assert list(b["reintegration_rate_suppressed"]) == [False, True, True]
    # outcomes: registered and partnership AP (ended hidden) go whole; outreach has its 2 hidden,
    # so its 6 goes too (outreach's ended total is shown)
    assert list(o["placements_ended_suppressed"]) == [True, True, True, True]
    assert list(d["placements_ended_suppressed"]) == [True, True, True, True]
    # providers: A's 3 is hidden alone in outreach, so B's 5 goes with it; C's 9 stays
    assert list(p["placements_ended_suppressed"]) == [True, True, False]
    # trend 2023/24: outreach's 2 hidden alone, so partnership AP's 6 goes too, with their costs
    assert list(h["placements_started_suppressed"]) == [True, True, False]
    assert list(h["placement_cost_gbp_suppressed"]) == [True, True, False]


def test_a_governors_rates_are_rounded_to_their_display_decimals():
    rows = pd.DataFrame(
        {
            "characteristic": ["Sex", "Sex"],
            "group_name": ["Female", "Male"],
            "referred_pupils": [11, 33],
            "all_referred_pupils": [44, 44],
            "referred_pct": [25.0, 75.0],
            "population_pct": [48.123456, 51.876544],
        }
    )
    rows.loc[0, "referred_pct"] = 100 * 11 / 44 + 0.0123456  # a full-precision float
    out = governed("exclusions_referred_vs_population", rows)
    assert out["referred_pct"].tolist() == [25.0, 75.0]


@pytest.fixture(scope="module")
def con(metrics_db):
    c = warehouse.open_read_only(metrics_db)
    yield c
    c.close()


def test_other_roles_get_the_rows_as_they_are(con, metrics_db):
    settings = Settings(db_path=metrics_db)
    for name in ("placements_by_provider_type", "placements_outcomes", "placements_providers"):
        raw = warehouse.run(con, name, year="2023/24", partnership=None)
        assert access.fetch(con, COMMISSIONER, settings, name, year="2023/24", partnership=None).equals(raw)
    assert access.fetch(con, COMMISSIONER, settings, "placements_trend", partnership=None).equals(
        warehouse.run(con, "placements_trend", partnership=None)
    )


def test_the_gate_controls_a_governors_rows_with_the_threshold_setting(con, metrics_db):
    # fixture 2023/24 placements ended by provider type, every partnership (tests/charts/test_placements.py)
    raw = warehouse.run(con, "placements_by_provider_type", year="2023/24", partnership=None)
    small = raw["placements_ended"].between(1, 4)
    assert small.any()
    out = access.fetch(
        con, GOVERNOR, Settings(db_path=metrics_db), "placements_by_provider_type", year="2023/24", partnership=None
    )
    assert out.loc[small, "placements_ended_suppressed"].all() and out.loc[small, "placements_ended"].isna().all()
    none = access.fetch(
        con,
        GOVERNOR,
        Settings(db_path=metrics_db, suppress_max=0),
        "placements_by_provider_type",
        year="2023/24",
        partnership=None,
    )
    assert not none["placements_ended_suppressed"].any()


def test_a_governors_breakdown_is_for_one_year(con, metrics_db):
    with pytest.raises(NotPermitted, match="one academic year"):
        access.fetch(con, GOVERNOR, Settings(db_path=metrics_db), "placements_outcomes", year=None, partnership=None)


def test_pupil_rows_do_not_come_through_fetch(con, metrics_db):
    with pytest.raises(NotPermitted):
        access.fetch(
            con,
            COMMISSIONER,
            Settings(db_path=metrics_db),
            "referrals",
            scope_partnership=None,
            scope_urn=None,
            partnership=None,
            urn=None,
            academic_year=None,
        )


def test_the_school_view_groups_through_the_gate(con, metrics_db):
    # South College (100003) 2023/24: 2 PEX and 2 referrals, hidden for a governor with the rates
    # built on them; a commissioner sees them
    settings = Settings(db_path=metrics_db)
    seen = access.fetch(con, COMMISSIONER, settings, "school_comparison", urn=100003, year="2023/24", band=3.0)
    school = seen.set_index("group").loc["school"]
    assert (school["permanent_exclusions"], school["referrals"]) == (2, 2)
    governed_view = access.fetch(con, GOVERNOR, settings, "school_comparison", urn=100003, year="2023/24", band=3.0)
    school = governed_view.set_index("group").loc["school"]
    assert school["permanent_exclusions_suppressed"] and pd.isna(school["permanent_exclusions"])
    assert school["pex_rate_suppressed"] and pd.isna(school["pex_rate"])
    # every rate a governor gets is rounded to its display decimals
    for measure, *_, decimals in ((m[0], m[3]) for m in __import__("dashboard.school_groups").school_groups.MEASURES):
        values = governed_view[measure].dropna().astype(float)
        assert (values.round(decimals) == values).all(), measure


def test_the_threshold_is_worded_from_the_setting(monkeypatch):
    assert disclosure.small_counts(4) == "1 to 4"
    assert disclosure.small_counts(1) == "1"
    monkeypatch.setenv("SEIP_SUPPRESS_MAX", "9")
    assert disclosure.suppressed_meaning() == "a count of 1 to 9 pupils, or a figure that would reveal one"
    from dashboard.components.chart_panel import suppressed_note

    assert "1 to 9" in suppressed_note()
    # nowhere else in the product is the default threshold written out
    for path in (QUERIES_DIR.parent / "dashboard").rglob("*.py"):
        assert "1 to 4" not in path.read_text(encoding="utf-8"), path


def test_the_audit_worked_out_ahead_is_kept_and_served_without_working_it_out_again(metrics_db, tmp_path, monkeypatch):
    from dashboard import disclosure_audit

    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    settings = Settings(db_path=db)
    access.work_out_audit(settings)  # what `seip serve` starts as it starts
    con = warehouse.open_read_only(db)
    try:
        years = {r["academic_year"] for r in metrics.compute_rows(con, settings)}
        # each year: its whole pattern, and the metrics' own cells in a small file of their own
        metric_level = sorted(tmp_path.glob("seip.duckdb.disclosure-metrics-*.json"))
        assert len(metric_level) == len(years)
        assert len(list(tmp_path.glob("seip.duckdb.disclosure-*.json"))) == 2 * len(years)
        kept = set().union(*(disclosure_audit.from_json(json.loads(f.read_text())) for f in metric_level))
        assert kept == set(filter(disclosure_audit.metric_cell, access._audited(con, settings, sorted(years))))
        governor = Viewer("g", "governor", "NTH")
        served = access.metrics(con, governor, settings)
        # a fresh server process: nothing in memory, and working the audit out again fails the test
        access._AUDITED.clear()
        monkeypatch.setattr(disclosure_audit, "pattern", lambda *a: pytest.fail("the audit was worked out again"))
        pd.testing.assert_frame_equal(access.metrics(con, governor, settings), served)
        # kept before the metric-level files were: the metrics' cells are read from the whole file
        for f in metric_level:
            f.unlink()
        access._AUDITED.clear()
        pd.testing.assert_frame_equal(access.metrics(con, governor, settings), served)
        assert sorted(tmp_path.glob("seip.duckdb.disclosure-metrics-*.json")) == metric_level
        # a new release whose code decides the cells differently does not read the old files
        monkeypatch.setattr(access, "_deciding_code", lambda: "another release")
        assert not access.audit_kept(settings)
    finally:
        con.close()


def test_a_server_started_again_works_out_only_the_years_not_kept(metrics_db, tmp_path, monkeypatch):
    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    settings = Settings(db_path=db)
    access.work_out_audit(settings)
    kept = sorted(tmp_path.glob("seip.duckdb.disclosure-*.json"))
    worked_out = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # one core: the years in this process
    monkeypatch.setattr(access, "_keep_years", lambda con, settings, years: worked_out.append(years))
    access.work_out_audit(settings)
    assert worked_out == []  # every year kept: nothing started
    # e.g. seip.duckdb.disclosure-metrics-2023-24-<tag>.json
    one = next(f for f in kept if "disclosure-metrics-" in f.name)
    one.unlink()
    access.work_out_audit(settings)
    year = one.name.split("disclosure-metrics-")[1][:7].replace("-", "/")
    assert worked_out == [[year]]


def test_audit_kept_for_an_earlier_warehouse_or_code_goes_when_the_new_is_kept(metrics_db, tmp_path, monkeypatch):
    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    access.work_out_audit(Settings(db_path=db))
    earlier = set(tmp_path.glob("seip.duckdb.disclosure-*.json"))
    assert len(earlier) == 6  # three years, two files each
    replaced = tmp_path / "replaced.duckdb"  # an import writes a new file and moves it in place
    shutil.copyfile(metrics_db, replaced)
    os.replace(replaced, db)
    (tmp_path / "other.duckdb.disclosure-0123456789abcdef.json").write_text("[]")  # not this warehouse's
    access._AUDITED.clear()
    access.work_out_audit(Settings(db_path=db))
    now = set(tmp_path.glob("seip.duckdb.disclosure-*.json"))
    assert len(now) == 6
    assert not now & earlier
    assert (tmp_path / "other.duckdb.disclosure-0123456789abcdef.json").exists()
    assert access.audit_kept(Settings(db_path=db))
    # a new release: each year's files by the old code go as the new ones are kept
    access._AUDITED.clear()
    monkeypatch.setattr(access, "_deciding_code", lambda: "another release")
    con = warehouse.open_read_only(db)
    try:
        access._audited(con, Settings(db_path=db), ["2022/23"])
        access._audited(con, Settings(db_path=db), ["2022/23"], metric_level=True)
    finally:
        con.close()
    after = set(tmp_path.glob("seip.duckdb.disclosure-*.json"))
    assert len(after) == 6
    gone = {f.name.split("-2022-23-")[0] for f in now - after}
    assert gone == {"seip.duckdb.disclosure", "seip.duckdb.disclosure-metrics"}


def test_the_audit_kept_as_earlier_releases_named_it_goes_when_a_year_is_kept(metrics_db, tmp_path):
    """Releases before 2026-12-03 kept the whole audit in one file named without its year; a
    deployment that did not import since still has it, newer than its warehouse."""
    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    whole = tmp_path / "seip.duckdb.disclosure-0123456789abcdef.json"
    whole.write_text("[]")
    other = tmp_path / "other.duckdb.disclosure-0123456789abcdef.json"  # another warehouse's
    other.write_text("[]")
    access.work_out_audit(Settings(db_path=db))
    assert not whole.exists() and other.exists()
    assert len(set(tmp_path.glob("seip.duckdb.disclosure-*.json"))) == 6


def test_a_year_whose_audit_process_fails_is_named(metrics_db, tmp_path, monkeypatch):
    import sys

    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sys, "executable", "/bin/false")  # every year's process fails
    with pytest.raises(RuntimeError, match=r"the disclosure audit of 2022/23, 2023/24, 2024/25 did not finish"):
        access.work_out_audit(Settings(db_path=db))
    assert not list(tmp_path.glob("seip.duckdb.disclosure-*.json"))
