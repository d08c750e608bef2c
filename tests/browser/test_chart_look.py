"""The dashboard's figures as Chromium draws them: the same as Streamlit's chart theme drew them,
setting for setting and pixel for pixel, and each drawn no more often than plotly's automatic
margins ask (once, and once again with the margins its labels need), never again once the chart
has mounted."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from harness import TIMEOUT_MS, serve_script, settle, visit
from PIL import Image

pytestmark = pytest.mark.browser

APP = Path(__file__).parent / "apps" / "chart_look.py"
KINDS = ("lines", "bars", "flows", "small-multiples", "empty")

# What plotly worked out for a chart, every setting it drew with, as JSON. Left out: its own
# workings (keys starting "_"), ids, the data revision; what it keeps from its last full drawing
# and an update that drew nothing leaves at its defaults (the tick spacing, the range of an axis
# it ranges itself: the pixels say they are the same); a title's bold tags and the placeholder
# it keeps for a title with no text (neither is drawn).
DRAWN_WITH = r"""gd => {
  const skip = new Set(['uid', 'datarevision', 'template', 'dtick', 'tick0']);
  const clean = (v) => {
    if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return v.map(clean);
    const out = {};
    for (const k of Object.keys(v).sort()) {
      if (k.startsWith('_') || skip.has(k)) continue;
      const c = clean(v[k]);
      if (c !== undefined) out[k] = c;
    }
    return out;
  };
  const layout = clean(gd._fullLayout);
  for (const [name, axis] of Object.entries(layout)) {
    if (/^[xy]axis\d*$/.test(name) && axis.autorange) delete axis.range;
  }
  const title = (layout.title.text || '').replace(/<\/?b>/g, '');
  layout.title.text = title === 'Click to enter Plot title' ? '' : title;
  return JSON.parse(JSON.stringify({layout, data: gd._fullData.map(clean)}));
}"""

# Counts each chart's full drawings: plotly announces every one with 'plotly_beforeplot', to
# the listeners of the emitter it gives the chart's div when it first draws it.
COUNT_DRAWINGS = r"""
window.drawings = new Map();
Object.defineProperty(HTMLElement.prototype, 'emit', {configurable: true, set(emit) {
  const chart = this;
  Object.defineProperty(chart, 'emit', {configurable: true, writable: true, value: emit});
  window.drawings.set(chart, 0);
  chart._ev.on('plotly_beforeplot', () => { window.drawings.set(chart, window.drawings.get(chart) + 1); });
}});
"""


def still(page) -> None:
    """Wait until no chart has been drawn again for half a second."""
    page.wait_for_function(
        """() => {
          const charts = [...document.querySelectorAll('.js-plotly-plot')];
          const now = charts.map(gd => gd._fullLayout && gd._fullLayout._size);
          const same = window.lastSizes && now.every((s, i) => s === window.lastSizes[i]);
          window.lastSizes = now;
          return same;
        }""",
        polling=500,
        timeout=TIMEOUT_MS,
    )


# how far a pixel's channel may differ where a line's edge is smoothed a little differently (seen:
# up to 30 of 255 along a line, at the same place); anything moved, recoloured or missing
# differs by far more
SMOOTHING = 48


def pixels(chart) -> np.ndarray:
    chart.scroll_into_view_if_needed()
    return np.asarray(Image.open(io.BytesIO(chart.screenshot())).convert("RGB"), dtype=int)


def largest_difference(one: np.ndarray, two: np.ndarray) -> int:
    """The largest difference in any channel of any pixel of two pictures of the same size."""
    assert one.shape == two.shape
    return int(np.abs(one - two).max())


def hover(page, chart) -> str:
    """The words plotly shows with the pointer on the last point drawn in `chart`."""
    chart.scroll_into_view_if_needed()
    box = chart.locator(".scatterlayer .trace .points path").last.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    words = " | ".join(page.locator(".hoverlayer text").all_text_contents())
    page.mouse.move(0, 0)
    return words


@pytest.mark.parametrize("width", [1280, 390])
def test_each_kind_of_figure_is_drawn_as_streamlits_chart_theme_drew_it(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    with serve_script(APP) as base:
        page.goto(base, timeout=TIMEOUT_MS)
        settle(page, 2 * len(KINDS))
        still(page)
        charts = page.locator(".js-plotly-plot")
        assert charts.count() == 2 * len(KINDS)
        for i, kind in enumerate(KINDS):
            themed, sent = charts.nth(2 * i), charts.nth(2 * i + 1)
            assert sent.evaluate(DRAWN_WITH) == themed.evaluate(DRAWN_WITH), kind
            assert largest_difference(pixels(themed), pixels(sent)) <= SMOOTHING, kind
        # and a reader's pointer over each shows the same label
        assert hover(page, charts.nth(1)) == hover(page, charts.nth(0)) != ""
    context.close()


def test_a_pages_charts_are_not_drawn_again_once_mounted(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_DRAWINGS)
    page = context.new_page()
    visit(page, served, "policy-impact", 5)
    still(page)
    drawings = page.evaluate("[...window.drawings.values()]")
    context.close()
    # each of the five: drawn, and drawn once more with the margins its labels need; Streamlit's
    # theme drew each a third time after it had mounted
    assert len(drawings) == 5 and all(1 <= n <= 2 for n in drawings), drawings
