"""Pages ask the gate for only the metrics they show (`year=`, `partnership=` bound in SQL): on the
metrics_small warehouse, every narrowed request is exactly the rows of the whole frame it names,
for every role, and every chart builder a page feeds with one draws the same figure and table as
it would from the whole frame."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import access, alerts
from dashboard.charts import benchmarks, exclusions, funding, overview
from dashboard.metrics import LA_TOTAL, UsageError, catalogue, metrics_payload

YEARS = ("2022/23", "2023/24", "2024/25")
PARTNERSHIPS = ("MAT1", "NTH", "STH")
VIEWERS = (
    access.Viewer("commissioner", "commissioner"),
    access.Viewer("chair", "chair", "NTH"),
    access.Viewer("governor", "governor", "NTH"),
)
INFOS = [
    {"metric": m.id, "label": m.label, "unit": m.unit, "decimals": m.decimals, "polarity": m.polarity}
    for m in catalogue().values()
]


def rows_of(whole: pd.DataFrame, keep) -> pd.DataFrame:
    return whole[keep].reset_index(drop=True)


def same_chart(a, b) -> None:
    (fig_a, table_a), (fig_b, table_b) = a, b
    pd.testing.assert_frame_equal(table_a, table_b)
    assert fig_a.to_json() == fig_b.to_json()


@pytest.fixture(params=VIEWERS, ids=lambda v: v.role)
def viewer(request):
    return request.param


@pytest.fixture
def whole(con, settings, viewer):
    return access.metrics(con, viewer, settings)


def test_the_fixture_has_what_these_tests_walk_through(whole):
    # three years, three partnerships and the la_total: worked out from the fixture's CSVs
    local = whole[whole["area_type"].isin(["partnership", "la_total"])]
    assert sorted(local["academic_year"].unique()) == list(YEARS)
    assert sorted(local.loc[local["area_type"] == "partnership", "area_code"].unique()) == list(PARTNERSHIPS)


@pytest.mark.parametrize("year", YEARS)
def test_one_year_is_that_year_of_the_whole_frame(con, settings, viewer, whole, year):
    narrowed = access.metrics(con, viewer, settings, year=year)
    pd.testing.assert_frame_equal(narrowed, rows_of(whole, whole["academic_year"] == year))


@pytest.mark.parametrize("code", PARTNERSHIPS)
def test_one_partnership_is_it_with_the_la_total_and_dfe_areas(con, settings, viewer, whole, code):
    narrowed = access.metrics(con, viewer, settings, partnership=code)
    expected = rows_of(whole, (whole["area_type"] != "partnership") | (whole["area_code"] == code))
    pd.testing.assert_frame_equal(narrowed, expected)
    assert set(narrowed.loc[narrowed["area_type"] == "partnership", "area_code"]) == {code}


def test_the_la_total_alone_has_no_partnership_rows(con, settings, viewer, whole):
    narrowed = access.metrics(con, viewer, settings, partnership=LA_TOTAL)
    pd.testing.assert_frame_equal(narrowed, rows_of(whole, whole["area_type"] != "partnership"))
    assert set(narrowed["area_type"]) == {"la_total", "local_authority", "region", "england", "sn_median"}


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", [None, *PARTNERSHIPS])
def test_cards_from_the_chosen_area_equal_cards_from_the_whole_frame(con, settings, viewer, whole, year, code):
    # every metric's card (value, last year, England, neighbours, trend line, sentence)
    area_type, area_code = ("la_total", LA_TOTAL) if code is None else ("partnership", code)
    area = access.metrics(con, viewer, settings, partnership=area_code)
    assert overview.headlines(area, INFOS, year, area_type, area_code) == overview.headlines(
        whole, INFOS, year, area_type, area_code
    )


@pytest.mark.parametrize("year", YEARS)
def test_charts_of_one_year_equal_those_from_the_whole_frame(con, settings, viewer, whole, year):
    one_year = access.metrics(con, viewer, settings, year=year)
    same_chart(
        overview.partnerships_compared(one_year, "pex_rate", year, label="Rate", unit="rate_per_100"),
        overview.partnerships_compared(whole, "pex_rate", year, label="Rate", unit="rate_per_100"),
    )
    same_chart(exclusions.avoidance_by_partnership(one_year, year), exclusions.avoidance_by_partnership(whole, year))
    same_chart(funding.formula_vs_paid(one_year, year), funding.formula_vs_paid(whole, year))
    for highlight in (None, *PARTNERSHIPS):
        same_chart(funding.funding_vs_fsm(one_year, year, highlight), funding.funding_vs_fsm(whole, year, highlight))


@pytest.mark.parametrize("code", PARTNERSHIPS)
@pytest.mark.parametrize("metric", ["pex_rate", "suspension_rate"])
def test_a_partnership_trend_equals_the_one_from_the_whole_frame(con, settings, viewer, whole, code, metric):
    one = access.metrics(con, viewer, settings, partnership=code)
    same_chart(
        exclusions.rates_over_time(one, metric, label="Rate", partnership=code),
        exclusions.rates_over_time(whole, metric, label="Rate", partnership=code),
    )


@pytest.mark.parametrize("metric", ["pex_rate", "suspension_rate"])
def test_the_authority_against_comparators_needs_no_partnership(con, settings, viewer, whole, metric):
    la_total = access.metrics(con, viewer, settings, partnership=LA_TOTAL)
    same_chart(
        benchmarks.authority_vs_comparators(la_total, metric, la_label="Leicestershire", label="Rate"),
        benchmarks.authority_vs_comparators(whole, metric, la_label="Leicestershire", label="Rate"),
    )


@pytest.mark.parametrize("year", YEARS)
def test_alerts_from_the_year_and_the_year_before_equal_those_from_the_whole_frame(con, settings, viewer, whole, year):
    rules = [
        alerts.Rule(metric, comparison, threshold)
        for metric in ("pex_rate", "suspension_rate", "referrals", "avoidance_rate")
        for comparison, threshold in (
            ("worse_than_last_year_by", 0),
            ("above_england", None),
            ("above_upper_quartile", None),
            ("above", 0),
        )
    ]
    around = pd.concat(
        [
            access.metrics(con, viewer, settings, year=overview.previous_year(year)),
            access.metrics(con, viewer, settings, year=year),
        ],
        ignore_index=True,
    )
    fired = alerts.evaluate(around, rules, year)
    assert fired == alerts.evaluate(whole, rules, year)
    if viewer.role != "governor" and year != YEARS[0]:
        # the comparison with the year before is exercised (the governor's small counts are all hidden)
        assert any("the year before" in a.rule for a in fired)


def test_seip_metrics_answers_for_the_la_total_alone_and_names_it_when_a_code_is_unknown(settings):
    rows = metrics_payload(settings, partnership=LA_TOTAL)["rows"]
    assert {r["area_type"] for r in rows} == {"la_total", "local_authority", "region", "england", "sn_median"}
    assert {r["area_code"] for r in rows if r["area_type"] == "la_total"} == {"ALL"}
    with pytest.raises(UsageError, match=r"unknown partnership 'WEST'; the known codes are MAT1, NTH, STH \(or ALL\)"):
        metrics_payload(settings, partnership="WEST")
