"""Debian's Chromium through every page of a freshly served demo, at desktop and phone width:
charts draw, no error appears, screenshots are saved; links carry the filters; the keyboard
reaches the filters and the Chart / Table / Download tabs, and a table is drawn only once its tab is
opened."""

from __future__ import annotations

import pytest
from harness import PAGES, SCREENSHOTS, screenshot, settle, visit
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("url_path", list(PAGES))
def test_every_page_draws_without_error(browser, served, url_path, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    try:
        visit(page, served, url_path, PAGES[url_path])
        assert page.locator("[data-testid=stException]").count() == 0
        assert page.get_by_text("Traceback").count() == 0
        drawn = page.locator(".js-plotly-plot .main-svg")
        assert drawn.count() >= PAGES[url_path]
        if PAGES[url_path]:
            # a drawn chart has marks in it, not just an empty frame
            assert page.locator(".js-plotly-plot g.trace, .js-plotly-plot .sankey").count() >= 1
        SCREENSHOTS.mkdir(exist_ok=True)
        screenshot(page, SCREENSHOTS / f"{url_path}-{w}.png")
    finally:
        context.close()


def test_root_opens_the_overview_with_the_filters(page, served):
    page.goto(f"{served}/?year=2022%2F23", timeout=30_000)
    settle(page, 1)
    page.wait_for_url("**/overview?year=2022%2F23")
    assert page.get_by_text("All partnerships, 2022/23").count() == 1


def test_a_copied_link_opens_the_same_view(page, served):
    visit(page, served, "exclusion-avoidance", 6, "?year=2021%2F22&partnership=Charnwood+Inclusion+Partnership")
    headings = page.locator("h2").all_inner_texts()
    assert "The referral journey, 2021/22" in headings
    assert any("Charnwood Inclusion Partnership" in h for h in headings)
    # the choice carries to the next page
    page.get_by_role("link", name="Overview").click()
    page.wait_for_url("**/overview**")
    settle(page, 1)
    assert page.get_by_text("Charnwood Inclusion Partnership, 2021/22", exact=True).count() == 1


def test_keyboard_reaches_filters_and_chart_tabs(page, served):
    visit(page, served, "exclusion-avoidance", 6)
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " return [e.getAttribute('role') || e.tagName, e.getAttribute('aria-label') || e.innerText] })()"
            )
        )
    assert ["combobox", "Academic year"] in reached
    assert ["combobox", "Partnership"] in reached
    assert ["tab", "Chart"] in reached
    # back to the first chart's Chart tab; from it, the arrow key moves to Table, and Enter shows the table
    for _ in range(60):
        if page.evaluate("document.activeElement === document.querySelector('[role=tab]')"):
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.innerText") == "Chart"
    # no table is drawn until its tab is opened
    assert page.locator("[data-testid=stDataFrame]").count() == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.innerText") == "Table"
    panel = page.evaluate("document.activeElement.getAttribute('aria-controls')")
    page.locator(f"[id='{panel}'] [data-testid=stDataFrame]").wait_for(state="visible", timeout=10_000)
    # the first chart's table: permanent exclusion rates by area and year, the first area first
    expect(page.locator(f"[id='{panel}'] [role=columnheader]")).to_have_text(["Area", "Academic year", "Value"])
    expect(page.locator(f"[id='{panel}'] [role=gridcell]").nth(1)).to_have_text("2019/20")
    assert page.locator(f"[id='{panel}'] [role=gridcell]").first.inner_text() == "Brackenwood Learning Trust"
    assert page.locator("[data-testid=stDataFrame]").count() == 1
