"""Overview, Exclusion avoidance, Benchmarks and Data pages in AppTest on the demo warehouse:
default and chosen filters, a governor's view, and the figures shown against `seip metrics`."""

from __future__ import annotations

import pytest
from dashboard_a_helpers import cards, cli_cards, run_app, specs, words

from dashboard.charts.overview import HEADLINE_METRICS
from dashboard.metrics import catalogue

HEADLINE_LABELS = [catalogue()[m].label for m in HEADLINE_METRICS]


def test_overview_cards_equal_seip_metrics_by_default(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "overview")
    assert not at.exception
    expected = cli_cards(demo_db, year="2024/25")
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}
    assert len(specs(at)) == 1 and len(at.dataframe) == 2  # headline table + chart table


def test_overview_cards_for_a_chosen_partnership_and_year(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "overview", year="2021/22",
                 partnership="Charnwood Inclusion Partnership")
    assert not at.exception
    expected = cli_cards(demo_db, year="2021/22", partnership="CHN", area_code="CHN")
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}


@pytest.mark.parametrize("year", ["2019/20", "2020/21", "2022/23", "2023/24"])
def test_overview_every_year_equals_seip_metrics(demo_db, monkeypatch, year):
    at = run_app(demo_db, monkeypatch, "overview", year=year)
    assert not at.exception
    expected = cli_cards(demo_db, year=year)
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}


def test_overview_governor_sees_c_where_seip_metrics_suppresses(demo_db, monkeypatch):
    # seip metrics --role governor suppresses Brackenwood's 2024/25 permanent exclusion rate
    at = run_app(demo_db, monkeypatch, "overview", role="governor",
                 partnership="Brackenwood Learning Trust")
    assert not at.exception
    expected = cli_cards(demo_db, year="2024/25", partnership="BLT", area_code="BLT", role="governor")
    shown = cards(at)
    assert shown == {label: expected[label] for label in HEADLINE_LABELS}
    assert shown["Permanent exclusion rate (per 100 pupils)"] == "c"
    assert "suppressed (c)" in words(at)
    # the chart's table carries the c, and the chart draws no bar for it
    table = at.dataframe[-1].value
    assert "c" in table.loc[table["partnership"] == "Brackenwood Learning Trust", "value"].tolist()


def test_exclusions_page_draws_every_chart_with_its_table(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "exclusions")
    assert not at.exception
    figures = specs(at)
    assert len(figures) == 6 and len(at.dataframe) == 6
    assert [f["data"][0]["type"] for f in figures] == ["scatter", "scatter", "sankey", "bar", "bar", "bar"]
    text = words(at)
    assert "Data as at 2025-07-18" in text and "Source:" in text
    # every chart panel offers both downloads
    assert len(at.get("download_button")) == 12


def test_exclusions_avoidance_table_equals_seip_metrics(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "exclusions")
    table = next(t.value for t in at.dataframe if "avoidance_rate" in t.value.columns)
    from dashboard.metrics import metrics_payload
    from dashboard.settings import Settings

    rows = metrics_payload(Settings.from_env(demo_db), year="2024/25")["rows"]
    expected = {r["area_code"]: r["value"] for r in rows if r["metric"] == "avoidance_rate"
                and r["area_type"] in ("partnership", "la_total")}
    assert len(table) == len(expected) == 7
    shown = dict(zip(table["partnership"], table["avoidance_rate"], strict=True))
    assert shown["All partnerships"] == pytest.approx(expected["ALL"])


def test_exclusions_governor_never_sees_a_count_from_1_to_4(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "exclusions", role="governor")
    assert not at.exception
    seen = 0
    for frame in (t.value for t in at.dataframe):
        for column in ("referrals", "suspensions", "permanent_exclusions", "referred_pupils",
                       "all_referred_pupils", "pex_after_referral"):
            if column in frame.columns:
                numbers = [v for v in frame[column] if not isinstance(v, str) and v == v]
                assert not [v for v in numbers if 1 <= v <= 4], column
                seen += 1
    assert seen >= 5
    assert "c = suppressed" in words(at)


def test_exclusions_year_without_referrals_says_so(synthetic_copy, monkeypatch):
    from dashboard import warehouse

    with warehouse.rewrite(synthetic_copy) as con:
        con.execute("delete from placements")
        con.execute("delete from referrals where referral_date >= date '2024-09-01'")
    at = run_app(synthetic_copy, monkeypatch, "exclusions")
    assert not at.exception
    assert "No referrals were made in 2024/25 for all partnerships." in words(at)


def test_benchmarks_rank_from_the_real_dfe_data(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "benchmarks")
    assert not at.exception
    # DfE 2023/24 secondary pex rates: Wiltshire 0.060, Hampshire 0.099, Leicestershire 0.133,
    # then eight neighbours above: rank 3 of 11, quartile ceil(4 x 3 / 11) = 2
    assert ("Leicestershire ranks 3 of 11 neighbours on permanent exclusions in 2023/24 (quartile 2)"
            in [s.value for s in at.subheader])
    assert len(specs(at)) == 5
    # 2024/25 has no published LA rates yet: the scatter says so and shows 2023/24
    assert "2024/25 is not published yet, so this shows 2023/24." in words(at)


def test_data_page_lists_the_dictionary_sources_and_import_log(demo_db, monkeypatch):
    at = run_app(demo_db, monkeypatch, "data")
    assert not at.exception
    dictionary = at.dataframe[0].value
    assert len(dictionary) == len(catalogue())
    assert set(dictionary["polarity"]) <= {"lower is better", "higher is better", "neither"}
    log = next(t.value for t in at.dataframe if "file_name" in t.value.columns)
    assert "referrals.csv" in set(log["file_name"])
    text = words(at)
    assert "This warehouse holds synthetic data." in text
    assert "Open Government Licence v3.0" in text
    assert "2025-07-18" in text
