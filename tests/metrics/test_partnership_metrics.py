"""Every partnership and la_total metric of the metrics_small fixture, worked out by hand.

The fixture (tests/fixtures/metrics_small): partnerships NTH (schools 100001, 100002), STH
(100003) and the MAT group MAT1 (100004); academic years 2022/23, 2023/24, 2024/25.

    census  pupils_on_roll / fsm_eligible
            2022/23  100001 1000/200  100002 800/120  100003 1200/300  100004 500/50
            2023/24  100001 1010/210  100002 790/130  100003 1200/310  100004 520/60
            2024/25  100001 1020/220  100002 800/140  100003 1180/300  100004 0/0 (closed)
    referrals   R01 PA 100001 2022-10-03 | R02 PA 100001 2023-02-06 (PA referred twice)
                R03 PB 100003 2023-08-31 (31 Aug: 2022/23) | R04 PC 100004 2022-11-15
                R05 PD 100002 2023-09-01 (1 Sep: 2023/24) | R06 PE 100003 2024-01-10
                R07 PB 100003 2024-03-04 | R08 PE 100004 2024-02-01 (PE from two partnerships)
                R09 PM 100003 2024-09-02
    permanent   X01 PA 100002 2022-09-20 (before PA's referral) | X02 PC 100004 2022-09-10
                X03 PB 100003 2023-08-31 (same day as R03) | X04 PA 100003 2023-11-20 (a later year)
                X05 PE 100003 2024-06-01 | X06-X09 NTH 2023/24 | X10 PK 100001 2024-08-31
                X11 PD 100002 2024-09-01 (the year after PD's referral)
    suspensions S01 100001 2022-09-01, S02 100002, S03 100003 2023-08-31 | S04 100001 2023-09-01,
                S05-S09 100003, S10 100004 (2023/24)
    placements  PL01 R02 NTH 2023-02-20..2023-07-14 £6,000 reintegrated
                PL07 R01 NTH 2022-10-10..2022-12-16 £1,200 other
                PL02 R03 STH 2023-08-31..2024-01-31 £3,000 moved_to_special (ends a year later)
                PL06 R04 MAT1 2022-12-01..2023-03-31 £2,000.50 reintegrated
                PL03 R05 NTH 2023-09-01..(none) £12,000 ongoing
                PL04 R06 STH 2024-01-15..2024-05-31 £8,000 permanently_excluded
                PL05 R07 STH 2024-03-11..2024-07-19 £1,500 reintegrated
    funding     2022/23 NTH core 300,000 + 300,000, development 20,000; STH core 500,000,
                adjustment -5,000; MAT1 core 150,000
                2023/24 NTH core 620,000; STH core 510,000; MAT1 core 160,000, school_contribution 10,000
                2024/25 NTH core 640,000; STH core 520,000; MAT1 none
    England state-funded secondary pex_rate: 2022/23 0.22186 (geography file, not the Total row
    0.11121), 2023/24 0.25336 (LAIT SecPermEx), 2024/25 none published.

Each entry below is year: (NTH, STH, MAT1, ALL); None means null (a zero or missing
denominator, or no England rate).
"""

from __future__ import annotations

import math

import pytest

from dashboard import metrics

Y1, Y2, Y3 = "2022/23", "2023/24", "2024/25"
AREAS = (("partnership", "NTH"), ("partnership", "STH"), ("partnership", "MAT1"), ("la_total", "ALL"))

ENG_22 = 0.22186
ENG_23 = 0.25336

