"""The look every chart shares: the GSS colour-blind-safe palette, greys for comparators, fonts.

England, the region and statistical neighbours are always grey, so the partnerships (in
colour) stand out against them; the same area always gets the same colour on every chart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# GSS accessible categorical palette (Government Analysis Function guidance), in order; its
# dark grey is swapped for a mid blue, because grey here always means a comparator.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#A285D1", "#2073BC")
# a light tint of PALETTE[0], for the many lines behind the one a chart is about
TINT = "#9EC5E8"
# Comparators' greys: each at least 3 to 1 on white, as WCAG asks of the lines and bars a reader
# must see (1.4.11), and about 2 to 1 apart, so a bar or line in one is told from the other
GREY_DARK = "#5A6166"
GREY_LIGHT = "#8F9396"
GOOD = "#00703C"  # GOV.UK green, for a change in the good direction
BAD = "#D4351C"  # GOV.UK red, for a change in the bad direction
NEUTRAL = "#505A5F"
INK = "#0B0C0C"  # GOV.UK text
FONT = "Arial, Helvetica, sans-serif"

# Comparators by area_type (metrics.md): dark grey for England, lighter for the others.
COMPARATOR_STYLE = {
    "england": {"color": GREY_DARK, "dash": "solid"},
    "region": {"color": GREY_LIGHT, "dash": "dash"},
    "sn_median": {"color": GREY_DARK, "dash": "dot"},
    "local_authority": {"color": GREY_LIGHT, "dash": "solid"},
}

AREA_TYPE_LABELS = {
    "england": "England",
    "region": "East Midlands",
    "sn_median": "Statistical neighbours (median)",
    "la_total": "All partnerships",
}


def in_sentence(area: str) -> str:
    """`area` as it reads mid-sentence: 'All partnerships' (no name) in lower case, a partnership's
    or any other area's name with its own capitals."""
    return area.lower() if area == AREA_TYPE_LABELS["la_total"] else area


def is_comparator(area_type: str) -> bool:
    """True for the DfE areas that are drawn grey (England, region, neighbours, other LAs)."""
    return area_type in COMPARATOR_STYLE


def colour_map(names: list[str]) -> dict[str, str]:
    """Give each name a palette colour in the order given (cycling past six names)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


# One open marker shape per coloured series, in order: a series reads by its shape as well as
# its colour, and two series on the same point both show, one outline across the other (the
# shapes that overlap most, circle and diamond, are furthest apart in the order).
SYMBOLS = ("circle-open", "triangle-up-open", "square-open", "triangle-down-open", "diamond-open", "x-open")


def symbol_map(names: list[str]) -> dict[str, str]:
    """Give each name a marker shape in the order given (cycling past six names)."""
    return {name: SYMBOLS[i % len(SYMBOLS)] for i, name in enumerate(names)}


def delta_colour(delta: float | None, polarity: str) -> str:
    """Colour for a change: green when it moved the good way, red the bad way, grey otherwise.

    `polarity` is 'lower' (lower is better), 'higher' or 'neutral'.
    """
    if delta is None or delta == 0 or polarity not in ("lower", "higher"):
        return NEUTRAL
    good = delta < 0 if polarity == "lower" else delta > 0
    return GOOD if good else BAD


def _template() -> go.layout.Template:
    # plotly_white with the defaults of the trace types drawn here only: a figure takes a copy of
    # its template when it is made, and plotly_white's defaults for 24 trace types made that copy
    # most of the cost of building a chart (a report pack builds dozens)
    white = pio.templates["plotly_white"]
    return go.layout.Template(layout=white.layout, data={kind: white.data[kind] for kind in ("bar", "scatter")})


pio.templates["seip"] = _template()
pio.templates.default = "seip"


# Every legend sits above its plot. Below it, a phone's narrow screen wraps it into many rows that
# collide with the axis's labels and title: a figure is one for every screen width.
LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None}


def style(
    fig: go.Figure,
    *,
    title: str | None = None,
    height: int = 380,
    y_title: str | None = None,
    x_title: str | None = None,
) -> go.Figure:
    """Apply the shared layout: readable font, white background, legend above, light grid."""
    fig.update_layout(
        font={"family": FONT, "size": 14, "color": INK},
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        legend=LEGEND_ABOVE,
        # dark text on white for every hover label, a unified one (a list at a year) too
        hoverlabel={"font": {"family": FONT, "color": INK}, "bgcolor": "white"},
        separators=".,",
    )
    # the axes' words in a grey of 7.1 to 1 on white, said here: Streamlit's chart theme would draw
    # them in its own grey (#808495, 3.7 to 1, under WCAG's 4.5 to 1 for text)
    words = {"color": NEUTRAL}
    fig.update_xaxes(title={"text": x_title, "font": words}, tickfont=words, showgrid=False, automargin=True)
    fig.update_yaxes(
        title={"text": y_title, "font": words},
        tickfont=words,
        gridcolor="#E5E5E5",
        zeroline=False,
        automargin=True,
        rangemode="tozero",
    )
    return fig


def broken_lines(frame: pd.DataFrame, by: str, columns: list[str]) -> dict[str, list]:
    """Each of `columns` of `frame` as one list, group by `by` group in order of first appearance
    (rows without a `by` left out), each group followed by None (a missing value is None too):
    many lines as one trace, broken between them. One trace per line takes seconds to build and
    draw past a hundred lines, and gives a useless legend."""
    keyed = frame[frame[by].notna()]
    groups = pd.factorize(keyed[by], sort=False)[0]
    order = np.argsort(groups, kind="stable")  # each group's rows together, in their order
    groups = groups[order]
    # a row moves down one place for each break before it; the breaks fill the places left
    places = np.arange(len(groups)) + groups
    size = len(groups) + (int(groups[-1]) + 1 if len(groups) else 0)
    out: dict[str, list] = {}
    for column in columns:
        values = keyed[column].to_numpy(dtype=object)[order]
        line = np.full(size, None, dtype=object)
        line[places] = np.where(pd.isna(values), None, values)
        out[column] = line.tolist()
    return out


def headroom(values, share: float = 0.22) -> list[float] | None:
    """An axis range from 0 with room beyond the longest bar for its outside label (None when empty)."""
    numbers = [float(v) for v in values if v is not None and v == v]
    top = max(numbers, default=0.0)
    return None if top <= 0 else [0.0, top * (1 + share)]


# characters on a line of a chart's message: at 15 px a line this long fits a 320 px phone
MESSAGE_WIDTH = 36


def empty(message: str) -> go.Figure:
    """A figure that says in words that there is nothing to draw, broken over short lines: one
    long line runs off both sides of a phone's screen."""
    text = wrap(message, MESSAGE_WIDTH)
    fig = go.Figure()
    fig.add_annotation(
        text=text,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 15, "color": NEUTRAL},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, height=max(200, 60 + 22 * (text.count("<br>") + 1)))


