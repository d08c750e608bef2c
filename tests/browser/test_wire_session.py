"""bench/streamlit_wire.py speaks Streamlit's protocol as the browser does, against `seip serve`
with SEIP_AUTH=local on the demo warehouse: the figures `bench_browser.py --wire` records for
twenty people at once are of real sign-ins and real pages, checked as the browser bench checks
them."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from harness import PAGES, run_async, serve
from streamlit import file_util

from dashboard import auth
from dashboard.settings import ROOT

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
STATIC = Path(file_util.get_static_dir())


@pytest.fixture(scope="module")
def wire():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import streamlit_wire

        yield streamlit_wire
    finally:
        sys.path.remove(str(ROOT / "bench"))


@pytest.fixture(scope="module")
def base(wire, demo_db, tmp_path_factory):
    import bench_browser

    db = tmp_path_factory.mktemp("wire") / "seip.duckdb"
    shutil.copyfile(demo_db, db)
    auth.add_user(db, "cora", "commissioner", None, PASSWORD)
    auth.add_user(db, f"{bench_browser.USER}-1", "commissioner", None, bench_browser.PASSWORD)
    with serve(db, auth="local") as url:
        yield url


def test_a_session_signs_in_and_opens_pages_as_the_browser_does(wire, base):
    async def visit():
        session = wire.WireSession(base)
        try:
            form = await session.open()
            assert session.run.title == "SEIP Insight"
            assert set(session.run.inputs) == {"Username", "Password"} and "Sign in" in session.run.buttons
            overview = await session.sign_in("cora", PASSWORD)
            assert session.run.title == "Overview" and session.run.charts >= PAGES["overview"]
            # the sidebar's pages, from the server's navigation message
            assert {"overview", "exclusion-avoidance", "support"} <= set(session.pages)
            page = await session.switch("exclusion-avoidance", "Exclusion avoidance", PAGES["exclusion-avoidance"])
            assert session.run.title == "Exclusion avoidance"
            assert session.run.charts >= PAGES["exclusion-avoidance"] and not session.run.exceptions
            return form, overview, page
        finally:
            await session.close()

    assert all(0 < seconds < 60 for seconds in run_async(visit()))


def test_a_wrong_password_is_a_failed_run_not_a_time(wire, base):
    async def visit():
        session = wire.WireSession(base)
        try:
            await session.open()
            with pytest.raises(wire.RunFailed, match="not signed in as cora"):
                await session.sign_in("cora", "not the password")
            assert session.run.shows("Wrong user name or password.")
        finally:
            await session.close()

    run_async(visit())


def test_a_page_asked_for_again_gets_references_to_the_figures_it_holds(wire, base):
    """As the browser's cache does: the server sends a reference, not the figure, for a message
    the session says it holds (messages of 10 kB or more, kept two runs)."""

    async def visit():
        session = wire.WireSession(base)
        try:
            await session.open()
            await session.sign_in("cora", PASSWORD)
            await session.switch("policy-impact", "Policy impact", PAGES["policy-impact"])
            first, held = session.run.bytes, len(session.cache)
            await session.switch("policy-impact", "Policy impact", PAGES["policy-impact"])
            return first, held, session.run.bytes, session.run.charts
        finally:
            await session.close()

    first, held, again, charts = run_async(visit())
    assert held >= 1 and again < first / 2
    assert charts >= PAGES["policy-impact"]  # the referenced charts are counted as arrived


def test_a_page_that_never_arrives_is_named(wire, base):
    async def visit():
        session = wire.WireSession(base)
        try:
            await session.open()
            await session.sign_in("cora", PASSWORD)
            with pytest.raises(wire.RunFailed, match="asked for 'Benchmarks', 'Support and feedback' arrived"):
                await session.switch("support", "Benchmarks", 0)
        finally:
            await session.close()

    run_async(visit())


def test_the_bench_times_every_step_of_a_wire_session(wire, base):
    import bench_browser

    times, failures = bench_browser.page_times(), []
    run_async(bench_browser.wire_session(base, {}, times, failures, f"{bench_browser.USER}-1"))
    assert failures == []
    assert set(times) == {wire.FORM, *PAGES} and all(len(t) == 1 and t[0] > 0 for t in times.values())


def test_a_steps_static_files_are_fetched_and_one_missing_fails_the_run(wire, base):
    script = "/static/js/" + next((STATIC / "static" / "js").glob("index.*.js")).name

    async def visit(assets):
        session = wire.WireSession(base, assets)
        try:
            await session.open()
            return session.fetching
        finally:
            await session.close()

    fetched = run_async(visit({wire.FORM: ["/", script]}))
    assert set(fetched) == {wire.FORM} and fetched[wire.FORM] > 0
    with pytest.raises(wire.RunFailed, match="sign-in form: static files not fetched"):
        run_async(visit({wire.FORM: [script, "/_stcore/agent/no-such-file"]}))  # a 404 (other paths get the page)


def test_a_person_at_the_form_fetches_what_the_form_preloads_and_stays_as_long_as_asked(wire, base):
    script = "/static/js/" + next((STATIC / "static" / "js").glob("PlotlyChart.*.js")).name

    async def visit():
        session = wire.WireSession(base, {wire.AT_FORM: [script]})
        try:
            await session.open()
            assert wire.AT_FORM not in session.fetching  # the form is timed without them
            t0 = time.perf_counter()
            await session.wait_at_form(1.5)
            return time.perf_counter() - t0, session.fetching
        finally:
            await session.close()

    stayed, fetched = run_async(visit())
    assert set(fetched) == {wire.AT_FORM} and 0 < fetched[wire.AT_FORM] < stayed
    assert 1.5 <= stayed < 3  # the fetching is part of the pause, not added to it