EXPECTED: dict[str, dict[str, tuple]] = {
    "pupils_on_roll": {
        Y1: (1000 + 800, 1200, 500, 1000 + 800 + 1200 + 500),
        Y2: (1010 + 790, 1200, 520, 1010 + 790 + 1200 + 520),
        Y3: (1020 + 800, 1180, 0, 1020 + 800 + 1180 + 0),
    },
    "fsm_pct": {
        Y1: (100 * (200 + 120) / 1800, 100 * 300 / 1200, 100 * 50 / 500, 100 * 670 / 3500),
        Y2: (100 * (210 + 130) / 1800, 100 * 310 / 1200, 100 * 60 / 520, 100 * 710 / 3520),
        # MAT1 2024/25: 0 / 0 pupils is null, not 0
        Y3: (100 * (220 + 140) / 1820, 100 * 300 / 1180, None, 100 * 660 / 3000),
    },
    "permanent_exclusions": {
        Y1: (1, 1, 1, 3),  # X01; X03 (31 Aug 2023 is still 2022/23); X02
        Y2: (5, 2, 0, 7),  # X06-X10 (X10 on 31 Aug 2024); X04, X05; none
        Y3: (1, 0, 0, 1),  # X11 (1 Sep 2024 is 2024/25)
    },
    "pex_rate": {
        Y1: (100 * 1 / 1800, 100 * 1 / 1200, 100 * 1 / 500, 100 * 3 / 3500),
        Y2: (100 * 5 / 1800, 100 * 2 / 1200, 0.0, 100 * 7 / 3520),
        Y3: (100 * 1 / 1820, 0.0, None, 100 * 1 / 3000),
    },
    "suspensions": {
        Y1: (2, 1, 0, 3),  # S01 (1 Sep 2022), S02; S03 (31 Aug 2023)
        Y2: (1, 5, 1, 7),  # S04 (1 Sep 2023); S05-S09; S10
        Y3: (0, 0, 0, 0),
    },
    "suspension_rate": {
        Y1: (100 * 2 / 1800, 100 * 1 / 1200, 0.0, 100 * 3 / 3500),
        Y2: (100 * 1 / 1800, 100 * 5 / 1200, 100 * 1 / 520, 100 * 7 / 3520),
        Y3: (0.0, 0.0, None, 0.0),
    },
    "referrals": {
        Y1: (2, 1, 1, 4),  # R01, R02 (PA twice); R03; R04
        Y2: (1, 2, 1, 4),  # R05; R06, R07; R08
        Y3: (0, 1, 0, 1),  # R09
    },
    "referred_pupils": {
        Y1: (1, 1, 1, 3),  # PA once; PB; PC
        Y2: (1, 2, 1, 3),  # PD; PE, PB; PE -> ALL is PD, PE, PB (PE once)
        Y3: (0, 1, 0, 1),  # PM
    },
    "pex_after_referral": {
        # PA first referred 2022-10-03: X01 was before, X04 (2023-11-20, next year, another school) after -> 1
        # PB first referred 2023-08-31, X03 the same day -> 1; PC's only exclusion X02 was before -> 0
        Y1: (1, 1, 0, 2),
        # PD 2023-09-01 -> X11 2024-09-01 -> 1; PE 2024-01-10 -> X05 -> 1, PB 2024-03-04 -> X03 was
        # before -> 0; PE from MAT1 2024-02-01 -> X05 -> 1; ALL: PD, PE yes, PB no -> 2
        Y2: (1, 1, 1, 2),
        Y3: (0, 0, 0, 0),
    },
    "avoidance_rate": {
        Y1: (100 * (1 - 1) / 1, 100 * (1 - 1) / 1, 100 * (1 - 0) / 1, 100 * (3 - 2) / 3),
        Y2: (100 * (1 - 1) / 1, 100 * (2 - 1) / 2, 100 * (1 - 1) / 1, 100 * (3 - 2) / 3),
        Y3: (None, 100 * (1 - 0) / 1, None, 100 * (1 - 0) / 1),  # no referred pupils -> null
    },
    "placements_started": {
        Y1: (2, 1, 1, 4),  # PL01, PL07; PL02 (31 Aug 2023); PL06
        Y2: (1, 2, 0, 3),  # PL03 (1 Sep 2023); PL04, PL05
        Y3: (0, 0, 0, 0),
    },
    "placement_cost_gbp": {
        Y1: (6000 + 1200, 3000, 2000.50, 6000 + 1200 + 3000 + 2000.50),
        Y2: (12000, 8000 + 1500, 0, 12000 + 8000 + 1500),
        Y3: (0, 0, 0, 0),
    },
    "cost_per_placement": {
        Y1: (7200 / 2, 3000 / 1, 2000.50 / 1, 12200.50 / 4),
        Y2: (12000 / 1, 9500 / 2, None, 21500 / 3),
        Y3: (None, None, None, None),
    },
    "placements_ended": {
        Y1: (2, 0, 1, 3),  # PL07, PL01; PL02 ends next year; PL06
        Y2: (0, 3, 0, 3),  # PL03 is ongoing; PL02, PL04, PL05
        Y3: (0, 0, 0, 0),
    },
    "placements_reintegrated": {
        Y1: (1, 0, 1, 2),  # PL01; PL06
        Y2: (0, 1, 0, 1),  # PL05
        Y3: (0, 0, 0, 0),
    },
    "reintegration_rate": {
        Y1: (100 * 1 / 2, None, 100 * 1 / 1, 100 * 2 / 3),
        Y2: (None, 100 * 1 / 3, None, 100 * 1 / 3),
        Y3: (None, None, None, None),
    },
    "funding_gbp": {
        Y1: (300000 + 300000 + 20000, 500000 - 5000, 150000, 620000 + 495000 + 150000),
        Y2: (620000, 510000, 160000 + 10000, 620000 + 510000 + 170000),
        Y3: (640000, 520000, None, 640000 + 520000),  # MAT1 sent no funding rows: unknown, not 0
    },
    "core_grant_gbp": {
        Y1: (600000, 500000, 150000, 1250000),
        Y2: (620000, 510000, 160000, 1290000),
        Y3: (640000, 520000, None, 1160000),
    },
    "funding_per_pupil": {
        Y1: (620000 / 1800, 495000 / 1200, 150000 / 500, 1265000 / 3500),
        Y2: (620000 / 1800, 510000 / 1200, 170000 / 520, 1300000 / 3520),
        Y3: (640000 / 1820, 520000 / 1180, None, 1160000 / 3000),
    },
    "formula_allocation_gbp": {
        # P x (0.5 x pupils / all pupils + 0.5 x fsm / all fsm); the la_total is P
        Y1: (
            1250000 * (0.5 * 1800 / 3500 + 0.5 * 320 / 670),
            1250000 * (0.5 * 1200 / 3500 + 0.5 * 300 / 670),
            1250000 * (0.5 * 500 / 3500 + 0.5 * 50 / 670),
            1250000,
        ),
        Y2: (
            1290000 * (0.5 * 1800 / 3520 + 0.5 * 340 / 710),
            1290000 * (0.5 * 1200 / 3520 + 0.5 * 310 / 710),
            1290000 * (0.5 * 520 / 3520 + 0.5 * 60 / 710),
            1290000,
        ),
        Y3: (
            1160000 * (0.5 * 1820 / 3000 + 0.5 * 360 / 660),
            1160000 * (0.5 * 1180 / 3000 + 0.5 * 300 / 660),
            1160000 * (0.5 * 0 / 3000 + 0.5 * 0 / 660),
            1160000,
        ),
    },
    "exclusions_avoided_vs_england": {
        Y1: (1800 * ENG_22 / 100 - 1, 1200 * ENG_22 / 100 - 1, 500 * ENG_22 / 100 - 1, 3500 * ENG_22 / 100 - 3),
        Y2: (1800 * ENG_23 / 100 - 5, 1200 * ENG_23 / 100 - 2, 520 * ENG_23 / 100 - 0, 3520 * ENG_23 / 100 - 7),
        Y3: (None, None, None, None),  # no England rate for 2024/25: null, not 0
    },
    "cost_per_exclusion_avoided": {
        Y1: (
            7200 / (1800 * ENG_22 / 100 - 1),
            3000 / (1200 * ENG_22 / 100 - 1),
            2000.50 / (500 * ENG_22 / 100 - 1),
            12200.50 / (3500 * ENG_22 / 100 - 3),
        ),
        # NTH avoided 4.56048 - 5 < 0 -> null; MAT1 spent 0 on 1.317 avoided -> 0
        Y2: (None, 9500 / (1200 * ENG_23 / 100 - 2), 0 / (520 * ENG_23 / 100), 21500 / (3520 * ENG_23 / 100 - 7)),
        Y3: (None, None, None, None),
    },
}


