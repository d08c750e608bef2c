"""The School view, Funding what-if and Value-for-money inputs in Debian's Chromium: a copied
link with a school's URN opens that school, choosing a school puts its URN in the address,
and moving the what-if slider by keyboard redraws the shares."""

from __future__ import annotations

import contextlib

import pytest
from harness import settle, visit
from playwright.sync_api import expect

from dashboard import warehouse

pytestmark = pytest.mark.browser


def schools(db) -> list[tuple[int, str]]:
    con = warehouse.open_read_only(db)
    try:
        rows = warehouse.run(con, "school_year_summary").drop_duplicates("urn")
    finally:
        con.close()
    return sorted(zip(rows["urn"].astype(int), rows["school_name"], strict=True), key=lambda r: (r[1], r[0]))


def test_a_link_with_a_urn_opens_that_school(page, served, demo_db):
    urn, name = schools(demo_db)[4]
    visit(page, served, "school-view", 2, f"?school={urn}&year=2022%2F23")
    headings = page.locator("h2").all_inner_texts()
    assert any(h.startswith(f"{name}:") or h.startswith(f"{name} against") for h in headings), headings
    assert page.get_by_text(f"{name}, ").count() >= 1
    assert page.locator("[data-testid=stException]").count() == 0


def test_choosing_a_school_puts_its_urn_in_the_address(page, served, demo_db):
    urn, name = schools(demo_db)[2]
    visit(page, served, "school-view", 2)
    page.get_by_role("combobox", name="School").click()
    page.get_by_role("option", name=f"{name} ({urn})").click()
    page.wait_for_url(f"**school={urn}**", timeout=30_000)
    settle(page, 2)
    assert any(h.startswith(name) for h in page.locator("h2").all_inner_texts())


def test_the_what_if_slider_moves_by_keyboard_and_redraws(page, served):
    visit(page, served, "funding-and-deprivation", 4)
    before = page.get_by_text("With w = 0.50").count()
    assert before == 1
    slider = page.get_by_role("slider").first
    # a key pressed while the page is still re-running can be dropped: press again until the
    # slider itself reports the new value (at most three times), then wait for the redraw
    for _ in range(3):
        slider.focus()
        page.keyboard.press("ArrowRight")
        with contextlib.suppress(AssertionError):
            expect(slider).to_have_attribute("aria-valuetext", "0.55", timeout=5_000)
            break
    settle(page, 4)
    page.wait_for_function("document.body.innerText.includes('With w = 0.55')", timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
