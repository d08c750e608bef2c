"""Sign-in through the real form in Debian's Chromium, against `seip serve` with SEIP_AUTH=local
on the demo warehouse: a governor sees aggregates only, a head only their own school's pupils,
and every pupil-level view and download lands in the audit log."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from harness import TIMEOUT_MS, serve, settle, sign_in
from streamlit import file_util

from dashboard import audit, auth
from dashboard.components.static_assets import PRELOAD_AFTER_LOAD_MS, preloads

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
OWN_SCHOOL = 900001  # Riverside Academy, NWL partnership, in the demo
OTHER_SCHOOL = 900009  # Meadowbank Academy, CHN partnership


@pytest.fixture(scope="module")
def signed_db(demo_db, tmp_path_factory) -> Path:
    """A copy of the demo warehouse with a head and a governor of Riverside Academy, and a
    commissioner."""
    db = tmp_path_factory.mktemp("signin") / "seip.duckdb"
    shutil.copyfile(demo_db, db)
    auth.add_user(db, "hana", "head", str(OWN_SCHOOL), PASSWORD)
    auth.add_user(db, "gwen", "governor", str(OWN_SCHOOL), PASSWORD)
    auth.add_user(db, "cara", "commissioner", None, PASSWORD)
    return db


@pytest.fixture(scope="module")
def base(signed_db):
    """The dashboard with local sign-in on the signed-in copy of the demo (the session's
    Chromium, from conftest, visits it: one Playwright per test process)."""
    with serve(signed_db, auth="local") as url:
        yield url


def sign_in_at(page, base: str, path: str, name: str) -> None:
    """Sign in as `name` (password PASSWORD) at `path`."""
    sign_in(page, base, path, name, PASSWORD)


def test_a_wrong_password_gets_nothing(browser, base, signed_db):
    page = browser.new_page()
    page.goto(f"{base}/school-view?school={OWN_SCHOOL}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_label("Username", exact=True).fill("hana")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong user name or password.").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".js-plotly-plot").count() == 0
    assert page.get_by_text("Signed in as").count() == 0
    page.close()


def test_governor_sees_aggregates_no_pupil_rows_and_downloads_only_suppressed_counts(browser, base, signed_db):
    page = browser.new_page()
    sign_in_at(page, base, f"school-view?school={OWN_SCHOOL}", "gwen")
    # both School view charts drawn (the comparison and the school over the years)
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length >= 2",
        timeout=TIMEOUT_MS,
    )
    page.get_by_text("Governors see aggregate figures only").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Show pupil-level records").count() == 0
    # Disclosure control: no headline count on the School view is 1 to 4.
    shown = [t.strip() for t in page.locator("[data-testid=stMetricValue]").all_inner_texts()]
    assert shown and not [v for v in shown if v in {"1", "2", "3", "4"}], shown
    # The school's counts over the years, downloaded: small counts arrive as c, and it is audited.
    page.get_by_role("tab", name="Download").nth(1).click()
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download CSV").filter(visible=True).first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    cells = [v for r in rows for k, v in r.items() if k != "academic_year"]
    assert "c" in cells
    assert not [v for v in cells if v.replace(".", "", 1).isdigit() and float(v) in {1, 2, 3, 4}], text
    assert "pupil_ref" not in text
    settle(page)
    page.close()
    assert audit.entries(signed_db, user="gwen", action="pupil_view").empty
    assert list(audit.entries(signed_db, user="gwen", action="download")["detail"]) == ["school-trend.csv"]


def test_head_sees_own_school_pupils_downloads_them_and_nothing_of_another_school(browser, base, signed_db):
    page = browser.new_page(accept_downloads=True)
    sign_in_at(page, base, f"school-view?school={OWN_SCHOOL}", "hana")
    page.get_by_text("Show pupil-level records").click()
    settle(page)
    caption = page.get_by_text(f"at school {OWN_SCHOOL}")
    caption.wait_for(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows and {r["urn"] for r in rows} == {str(OWN_SCHOOL)}
    assert {"pupil_ref", "decision"} <= rows[0].keys()
    settle(page)

    # Another school in the URL: a new session, the form again, then no pupil rows.
    sign_in_at(page, base, f"school-view?school={OTHER_SCHOOL}", "hana")
    page.get_by_text("Pupil-level records are shown only for your own school").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Show pupil-level records").count() == 0

    # Sign out: the form comes back, and a direct link shows nothing but the form.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    page.goto(f"{base}/placements-and-costs", timeout=TIMEOUT_MS)
    settle(page)
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert page.locator(".js-plotly-plot").count() == 0
    page.close()

    log = audit.entries(signed_db, user="hana")
    # oldest first; the wrong-password test above may have added a failure for hana
    actions = [a for a in log["action"][::-1] if a != "sign_in_failed"]
    assert actions == ["sign_in", "pupil_view", "download", "sign_in", "sign_out"]
    detail = log.loc[log["action"] == "download", "detail"].item()
    assert detail.startswith(f"pupil-level referrals (school {OWN_SCHOOL}")


def test_the_form_preloads_the_signed_in_pages_scripts_each_once(browser, base):
    """Nothing is preloaded before the person is at the form (its first focus, or a few seconds
    after the page has loaded); then plotly's script and the rest (`static_assets`), each fetched
    once, and the Overview after signing in draws from them without an error."""
    static = Path(file_util.get_static_dir())
    names = preloads((static / "index.html").read_bytes(), static)
    plotly = next(n for n in names if n.startswith("PlotlyChart."))
    page = browser.new_page()
    fetched: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.rsplit("/", 1)[-1]))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"{r.url} {r.failure}"))
    try:
        page.goto(base + "/", timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
        at_form = page.evaluate("performance.now()")
        page.get_by_label("Username", exact=True).focus()
        page.wait_for_function(
            "n => performance.getEntriesByType('resource').some(e => e.name.endsWith(n))",
            arg=plotly,
            timeout=TIMEOUT_MS,
        )
        started, loaded = page.evaluate(
            """n => [performance.getEntriesByType('resource').find(e => e.name.endsWith(n)).startTime,
                     performance.getEntriesByType('navigation')[0].loadEventEnd]""",
            plotly,
        )
        assert started >= min(at_form, loaded + PRELOAD_AFTER_LOAD_MS) - 50
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        assert set(names) <= set(fetched)
        page.get_by_label("Username", exact=True).fill("cara")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as cara").wait_for(state="attached", timeout=TIMEOUT_MS)
        settle(page, charts=1)
        assert page.locator("[data-testid=stException]").count() == 0
        assert sorted({n for n in fetched if n.endswith(".js") and fetched.count(n) > 1}) == []
        assert errors == []
    finally:
        page.close()