def _expected_cells():
    for metric, years in EXPECTED.items():
        for year, values in years.items():
            for (area_type, area_code), value in zip(AREAS, values, strict=True):
                yield (metric, year, area_type, area_code), value


@pytest.fixture(scope="module")
def local_values(metrics_db):
    from dashboard import warehouse
    from dashboard.settings import Settings

    con = warehouse.open_read_only(metrics_db)
    try:
        frame = metrics.compute(con, Settings(db_path=metrics_db))
    finally:
        con.close()
    local = frame[frame["area_type"].isin(["partnership", "la_total"])]
    return {(r.metric, r.academic_year, r.area_type, r.area_code): r.value for r in local.itertuples()}


@pytest.mark.parametrize(
    ("cell", "expected"), list(_expected_cells()), ids=lambda v: "/".join(v) if isinstance(v, tuple) else None
)
def test_metric_value_worked_out_by_hand(local_values, cell, expected):
    got = local_values[cell]
    if expected is None:
        assert math.isnan(got), f"{cell} should be null, got {got}"
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_output_has_exactly_the_hand_worked_cells(local_values):
    # 22 metrics x 3 years x 4 areas, nothing more
    assert set(local_values) == {cell for cell, _ in _expected_cells()}
    assert len(local_values) == len(metrics.catalogue()) * 3 * 4


