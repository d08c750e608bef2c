"""Placements and costs: the chart queries on the hand-checkable fixture, and the builders on
frames built by hand (values worked out in the comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import disclosure, warehouse
from dashboard.charts import placements as charts


@pytest.fixture(scope="module")
def con(metrics_db):
    c = warehouse.open_read_only(metrics_db)
    yield c
    c.close()


def by_type(con, year="2023/24", partnership=None) -> pd.DataFrame:
    rows = warehouse.run(con, "placements_by_provider_type", year=year, partnership=partnership)
    return rows.set_index("provider_type")


def test_by_provider_type_2023_24(con):
    rows = by_type(con)
    # started in 2023/24: PL03 (registered_ap, 12,000, ongoing to the data date 2024-09-12:
    # 377 days) and PL04 (registered_ap, 8,000, 2024-01-15..05-31: 137 days); PL05 (outreach,
    # 1,500, 2024-03-11..07-19: 130 days)
    reg = rows.loc["registered_ap"]
    assert reg["placements_started"] == 2
    assert reg["placement_cost_gbp"] == 20_000
    assert reg["cost_per_placement"] == 10_000
    assert reg["cost_per_pupil_week"] == pytest.approx(20_000 / ((377 + 137) / 7))
    assert reg["median_weeks"] == pytest.approx((377 / 7 + 137 / 7) / 2)
    # ended in 2023/24: PL04 permanently_excluded, so 0 of 1 reintegrated
    assert (reg["placements_ended"], reg["placements_reintegrated"], reg["reintegration_rate"]) == (1, 0, 0)
    out = rows.loc["outreach"]
    assert out["cost_per_pupil_week"] == pytest.approx(1_500 * 7 / 130)
    assert (out["placements_ended"], out["reintegration_rate"]) == (1, 100)
    # PL02 (managed move) started 2023-08-31, in 2022/23, and ended in 2023/24: no start, no unit cost
    mm = rows.loc["managed_move"]
    assert mm["placements_started"] == 0 and mm["placement_cost_gbp"] == 0
    assert pd.isna(mm["cost_per_placement"]) and mm["placements_ended"] == 1
    assert set(rows.index) == {"registered_ap", "outreach", "managed_move"}


def test_by_provider_type_one_partnership_and_empty_year(con):
    # NTH (schools 100001, 100002) in 2023/24: only PL03 started (registered_ap), nothing ended
    rows = by_type(con, partnership="NTH")
    assert list(rows.index) == ["registered_ap"]
    assert rows.loc["registered_ap", "placements_started"] == 1
    assert rows.loc["registered_ap", "placements_ended"] == 0
    assert pd.isna(rows.loc["registered_ap", "reintegration_rate"])
    assert by_type(con, year="2019/20").empty


def test_outcomes_durations_providers_trend(con):
    outcomes = warehouse.run(con, "placements_outcomes", year="2022/23", partnership=None)
    # ended in 2022/23: PL01 partnership_ap reintegrated, PL06 outreach reintegrated, PL07 outreach other
    got = {(r.provider_type, r.outcome): r.placements_ended for r in outcomes.itertuples()}
    assert got == {("partnership_ap", "reintegrated"): 1, ("outreach", "reintegrated"): 1, ("outreach", "other"): 1}
    lengths = warehouse.run(con, "placements_durations", year="2022/23", partnership=None)
    # PL01 2023-02-20..07-14 = 144 days (20.6 weeks), PL06 2022-12-01..2023-03-31 = 120 days
    # (17.1 weeks), PL07 2022-10-10..12-16 = 67 days (9.6 weeks)
    got = {(r.provider_type, r.duration): r.placements_ended for r in lengths.itertuples()}
    assert got == {
        ("partnership_ap", "13 to 25 weeks"): 1,
        ("outreach", "13 to 25 weeks"): 1,
        ("outreach", "6 to 12 weeks"): 1,
    }
    providers = warehouse.run(con, "placements_providers", year="2022/23", partnership=None)
    north = providers.set_index("provider_name").loc["North Learning Centre"]
    assert (north["placements_ended"], north["cost_per_placement"], north["reintegration_rate"]) == (1, 6_000, 100)
    history = warehouse.run(con, "placements_trend", partnership="STH")
    # STH (school 100003): PL02 (2022/23, 3,000), PL04 (2023/24, 8,000), PL05 (2023/24, 1,500)
    got = {
        (r.academic_year, r.provider_type): (r.placements_started, r.placement_cost_gbp) for r in history.itertuples()
    }
    assert got == {
        ("2022/23", "managed_move"): (1, 3_000),
        ("2023/24", "registered_ap"): (1, 8_000),
        ("2023/24", "outreach"): (1, 1_500),
    }


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider_type": ["outreach", "partnership_ap"],
            "placements_started": [10, 2],
            "placement_cost_gbp": [5_000.0, 12_000.0],
            "cost_per_placement": [500.0, 6_000.0],
            "cost_per_pupil_week": [50.0, 400.0],
            "median_weeks": [10.0, 15.0],
            "placements_ended": [8, 0],
            "placements_reintegrated": [6, 0],
            "reintegration_rate": [75.0, np.nan],
        }
    )


# what the gate hides with a hidden count (the query's `-- built on counts:` header)
BUILT_ON = disclosure.built_on(warehouse.queries()["placements_by_provider_type"].sql)


def test_spend_chart_orders_providers_and_draws_costs():
    fig, table = charts.spend_by_provider_type(frame())
    # the contract order puts partnership AP before outreach
    assert list(table["provider"]) == ["Partnership AP", "Outreach"]
    np.testing.assert_array_equal(fig.data[0].x, [12_000.0, 5_000.0])
    assert list(fig.data[0].text) == ["£12,000", "£5,000"]


def test_governor_counts_hide_their_costs_and_rates():
    f = frame()
    # a governor's fetch hides the 2 placements started at partnership AP, and the figures its
    # query's header says are built on them
    f["placements_started_suppressed"] = [False, True]
    f["placements_started"] = f["placements_started"].astype("Float64").mask(f["placements_started_suppressed"])
    f = disclosure.hide_derived(f, BUILT_ON)
    fig, table = charts.spend_by_provider_type(f)
    # the table is exactly what is drawn: provider, count, cost
    assert list(table.columns) == [
        "provider",
        "placements_started",
        "placements_started_suppressed",
        "placement_cost_gbp",
        "placement_cost_gbp_suppressed",
    ]
    assert table.loc[0, "placement_cost_gbp_suppressed"] and pd.isna(table.loc[0, "placement_cost_gbp"])
    assert not table.loc[1, "placement_cost_gbp_suppressed"]
    _, units = charts.unit_costs_by_provider_type(f)
    assert units.loc[0, "cost_per_placement_suppressed"] and units.loc[0, "cost_per_pupil_week_suppressed"]
    assert np.isnan(fig.data[0].x[0]) and fig.data[0].text[0] == "c"
    assert fig.data[0].x[1] == 5_000
    # a bar of NaN draws nothing, so a c is written where it would be
    assert (list(fig.data[1].y), list(fig.data[1].text), list(fig.data[1].x)) == (["Partnership AP"], ["c"], [0.0])


def test_outcome_shares_and_hidden_provider_types():
    f = pd.DataFrame(
        {
            "provider_type": ["outreach", "outreach", "registered_ap"],
            "outcome": ["reintegrated", "other", "reintegrated"],
            "placements_ended": [3, 1, 5],
        }
    )
    fig, table = charts.outcomes_by_provider_type(f)
    # outreach: 3 of 4 = 75%, 1 of 4 = 25%; registered AP: 5 of 5 = 100%
    assert list(table["share_pct"]) == [75.0, 25.0, 100.0]
    f["placements_ended_suppressed"] = [False, True, False]
    f["placements_ended"] = f["placements_ended"].astype("Float64").mask(f["placements_ended_suppressed"])
    fig, table = charts.outcomes_by_provider_type(f)
    # a hidden count hides every share of its provider type: 3 of (hidden) would reveal it
    assert list(table["share_pct_suppressed"]) == [True, True, False]
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} == {"Reintegrated"} and list(bars[0].y) == ["Registered AP"]
    # outreach is still on the chart, as c
    marks = [t for t in fig.data if t.type == "scatter"]
    assert [(list(t.y), list(t.text)) for t in marks] == [(["Outreach"], ["c"])]


def test_reintegration_sentence_and_empty_frames():
    assert charts.reintegration_sentence(frame()) == (
        "Outreach had the highest reintegration rate: 75% of its 8 ended placements."
    )
    hidden = frame().assign(placements_ended=[8, 3], placements_reintegrated=[6, 3], reintegration_rate=[75.0, 100.0])
    hidden["placements_ended_suppressed"] = [False, True]
    ended = hidden["placements_ended"].astype("Float64")
    hidden["placements_ended"] = ended.mask(hidden["placements_ended_suppressed"])
    hidden = disclosure.hide_derived(hidden, BUILT_ON)
    # partnership AP's 3 of 3 (100%) is hidden, so the sentence says it speaks of those shown only
    assert charts.reintegration_sentence(hidden) == (
        "Of the provider types that can be shown, Outreach had the highest reintegration rate: "
        "75% of its 8 ended placements."
    )
    empty = frame().iloc[0:0]
    fig, table = charts.spend_by_provider_type(empty)
    assert table.empty and fig.layout.annotations[0].text.startswith("No placements")
    fig, _ = charts.durations(pd.DataFrame(columns=["provider_type", "band_order", "duration", "placements_ended"]))
    assert fig.layout.annotations[0].text.startswith("No placements")


def test_cost_against_reintegration_leaves_out_hidden_providers():
    f = pd.DataFrame(
        {
            "provider_name": ["A", "B"],
            "provider_type": ["outreach", "registered_ap"],
            "placements_ended": [6, 2],
            "placements_reintegrated": [3, 1],
            "placement_cost_gbp": [6_000.0, 20_000.0],
            "cost_per_placement": [1_000.0, 10_000.0],
            "reintegration_rate": [50.0, 50.0],
        }
    )
    fig, _ = charts.cost_against_reintegration(f)
    assert sorted(float(x) for t in fig.data for x in t.x) == [1_000.0, 10_000.0]
    f["placements_ended_suppressed"] = [False, True]
    f["placements_ended"] = f["placements_ended"].astype("Float64").mask(f["placements_ended_suppressed"])
    f = disclosure.hide_derived(f, disclosure.built_on(warehouse.queries()["placements_providers"].sql))
    fig, table = charts.cost_against_reintegration(f)
    assert [float(x) for t in fig.data for x in t.x] == [1_000.0]
    assert table.loc[1, "cost_per_placement_suppressed"] and table.loc[1, "reintegration_rate_suppressed"]
