"""The Overview page in AppTest on the demo warehouse: default and chosen filters, a governor's
view, and the cards shown against `seip metrics`."""

from __future__ import annotations

import pytest
from app_driver import cards, cli_cards, open_page, open_tab, specs, words

from dashboard.charts.overview import HEADLINE_METRICS
from dashboard.metrics import catalogue

HEADLINE_LABELS = [catalogue()[m].label for m in HEADLINE_METRICS]


def test_overview_cards_equal_seip_metrics_by_default(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "overview")
    assert not at.exception
    expected = cli_cards(demo_db, year="2024/25")
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}
    open_tab(at, "Table")
    assert len(specs(at)) == 1 and len(at.dataframe) == 2  # headline table + chart table


def test_overview_cards_for_a_chosen_partnership_and_year(demo_db, monkeypatch):
    at = open_page(
        demo_db, monkeypatch, "overview", query={"year": "2021/22", "partnership": "Charnwood Inclusion Partnership"}
    )
    assert not at.exception
    expected = cli_cards(demo_db, year="2021/22", partnership="CHN", area_code="CHN")
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}


@pytest.mark.parametrize("year", ["2019/20", "2020/21", "2022/23", "2023/24"])
def test_overview_every_year_equals_seip_metrics(demo_db, monkeypatch, year):
    at = open_page(demo_db, monkeypatch, "overview", query={"year": year})
    assert not at.exception
    expected = cli_cards(demo_db, year=year)
    assert cards(at) == {label: expected[label] for label in HEADLINE_LABELS}


def test_overview_governor_sees_c_where_seip_metrics_suppresses(demo_db, monkeypatch):
    # seip metrics --role governor suppresses Brackenwood's 2024/25 permanent exclusion rate
    at = open_page(
        demo_db, monkeypatch, "overview", role="governor", query={"partnership": "Brackenwood Learning Trust"}
    )
    assert not at.exception
    expected = cli_cards(demo_db, year="2024/25", partnership="BLT", area_code="BLT", role="governor")
    shown = cards(at)
    assert shown == {label: expected[label] for label in HEADLINE_LABELS}
    assert shown["Permanent exclusion rate (per 100 pupils)"] == "c"
    assert "suppressed (c)" in words(at)
    # the chart's table carries the c, and the chart draws no bar for it
    table = open_tab(at, "Table").dataframe[-1].value
    assert "c" in table.loc[table["partnership"] == "Brackenwood Learning Trust", "value"].tolist()
