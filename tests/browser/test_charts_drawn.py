"""Charts measured where they are drawn: a figure from a chart builder, drawn by plotly.js in
Chromium at the width the dashboard gives a chart on a phone (390 px screen) and on a desktop
(1280 px screen); the boxes of its labels compared with those of the lines near them, and the
pixels of points that fall on the same spot counted colour by colour."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image

from dashboard.charts import exclusions, theme
from dashboard.charts import value_for_money as vfm

# the width of a chart's plotting div: a 390 px phone less the page's padding, and a 1280 px
# screen less the sidebar and padding (measured on the Value for money page)
CHART_WIDTHS = (358, 820)

# what a result costs, as a governor and a commissioner see it (low, central, high by hand)
COSTS = pd.DataFrame(
    [
        ("Our cost per exclusion avoided", "partnership", 21_000.0, 30_000.0, 45_000.0),
        ("Our cost per successful outcome", "partnership", 9_000.0, 9_000.0, 9_000.0),
        ("AP for the years an excluded pupil spends there", "alternative", 10_000.0, 34_563.0, 61_570.0),
        ("Special school place, one year", "alternative", 26_000.0, 26_000.0, 63_000.0),
        ("Lifetime cost of an exclusion (IPPR, contested upper bound)", "contested", 0.0, 370_000.0, 370_000.0),
    ],
    columns=["item", "kind", "low", "value", "high"],
)


def draw(page, fig, width: int) -> None:
    """Draw `fig` `width` px wide in `page`, as plotly.js draws it on the dashboard."""
    fig = fig.update_layout(width=width)
    done = "document.body.dataset.drawn = 'yes';"  # run once newPlot's promise has resolved
    page.set_content(fig.to_html(include_plotlyjs=True, full_html=True, config={"staticPlot": True}, post_script=done))
    page.wait_for_selector("body[data-drawn=yes]")
    # and two frames painted, so a screenshot shows what was drawn
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def boxes(page, selector: str) -> list[dict]:
    """The boxes (left, right, top, bottom) and text of what `selector` picks in the drawn figure."""
    return page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}; })",
    )


# clear space a reader needs between a figure and a line to see them apart (px)
GAP = 4


def overlap(a: dict, b: dict) -> bool:
    """True when boxes `a` and `b` touch or come closer than GAP."""
    return (
        a["left"] < b["right"] + GAP
        and b["left"] < a["right"] + GAP
        and a["top"] < b["bottom"] + GAP
        and b["top"] < a["bottom"] + GAP
    )


@pytest.mark.parametrize("width", CHART_WIDTHS)
@pytest.mark.parametrize("rows", [slice(2, 4), slice(0, 4), slice(0, 5)], ids=["governor", "ours", "lifetime"])
def test_what_a_result_costs_labels_clear_the_whiskers(page, width, rows):
    fig = vfm.comparison_chart(COSTS.iloc[rows].reset_index(drop=True))
    draw(page, fig, width)
    whiskers = boxes(page, ".errorbar path")
    # the value labels, whether drawn as a trace's text or as annotations
    labels = [b for b in boxes(page, ".textpoint text, .annotation-text") if b["text"].startswith("£")]
    plot = boxes(page, ".main-svg")[0]
    expected = [vfm.theme.format_value(v, "gbp", 0) for v in COSTS.iloc[rows]["value"]]
    assert [b["text"] for b in labels] == expected
    # the whiskers that are drawn (a point whose low and high are its value has none)
    assert len(whiskers) >= 2
    for label in labels:
        assert not [w for w in whiskers if overlap(label, w)], (label, whiskers)
        assert plot["left"] <= label["left"] and label["right"] <= plot["right"], label


# a governor's permanent exclusion rates: two partnerships with one figure each, both 0.0 in 2020/21
RATES = pd.DataFrame(
    [
        ("pex_rate", "2020/21", "partnership", "BLT", "Brackenwood Learning Trust", 0.0, False),
        ("pex_rate", "2021/22", "partnership", "BLT", "Brackenwood Learning Trust", None, True),
        ("pex_rate", "2020/21", "partnership", "LAT", "Larkspur Academies Trust", 0.0, False),
        ("pex_rate", "2021/22", "partnership", "LAT", "Larkspur Academies Trust", None, True),
        ("pex_rate", "2020/21", "england", "E92000001", "England", 0.1, False),
        ("pex_rate", "2021/22", "england", "E92000001", "England", 0.16, False),
    ],
    columns=["metric", "academic_year", "area_type", "area_code", "area_name", "value", "suppressed"],
)


def pixels_near(image: Image.Image, colour: str, tolerance: int = 60) -> int:
    """How many pixels of `image` are within `tolerance` (per channel) of `colour` ('#RRGGBB')."""
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        all(abs(c - w) <= tolerance for c, w in zip(px, want, strict=False)) for px in image.get_flattened_data()
    )


@pytest.mark.parametrize("width", (*CHART_WIDTHS, 760))
def test_two_partnerships_on_the_same_point_are_both_seen(page, width):
    fig, _ = exclusions.rates_over_time(RATES, "pex_rate", label="Permanent exclusion rate", unit="rate_per_100")
    assert [t.name for t in fig.data][:2] == ["Brackenwood Learning Trust", "Larkspur Academies Trust"]
    # the values stay exact: both points are drawn at 0.0
    assert fig.data[0].y[0] == 0.0 and fig.data[1].y[0] == 0.0
    draw(page, fig, width)
    spot = boxes(page, ".scatterlayer .trace:nth-child(1) .point, .scatterlayer .trace:nth-child(2) .point")
    assert len(spot) == 2
    # drawn whole on the axis's edge, and clear of the years written under it
    ticks = boxes(page, ".xtick text")
    assert [(p, t) for p in spot for t in ticks if overlap(p, t)] == []
    left, top = min(b["left"] for b in spot) - 2, min(b["top"] for b in spot) - 2
    right, bottom = max(b["right"] for b in spot) + 2, max(b["bottom"] for b in spot) + 2
    shot = page.screenshot(clip={"x": left, "y": top, "width": right - left, "height": bottom - top})
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    colours = theme.colour_map(["Brackenwood Learning Trust", "Larkspur Academies Trust"])
    # each partnership's own colour shows at the spot, not only the one drawn last
    seen = {name: pixels_near(image, colour) for name, colour in colours.items()}
    assert min(seen.values()) >= 15, seen
