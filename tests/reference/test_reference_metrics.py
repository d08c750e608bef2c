"""`seip metrics` for any LA on the national DfE files: every year, its region, England, its SN median.

Values are read by hand from data/reference/exc_nat_region_la_2006-07_to_2022-23.csv and the
neighbour workbooks; the LAs whose codes changed behave as docs/metrics.md says.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from reference_helpers import SHIPPED, read

from dashboard import load, warehouse
from dashboard.metrics import compute_rows
from dashboard.settings import ROOT, SettingError, Settings


@pytest.fixture(scope="module")
def national_db(tmp_path_factory):
    """A warehouse holding only the shipped DfE files: no partnership data at all."""
    path = tmp_path_factory.mktemp("national") / "w.duckdb"
    with warehouse.rewrite(path) as con:
        for f in SHIPPED:
            load.store_reference(con, read(f))
    return path


def dfe_rows(db, la_code, sn_model=None, metric="pex_rate"):
    """{(academic_year, area_type): (area_code, value, value_symbol)} of one metric for one LA."""
    con = warehouse.open_read_only(db)
    try:
        rows = compute_rows(con, Settings(db_path=db, la_code=la_code, sn_model=sn_model))
    finally:
        con.close()
    return {
        (r["academic_year"], r["area_type"]): (r["area_code"], r["value"], r["value_symbol"])
        for r in rows
        if r["metric"] == metric
    }


def years(rows, area_type):
    return sorted(y for (y, a) in rows if a == area_type)


ALL_YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2006, 2024)]


def test_kent_through_the_command_every_year_with_region_england_and_neighbours(national_db):
    env = {**os.environ, "SEIP_LA_CODE": "886"}
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "metrics", "--db", str(national_db)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rows = {
        (r["academic_year"], r["area_type"]): (r["area_code"], r["value"])
        for r in json.loads(done.stdout)["rows"]
        if r["metric"] == "pex_rate"
    }
    # no partnership data, yet every year DfE published, 2006/07 on
    assert years(rows, "local_authority") == ALL_YEARS
    assert years(rows, "sn_median") == ALL_YEARS
    assert years(rows, "england") == [*ALL_YEARS, "2024/25"]
    assert rows[("2022/23", "local_authority")] == ("E10000016", 0.02644)
    assert rows[("2022/23", "region")] == ("E12000008", 0.10908)  # South East
    assert rows[("2022/23", "england")] == ("E92000001", 0.22186)
    # Kent's ten neighbours (sn_may_2025.xlsx, row 66) in 2022/23, sorted: West Sussex 0.13589,
    # Essex 0.14447, East Sussex 0.19041, Nottinghamshire 0.21481, Bexley 0.23509, Somerset 0.24376,
    # Suffolk 0.28298, Bedford 0.31891, Norfolk 0.32141, Devon 0.35549: median (0.23509 + 0.24376) / 2
    assert rows[("2022/23", "sn_median")] == ("SN_MEDIAN", pytest.approx(0.239425))
    # 2023/24 from LAIT SecPermEx
    assert rows[("2023/24", "local_authority")] == ("E10000016", 0.03823)


def test_leicestershire_whole_history(national_db):
    rows = dfe_rows(national_db, "855")
    assert years(rows, "local_authority") == ALL_YEARS
    assert rows[("2006/07", "local_authority")][1] == 0.19948
    assert rows[("2010/11", "local_authority")][1] == 0.04878
    assert rows[("2023/24", "local_authority")][1] == 0.13274
    assert rows[("2006/07", "england")][1] == 0.22618
    assert rows[("2020/21", "region")] == ("E12000004", 0.10439, None)


def test_the_neighbour_model_is_a_setting(national_db):
    latest = dfe_rows(national_db, "855")
    chosen_2025 = dfe_rows(national_db, "855", sn_model=2025)
    older = dfe_rows(national_db, "855", sn_model=2021)
    assert latest[("2022/23", "sn_median")] == chosen_2025[("2022/23", "sn_median")]
    # 2021 model (sn_april_2021.xlsx, row 104) in 2022/23, sorted: West Sussex 0.13589, Essex 0.14447,
    # Hampshire 0.14518, South Gloucestershire 0.15939, Cheshire East 0.20489, North Somerset 0.20685,
    # Warwickshire 0.26852, Central Bedfordshire 0.26942, Worcestershire 0.27513, Staffordshire 0.34892
    assert older[("2022/23", "sn_median")][1] == pytest.approx((0.20489 + 0.20685) / 2)
    assert latest[("2022/23", "sn_median")][1] != older[("2022/23", "sn_median")][1]
    assert dfe_rows(national_db, "855", sn_model=2019).get(("2022/23", "sn_median")) is None


def test_sn_model_setting_is_checked(monkeypatch):
    monkeypatch.setenv("SEIP_SN_MODEL", "latest")
    with pytest.raises(SettingError, match="SEIP_SN_MODEL"):
        Settings.from_env()
    monkeypatch.setenv("SEIP_SN_MODEL", "2021")
    assert Settings.from_env().sn_model == 2021
    monkeypatch.setenv("SEIP_SN_MODEL", "")
    assert Settings.from_env().sn_model is None


def test_somerset_and_north_yorkshire_are_one_series_under_their_new_codes(national_db):
    somerset = dfe_rows(national_db, "933")
    assert years(somerset, "local_authority") == ALL_YEARS
    assert {somerset[(y, "local_authority")][0] for y in ALL_YEARS} == {"E06000066"}
    assert somerset[("2022/23", "local_authority")][1] == 0.24376  # published under E10000027
    assert somerset[("2023/24", "local_authority")][1] == 0.34921  # LAIT, found by 933
    assert somerset[("2023/24", "region")][0] == "E12000009"
    north_yorkshire = dfe_rows(national_db, "815")
    assert {north_yorkshire[(y, "local_authority")][0] for y in ALL_YEARS} == {"E06000065"}
    assert north_yorkshire[("2023/24", "local_authority")][1] == 0.19911


def test_northamptonshire_and_its_successors(national_db):
    old = dfe_rows(national_db, "928")
    assert old[("2020/21", "local_authority")] == ("E10000021", 0.11537, None)
    # after the split: LAIT's `-`, null and never 0
    assert old[("2021/22", "local_authority")] == ("E10000021", None, "-")
    north = dfe_rows(national_db, "940")
    # LAIT also lists 940 before it existed, with `-`: those years carry no value
    assert [y for y in years(north, "local_authority") if north[(y, "local_authority")][1] is not None] == [
        "2021/22",
        "2022/23",
        "2023/24",
    ]
    assert north[("2021/22", "local_authority")] == ("E06000061", 0.23632, None)
    # region, England and neighbours are there for every year whatever the LA's own history
    assert years(north, "region") == ALL_YEARS and years(north, "sn_median") == ALL_YEARS


def test_cumbria_split(national_db):
    cumbria = dfe_rows(national_db, "909")
    assert cumbria[("2022/23", "local_authority")] == ("E10000006", 0.24668, None)
    assert cumbria[("2023/24", "local_authority")] == ("E10000006", None, "-")
    cumberland = dfe_rows(national_db, "942")
    assert cumberland[("2023/24", "local_authority")] == ("E06000063", 0.39361, None)
    assert cumberland[("2023/24", "region")][0] == "E12000002"
    # no 2021-model neighbours (DfE shows `-`): that model gives no median
    assert ("2023/24", "sn_median") in cumberland
    assert ("2023/24", "sn_median") not in dfe_rows(national_db, "942", sn_model=2021)


def test_2009_unitaries_and_the_las_they_replaced(national_db):
    central = dfe_rows(national_db, "823")
    assert central[("2008/09", "local_authority")] == ("E06000056", None, "z")
    assert central[("2009/10", "local_authority")] == ("E06000056", 0.31161, None)
    # Cheshire (875), abolished in 2009, has no current code: no LA rows, the rest still given
    cheshire = dfe_rows(national_db, "875")
    assert years(cheshire, "local_authority") == []
    assert years(cheshire, "england") == [*ALL_YEARS, "2024/25"]


def test_benchmark_ranks_among_neighbours_and_all_las(national_db):
    con = warehouse.open_read_only(national_db)
    try:
        ranks = warehouse.run(con, "benchmarks_ranks", la_code="886", sn_model=None)
        lower = con.execute("""
            select count(*) from fct_dfe_area_year
            where metric = 'pex_rate' and area_type = 'local_authority' and academic_year = '2022/23'
                and value < 0.02644
        """).fetchone()[0]
    finally:
        con.close()
    row = ranks[(ranks["metric"] == "pex_rate") & (ranks["academic_year"] == "2022/23")].iloc[0]
    # Kent 0.02644 is below all ten neighbours (listed above): rank 1 of 11, band A
    assert (row["rank_neighbours"], row["las_neighbours"], row["band_neighbours"]) == (1, 11, "A")
    # among the 151 LAs with a 2022/23 rate, `lower` of them are lower still
    assert (row["rank_all"], row["las_all"]) == (lower + 1, 151)
    assert row["band_all"] == "ABCD"[-(-4 * (lower + 1) // 151) - 1]
    assert row["polarity"] == "lower_is_better"  # LAIT's dictionary: SecPermEx Polarity Low
    assert sorted(ranks["academic_year"].unique())[0] == "2006/07"
