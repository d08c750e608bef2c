"""WCAG 2.2 AA in Debian's Chromium: axe-core (tests/browser/package.json, installed by
`./dev test`) on the sign-in form and on every page as each role at 1280 and 390 px, with every
tab, expander, toggle, slider and drop-down a person can open; then what axe cannot see: a title
per page, the language, one h1 and headings in order, chart alternatives, the skip link and a
visible focus, reflow at 320 px and reduced motion (docs/accessibility.md)."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import pytest
from harness import PAGES, TIMEOUT_MS, serve, settle, sign_in, visit
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}
PASSWORD = "correct horse battery"
# role -> scope in the demo: North West Leicestershire Partnership and its Riverside Academy
USERS = {"commissioner": None, "chair": "NWL", "head": "900001", "governor": "NWL"}
WIDTHS = {1280: 900, 390: 844}
SERVICE = " – SEIP Insight"


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `./dev test` installs it (npm ci in tests/browser)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base(demo_db, tmp_path_factory):
    """The demo with local sign-in and one account per role."""
    db = tmp_path_factory.mktemp("a11y") / "seip.duckdb"
    shutil.copyfile(demo_db, db)
    for role, scope in USERS.items():
        auth.add_user(db, role, role, scope, PASSWORD)
    with serve(db, auth="local") as url:
        yield url


def axe_findings(page, axe_source: str, where: str) -> list[str]:
    """Serious and critical axe findings on what the page shows now, one line per rule."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) at {v['nodes'][0]['target']}: "
        f"{v['nodes'][0]['failureSummary'].splitlines()[-1].strip()}"
        for v in result["violations"]
        if v["impact"] in FAILING
    ]


def structure_problems(page, url_path: str) -> list[str]:
    """What axe's rule set does not check: the title, the language, headings, chart alternatives, footer."""
    # the footer is drawn last: a page read between two script runs (the state flips to notRunning
    # before a rerun the sign-in asked for starts) has none yet, so wait for it, then read the page
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("document.querySelectorAll('.st-key-seip-footer a').length >= 2", timeout=TIMEOUT_MS)
    facts = page.evaluate("""() => ({
        title: document.title,
        lang: document.documentElement.lang,
        headings: [...document.querySelectorAll('[data-testid=stMain] :is(h1,h2,h3,h4,h5,h6)')]
            .filter(h => h.offsetParent !== null || h.closest('[role=tabpanel]'))
            .map(h => [Number(h.tagName[1]), h.textContent.trim()]),
        charts: [...document.querySelectorAll('.js-plotly-plot')].map(c => ({
            role: c.getAttribute('role'), alt: c.getAttribute('aria-label') || '',
            title: (c.closest('[data-testid=stVerticalBlock]')
                    ?.querySelector(':scope > div h2, :scope > div h3')?.textContent || '').trim()})),
        footer: [...document.querySelectorAll('.st-key-seip-footer a')].map(a => a.textContent.trim()),
    })""")
    problems = []
    if not facts["title"].endswith(SERVICE) or facts["title"] == SERVICE.strip(" –"):
        problems.append(f"title {facts['title']!r} does not name the page")
    if facts["lang"] != "en-GB":
        problems.append(f"lang is {facts['lang']!r}, not en-GB")
    levels = [level for level, _ in facts["headings"]]
    if levels.count(1) != 1 or levels[:1] != [1]:
        problems.append(f"expected one h1 first, got {facts['headings']}")
    for (before, _), (level, text) in zip(facts["headings"], facts["headings"][1:]):
        if level > before + 1:
            problems.append(f"heading h{level} {text!r} follows an h{before}")
    for chart in facts["charts"]:
        alt = chart["alt"]
        if chart["role"] != "img" or not alt:
            problems.append(f"a chart under {chart['title']!r} has no text alternative")
        elif len(alt) > 220 or alt.strip().lower() == chart["title"].strip().lower():
            problems.append(f"the alternative of {chart['title']!r} is {len(alt)} characters or repeats the title")
    if facts["footer"] != ["Accessibility statement", "Support and feedback"]:
        problems.append(f"footer links are {facts['footer']}")
    return [f"{url_path}: {p}" for p in problems]


