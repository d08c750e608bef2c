"""Funding and deprivation in AppTest on the demo warehouse: cards equal `seip metrics`, the
what-if sliders redraw every partnership's share by the formula, an empty warehouse in words."""

from __future__ import annotations

import pytest
from app_driver import cards, cli_cards, empty_synthetic_warehouse, open_page, open_tab, words

from dashboard import warehouse

PAGE = "funding"
CARDS = (
    "Funding received (£)",
    "Funding per pupil on roll (£)",
    "Core High Needs grant (£)",
    "Pupils eligible for free school meals (%)",
)


def what_if_table(at):
    tables = open_tab(at, "Table").dataframe
    return next(t.value for t in tables if "what_if_gbp" in t.value.columns).set_index("partnership")


def census(db, year):
    con = warehouse.open_read_only(db)
    try:
        return (
            con.execute(
                "select area_name, pupils_on_roll, fsm_eligible, core_grant_gbp from fct_area_year "
                "where area_type = 'partnership' and academic_year = ?",
                [year],
            )
            .df()
            .set_index("area_name")
        )
    finally:
        con.close()


def test_default_view(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    expected = cli_cards(demo_db, year="2024/25")
    assert cards(at) == {label: expected[label] for label in CARDS}
    assert len(at.get("plotly_chart")) == 4
    assert at.slider(key="what-if-weight").value == 0.5
    # the default pot is the core grant paid that year (the demo pays £3m), so at the default weight
    # each what-if share equals the formula allocation
    paid = census(demo_db, "2024/25")
    assert at.slider(key="what-if-pot").value == pytest.approx(paid["core_grant_gbp"].sum() / 1_000_000, abs=0.025)


def test_sliders_redraw_every_share_by_the_formula(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    at.slider(key="what-if-weight").set_value(1.0).run()
    at.slider(key="what-if-pot").set_value(2.0).run()
    assert not at.exception
    table = what_if_table(at)
    rows = census(demo_db, "2024/25")
    # w = 1: each partnership gets pot x its share of pupils on roll
    for name, row in rows.iterrows():
        share = row["pupils_on_roll"] / rows["pupils_on_roll"].sum()
        assert table.loc[name, "what_if_gbp"] == pytest.approx(2_000_000 * share)
    assert table["what_if_gbp"].sum() == pytest.approx(2_000_000)
    at.slider(key="what-if-weight").set_value(0.0).run()
    table = what_if_table(at)
    for name, row in rows.iterrows():
        share = row["fsm_eligible"] / rows["fsm_eligible"].sum()
        assert table.loc[name, "what_if_gbp"] == pytest.approx(2_000_000 * share)
    assert "With w = 0.00 and a pot of £2,000,000" in words(at)


def test_one_partnership_and_an_earlier_year(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, year="2020/21", partnership="South Leicestershire Partnership")
    assert not at.exception
    expected = cli_cards(demo_db, year="2020/21", partnership="SLP", area_code="SLP")
    assert cards(at) == {label: expected[label] for label in CARDS}
    streams = next(t.value for t in open_tab(at, "Table").dataframe if "stream" in t.value.columns)
    assert set(streams["partnership"]) == {"South Leicestershire Partnership"}


def test_governor_view_renders(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE, role="governor")
    assert not at.exception and len(at.get("plotly_chart")) == 4


def test_an_empty_warehouse_says_so(tmp_path, monkeypatch):
    at = open_page(empty_synthetic_warehouse(tmp_path / "empty.duckdb"), monkeypatch, PAGE)
    assert not at.exception
    assert "There is no partnership data in the warehouse yet" in words(at)
