"""Upload on the Data page in Debian's Chromium (Playwright's set_input_files), against
`seip serve` with local sign-in: a bad export is screened out and nothing changes; a good one
imports while a governor's session goes on working, and that session then sees the new data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import TIMEOUT_MS, serve, settle

from dashboard import auth, warehouse
from tests.conftest import METRICS_SMALL

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
UPLOADER = "[data-testid=stFileUploaderDropzoneInput]"


@pytest.fixture
def db(tmp_path, metrics_db) -> Path:
    path = Path(shutil.copyfile(metrics_db, tmp_path / "seip.duckdb"))
    auth.add_user(path, "lena", "commissioner", None, PASSWORD)
    auth.add_user(path, "gwen", "governor", "NTH", PASSWORD)
    return path


def exports(tmp_path: Path) -> tuple[list[Path], list[Path]]:
    """The metrics_small CSVs as they are (good), and with referral R01's date month first (bad)."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder in (good, bad):
        folder.mkdir()
        for p in METRICS_SMALL.glob("*.csv"):
            shutil.copyfile(p, folder / p.name)
    text = (bad / "referrals.csv").read_text(encoding="utf-8").replace("2022-10-03", "10/31/2022", 1)
    (bad / "referrals.csv").write_text(text, encoding="utf-8")
    return sorted(good.glob("*.csv")), sorted(bad.glob("*.csv"))


def signed_in(browser, base: str, path: str, name: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{base}/{path}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_label("Username", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    return page


@pytest.mark.xfail(
    reason="issue 13: in the first whole-suite run the screener's FAIL row (impossible_date) "
    "was not on the Data page within the wait; passed when run alone",
    strict=False,
)
def test_upload_screens_a_bad_export_and_imports_a_good_one_while_others_read(browser, db, tmp_path):
    good, bad = exports(tmp_path)
    assert "2022-10-03" in (METRICS_SMALL / "referrals.csv").read_text(encoding="utf-8")
    with serve(db, auth="local") as base:
        lena = signed_in(browser, base, "data-and-definitions", "lena")
        gwen = signed_in(browser, base, "overview", "gwen")
        before = warehouse.version(db)

        lena.set_input_files(UPLOADER, [str(p) for p in bad])
        settle(lena)
        lena.get_by_role("button", name="Check these files").click()
        lena.get_by_text("must be put right before these files can be imported").wait_for(timeout=TIMEOUT_MS)
        settle(lena)
        assert lena.get_by_text("impossible_date").count() >= 1
        assert lena.get_by_role("button", name="Import these files").count() == 0
        assert lena.get_by_role("button", name="Download the problems (CSV)").count() == 1
        assert warehouse.version(db) == before

        # the uploader adds to what it holds: start again in a fresh session
        lena.context.close()
        lena = signed_in(browser, base, "data-and-definitions", "lena")
        lena.set_input_files(UPLOADER, [str(p) for p in good])
        settle(lena)
        lena.get_by_role("button", name="Check these files").click()
        lena.get_by_text("0 warn, 0 fail").wait_for(timeout=TIMEOUT_MS)
        lena.get_by_role("button", name="Import these files").click()
        # the governor's session goes on working while the import runs
        gwen.get_by_role("link", name="Benchmarks").click()
        settle(gwen, charts=1)
        assert gwen.locator("[data-testid=stException]").count() == 0
        lena.get_by_text("Imported.").wait_for(timeout=TIMEOUT_MS)
        assert warehouse.version(db) != before
        # and then sees the new data without a restart (the same session, signed in)
        gwen.get_by_role("link", name="Overview").click()
        settle(gwen, charts=1)
        assert gwen.locator("[data-testid=stException]").count() == 0
        assert gwen.get_by_text("Overview").count() >= 1
        lena.context.close()
        gwen.context.close()
