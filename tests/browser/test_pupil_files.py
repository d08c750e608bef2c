"""Pupil rows never leave the server through a URL (issue 9, item 5), tried as an attacker would:
a head signs in and shows the pupil records; every /media/ URL the page was sent or fetched is
then fetched by a fresh, signed-out browser context. Before the click there is no pupil file at
all; the file an audited click makes reaches only the signed-in browser that clicked, once (a
signed-out browser asking for it at the same moment gets 404; so does a second fetch); the grid
offers no CSV download or copy of its own."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from harness import TIMEOUT_MS, serve, settle

from dashboard import audit, auth, warehouse

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
OWN_SCHOOL = 900001
MEDIA = re.compile(r"/media/[0-9A-Za-z_-]+\.[a-z0-9]+")
MEDIA_CSV = re.compile(r".*/media/[0-9A-Za-z_-]+\.csv$")


@pytest.fixture(scope="module")
def head_db(demo_db, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("pupil-files") / "seip.duckdb"
    shutil.copyfile(demo_db, db)
    auth.add_user(db, "hana", "head", str(OWN_SCHOOL), PASSWORD)
    return db


@pytest.fixture(scope="module")
def base(head_db):
    with serve(head_db, auth="local") as url:
        yield url


def _watch_media(page, seen: set[str]) -> None:
    """Every /media/ URL in what the server sends (websocket frames) or the page requests."""

    def frame(payload):
        text = payload.decode("latin-1") if isinstance(payload, bytes) else payload
        seen.update(MEDIA.findall(text))

    page.on("websocket", lambda ws: ws.on("framereceived", frame))
    page.on("request", lambda request: seen.update(MEDIA.findall(request.url)))


def _fetched_by_a_stranger(browser, base: str, urls: set[str]) -> dict[str, tuple[int, str]]:
    stranger = browser.new_context()
    try:
        return {u: (r.status, r.text()) for u in sorted(urls) for r in [stranger.request.get(base + u)]}
    finally:
        stranger.close()


def _sign_in_and_show_pupils(page, base: str):
    """Sign in as the head, show their school's pupil referrals; return the grid."""
    page.goto(f"{base}/school-view?school={OWN_SCHOOL}", timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_label("Username", exact=True).fill("hana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as hana").wait_for(timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_text("Show pupil-level records").click()
    settle(page)
    grid = page.locator("[data-testid=stDataFrame]").filter(has_text="pupil_ref").first
    grid.wait_for(timeout=TIMEOUT_MS)
    return grid


def test_no_pupil_file_reaches_anyone_but_the_signed_in_click(browser, base, head_db):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen: set[str] = set()
    _watch_media(page, seen)
    grid = _sign_in_and_show_pupils(page, base)

    # 1. Before any click, no URL the page got serves pupil rows to someone signed out.
    for url, (status, body) in _fetched_by_a_stranger(browser, base, seen).items():
        assert "pupil_ref" not in body, (url, status)
    assert audit.entries(head_db, user="hana", action="download").empty

    # 2. The grid's own toolbar offers no CSV download (nor does the page anywhere but our button).
    grid.hover()
    page.wait_for_timeout(500)
    assert page.locator("[aria-label='Download as CSV'], [title='Download as CSV']").count() == 0
    assert page.get_by_text("Download as CSV").count() == 0

    # 3. The explicit click makes the file and audits it. While the page checks the URL (its
    # fetch, held here) and saves the file, a signed-out browser asks for the same URL, well
    # within the file's life: it gets nothing.
    before = set(seen)
    stranger = browser.new_context()
    tried: dict[str, tuple[int, str]] = {}

    def stranger_first(route):
        answer = stranger.request.get(route.request.url)
        tried[route.request.url] = (answer.status, answer.text())
        route.continue_()

    page.route(MEDIA_CSV, stranger_first)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    page.unroute_all(behavior="wait")
    stranger.close()
    assert rows and {r["urn"] for r in rows} == {str(OWN_SCHOOL)} and "pupil_ref" in rows[0]
    assert len(rows) == _own_pupil_rows(head_db, rows[0]["academic_year"])
    assert list(tried) == [download.value.url]
    assert [(status, "pupil_ref" in body) for status, body in tried.values()] == [(404, False)]
    made = seen - before
    assert made, "the download's URL was not seen"
    downloads = audit.entries(head_db, user="hana", action="download")
    assert len(downloads) == 1 and downloads["detail"].item().startswith(f"pupil-level referrals (school {OWN_SCHOOL}")

    # 4. Once: the same signed-in browser fetching the URL again gets nothing.
    again = context.request.get(download.value.url)
    assert again.status == 404 and "pupil_ref" not in again.text()

    # 5. Sign out and close the tab: no URL the page ever got serves pupil rows.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    context.close()
    for url, (status, body) in _fetched_by_a_stranger(browser, base, seen).items():
        assert "pupil_ref" not in body and (url not in made or status == 404), (url, status)


def _own_pupil_rows(db: Path, year: str) -> int:
    """The referrals of OWN_SCHOOL in `year` in the warehouse, counted apart from the app."""
    con = warehouse.open_read_only(db)
    try:
        return con.execute(
            "select count(*) from fct_referrals where urn = ? and academic_year = ?", [OWN_SCHOOL, year]
        ).fetchone()[0]
    finally:
        con.close()
