"""DfE benchmark areas for the metrics_small fixture, worked out by hand from its reference rows.

tests/fixtures/metrics_small/reference holds real DfE rows:
- exclusions by geography, 2022/23, state-funded secondary: England, East Midlands,
  Leicestershire (855), Gloucestershire (916), South Gloucestershire (803), Somerset (933,
  published as E10000027), Warwickshire (937); and England's `Total` row (never used);
- LAIT SecPermEx / SecFixedEx 2022/23 and 2023/24 for England, East Midlands, 855, 916, 803,
  933, plus Central Bedfordshire (823, only in the older neighbour model) for 2023/24;
  SecFSM January 2023, 2024, 2025 (= 2022/23, 2023/24, 2024/25) for the same six areas;
- the statistical neighbours of 855, May 2025 (latest: 916, 803, 937, 933, ...) and April 2021
  (803, 937, 823, ...) models.
Only the years with partnership data (2022/23 to 2024/25) are reported.
"""

from __future__ import annotations

import pytest

from dashboard import metrics, warehouse
from dashboard.settings import Settings

EXPECTED = {
    # 2022/23: the geography file (counts and rates); FSM % from LAIT SecFSM January 2023
    ("local_authority", "E10000018", "2022/23"): {
        "pupils_on_roll": 44237,
        "permanent_exclusions": 56,
        "pex_rate": 0.12659,
        "suspensions": 7672,
        "suspension_rate": 17.34295,
        "fsm_pct": 14.9,
    },
    ("region", "E12000004", "2022/23"): {
        "pupils_on_roll": 315346,
        "permanent_exclusions": 729,
        "pex_rate": 0.23117,
        "suspensions": 70039,
        "suspension_rate": 22.21021,
        "fsm_pct": 21.5,
    },
    ("england", "E92000001", "2022/23"): {
        "pupils_on_roll": 3630171,
        "permanent_exclusions": 8054,
        "pex_rate": 0.22186,
        "suspensions": 685930,
        "suspension_rate": 18.89525,
        "fsm_pct": 22.7,
    },
    # latest-model neighbours present: 916, 803, 933, 937 (four values: mean of the middle two)
    ("sn_median", "SN_MEDIAN", "2022/23"): {
        "pupils_on_roll": (31178 + 39475) / 2,  # 16940, 31178, 39475, 42369
        "permanent_exclusions": (68 + 76) / 2,  # 27, 68, 76, 106
        "pex_rate": (0.16049 + 0.24376) / 2,  # 0.15939, 0.16049, 0.24376, 0.26852
        "suspensions": (6405 + 6630) / 2,  # 4063, 6405, 6630, 9496
        "suspension_rate": (16.79544 + 23.98465) / 2,  # 15.11718, 16.79544, 23.98465, 30.45737
        "fsm_pct": 15.9,
    },  # 15.3, 15.9, 19.7 (937 has no LAIT row)
    # 2023/24: no geography file, so LAIT fills the rates; LAIT has no counts
    ("local_authority", "E10000018", "2023/24"): {"pex_rate": 0.13274, "suspension_rate": 21.24682, "fsm_pct": 16.2},
    ("region", "E12000004", "2023/24"): {"pex_rate": 0.28251, "suspension_rate": 27.63127, "fsm_pct": 23.1},
    ("england", "E92000001", "2023/24"): {"pex_rate": 0.25336, "suspension_rate": 22.61338, "fsm_pct": 24.1},
    # 916, 803, 933; Central Bedfordshire's 0.29066 is the older model's and would make it 0.27462
    ("sn_median", "SN_MEDIAN", "2023/24"): {
        "pex_rate": 0.25858,  # 0.25203, 0.25858, 0.34921
        "suspension_rate": 32.06344,  # 18.29911, 32.06344, 39.17278
        "fsm_pct": 16.5,
    },  # 16.5, 16.5, 21.0
    # 2024/25: only January 2025 FSM; no exclusion figures anywhere
    ("local_authority", "E10000018", "2024/25"): {"fsm_pct": 17.2},
    ("region", "E12000004", "2024/25"): {"fsm_pct": 25.0},
    ("england", "E92000001", "2024/25"): {"fsm_pct": 25.8},
    ("sn_median", "SN_MEDIAN", "2024/25"): {"fsm_pct": 17.6},  # 17.5, 17.6, 22.4
}

DFE_AREAS = ("local_authority", "region", "england", "sn_median")


def _dfe(metrics_db, **settings) -> dict:
    con = warehouse.open_read_only(metrics_db)
    try:
        frame = metrics.compute(con, Settings(db_path=metrics_db, **settings))
    finally:
        con.close()
    dfe = frame[frame["area_type"].isin(DFE_AREAS)]
    return {(r.area_type, r.area_code, r.academic_year, r.metric): r for r in dfe.itertuples()}


def test_dfe_areas_hold_exactly_the_published_values(metrics_db):
    got = _dfe(metrics_db)
    expected = {(*area, metric): value for area, values in EXPECTED.items() for metric, value in values.items()}
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key].value == pytest.approx(value, rel=1e-9), key
        assert not got[key].suppressed


def test_area_names(metrics_db):
    got = _dfe(metrics_db)
    names = {(k[0], k[1]): r.area_name for k, r in got.items()}
    assert names == {
        ("local_authority", "E10000018"): "Leicestershire",
        ("region", "E12000004"): "East Midlands",
        ("england", "E92000001"): "England",
        ("sn_median", "SN_MEDIAN"): "Statistical neighbours (median)",
    }


def test_another_authority_is_a_setting(metrics_db):
    # Gloucestershire (916): its own rows; its region (South West) and neighbours are not in the fixture
    got = _dfe(metrics_db, la_code="916")
    assert {k[:2] for k in got} == {("local_authority", "E10000013"), ("england", "E92000001")}
    assert got[("local_authority", "E10000013", "2022/23", "pex_rate")].value == pytest.approx(0.16049)
    assert got[("local_authority", "E10000013", "2023/24", "pex_rate")].value == pytest.approx(0.25203)


def test_authority_matched_on_old_code_across_a_new_code(metrics_db):
    # Somerset 933 was published as E10000027 for 2022/23 and is E06000066 now: one area
    got = _dfe(metrics_db, la_code="933")
    la = {k for k in got if k[0] == "local_authority"}
    assert {k[1] for k in la} == {"E06000066"}
    assert got[("local_authority", "E06000066", "2022/23", "pex_rate")].value == pytest.approx(0.24376)
    assert got[("local_authority", "E06000066", "2023/24", "pex_rate")].value == pytest.approx(0.34921)
    assert not {k for k in got if k[0] in ("region", "sn_median")}  # South West and 933's neighbours absent


def test_year_filter_applies_to_dfe_areas(metrics_db, settings):
    con = warehouse.open_read_only(metrics_db)
    try:
        frame = metrics.compute(con, settings, year="2024-25")
    finally:
        con.close()
    assert set(frame["academic_year"]) == {"2024/25"}
    dfe = frame[frame["area_type"].isin(DFE_AREAS)]
    assert sorted(zip(dfe["area_type"], dfe["metric"])) == sorted((a, "fsm_pct") for a in DFE_AREAS)
