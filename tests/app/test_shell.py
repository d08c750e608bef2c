"""The app shell in AppTest: every page renders, filters live in the URL, caches follow the
warehouse version, an empty warehouse is explained in words, the synthetic banner shows."""

from __future__ import annotations

import pytest
from app_driver import PAGES, TITLES, cards, open_page, words

from dashboard import warehouse
from dashboard.components.page import SYNTHETIC_BANNER


@pytest.mark.parametrize("url_path", list(PAGES))
def test_every_page_renders_with_default_filters(demo_db, monkeypatch, url_path):
    at = open_page(demo_db, monkeypatch, PAGES[url_path])
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLES[url_path]]
    assert SYNTHETIC_BANNER in [w.value for w in at.warning]


@pytest.mark.parametrize("url_path", ["overview", "exclusion-avoidance", "benchmarks"])
def test_filters_default_to_the_latest_year_and_all_partnerships(demo_db, monkeypatch, url_path):
    at = open_page(demo_db, monkeypatch, PAGES[url_path])
    # the demo runs 2019/20 to 2024/25
    assert at.selectbox(key="year").value == "2024/25"
    assert at.selectbox(key="year").options[0] == "2024/25"
    if url_path != "benchmarks":
        assert at.selectbox(key="partnership").value == "All partnerships"


def test_filters_are_read_from_the_url(demo_db, monkeypatch):
    # AppTest seeds bound widgets from the URL on the session's first run, which is on the
    # default page; a copied link to another page is checked in the browser tests
    at = open_page(
        demo_db, monkeypatch, "overview", query={"year": "2021/22", "partnership": "Charnwood Inclusion Partnership"}
    )
    assert not at.exception
    assert at.selectbox(key="year").value == "2021/22"
    assert at.selectbox(key="partnership").value == "Charnwood Inclusion Partnership"
    assert "**Charnwood Inclusion Partnership, 2021/22**" in words(at)


def test_choosing_a_filter_redraws_the_page(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "exclusions")
    at.selectbox(key="year").select("2021/22").run()
    assert not at.exception
    assert "The referral journey, 2021/22" in words(at)


def test_an_unknown_value_in_the_url_falls_back_to_the_default(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "overview", query={"year": "1999/00", "partnership": "Nowhere"})
    assert not at.exception
    assert at.selectbox(key="year").value == "2024/25"
    assert at.selectbox(key="partnership").value == "All partnerships"


def test_a_new_warehouse_version_shows_without_a_restart(synthetic_copy, monkeypatch):
    at = open_page(synthetic_copy, monkeypatch, "overview")
    before = cards(at)["Permanent exclusion rate (per 100 pupils)"]
    assert before != "0.00"
    with warehouse.rewrite(synthetic_copy) as con:
        con.execute("delete from exclusions where type = 'permanent' and start_date >= date '2024-09-01'")
    at.run()
    # no permanent exclusion left in 2024/25: the rate is 0 over a non-zero roll
    assert cards(at)["Permanent exclusion rate (per 100 pupils)"] == "0.00"


@pytest.mark.parametrize("page", ["overview", "exclusions", "benchmarks", "data"])
def test_an_empty_warehouse_says_so_in_words(empty_db, monkeypatch, page):
    at = open_page(empty_db, monkeypatch, page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("plotly_chart")
    text = words(at)
    assert "no partnership data" in text or "no published DfE data" in text or "Nothing has been imported" in text


def test_no_banner_on_real_data(synthetic_copy, monkeypatch):
    with warehouse.rewrite(synthetic_copy) as con:
        con.execute("update meta set value = 'false' where key = 'synthetic'")
    # real data needs sign-in; with sign-in off the app refuses rather than show it
    at = open_page(synthetic_copy, monkeypatch, "overview")
    assert not at.exception
    assert SYNTHETIC_BANNER not in [w.value for w in at.warning]
    assert not at.metric


def test_a_governor_is_told_their_figures_are_being_checked_until_the_server_has_done(demo_db, monkeypatch):
    # `seip serve`'s own process still working out the audit of this warehouse version
    import subprocess
    import sys

    from dashboard.components import launch

    checking = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    monkeypatch.setattr(launch, "_serving", True)
    monkeypatch.setattr(launch, "_ahead", checking)
    monkeypatch.setattr(launch, "_ahead_for", warehouse.version(demo_db))
    try:
        at = open_page(demo_db, monkeypatch, "overview", role="governor")
        assert not at.exception, [e.value for e in at.exception]
        assert [t.value for t in at.title] == ["Overview"]
        assert "being checked for small numbers" in at.info[0].value
        assert not at.metric and not at.get("plotly_chart")  # no figure before it is checked
        # everyone else's figures need no audit
        assert cards(open_page(demo_db, monkeypatch, "overview", role="commissioner"))
    finally:
        checking.kill()
        checking.wait()
    at = open_page(demo_db, monkeypatch, "overview", role="governor")
    assert not at.exception and cards(at)
    assert not any("being checked" in i.value for i in at.info)