def click_each(page, locator, drawn: str | None = None) -> int:
    """Click every visible match of `locator` in turn; how many there were. With `drawn` (a CSS
    selector), wait after each click until the page has as many of it as clicks so far, as a
    person waits to see what they opened before opening the next."""
    count = 0
    for item in locator.all():
        if item.is_visible():
            item.scroll_into_view_if_needed()
            item.click()
            count += 1
            if drawn:
                page.wait_for_function(f"document.querySelectorAll('{drawn}').length >= {count}", timeout=TIMEOUT_MS)
    return count


def open_first_drop_down(page) -> bool:
    """Open the page's first drop-down by keyboard (focus, then the down arrow), as a person would;
    False when the page has none. A rerun can swap the drop-down for a new one between the focus
    and the key (the sign-in's second run, a filter written to the address), so try again on a
    freshly found one until the list shows or the time is up."""
    selects = page.locator("[data-testid=stMain] [data-testid=stSelectbox] [role=combobox]")
    if not selects.count():
        return False
    options = page.locator("[role=listbox] [role=option]").first
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        settle(page)
        selects.first.focus()
        if page.evaluate("document.activeElement.getAttribute('role') === 'combobox'"):
            page.keyboard.press("ArrowDown")
            with contextlib.suppress(PlaywrightTimeout):
                options.wait_for(state="visible", timeout=5_000)
                page.wait_for_timeout(300)
                return True
        else:
            page.wait_for_timeout(500)
    raise AssertionError(f"the first drop-down on {page.url} did not open by keyboard within {TIMEOUT_MS // 1000} s")


def open_everything(page, axe_source: str, url_path: str) -> list[str]:
    """Open each kind of thing a person can open on the page and run axe on each state."""
    findings = []
    # the first drop-down (a filter), opened by keyboard before anything redraws the page
    if open_first_drop_down(page):
        findings += axe_findings(page, axe_source, f"{url_path} (drop-down open)")
        page.keyboard.press("Escape")
    for tab, content in (("Table", "stDataFrame"), ("Download", "stDownloadButton")):
        # an opened tab's content is drawn by a rerun of its chart: one tab at a time, each drawn
        # before the next is clicked (clicked all at once on a busy machine, Streamlit once left
        # one chart's rerun undone for over a minute)
        opened = click_each(
            page, page.get_by_role("tab", name=tab, exact=True), f"[role=tabpanel] [data-testid={content}]"
        )
        if opened:
            settle(page)
            page.wait_for_timeout(300)
            findings += axe_findings(page, axe_source, f"{url_path} ({tab} tabs)")
    if click_each(page, page.locator("[data-testid=stExpander] summary")):
        page.wait_for_timeout(300)
        findings += axe_findings(page, axe_source, f"{url_path} (expanders open)")
    # pupil-level records, the lifetime-cost toggle: each redraws the page
    for switch in page.locator("[data-testid=stMain] label:has(input[type=checkbox])").all():
        if switch.is_visible():
            switch.scroll_into_view_if_needed()
            switch.click()
            # the rerun starts a moment after the click: wait for it, or settle() returns at once and
            # axe reads the page's elements faded as stale (#aeafaf) while it redraws
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_selector("[data-testid=stApp][data-test-script-state=running]", timeout=5_000)
            settle(page)
            findings += axe_findings(page, axe_source, f"{url_path} ({switch.inner_text()[:40]} on)")
    # the what-if sliders, moved by keyboard; their least and greatest values stay fully drawn
    # whether or not the slider has the focus (Streamlit fades them, and half-faded they fail)
    for slider in page.get_by_role("slider").all():
        slider.focus()
        page.keyboard.press("ArrowRight")
        settle(page)
    if page.get_by_role("slider").count():
        findings += axe_findings(page, axe_source, f"{url_path} (sliders moved)")
        faded = page.evaluate("""[...document.querySelectorAll('[data-testid=stSliderTickBar]')]
            .map(e => getComputedStyle(e).opacity).filter(o => o !== '1')""")
        findings += [f"{url_path}: a slider's least and greatest values are drawn at opacity {o}" for o in faded]
    return findings


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(USERS))
def test_no_serious_wcag_finding_on_any_page_or_anything_opened(browser, base, axe_source, role, width):
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    page.goto(f"{base}/overview", timeout=TIMEOUT_MS)
    settle(page)
    findings = axe_findings(page, axe_source, "sign-in form")
    titles, problems = {}, []
    for url_path, charts in PAGES.items():
        sign_in(page, base, url_path, role, PASSWORD)
        settle(page, charts)
        findings += axe_findings(page, axe_source, url_path)
        problems += structure_problems(page, url_path)
        titles[url_path] = page.title()
        findings += open_everything(page, axe_source, url_path)
    context.close()
    assert not findings, "\n".join(findings)
    assert not problems, "\n".join(problems)
    assert len(set(titles.values())) == len(titles), titles


