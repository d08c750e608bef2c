"""The shared look: value formatting, delta colours, palette, code labels."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts import placements, theme


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (1234.5, "gbp", 0, "£1,234"),  # 1234.5 rounds half to even: £1,234
        (6228.4, "gbp_per_pupil", 2, "£6,228.40"),
        (-5000, "gbp", 0, "-£5,000"),
        (12.345, "percent", 1, "12.3%"),
        (0.2219, "rate_per_100", 2, "0.22"),
        (35498, "count", 0, "35,498"),
        (-0.001, "rate_per_100", 2, "0.00"),  # rounds to zero: no minus sign
    ],
)
def test_format_value(value, unit, decimals, expected):
    assert theme.format_value(value, unit, decimals) == expected


def test_format_value_suppressed_and_missing_are_never_numbers():
    assert theme.format_value(3, "count", 0, suppressed=True) == "c"
    assert theme.format_value(None, "count", 0) == "–"
    assert theme.format_value(math.nan, "gbp", 0) == "–"


@pytest.mark.parametrize(
    ("delta", "polarity", "expected"),
    [
        (-0.1, "lower", theme.GOOD),
        (0.1, "lower", theme.BAD),
        (0.1, "higher", theme.GOOD),
        (-0.1, "higher", theme.BAD),
        (0.1, "neutral", theme.NEUTRAL),
        (0, "lower", theme.NEUTRAL),
        (None, "lower", theme.NEUTRAL),
    ],
)
def test_delta_colour_follows_polarity(delta, polarity, expected):
    assert theme.delta_colour(delta, polarity) == expected


def test_comparators_are_grey_and_partnerships_are_not():
    colours = set(theme.colour_map([f"p{i}" for i in range(6)]).values())
    assert len(colours) == 6
    assert not colours & {theme.GREY_DARK, theme.GREY_LIGHT}
    assert {s["color"] for s in theme.COMPARATOR_STYLE.values()} <= {theme.GREY_DARK, theme.GREY_LIGHT}
    assert theme.PALETTE[:4] == ("#12436D", "#28A197", "#801650", "#F46A25")


def test_code_labels():
    assert theme.label("ap_placement") == "AP placement"
    assert theme.label("sustained_to_end_y11") == "Sustained to end of Y11"
    assert theme.label("some_new_code") == "Some new code"
    assert theme.label(None) == "Not recorded"


def test_empty_figure_says_so_in_words():
    fig = theme.empty("No referrals for 2019/20.")
    assert fig.layout.annotations[0].text == "No referrals for 2019/20."
    assert len(fig.data) == 0 and fig.layout.height == 200


def test_a_long_message_is_broken_over_lines_a_phone_shows_whole():
    # 94 characters: three lines of at most 36, and the figure grows to hold them (60 + 3 x 22 px)
    fig = theme.empty("No referrals, placements or exclusions were recorded for this school in any year of the export.")
    assert fig.layout.annotations[0].text == (
        "No referrals, placements or<br>exclusions were recorded for this<br>school in any year of the export."
    )
    assert fig.layout.height == 200
    # 12 sentences of 21 characters: each two lines hold three ("Nothing to draw here. Nothing to" /
    # "draw here. Nothing to draw here."), so 8 lines, 60 + 8 x 22 = 236 px
    longer = theme.empty(" ".join(["Nothing to draw here."] * 12))
    assert longer.layout.annotations[0].text.count("<br>") == 7 and longer.layout.height == 236


def test_wrap_breaks_long_labels_between_words():
    assert theme.wrap("North West Leicestershire Partnership") == ("North West<br>Leicestershire<br>Partnership")
    assert theme.wrap("Oak Trust") == "Oak Trust"
    assert theme.wrap("Supercalifragilisticexpialidocious trust", 10) == ("Supercalifragilisticexpialidocious<br>trust")


def test_in_sentence_lowers_all_partnerships_but_never_a_name():
    assert theme.in_sentence("All partnerships") == "all partnerships"
    assert theme.in_sentence("Brackenwood Learning Trust") == "Brackenwood Learning Trust"
    assert theme.in_sentence("East Midlands") == "East Midlands"


def test_broken_lines_puts_each_group_together_in_order_with_a_break_after_each():
    frame = pd.DataFrame(
        {
            "area": ["B", "A", "B", None, "A", "C"],
            "year": ["2021/22", "2021/22", "2022/23", "2021/22", "2022/23", "2021/22"],
            "value": [1.5, 2.0, np.nan, 9.0, 3.25, 4.0],
        }
    )
    lines = theme.broken_lines(frame, "area", ["year", "value"])
    # B first (it appears first), its rows in their order; the row without an area left out; a
    # missing value is None, as is the break after each group
    assert lines == {
        "year": ["2021/22", "2022/23", None, "2021/22", "2022/23", None, "2021/22", None],
        "value": [1.5, None, None, 2.0, 3.25, None, 4.0, None],
    }
    assert theme.broken_lines(frame.iloc[:0], "area", ["year"]) == {"year": []}


def test_every_legend_sits_above_its_plot():
    # below the plot, a phone wraps a legend into rows that cover the year labels
    legend = theme.style(go.Figure(go.Scatter(x=[1], y=[1]))).layout.legend
    assert (legend.orientation, legend.y, legend.yanchor) == ("h", 1.02, "bottom")


def _contrast(one: str, two: str) -> float:
    """WCAG's contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_axes_words_and_hover_labels_are_said_in_colours_of_at_least_4_5_to_1():
    # said in the figure: on screen Streamlit's chart theme would draw the axes in #808495
    assert round(_contrast("#808495", "#FFFFFF"), 1) == 3.7  # under WCAG's 4.5 to 1 for text
    fig = theme.style(go.Figure(go.Scatter(x=[1], y=[1])), x_title="Year", y_title="Rate")
    axis_words = [fig.layout.xaxis.tickfont.color, fig.layout.yaxis.tickfont.color]
    axis_words += [fig.layout.xaxis.title.font.color, fig.layout.yaxis.title.font.color]
    assert set(axis_words) == {theme.NEUTRAL} and round(_contrast(theme.NEUTRAL, "#FFFFFF"), 1) == 7.1
    hover = fig.layout.hoverlabel
    assert hover.bgcolor == "white" and _contrast(hover.font.color, "#FFFFFF") > 19


def test_every_colour_a_line_or_bar_is_drawn_in_is_at_least_3_to_1_on_white():
    drawn = [*theme.PALETTE, theme.GREY_DARK, theme.GREY_LIGHT, *placements.DURATION_COLOURS]
    assert {c: round(_contrast(c, "#FFFFFF"), 2) for c in drawn if _contrast(c, "#FFFFFF") < 3} == {}
    assert round(_contrast("#BFC1C3", "#FFFFFF"), 2) == 1.81  # the light grey before
    assert round(_contrast(theme.GREY_DARK, theme.GREY_LIGHT), 1) == 2.0  # the two greys told apart
