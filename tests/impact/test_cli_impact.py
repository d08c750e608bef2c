"""`seip impact` (policy-impact.md, cli.md) on the demo warehouse, which holds DfE's national files:
the JSON and CSV shapes, Leicestershire's published figures, the settings, and the exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["impact", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def payload(demo_db) -> dict:
    from dashboard.impact import for_settings
    from dashboard.settings import Settings

    return for_settings(Settings.from_env(demo_db)).payload()


def test_json_has_the_contract_shape_and_the_published_rates(demo_db, capsys, payload):
    code, out, _ = run(capsys, "--db", str(demo_db))
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(payload))
    assert (payload["la_code"], payload["la_name"], payload["measure"], payload["start"]) == (
        "855",
        "Leicestershire",
        "pex_rate",
        "2010/11",
    )
    assert payload["pre_years"] == ["2006/07", "2007/08", "2008/09", "2009/10"]
    assert payload["post_years"][0] == "2010/11" and payload["post_years"][-1] == "2023/24"
    year = {row["academic_year"]: row for row in payload["series"]}
    # published: Leicestershire 0.04878 and England 0.13388 in 2010/11 (geography file); LAIT 2023/24
    assert (year["2010/11"]["la"], year["2010/11"]["england"]) == (0.04878, 0.13388)
    assert year["2006/07"]["la"] == 0.19948 and year["2023/24"]["la"] == pytest.approx(0.13274)
    assert year["2010/11"]["pupils"] == int(year["2010/11"]["pupils"]) > 40_000
    assert year["2023/24"]["pupils"] is None


def test_synthetic_control_weights_and_placebo_inference(payload):
    sc = payload["synthetic_control"]
    assert sc["donor_pool"] == "all" and 120 <= sc["donors"] <= 150 and sc["lambda"] == 1e-6
    weights = [w["weight"] for w in sc["weights"]]
    assert weights == sorted(weights, reverse=True) and min(weights) > 0.001
    assert sum(weights) == pytest.approx(1.0, abs=0.01)
    assert {"la_code", "la_name", "weight"} == set(sc["weights"][0])
    assert "855" not in {w["la_code"] for w in sc["weights"]}
    assert sc["placebo_p_value"] == pytest.approx((1 + (sc["placebo_rank"] - 1)) / (1 + sc["donors"]), abs=0.05)
    assert 1 <= sc["placebo_rank"] <= sc["donors"] + 1
    # synthetic = sum of weights x donors: the gap's mean over post years is the mean_post_gap
    post = [r for r in payload["series"] if r["academic_year"] in payload["post_years"]]
    assert sc["mean_post_gap"] == pytest.approx(sum(r["la"] - r["synthetic"] for r in post) / len(post))


def test_exclusions_avoided_and_did_from_the_series(payload):
    post = [r for r in payload["series"] if r["academic_year"] in payload["post_years"]]
    pre = [r for r in payload["series"] if r["academic_year"] in payload["pre_years"]]
    avoided = payload["exclusions_avoided"]
    for key, column in (("england", "england"), ("sn_median", "sn_median"), ("synthetic", "synthetic")):
        by_hand = sum(r["pupils"] * (r[column] - r["la"]) / 100 for r in post if r["pupils"] is not None)
        assert avoided[key] == pytest.approx(by_hand)
    assert avoided["years_without_headcount"] == ["2023/24"]
    gap = lambda rows: sum(r["la"] - r["england"] for r in rows) / len(rows)  # noqa: E731
    assert payload["did"]["england"] == pytest.approx(gap(post) - gap(pre))


def test_csv_has_one_row_per_year_with_the_gaps(demo_db, capsys, payload):
    code, out, _ = run(capsys, "--db", str(demo_db), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "academic_year",
        "la",
        "england",
        "sn_median",
        "synthetic",
        "pupils",
        "gap_england",
        "gap_sn",
        "gap_sc",
    ]
    assert [r["academic_year"] for r in rows] == [r["academic_year"] for r in payload["series"]]
    first = rows[0]
    assert float(first["gap_england"]) == pytest.approx(float(first["la"]) - float(first["england"]))
    assert rows[-1]["pupils"] == ""


def test_neighbours_only_suspensions_and_another_start(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("SEIP_POLICY_START", "2012/13")
    code, out, _ = run(capsys, "--db", str(demo_db), "--donors", "neighbours", "--measure", "suspension_rate")
    assert code == 0
    got = json.loads(out)
    assert (got["start"], got["measure"], got["synthetic_control"]["donor_pool"]) == (
        "2012/13",
        "suspension_rate",
        "neighbours",
    )
    assert 2 <= got["synthetic_control"]["donors"] <= 10
    assert got["pre_years"][-1] == "2011/12"


def test_any_la_from_the_settings(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("SEIP_LA_CODE", "886")
    code, out, _ = run(capsys, "--db", str(demo_db), "--start", "2012/13")
    assert code == 0
    got = json.loads(out)
    assert (got["la_code"], got["la_name"]) == ("886", "Kent")
    assert "886" not in {w["la_code"] for w in got["synthetic_control"]["weights"]}


def test_too_little_data_is_said_plainly_with_exit_1(demo_db, capsys):
    code, out, err = run(capsys, "--db", str(demo_db), "--start", "2008/09")
    assert code == 1 and out == ""
    assert err.startswith("seip impact: Too little data to estimate the policy's effect for Leicestershire (855)")
    assert "2 year(s) before 2008/09 (at least 3 are needed)" in err and "Traceback" not in err


def test_an_la_with_too_short_a_history_exits_1(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("SEIP_LA_CODE", "940")  # North Northamptonshire: from 2021/22 only
    code, _, err = run(capsys, "--db", str(demo_db))
    assert code == 1 and "Too little data" in err and "North Northamptonshire (940)" in err


@pytest.mark.parametrize("args", [["--start", "2010"], ["--measure", "rate"], ["--donors", "some"]])
def test_wrong_usage_exits_2(demo_db, capsys, args):
    with pytest.raises(SystemExit) as stop:
        main(["impact", "--db", str(demo_db), *args])
    assert stop.value.code == 2


def test_a_bad_policy_start_setting_exits_2(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("SEIP_POLICY_START", "2010-11")
    code, _, err = run(capsys, "--db", str(demo_db))
    assert code == 2 and "SEIP_POLICY_START: '2010-11' is not an academic year such as 2010/11" in err


def test_help_describes_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["impact", "--help"])
    text = capsys.readouterr().out
    for word in ("--measure", "--start", "--donors", "--format", "SEIP_POLICY_START", "too little data"):
        assert word in text
