"""Each page asks the gate for only the metrics it shows (issue 8: metric filters are bound in SQL).

Every request a page run makes through `components.data.metrics` is recorded on the metrics_small
warehouse (latest year 2024/25; partnerships MAT1, NTH, STH): cards ask for their area in every
year, one-year charts for the year, and only the Exclusion avoidance trends of every partnership
ask for the whole frame. A page that went back to `data.metrics()` fails here.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest
from app_driver import open_page

from dashboard import alerts
from dashboard.access import Viewer
from dashboard.components import data

LATEST, BEFORE = "2024/25", "2023/24"
WHOLE = (None, None)

# page -> the (year, partnership) requests of one run: all partnerships, then North Partnership
ASKED = {
    "overview": ({(None, "ALL"), (LATEST, None)}, {(None, "NTH"), (LATEST, None)}),
    "exclusions": ({WHOLE, (None, "ALL"), (LATEST, None)}, {(None, "NTH"), (LATEST, None)}),
    "placements": ({(None, "ALL")}, {(None, "NTH")}),
    "funding": ({(None, "ALL"), (LATEST, None)}, {(None, "NTH"), (LATEST, None)}),
    "value_for_money": ({(None, "ALL")}, {(None, "NTH")}),
    "benchmarks": ({(None, "ALL")}, {(None, "ALL")}),
    "school": (set(), set()),
    "data": (set(), set()),
    "policy_impact": (set(), set()),
}


@pytest.fixture
def small_db(metrics_db, tmp_path):
    """A copy of the metrics_small warehouse flagged synthetic, so the app opens it without sign-in."""
    path = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, path)
    con = duckdb.connect(str(path))
    con.execute("insert or replace into meta values ('synthetic', 'true')")
    con.close()
    return path


@pytest.fixture
def requests(monkeypatch) -> list[tuple[str | None, str | None]]:
    """The (year, partnership) of every `data.metrics` call, answered by the real function."""
    asked = []
    real = data.metrics

    def recorded(year=None, partnership=None):
        asked.append((year, partnership))
        return real(year=year, partnership=partnership)

    monkeypatch.setattr(data, "metrics", recorded)
    return asked


def rerun(at, requests: list):
    """`at` run once more with the requests recorded afresh: opening a page runs the default page first."""
    requests.clear()
    return at.run()


@pytest.mark.parametrize("page", ASKED)
def test_a_page_for_all_partnerships_asks_for_what_it_shows(small_db, monkeypatch, requests, page):
    at = rerun(open_page(small_db, monkeypatch, page), requests)
    assert not at.exception
    assert set(requests) == ASKED[page][0]


@pytest.mark.parametrize("page", ASKED)
def test_a_page_for_one_partnership_asks_for_it_and_never_the_whole_frame(small_db, monkeypatch, requests, page):
    at = rerun(open_page(small_db, monkeypatch, page, query={"partnership": "North Partnership"}), requests)
    assert not at.exception
    assert set(requests) == ASKED[page][1]
    assert WHOLE not in requests


def test_the_filter_row_offers_the_years_and_partnerships_of_the_data(small_db, monkeypatch, requests):
    at = rerun(open_page(small_db, monkeypatch, "placements"), requests)
    assert at.selectbox(key="year").options == ["2024/25", "2023/24", "2022/23"]
    assert at.selectbox(key="partnership").options == [
        "All partnerships",
        "North Partnership",
        "Oak Trust Group",
        "South Partnership",
    ]
    assert at.selectbox(key="year").value == LATEST
    assert requests == [(None, "ALL")]


def test_alerts_ask_for_the_year_and_the_year_before(small_db, monkeypatch, requests):
    # the permanent exclusion rate of all partnerships together rose from 2022/23 to 2023/24
    alerts.add_rule(small_db, Viewer("lead", "commissioner"), "pex_rate", "worse_than_last_year_by", 0)
    at = rerun(open_page(small_db, monkeypatch, "overview", query={"year": BEFORE}), requests)
    assert not at.exception
    assert set(requests) == {(None, "ALL"), (BEFORE, None), ("2022/23", None)}
    assert any("Permanent exclusion rate (per 100 pupils) worse than the year before" in w.value for w in at.warning)
