"""Policy impact in Debian's Chromium: the default view draws its five charts with every placebo
behind Leicestershire's gap, a link with a start year opens that start, and choosing a start
on the page puts it in the address."""

from __future__ import annotations

import pytest
from harness import TIMEOUT_MS, settle, visit

pytestmark = pytest.mark.browser


def headings(page) -> list[str]:
    return page.locator("h2, h3").all_inner_texts()


def test_the_default_view_draws_the_estimate_and_the_placebos(page, served):
    visit(page, served, "policy-impact", 5)
    assert page.locator("[data-testid=stException]").count() == 0
    assert any(
        h.startswith("Permanent exclusion rate: Leicestershire below its synthetic control from 2010/11")
        for h in headings(page)
    ), headings(page)
    assert page.get_by_text("Real DfE data.", exact=True).count() == 1
    assert page.get_by_text("How sure can we be?", exact=True).count() == 1
    # the gap chart: the grey placebo trace and Leicestershire's line, both drawn
    gap_chart = page.locator(".js-plotly-plot").nth(1)
    assert gap_chart.locator("g.trace.scatter").count() == 2


def test_a_link_with_a_start_opens_that_start(page, served):
    visit(page, served, "policy-impact", 5, "?start=2012%2F13")
    assert any(h.endswith("from 2012/13") for h in headings(page)), headings(page)


def test_choosing_a_start_puts_it_in_the_address(page, served):
    visit(page, served, "policy-impact", 5)
    page.get_by_role("combobox", name="Policy start year").click()
    page.get_by_role("option", name="2011/12").click()
    page.wait_for_url("**start=2011%2F12**", timeout=30_000)
    # the address changes as the choice is sent, before the rerun it starts is seen running:
    # settling at once could read the page of the start before
    page.wait_for_function(
        "[...document.querySelectorAll('h2, h3')].some(h => h.innerText.trim().endsWith('from 2011/12'))",
        timeout=TIMEOUT_MS,
    )
    settle(page, 5)
    assert any(h.endswith("from 2011/12") for h in headings(page)), headings(page)


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_exclusions_avoided_chart_shows_every_label_whole(browser, served, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        visit(page, served, "policy-impact", 5)
        chart = page.locator(".js-plotly-plot").nth(3)
        chart.scroll_into_view_if_needed()
        # every word the chart draws (comparators with their figures, the axis title) lies inside it
        cut = chart.evaluate(
            """plot => {
                const box = plot.getBoundingClientRect();
                return [...plot.querySelectorAll('text')]
                    .filter(t => t.textContent.trim())
                    .filter(t => {
                        const r = t.getBoundingClientRect();
                        return r.left < box.left - 0.5 || r.right > box.right + 0.5;
                    })
                    .map(t => t.textContent);
            }"""
        )
        assert cut == []
        labels = chart.locator(".ytick text").all_text_contents()
        assert any("(about £" in label for label in labels), labels
    finally:
        context.close()
