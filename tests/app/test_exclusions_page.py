"""The Exclusion avoidance page in AppTest on the demo warehouse: every chart with its table, the
figures against `seip metrics`, a governor's view and a year without referrals."""

from __future__ import annotations

import pytest
from app_driver import open_page, open_tab, specs, words


def test_exclusions_page_draws_every_chart_with_its_table(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions")
    assert not at.exception
    figures = specs(at)
    open_tab(at, "Table")
    assert len(figures) == 6 and len(at.dataframe) == 6
    assert [f["data"][0]["type"] for f in figures] == ["scatter", "scatter", "sankey", "bar", "bar", "bar"]
    text = words(at)
    assert "Data as at 2025-07-18" in text and "Source:" in text
    # every chart panel offers both downloads
    open_tab(at, "Download")
    chart_downloads = [b for b in at.get("download_button") if not b.key.startswith("report-")]
    assert len(chart_downloads) == 12


def test_exclusions_avoidance_table_equals_seip_metrics(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions")
    table = next(t.value for t in open_tab(at, "Table").dataframe if "avoidance_rate" in t.value.columns)
    from dashboard.metrics import metrics_payload
    from dashboard.settings import Settings

    rows = metrics_payload(Settings.from_env(demo_db), year="2024/25")["rows"]
    expected = {
        r["area_code"]: r["value"]
        for r in rows
        if r["metric"] == "avoidance_rate" and r["area_type"] in ("partnership", "la_total")
    }
    assert len(table) == len(expected) == 7
    shown = dict(zip(table["partnership"], table["avoidance_rate"], strict=True))
    assert shown["All partnerships"] == pytest.approx(expected["ALL"])


def test_exclusions_governor_never_sees_a_count_from_1_to_4(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions", role="governor")
    assert not at.exception
    seen = 0
    for frame in (t.value for t in open_tab(at, "Table").dataframe):
        for column in (
            "referrals",
            "suspensions",
            "permanent_exclusions",
            "referred_pupils",
            "all_referred_pupils",
            "pex_after_referral",
        ):
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
    at = open_page(synthetic_copy, monkeypatch, "exclusions")
    assert not at.exception
    assert "No referrals were made in 2024/25 for all partnerships." in words(at)


def test_a_governor_sees_no_legend_entry_for_a_partnership_with_every_rate_suppressed(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions", role="governor")
    pex = specs(at)[0]
    drawn = [t["name"] for t in pex["data"] if t.get("showlegend") is not False]
    # in the demo a governor sees a permanent exclusion rate only for Brackenwood and Larkspur (2020/21)
    assert drawn == [
        "Brackenwood Learning Trust",
        "Larkspur Academies Trust",
        "England",
        "East Midlands",
        "Statistical neighbours (median)",
    ]
    assert (
        "No line for Charnwood Inclusion Partnership, Hinckley and Bosworth Partnership, North West "
        "Leicestershire Partnership and South Leicestershire Partnership: every figure is suppressed (c)."
    ) in words(at)


def test_the_rate_captions_keep_a_partnerships_own_capitals(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions", partnership="Brackenwood Learning Trust")
    text = words(at)
    assert "the permanent exclusion rate (per 100 pupils) for Brackenwood Learning Trust was" in text
    assert "the suspension rate (per 100 pupils) for Brackenwood Learning Trust was" in text
    assert "referrals in 2024/25 for Brackenwood Learning Trust, followed from the panel" in text
    assert "brackenwood" not in text
