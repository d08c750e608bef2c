"""Headline figure cards: the value, the change since last year coloured by polarity, the
comparison with England and statistical neighbours, a sentence saying what changed, and a
small trend line with its figures written under it (screen readers skip the line itself)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts.overview import Headline, headline
from dashboard.components import data
from dashboard.components.filters import Filters

# st.metric colours a rise green ("normal"); for lower-is-better metrics a fall is good.
_DELTA_COLOUR = {"lower": "inverse", "higher": "normal"}


def delta_text(h: Headline) -> str | None:
    """The change since last year as signed text ('+0.02 since 2022/23', '-3.9 points since
    2022/23' for a percentage), or None when either year is missing or suppressed."""
    if h.delta is None:
        return None
    if _unchanged(h):
        return f"no change since {h.previous_year}"
    sign = "-" if h.delta < 0 else "+"
    if h.unit == "percent":
        # a change in a percentage is in percentage points, not per cent
        return f"{sign}{abs(h.delta):,.{h.decimals}f} points since {h.previous_year}"
    return f"{sign}{h.show(abs(h.delta))} since {h.previous_year}"


def trend_text(h: Headline) -> str | None:
    """The trend line's figures in words ('Each year: 2023/24 0.13; 2024/25 0.12.'), or None
    when there is no line (fewer than two years)."""
    if len(h.trend) < 2:
        return None
    return "Each year: " + "; ".join(f"{year} {h.show(value)}" for year, value in h.trend) + "."


def _unchanged(h: Headline) -> bool:
    """True when the change rounds to nothing at the figure's display precision."""
    return h.delta is not None and round(h.delta, h.decimals) == 0


def kpi_card(h: Headline) -> None:
    """One bordered card for a headline figure."""
    with st.container(border=True):
        # the label goes above as text: st.metric cuts a long label to one line
        st.markdown(f"**{h.label}**")
        st.metric(
            h.label,
            h.show(h.value, suppressed=h.suppressed),
            delta_text(h),
            delta_color="off" if _unchanged(h) else _DELTA_COLOUR.get(h.polarity, "off"),
            delta_arrow="off" if _unchanged(h) else "auto",
            chart_data=[v for _, v in h.trend] if len(h.trend) > 1 else None,
            chart_type="line",
            label_visibility="collapsed",
        )
        st.caption(h.sentence)
        trend = trend_text(h)
        if trend:
            st.caption(trend)


def kpi_row(headlines: list[Headline], per_row: int = 3) -> None:
    """Cards in rows of `per_row` (they stack on a phone)."""
    for start in range(0, len(headlines), per_row):
        columns = st.columns(per_row)
        for column, h in zip(columns, headlines[start : start + per_row], strict=False):
            with column:
                kpi_card(h)


def area_metrics(f: Filters) -> pd.DataFrame:
    """What a card needs of the metrics, asked for in the gate's SQL: the area the filters chose
    in every year (its value, last year's, its trend line) with DfE's areas (England and the
    neighbours), not the other partnerships."""
    return data.metrics(partnership=f.area_code)


def headline_for(frame: pd.DataFrame, metric: str, f: Filters) -> Headline:
    """The headline figure of `metric` for the area and year the filters chose, from `frame`
    (`area_metrics(f)`), worked out once per warehouse version and viewer."""
    return data.chart(headline, frame, data.metric_info(metric), f.year, f.area_type, f.area_code)


def metric_cards(metrics: tuple[str, ...], f: Filters, per_row: int = 2) -> None:
    """Cards for `metrics` for the area and year the filters chose."""
    frame = area_metrics(f)
    kpi_row([headline_for(frame, m, f) for m in metrics], per_row=per_row)