def format_value(value: float | None, unit: str = "", decimals: int = 0, *, suppressed: bool = False) -> str:
    """Show a metric value as people read it: `c` when suppressed, `–` when missing, else
    rounded with thousands separators, `£` before money and `%` after percentages.

    `unit` is a metric dictionary unit: count, percent, rate_per_100, gbp or gbp_per_pupil.
    """
    if suppressed:
        return "c"
    if value is None or value != value:  # NaN is missing, never zero
        return "–"
    unit = (unit or "").lower()
    text = f"{abs(value):,.{decimals}f}"
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    if unit in ("gbp", "gbp_per_pupil"):
        return f"{sign}£{text}"
    if unit == "percent":
        return f"{sign}{text}%"
    return f"{sign}{text}"


# Contract codes (export-format.md) as people say them, for axis labels, legends and tables.
CODE_LABELS = {
    # panel decisions
    "in_school_support": "In-school support",
    "outreach": "Outreach",
    "managed_move": "Managed move",
    "ap_placement": "AP placement",
    "dual_registration": "Dual registration",
    "no_further_action": "No further action",
    # provider types
    "partnership_ap": "Partnership AP",
    "registered_ap": "Registered AP",
    "unregistered_ap": "Unregistered AP",
    "fe_college": "FE college",
    "special_school": "Special school",
    # placement outcomes
    "ongoing": "Ongoing",
    "reintegrated": "Reintegrated",
    "sustained_to_end_y11": "Sustained to end of Y11",
    "moved_to_special": "Moved to special school",
    "permanently_excluded": "Permanently excluded",
    "left_area": "Left the area",
    "other": "Other",
    # exclusion and referral reasons (DfE categories)
    "physical_pupil": "Physical assault against a pupil",
    "physical_adult": "Physical assault against an adult",
    "verbal_pupil": "Verbal abuse or threat against a pupil",
    "verbal_adult": "Verbal abuse or threat against an adult",
    "bullying": "Bullying",
    "racist_abuse": "Racist abuse",
    "abuse_sex_gender": "Abuse against sexual orientation or gender",
    "abuse_disability": "Abuse relating to disability",
    "sexual_misconduct": "Sexual misconduct",
    "drug_alcohol": "Drug and alcohol related",
    "damage": "Damage",
    "theft": "Theft",
    "persistent_disruptive": "Persistent disruptive behaviour",
    "offensive_weapon": "Use or threat of an offensive weapon",
    "media_technology": "Inappropriate use of social media or technology",
    "wilful_refusal": "Wilful and repeated refusal to follow behaviour policy",
    "not_recorded": "Not recorded",
    # other
    "referred": "Referred",
}


def label(code: str | None) -> str:
    """A contract code as people say it ('ap_placement' -> 'AP placement')."""
    if code is None:
        return "Not recorded"
    return CODE_LABELS.get(code, str(code).replace("_", " ").capitalize())


def wrap(text: str, width: int = 20) -> str:
    """Break a long axis label over lines (plotly's `<br>`), so a phone keeps room for the bars."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def unit_title(unit: str, fallback: str = "") -> str:
    """A short axis title for a metric dictionary unit (the chart's title names the measure)."""
    return {
        "rate_per_100": "per 100 pupils",
        "percent": "%",
        "gbp": "£",
        "gbp_per_pupil": "£ per pupil",
        "count": "number",
    }.get(unit, fallback)
