"""`SEIP_RUN_TIMES`: one line per run of the app's script, written however the run ends, and
nothing without the setting."""

from __future__ import annotations

import json
import time

import pytest
from app_driver import PAGES, open_page

from dashboard.components import run_times
from dashboard.settings import SettingError, Settings


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_run_adds_its_page_and_times(tmp_path):
    path = tmp_path / "runs.jsonl"
    before = time.time()
    with run_times.timed(path) as run:
        run["page"] = "overview"
        sum(range(200_000))  # some CPU, so the thread's time is above zero
    with run_times.timed(path):
        pass  # the sign-in form: no page was chosen
    first, second = lines(path)
    assert first["page"] == "overview" and second["page"] == "sign-in"
    assert before - 0.01 <= first["start"] <= time.time()
    assert 0 < first["cpu_s"] <= first["wall_s"] + 0.01  # one thread's CPU cannot pass its wall time
    assert set(first) == {"page", "start", "wall_s", "cpu_s"}  # nothing about the person or the data


def test_a_run_ended_by_raising_is_written_and_the_error_goes_on(tmp_path):
    path = tmp_path / "runs.jsonl"
    with pytest.raises(RuntimeError, match="switch"), run_times.timed(path) as run:
        run["page"] = "policy-impact"
        raise RuntimeError("switch page")  # how st.switch_page and st.stop end a script
    assert [line["page"] for line in lines(path)] == ["policy-impact"]


def test_without_the_setting_nothing_is_written(tmp_path):
    with run_times.timed(None) as run:
        run["page"] = "overview"
    assert list(tmp_path.iterdir()) == []


def test_the_app_writes_a_line_for_each_page_it_draws(demo_db, monkeypatch, tmp_path):
    path = tmp_path / "runs.jsonl"
    monkeypatch.setenv("SEIP_RUN_TIMES", str(path))
    open_page(demo_db, monkeypatch, PAGES["exclusion-avoidance"])
    # `/` (the hidden home page) sends the Overview to its own address; then the page asked for
    assert [line["page"] for line in lines(path)] == ["home", "overview", "exclusion-avoidance"]


@pytest.mark.parametrize("where", ["no-such-folder/runs.jsonl", "."])
def test_a_file_that_cannot_be_written_is_refused_with_the_setting_named(monkeypatch, tmp_path, where):
    monkeypatch.setenv("SEIP_RUN_TIMES", str(tmp_path / where))
    with pytest.raises(SettingError, match="SEIP_RUN_TIMES=.* must name a file in a folder that exists"):
        Settings.from_env()


def test_seip_serve_stops_before_serving_when_the_setting_is_wrong(monkeypatch, tmp_path, capsys):
    from dashboard.cli import main

    monkeypatch.setenv("SEIP_RUN_TIMES", str(tmp_path / "no-such-folder" / "runs.jsonl"))
    assert main(["serve", "--db", str(tmp_path / "seip.duckdb")]) == 2
    assert "SEIP_RUN_TIMES" in capsys.readouterr().err
