"""The dbt-style data tests (queries/tests/assert_*.sql): zero rows on good data, rows on bad data."""

from __future__ import annotations

import shutil

import pytest

from dashboard import warehouse

ASSERTS = sorted(name for name, q in warehouse.queries().items() if q.layer == "tests" and name.startswith("assert_"))


def offending(path, name):
    con = warehouse.open_read_only(path)
    try:
        return warehouse.run_records(con, name)
    finally:
        con.close()


def test_there_are_data_tests():
    assert {
        "assert_census_fsm_not_above_roll",
        "assert_placements_belong_to_partnership",
        "assert_metric_rates_in_range",
        "assert_la_total_adds_up",
        "assert_events_in_a_partnership_year",
        "assert_area_year_unique",
    } <= set(ASSERTS)


@pytest.mark.parametrize("name", ASSERTS)
def test_passes_on_the_metrics_fixture(metrics_db, name):
    assert offending(metrics_db, name) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSERTS)
def test_passes_on_the_demo_warehouse(demo_db, name):
    assert offending(demo_db, name) == []


# Each breakage writes straight into the tables (the importer would refuse it) and names the
# data tests that must then report it.
BREAKAGES = {
    "fsm_above_roll": (
        ["update school_census set fsm_eligible = pupils_on_roll + 1 where urn = 100003 and academic_year = '2023/24'"],
        {"assert_census_fsm_not_above_roll", "assert_metric_rates_in_range"},
    ),
    "placement_of_unknown_referral": (
        [
            "insert into placements (placement_id, referral_id, pupil_ref, provider_name, provider_type, "
            "start_date, cost_gbp, outcome) values ('PL99', 'R99', 'PZ', 'Nowhere', 'outreach', "
            "'2023-10-01', 100, 'ongoing')"
        ],
        {"assert_placements_belong_to_partnership", "assert_events_in_a_partnership_year"},
    ),
    "placement_for_another_pupil": (
        ["update placements set pupil_ref = 'PZ' where placement_id = 'PL01'"],
        {"assert_placements_belong_to_partnership"},
    ),
    "school_outside_every_partnership": (
        [
            "insert into schools values (100009, 'Lost School', 'GONE', null, null)",
            "insert into school_census values ('2023/24', 100009, 300, 30, null, null)",
            "insert into exclusions values ('X99', 'PY', 100009, '2023-10-01', 'permanent', null, null)",
        ],
        {"assert_events_in_a_partnership_year"},
    ),
    "partnership_listed_twice": (
        ["insert into partnerships values ('NTH', 'North Partnership again', 'partnership', null)"],
        {"assert_area_year_unique", "assert_la_total_adds_up"},
    ),
    "excluded_more_than_referred": (
        # more permanent exclusions than pupils (1 pupil on roll, 5 exclusions) -> a rate above 100
        [
            f"update school_census set pupils_on_roll = 1, fsm_eligible = 0 where urn = {urn} "
            "and academic_year = '2023/24'"
            for urn in (100001, 100002)
        ],
        {"assert_metric_rates_in_range"},
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_data_test_catches_what_it_guards(metrics_db, tmp_path, breakage):
    statements, expected = BREAKAGES[breakage]
    path = tmp_path / "broken.duckdb"
    shutil.copyfile(metrics_db, path)
    with warehouse.rewrite(path) as con:
        for sql in statements:
            con.execute(sql)
    failing = {name for name in ASSERTS if offending(path, name)}
    assert failing == expected


def test_every_data_test_is_shown_to_fail_somewhere():
    assert set(ASSERTS) <= set().union(*(names for _, names in BREAKAGES.values()))
