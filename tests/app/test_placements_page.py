"""Placements and costs in AppTest on the demo warehouse: default and chosen filters, a governor's
view, and an empty warehouse. The cards must equal `seip metrics` for the same filters."""

from __future__ import annotations

import pytest
from app_driver import cards, cli_cards, empty_synthetic_warehouse, open_page, open_tab, specs, words

from dashboard import warehouse
from dashboard.metrics import metrics_payload
from dashboard.settings import Settings

PAGE = "placements"
CARDS = (
    "Placements started",
    "Cost of placements started (£)",
    "Average cost per placement (£)",
    "Placements ending in reintegration (%)",
)


def test_default_view_is_the_latest_year_for_all_partnerships(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    assert at.selectbox(key="year").value == "2024/25"
    expected = cli_cards(demo_db, year="2024/25")
    assert cards(at) == {label: expected[label] for label in CARDS}
    assert len(specs(at)) == 6
    open_tab(at, "Table")
    assert len(at.dataframe) == 6  # every chart has its table
    assert "Data as at" in words(at)


def test_a_chosen_partnership_and_year(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, year="2021/22", partnership="Charnwood Inclusion Partnership")
    assert not at.exception
    assert at.selectbox(key="partnership").value == "Charnwood Inclusion Partnership"
    expected = cli_cards(demo_db, year="2021/22", partnership="CHN", area_code="CHN")
    assert cards(at) == {label: expected[label] for label in CARDS}
    assert "for Charnwood Inclusion Partnership" in words(at)


def test_a_governor_never_sees_a_small_count(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, role="governor", partnership="Larkspur Academies Trust")
    assert not at.exception
    tables = [t.value for t in open_tab(at, "Table").dataframe]
    counts = [c for t in tables for c in ("placements_started", "placements_ended") if c in t.columns]
    assert counts
    for table in tables:
        for column in ("placements_started", "placements_ended", "placements_reintegrated"):
            if column in table.columns:
                numbers = [v for v in table[column] if v != "c"]
                assert not any(1 <= float(v) <= 4 for v in numbers), (column, numbers)
    # the smallest provider types have counts of 1 to 4 in a MAT group of a few schools: shown as c
    assert any((t[c] == "c").any() for t in tables for c in ("placements_started",) if c in t.columns)


def test_an_empty_warehouse_says_so(tmp_path, monkeypatch):
    db = empty_synthetic_warehouse(tmp_path / "empty.duckdb")
    at = open_page(db, monkeypatch, PAGE)
    assert not at.exception
    assert "There is no partnership data in the warehouse yet" in words(at)


@pytest.mark.parametrize("year", ["2019/20", "2022/23"])
def test_every_year_renders(demo_db, monkeypatch, year):
    at = open_page(demo_db, monkeypatch, PAGE, year=year)
    assert not at.exception and at.selectbox(key="year").value == year


def test_a_governor_sees_the_cards_seip_metrics_gives_a_governor(demo_db, monkeypatch):
    # a partnership and year where a card rests on 1 to 4 placements, found from `seip metrics`
    rows = metrics_payload(Settings.from_env(demo_db), role="governor")["rows"]
    hidden = next(
        r
        for r in rows
        if r["suppressed"]
        and r["area_type"] == "partnership"
        and r["metric"] in ("placements_started", "cost_per_placement", "reintegration_rate")
    )
    year, code = hidden["academic_year"], hidden["area_code"]
    con = warehouse.open_read_only(demo_db)
    try:
        name = con.execute(
            "select partnership_name from stg_seip__partnerships where partnership_code = ?", [code]
        ).fetchone()[0]
    finally:
        con.close()
    at = open_page(demo_db, monkeypatch, PAGE, role="governor", year=year, partnership=name)
    assert not at.exception
    expected = cli_cards(demo_db, year=year, partnership=code, role="governor", area_code=code)
    assert cards(at) == {label: expected[label] for label in CARDS}
    assert "c" in cards(at).values()
