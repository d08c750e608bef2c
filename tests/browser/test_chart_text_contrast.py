"""Every word drawn in a chart on the dashboard, as Chromium paints it after Streamlit's chart
theme has had its say, in a colour of at least 4.5 to 1 (WCAG 2.2 AA for text) on white and on
the lightest-grey shading a label sits on (the COVID years)."""

from __future__ import annotations

import re

from harness import PAGES, visit

from dashboard.charts import theme

# the COVID years' shading: GREY_LIGHT at 35% over white, as the browser blends it
SHADING = tuple(round(255 + 0.35 * (int(theme.GREY_LIGHT[i : i + 2], 16) - 255)) for i in (1, 3, 5))


def luminance(rgb: tuple[int, int, int]) -> float:
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def chart_words(page) -> list[tuple[str, str]]:
    """The fill and text of every word in the page's charts. A chart redrawn as it is read (a
    late resize) gives a word with no colour yet: then the page is read again, once it is still."""
    for _ in range(10):
        fills = page.eval_on_selector_all(
            ".js-plotly-plot text",
            "els => els.filter(e => e.textContent.trim()).map(e => [getComputedStyle(e).fill, e.textContent])",
        )
        uncoloured = [(fill, text) for fill, text in fills if len(re.findall(r"\d+", fill)) < 3]
        if not uncoloured:
            return fills
        page.wait_for_timeout(300)
    raise AssertionError(f"words in the charts with no colour after 3 s: {uncoloured[:5]}")


def test_the_contrast_sums_by_hand():
    assert round(contrast((128, 132, 149), (255, 255, 255)), 2) == 3.72  # Streamlit's chart grey
    assert round(contrast((80, 90, 95), (255, 255, 255)), 2) == 7.07  # theme.NEUTRAL
    assert SHADING == (216, 217, 218)  # 255 - 0.35 x (255 - 143, 147, 150)


def test_every_word_in_every_chart_is_at_least_4_5_to_1(page, served):
    low = []
    for url_path, charts in PAGES.items():
        if not charts:
            continue
        visit(page, served, url_path, charts)
        fills = chart_words(page)
        assert fills, url_path
        for fill, text in fills:
            rgb = tuple(int(c) for c in re.findall(r"\d+", fill)[:3])
            if rgb == (255, 255, 255):
                continue  # white words are drawn on a bar of their own colour
            worst = min(contrast(rgb, (255, 255, 255)), contrast(rgb, SHADING))
            if worst < 4.5:
                low.append((url_path, text, fill, round(worst, 2)))
    assert low == []
