"""Alerts worked out by hand on tests/fixtures/metrics_small, 2023/24 (values from
tests/metrics/test_partnership_metrics.py):

    pex_rate         NTH 100*5/1800 = 0.27778, STH 100*2/1200 = 0.16667, MAT1 0, ALL 100*7/3520 = 0.19886;
                     England 0.25336; the year before NTH 0.05556, STH 0.08333, MAT1 0.2, ALL 0.08571
    suspension_rate  NTH 0.05556, STH 0.41667, MAT1 0.19231: upper quartile (linear, as Excel's
                     QUARTILE.INC) 0.19231 + 0.5 * (0.41667 - 0.19231) = 0.30449
    reintegration_rate  NTH none ended, STH 33.3, MAT1 none ended, ALL 33.3

For a governor, disclosure control hides NTH's and STH's pex_rate, NTH's and MAT1's
suspension_rate and STH's and ALL's reintegration_rate, and the 2022/23 LA total (3 exclusions):
no alert may fire on, or compare with, any of them.
"""

from __future__ import annotations

import json

import pytest
from app_driver import open_page, words

from dashboard import alerts, audit, warehouse
from dashboard.access import NotPermitted, Viewer
from dashboard.cli import main

RULES = [
    ("pex_rate", "above_england", None),
    ("suspension_rate", "above_upper_quartile", None),
    ("pex_rate", "worse_than_last_year_by", 0.1),
    ("reintegration_rate", "below", 40),
]
LENA = Viewer("lena", "commissioner")


@pytest.fixture
def ruled(small_copy):
    for metric, comparison, threshold in RULES:
        alerts.add_rule(small_copy, LENA, metric, comparison, threshold, now=1.0)
    return small_copy


def fired(capsys, db, *args) -> dict:
    assert main(["alerts", "--db", str(db), "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_alerts_by_hand_for_a_commissioner(capsys, ruled):
    out = fired(capsys, ruled, "--year", "2023-24")
    got = [
        (
            a["area_code"],
            a["metric"],
            round(a["value"], 5),
            None if a["compared_with"] is None else round(a["compared_with"], 5),
        )
        for a in out["alerts"]
    ]
    assert got == [
        ("ALL", "pex_rate", 0.19886, 0.08571),  # worse by 0.11315 > 0.1
        ("ALL", "reintegration_rate", 33.33333, None),  # below 40
        ("NTH", "pex_rate", 0.27778, 0.25336),  # above England
        ("NTH", "pex_rate", 0.27778, 0.05556),  # worse by 0.22222 > 0.1
        ("STH", "reintegration_rate", 33.33333, None),
        ("STH", "suspension_rate", 0.41667, 0.30449),  # above the upper quartile
    ]
    assert out["academic_year"] == "2023/24" and out["role"] == "commissioner" and out["data_version"]
    nth_england = out["alerts"][2]
    assert nth_england["shown"] == "0.28 (against 0.25)"
    assert nth_england["rule"] == "Permanent exclusion rate (per 100 pupils) above England"
    assert out["alerts"][1]["rule"] == "Placements ending in reintegration (%) below 40.0%"


def test_a_governor_is_never_alerted_on_a_suppressed_figure(capsys, ruled):
    assert fired(capsys, ruled, "--year", "2023/24", "--role", "governor")["alerts"] == []


def test_text_output_and_the_latest_year_by_default(capsys, ruled):
    assert main(["alerts", "--db", str(ruled)]) == 0
    assert capsys.readouterr().out == "no alerts for 2024/25\n"
    assert main(["alerts", "--db", str(ruled), "--year", "2023/24"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split("\t") == [
        "2023/24",
        "North Partnership",
        "0.28 (against 0.25)",
        "Permanent exclusion rate (per 100 pupils) above England",
    ]


def test_a_year_without_data_is_refused_not_reported_as_no_alerts(capsys, ruled):
    assert main(["alerts", "--db", str(ruled), "--year", "1999/00"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("seip alerts: there is no partnership data for 1999/00; the years with data are ")
    assert main(["alerts", "--db", str(ruled), "--year", "1999"]) == 2  # malformed, as before
    assert "--year '1999'" in capsys.readouterr().err


def test_rules_from_the_settings_file(capsys, small_copy, tmp_path, monkeypatch):
    path = tmp_path / "alerts.yml"
    path.write_text("alerts:\n  - {metric: suspension_rate, comparison: above, threshold: 0.4}\n", encoding="utf-8")
    monkeypatch.setenv(alerts.ALERTS_FILE_SETTING, str(path))
    assert [(a["area_code"], a["metric"]) for a in fired(capsys, small_copy, "--year", "2023/24")["alerts"]] == [
        ("STH", "suspension_rate")
    ]
    path.write_text("alerts:\n  - {metric: nonsense, comparison: above, threshold: 1}\n", encoding="utf-8")
    assert main(["alerts", "--db", str(small_copy)]) == 2
    assert "alert 1: no metric 'nonsense'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("metric", "comparison", "threshold", "says"),
    [
        ("nonsense", "above", 1, "no metric 'nonsense'"),
        ("pex_rate", "sideways", 1, "not one of"),
        ("pex_rate", "below", None, "needs a number"),
        ("pex_rate", "below", "lots", "needs a number"),
        ("referrals", "worse_than_last_year_by", 1, "neither better nor worse"),
    ],
)
def test_bad_rules_are_refused(small_copy, metric, comparison, threshold, says):
    with pytest.raises(alerts.RuleError, match=says):
        alerts.add_rule(small_copy, LENA, metric, comparison, threshold)


def test_only_a_commissioner_sets_rules_and_it_is_audited(small_copy):
    for viewer in (Viewer("chris", "chair", "NTH"), Viewer("gwen", "governor", "NTH")):
        with pytest.raises(NotPermitted):
            alerts.add_rule(small_copy, viewer, "pex_rate", "above_england")
    rule_id = alerts.add_rule(small_copy, LENA, "pex_rate", "above_england", now=3.0)
    with pytest.raises(NotPermitted):
        alerts.remove_rule(small_copy, Viewer("chris", "chair", "NTH"), rule_id)
    alerts.remove_rule(small_copy, LENA, rule_id, now=4.0)
    assert alerts.rules(small_copy) == []
    assert audit.entries(small_copy)["action"].tolist() == ["alert_rule_removed", "alert_rule_added"]


def test_the_overview_shows_the_alerts_of_the_chosen_year(ruled, monkeypatch):
    # sign-in off serves synthetic data only: label this invented fixture so
    with warehouse.rewrite(ruled) as con:
        con.execute("insert or replace into meta values ('synthetic', 'true')")
    at = open_page(ruled, monkeypatch, "overview", year="2023/24")
    assert not at.exception
    shown = words(at)
    assert "6 alerts in 2023/24" in shown
    assert (
        "**North Partnership**: 0.28 (against 0.25). Rule: Permanent exclusion rate (per 100 pupils) above England."
    ) in shown
    at = open_page(ruled, monkeypatch, "overview", role="governor", year="2023/24")
    assert "No alerts in 2023/24" in words(at)
