"""The benchmark marts fct_dfe_area_year and dim_statistical_neighbours, on real warehouses.

Expected values are read by hand from the CSVs in data/reference (and the fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from reference_helpers import FIXTURE_2023_24, SHIPPED, read

from dashboard import load, warehouse

GEO = "exclusions_by_geography: exc_nat_region_la_2006-07_to_2022-23.csv"
NAT = "exclusions_national: exclusions_national_england_2006-07_to_2024-25.csv"
LAIT_FILE = "lait_bds_long.parquet"
LAIT_PEX, LAIT_SUSP = f"LAIT SecPermEx: {LAIT_FILE}", f"LAIT SecFixedEx: {LAIT_FILE}"
FIX = f"exclusions_by_geography: {FIXTURE_2023_24.name}"


def build(path, files):
    with warehouse.rewrite(path) as con:
        for f in files:
            load.store_reference(con, read(f))
    return warehouse.open_read_only(path)


@pytest.fixture(scope="module")
def shipped_db(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("ref") / "w.duckdb", SHIPPED)
    yield con
    con.close()


@pytest.fixture(scope="module")
def with_2023_24(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("ref") / "w.duckdb", (*SHIPPED, FIXTURE_2023_24))
    yield con
    con.close()


def fact(con, year, area_code, metric):
    """(value, value_symbol, source) of one mart row, or None when there is none."""
    rows = con.execute(
        """
        select value, value_symbol, source from fct_dfe_area_year
        where academic_year = ? and area_code = ? and metric = ?
    """,
        [year, area_code, metric],
    ).fetchall()
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_marts_are_empty_not_failing_on_an_empty_warehouse(tmp_path):
    with warehouse.rewrite(tmp_path / "w.duckdb"):
        pass
    con = warehouse.open_read_only(tmp_path / "w.duckdb")
    assert con.execute("select count(*) from fct_dfe_area_year").fetchone() == (0,)
    assert con.execute("select count(*) from dim_statistical_neighbours").fetchone() == (0,)
    columns = [c[0] for c in con.execute("describe fct_dfe_area_year").fetchall()]
    assert columns == [
        "academic_year",
        "area_type",
        "area_code",
        "old_la_code",
        "area_name",
        "metric",
        "value",
        "value_symbol",
        "source",
    ]


def test_one_row_per_year_area_and_metric(shipped_db, with_2023_24):
    for con in (shipped_db, with_2023_24):
        total, distinct = con.execute("""
            select count(*), count(distinct (academic_year, area_type, area_code, metric)) from fct_dfe_area_year
        """).fetchone()
        assert total == distinct > 0
    metrics = {m for (m,) in shipped_db.execute("select distinct metric from fct_dfe_area_year").fetchall()}
    assert metrics == {
        "pupils_on_roll",
        "permanent_exclusions",
        "pex_rate",
        "suspensions",
        "suspension_rate",
        "fsm_pct",
    }


def test_leicestershire_2022_23_from_the_geography_file(shipped_db):
    # CSV row: 855, E10000018, state-funded secondary, 46 schools, 44237, 56, 0.12659, 7672, 17.34295
    assert fact(shipped_db, "2022/23", "E10000018", "pupils_on_roll") == (44237, None, GEO)
    assert fact(shipped_db, "2022/23", "E10000018", "permanent_exclusions") == (56, None, GEO)
    assert fact(shipped_db, "2022/23", "E10000018", "pex_rate") == (0.12659, None, GEO)
    assert fact(shipped_db, "2022/23", "E10000018", "suspensions") == (7672, None, GEO)
    assert fact(shipped_db, "2022/23", "E10000018", "suspension_rate") == (17.34295, None, GEO)
    row = shipped_db.execute("""
        select area_type, old_la_code, area_name from fct_dfe_area_year
        where area_code = 'E10000018' and academic_year = '2022/23' and metric = 'pex_rate'
    """).fetchone()
    assert row == ("local_authority", "855", "Leicestershire")


def test_2023_24_rates_are_filled_from_lait_where_no_geography_file_covers_the_year(shipped_db):
    # LAIT SecPermEx / SecFixedEx 2023/24: Leicestershire 0.13274 / 21.24682,
    # East Midlands 0.28250999999999998 / 27.631270000000001 (float noise removed).
    assert fact(shipped_db, "2023/24", "E10000018", "pex_rate") == (0.13274, None, LAIT_PEX)
    assert fact(shipped_db, "2023/24", "E10000018", "suspension_rate") == (21.24682, None, LAIT_SUSP)
    assert fact(shipped_db, "2023/24", "E12000004", "pex_rate") == (0.28251, None, LAIT_PEX)
    assert fact(shipped_db, "2023/24", "E12000004", "suspension_rate") == (27.63127, None, LAIT_SUSP)
    # LAIT gives rates only: no counts for 2023/24.
    assert fact(shipped_db, "2023/24", "E10000018", "pupils_on_roll") is None
    # Years a geography file covers never take LAIT's value, even where LAIT has one.
    assert fact(shipped_db, "2021/22", "E10000018", "pex_rate") == (0.04999, None, GEO)


def test_east_midlands_from_the_geography_file(shipped_db):
    # CSV: Regional, E12000004, 2022/23 state-funded secondary: 315346 pupils, 729 PEX, 0.23117
    assert fact(shipped_db, "2022/23", "E12000004", "pupils_on_roll") == (315346, None, GEO)
    assert fact(shipped_db, "2022/23", "E12000004", "pex_rate") == (0.23117, None, GEO)


def test_england_uses_geography_then_the_national_file(shipped_db):
    assert fact(shipped_db, "2022/23", "E92000001", "permanent_exclusions") == (8054, None, GEO)
    assert fact(shipped_db, "2022/23", "E92000001", "pex_rate") == (0.22186, None, GEO)
    # 2008/09: the geography file (5703) wins over the characteristic file (5553).
    assert fact(shipped_db, "2008/09", "E92000001", "permanent_exclusions") == (5703, None, GEO)
    # 2023/24 and 2024/25 only the national file has: 9298 / 3669933, 8291 / 3671427.
    assert fact(shipped_db, "2023/24", "E92000001", "permanent_exclusions") == (9298, None, NAT)
    assert fact(shipped_db, "2023/24", "E92000001", "pex_rate") == (0.25336, None, NAT)
    assert fact(shipped_db, "2024/25", "E92000001", "pupils_on_roll") == (3671427, None, NAT)
    assert fact(shipped_db, "2024/25", "E92000001", "pex_rate") == (0.22582, None, NAT)


def test_fsm_pct_from_lait_with_census_year_2025_as_2024_25(shipped_db):
    source = f"LAIT SecFSM: {LAIT_FILE}"
    assert fact(shipped_db, "2024/25", "E10000018", "fsm_pct") == (17.2, None, source)
    assert fact(shipped_db, "2024/25", "E12000004", "fsm_pct") == (25.0, None, source)
    assert fact(shipped_db, "2024/25", "E92000001", "fsm_pct") == (25.8, None, source)
    assert fact(shipped_db, "2020/21", "E12000004", "fsm_pct") == (17.4, None, source)  # census 2021
    assert fact(shipped_db, "2015/16", "E10000018", "fsm_pct") == (7.2, None, source)  # census 2016


def test_symbols_reach_the_mart_as_null_with_reason(shipped_db):
    # Central Bedfordshire 2008/09: rate `z`; headcount is a real 0.
    assert fact(shipped_db, "2008/09", "E06000056", "pex_rate") == (None, "z", GEO)
    assert fact(shipped_db, "2008/09", "E06000056", "pupils_on_roll") == (0, None, GEO)
    # Northamptonshire (928, abolished 2021): LAIT `-` for 2022/23, no geography row.
    assert fact(shipped_db, "2022/23", "E10000021", "pex_rate") == (None, "-", LAIT_PEX)


def test_somerset_is_one_area_under_its_current_code(shipped_db, with_2023_24):
    for con in (shipped_db, with_2023_24):
        codes = con.execute("""
            select distinct area_code, area_name from fct_dfe_area_year where old_la_code = '933'
        """).fetchall()
        assert codes == [("E06000066", "Somerset")]
    # Shipped files only: 2021/22 from the geography file (published under E10000027),
    # 2023/24 from LAIT (0.34921000000000002), FSM from LAIT matched on 933.
    assert fact(shipped_db, "2021/22", "E06000066", "pex_rate") == (0.27396, None, GEO)
    assert fact(shipped_db, "2023/24", "E06000066", "pex_rate") == (0.34921, None, LAIT_PEX)
    assert fact(shipped_db, "2024/25", "E06000066", "fsm_pct")[0] == 22.4


def test_a_2023_24_geography_file_comes_before_lait(with_2023_24):
    # Fixture (illustrative): Leicestershire 45000 pupils, 60 PEX, 0.13333 (60 / 45000 * 100).
    assert fact(with_2023_24, "2023/24", "E10000018", "pupils_on_roll") == (45000, None, FIX)
    assert fact(with_2023_24, "2023/24", "E10000018", "pex_rate") == (0.13333, None, FIX)
    # England 2023/24 now comes from the fixture (the preview's real figures), not the national file.
    assert fact(with_2023_24, "2023/24", "E92000001", "permanent_exclusions") == (9298, None, FIX)
    # Somerset 2022/23 was replaced by the fixture's row; 2021/22 still from the 2022/23 release.
    assert fact(with_2023_24, "2022/23", "E06000066", "pex_rate") == (0.24376, None, FIX)
    assert fact(with_2023_24, "2021/22", "E06000066", "pex_rate") == (0.27396, None, GEO)
    # Rutland's symbols: c for the PEX count and rate, low for suspensions.
    assert fact(with_2023_24, "2023/24", "E06000017", "permanent_exclusions") == (None, "c", FIX)
    assert fact(with_2023_24, "2023/24", "E06000017", "suspension_rate") == (None, "low", FIX)


def test_statistical_neighbours_dimension(shipped_db):
    rows = shipped_db.execute("""
        select sn_model, is_latest_model, rank, sn_old_la_code, sn_new_la_code, sn_la_name
        from dim_statistical_neighbours where focus_old_la_code = '855'
        order by is_latest_model desc, rank
    """).fetchall()
    assert len(rows) == 20
    assert [r[1] for r in rows] == [True] * 10 + [False] * 10
    assert rows[0] == ("CSSNBT May 2025", True, 1, "916", "E10000013", "Gloucestershire")
    # Somerset is listed under E10000027 but joins the mart under its current code.
    assert rows[6] == ("CSSNBT May 2025", True, 7, "933", "E06000066", "Somerset")
    assert rows[10][:4] == ("CSSNBT April 2021", False, 1, "803")


def test_every_la_has_its_neighbours_under_each_model(shipped_db):
    rows = shipped_db.execute("""
        select sn_model, sn_model_year, count(distinct focus_old_la_code), count(*), count(sn_la_name),
            count(sn_new_la_code)
        from dim_statistical_neighbours group by all order by sn_model_year
    """).fetchall()
    # 156 LAs in the 2021 model (Cumberland and Westmorland and Furness have none), 158 in 2025
    assert rows == [
        ("CSSNBT April 2021", 2021, 156, 1560, 1560, 1560),
        ("CSSNBT May 2025", 2025, 158, 1580, 1580, 1580),
    ]
    kent = shipped_db.execute("""
        select focus_la_name, rank, sn_old_la_code, sn_la_name, closeness from dim_statistical_neighbours
        where focus_old_la_code = '886' and is_latest_model order by rank
    """).fetchall()
    assert kent[0] == ("Kent", 1, "881", "Essex", "Very close")
    assert kent[9][1:4] == (10, "933", "Somerset")


def history(con, area_code, year):
    """(area_type, area_name, region_code, headcount, pex_rate, suspension_rate, source) or None."""
    rows = con.execute(
        """
        select area_type, area_name, region_code, headcount, pex_rate, suspension_rate, source
        from fct_dfe_secondary_history where area_code = ? and academic_year = ?
    """,
        [area_code, year],
    ).fetchall()
    assert len(rows) <= 1
    return rows[0] if rows else None


def years_of(con, area_code):
    return [
        y
        for (y,) in con.execute(
            "select academic_year from fct_dfe_secondary_history where area_code = ? order by 1", [area_code]
        ).fetchall()
    ]


def test_secondary_history_has_one_row_per_area_and_year(shipped_db):
    total, distinct, areas = shipped_db.execute("""
        select count(*), count(distinct (area_type, area_code, academic_year)), count(distinct area_code)
        from fct_dfe_secondary_history
    """).fetchone()
    assert total == distinct
    columns = [c[0] for c in shipped_db.execute("describe fct_dfe_secondary_history").fetchall()]
    assert columns == [
        "area_type",
        "area_code",
        "area_name",
        "region_code",
        "academic_year",
        "headcount",
        "pex_rate",
        "suspension_rate",
        "source",
    ]
    # England, 11 regions (9, Inner and Outer London, and LAIT's London) and 157 LA codes: the 158
    # of the geography file and Cumberland and Westmorland and Furness (LAIT), less Bedfordshire
    # and Cheshire, abolished in 2009 with no current code
    assert areas == 1 + 11 + 157
    assert years_of(shipped_db, "E92000001")[0] == "2006/07"
    assert years_of(shipped_db, "E92000001")[-1] == "2024/25"


def test_secondary_history_published_values(shipped_db):
    # the brief's published values: Leicestershire 2010/11, England 2022/23, LAIT 2023/24
    assert history(shipped_db, "855", "2010/11") == (
        "la",
        "Leicestershire",
        "E12000004",
        45098,
        0.04878,
        7.76088,
        "geography",
    )
    assert history(shipped_db, "E92000001", "2022/23") == (
        "england",
        "England",
        None,
        3630171,
        0.22186,
        18.89525,
        "geography",
    )
    assert history(shipped_db, "855", "2023/24") == (
        "la",
        "Leicestershire",
        "E12000004",
        None,
        0.13274,
        21.24682,
        "lait",
    )
    # England's 2023/24 and 2024/25 come from DfE's national file, with headcount
    assert history(shipped_db, "E92000001", "2024/25")[3:] == (3671427, 0.22582, 21.23539, "national")
    assert history(shipped_db, "E12000004", "2023/24")[:2] == ("region", "East Midlands")
    assert len(years_of(shipped_db, "855")) == 18  # 2006/07 to 2023/24


def test_code_changes_in_the_secondary_history(shipped_db):
    # Somerset (933) and North Yorkshire (815) kept their old code in April 2023: one series each
    assert history(shipped_db, "933", "2022/23")[4:] == (0.24376, 30.45737, "geography")
    assert history(shipped_db, "933", "2023/24")[:3] == ("la", "Somerset", "E12000009")
    assert history(shipped_db, "933", "2023/24")[4] == 0.34921
    assert years_of(shipped_db, "815") == years_of(shipped_db, "855")
    # Northamptonshire (928) ends in 2020/21; North and West Northamptonshire start in 2021/22
    assert years_of(shipped_db, "928")[-1] == "2020/21"
    assert history(shipped_db, "928", "2020/21")[3:5] == (52008, 0.11537)
    assert years_of(shipped_db, "940") == ["2021/22", "2022/23", "2023/24"]
    assert history(shipped_db, "940", "2021/22")[3:5] == (23697, 0.23632)
    # Cumbria (909) ends in 2022/23; Cumberland (942) has 2023/24 only, from LAIT
    assert years_of(shipped_db, "909")[-1] == "2022/23"
    assert years_of(shipped_db, "942") == ["2023/24"]
    assert history(shipped_db, "942", "2023/24")[:5] == ("la", "Cumberland", "E12000002", None, 0.39361)
    # the 2009 unitaries: headcount 0 and no rate (`z`) in 2008/09, rates from 2009/10
    assert history(shipped_db, "823", "2008/09")[3:5] == (0, None)
    assert history(shipped_db, "823", "2009/10")[3:5] == (22464, 0.31161)


def test_la_codes_for_reorganised_las(shipped_db):
    rows = dict(
        shipped_db.execute("""
        select old_la_code, area_code from int_dfe__la_codes
        where old_la_code in ('933', '815', '942', '943', '940', '875')
    """).fetchall()
    )
    assert rows == {
        "933": "E06000066",
        "815": "E06000065",
        "942": "E06000063",
        "943": "E06000064",
        "940": "E06000061",
        "875": None,
    }


def test_every_latest_neighbour_has_benchmark_rows(shipped_db):
    missing = shipped_db.execute("""
        select n.sn_old_la_code
        from dim_statistical_neighbours n
        where n.is_latest_model
            and not exists (
                select 1 from fct_dfe_area_year f
                where f.area_code = n.sn_new_la_code and f.metric = 'pex_rate' and f.academic_year = '2022/23'
            )
    """).fetchall()
    assert missing == []


def test_dfe_measures_take_polarity_caveats_and_next_update_from_lait(shipped_db):
    rows = {
        r[0]: r[1:]
        for r in shipped_db.execute("""
        select metric, lait_measure, polarity, decimals, next_update, caveats from dim_dfe_measures
    """).fetchall()
    }
    assert set(rows) == {"pex_rate", "suspension_rate", "fsm_pct"}
    # lait_data_dictionary.csv: SecPermEx Polarity Low, dps 2, Next Update 46232 (29 July 2026)
    assert rows["pex_rate"][:4] == ("SecPermEx", "lower_is_better", 2, dt.date(2026, 7, 29))
    assert rows["pex_rate"][4].startswith("Permanent exclusion refers to a pupil")
    assert rows["suspension_rate"][:2] == ("SecFixedEx", "lower_is_better")
    assert rows["fsm_pct"][:2] == ("SecFSM", "neutral")  # Polarity NA