FOCUS_RING = """() => {
    const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
    return {testid: e.dataset.testid || e.closest('[data-testid]')?.dataset.testid || e.tagName,
            name: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
            ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            shown: r.width > 0 && r.height > 0, inMain: !!e.closest('[data-testid=stMain]')};
}"""
LONGEST_MOTION = """() => Math.max(0, ...[...document.querySelectorAll('*')].flatMap(e => {
    const s = getComputedStyle(e);
    return [...s.transitionDuration.split(','), ...(s.animationName !== 'none' ? s.animationDuration.split(',') : [])]
        .map(t => parseFloat(t) * (t.trim().endsWith('ms') ? 0.001 : 1));
}))"""


def test_skip_link_keyboard_focus_reflow_and_reduced_motion(page, served):
    visit(page, served, "overview", PAGES["overview"])
    # the first Tab reaches the skip link, shown when focused; Enter moves on to the page itself
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_RING)
    assert first["testid"] == "stSkipToContent" and first["shown"] and first["ring"], first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('[data-testid=stMain]') !== null")
    # every control after it, in order, shows a ring of at least 2 px (the theme's GSS blue, 3 px)
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_RING)
        if stop["testid"] == "BODY":  # past the last control, out to the browser
            break
        stops.append(stop)
    assert len(stops) >= 8, stops
    assert all(s["ring"] and s["shown"] for s in stops), [s for s in stops if not (s["ring"] and s["shown"])]
    main = [s for s in stops if s["inMain"]]
    names = [s["name"] for s in main]
    # the filters come before the chart's tabs, as they are read
    assert names.index("Academic year") < names.index("Partnership") < names.index("Chart"), names

    # 400% zoom of a 1280 px screen is 320 CSS px: nothing but tables and charts may scroll sideways
    page.set_viewport_size({"width": 320, "height": 800})
    page.wait_for_timeout(1000)
    wide = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                     && !e.closest('[data-testid=stDataFrame], [data-testid=stTable]'))
        .map(e => e.dataset.testid || e.tagName).slice(0, 5)""")
    assert not wide, wide
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # motion: Streamlit animates its controls; with reduced motion asked for, nothing moves
    assert page.evaluate(LONGEST_MOTION) > 0.05
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(LONGEST_MOTION) <= 0.001

    # forced colours (Windows High Contrast) drop background colours, which is all Streamlit marks
    # the chosen tab with: it keeps a border there
    chosen_tab_border = (
        "parseFloat(getComputedStyle(document.querySelector('[role=tab][aria-selected=true]')).borderBottomWidth)"
    )
    assert page.evaluate(chosen_tab_border) == 0
    page.emulate_media(forced_colors="active")
    assert page.evaluate(chosen_tab_border) >= 2
