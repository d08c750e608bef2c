"""Upload on the Data page in Debian's Chromium (Playwright's set_input_files), against
`seip serve` with local sign-in: a bad export is screened out and nothing changes; a good one
imports while a governor's session goes on working, and that session then sees the new data.

Written to hold on a loaded machine (the whole suite on 2 cores, load 20 and more). What made
it fail there: (1) the screener's FAIL row was looked for with `count()`, which does not wait,
in the text of an `st.dataframe`, a grid the browser draws after the script has finished (late
under load); it is now read from the problems CSV the page offers, and the grid is waited for;
(2) a governor's first page on each warehouse version runs the disclosure audit (tens of
seconds of server time at that load, seen in the server's stacks), which took the governor's
page, and the commissioner's session beside it, past the 60 s waits; the test works the audit
out ahead for each version, as a served dashboard keeps it beside the warehouse; (3) after
`set_input_files` the page had not yet rerun with the files: the test now waits for the
"Check these files" button the upload brings."""

from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pytest
from harness import TIMEOUT_MS, serve, settle

from dashboard import access, auth, cli, warehouse
from dashboard.access import Viewer
from dashboard.settings import Settings
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


def audit_ahead(db: Path) -> None:
    """Work out the governor's disclosure audit for the warehouse as it is now, as the server
    would on a governor's first page (it is kept beside the warehouse, by version)."""
    con = warehouse.open_read_only(db)
    try:
        access.metrics(con, Viewer("gwen", "governor", "NTH"), Settings.from_env(db))
    finally:
        con.close()


def choose(page, files: list[Path]) -> None:
    """Put `files` in the uploader and wait for the rerun that has them (its Check button)."""
    page.set_input_files(UPLOADER, [str(p) for p in files])
    page.get_by_role("button", name="Check these files").wait_for(timeout=TIMEOUT_MS)
    settle(page)


def signed_in(browser, base: str, path: str, name: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/{path}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_label("Username", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    return page


def test_upload_screens_a_bad_export_and_imports_a_good_one_while_others_read(browser, db, tmp_path):
    good, bad = exports(tmp_path)
    assert "2022-10-03" in (METRICS_SMALL / "referrals.csv").read_text(encoding="utf-8")
    audit_ahead(db)
    with serve(db, auth="local") as base:
        lena = signed_in(browser, base, "data-and-definitions", "lena")
        gwen = signed_in(browser, base, "overview", "gwen")
        before = warehouse.version(db)

        choose(lena, bad)
        lena.get_by_role("button", name="Check these files").click()
        lena.get_by_text("must be put right before these files can be imported").wait_for(timeout=TIMEOUT_MS)
        settle(lena)
        assert lena.get_by_role("button", name="Import these files").count() == 0
        # the one FAIL, as the problems CSV gives it: R01's date, in the file's second row
        with lena.expect_download(timeout=TIMEOUT_MS) as download:
            lena.get_by_role("button", name="Download the problems (CSV)").click()
        problems = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        assert [(p["result"], p["file"], p["row"], p["column"], p["value"], p["rule"]) for p in problems] == [
            ("FAIL", "referrals.csv", "2", "referral_date", "10/31/2022", "impossible_date")
        ]
        # and on the page, once the browser has drawn the problems' grid
        lena.get_by_text("impossible_date").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        assert warehouse.version(db) == before

        # the uploader adds to what it holds: start again in a fresh session
        lena.context.close()
        lena = signed_in(browser, base, "data-and-definitions", "lena")
        choose(lena, good)
        lena.get_by_role("button", name="Check these files").click()
        lena.get_by_text("0 warn, 0 fail").wait_for(timeout=TIMEOUT_MS)
        lena.get_by_role("button", name="Import these files").click()
        # the governor's session goes on working while the import runs
        gwen.get_by_role("link", name="Benchmarks").click()
        settle(gwen, charts=1)
        assert gwen.locator("[data-testid=stException]").count() == 0
        lena.get_by_text("Imported.").wait_for(timeout=TIMEOUT_MS)
        assert warehouse.version(db) != before
        # the server works out the new version's audit by itself, in the background
        deadline = time.monotonic() + 120
        while not access.audit_kept(Settings.from_env(db)):
            assert time.monotonic() < deadline, "the server did not work out the audit of the imported data"
            time.sleep(0.5)
        # and then sees the new data without a restart (the same session, signed in)
        gwen.get_by_role("link", name="Overview").click()
        settle(gwen, charts=1)
        assert gwen.locator("[data-testid=stException]").count() == 0
        assert gwen.get_by_text("Overview").count() >= 1

        # `seip import` beside the running server: the server starts the audit at its next read,
        # here a commissioner's page (which needs no audit itself)
        assert cli.main(["import", "--db", str(db), *map(str, good)]) == 0
        assert not access.audit_kept(Settings.from_env(db))
        lena.get_by_role("link", name="Benchmarks").click()
        settle(lena, charts=1)
        deadline = time.monotonic() + 120
        while not access.audit_kept(Settings.from_env(db)):
            assert time.monotonic() < deadline, "the server did not work out the audit after `seip import`"
            time.sleep(0.5)
        lena.context.close()
        gwen.context.close()