def test_formula_allocation_shares_out_the_whole_core_grant(local_values):
    for year, total in ((Y1, 1250000), (Y2, 1290000), (Y3, 1160000)):
        shares = [
            local_values[("formula_allocation_gbp", year, "partnership", code)] for code in ("NTH", "STH", "MAT1")
        ]
        assert sum(shares) == pytest.approx(total)


def test_pupil_weight_is_a_setting(metrics_db):
    from dashboard import warehouse
    from dashboard.settings import Settings

    con = warehouse.open_read_only(metrics_db)
    try:
        frame = metrics.compute(con, Settings(db_path=metrics_db, pupil_weight=1.0), year=Y1)
    finally:
        con.close()
    got = frame.set_index(["metric", "area_code"])["value"]
    # w = 1: pupils alone share the grant: 1,250,000 x 1800 / 3500
    assert got[("formula_allocation_gbp", "NTH")] == pytest.approx(1250000 * 1800 / 3500)
    assert got[("formula_allocation_gbp", "MAT1")] == pytest.approx(1250000 * 500 / 3500)
    assert got[("formula_allocation_gbp", "ALL")] == pytest.approx(1250000)


def test_placement_weeks_run_to_data_as_of_when_ongoing(con):
    from dashboard import warehouse

    assert metrics.data_as_of(con) == "2024-09-12"  # R09's panel date is the latest date
    cur = con.cursor()
    weeks = dict(cur.execute("select placement_id, weeks from fct_placements").fetchall())
    cur.close()
    # PL03 ongoing from 2023-09-01: 366 days to 2024-09-01 (2024 is a leap year) + 11 = 377
    assert weeks["PL03"] == pytest.approx(377 / 7)
    # PL02 2023-08-31..2024-01-31: to 1 Sep 1, 1 Oct +30, 1 Nov +31, 1 Dec +30, 1 Jan +31, 31 Jan +30 = 153 days
    assert weeks["PL02"] == pytest.approx(153 / 7)
    assert warehouse.run_records(con, "partnership_codes") == [
        {"partnership_code": "MAT1"},
        {"partnership_code": "NTH"},
        {"partnership_code": "STH"},
    ]
