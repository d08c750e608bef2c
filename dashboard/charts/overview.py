"""Builders for the Overview page: headline figures and the partnerships side by side.

Input is the long metrics frame of the gate (`dashboard.access.metrics`) (metric, academic_year,
area_type, area_code, area_name, value, suppressed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import suppression, theme
from dashboard.disclosure import small_counts

# The headline figures, in the order they are shown.
HEADLINE_METRICS = (
    "pex_rate",
    "suspension_rate",
    "avoidance_rate",
    "reintegration_rate",
    "cost_per_placement",
    "funding_per_pupil",
)


@dataclass(frozen=True)
class Headline:
    """One headline figure for one area and year, with what it is compared against."""

    metric: str
    label: str
    unit: str
    decimals: int
    polarity: str
    year: str
    value: float | None
    suppressed: bool
    previous_year: str | None
    previous: float | None
    england: float | None
    sn_median: float | None
    trend: tuple[tuple[str, float], ...]
    sentence: str

    @property
    def delta(self) -> float | None:
        """Change since last year; None when either year is missing or suppressed."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    def show(self, value: float | None, *, suppressed: bool = False) -> str:
        return theme.format_value(value, self.unit, self.decimals, suppressed=suppressed)


def _value(
    frame: pd.DataFrame, metric: str, year: str | None, area_type: str, area_code: str | None = None
) -> tuple[float | None, bool]:
    rows = frame[(frame["metric"] == metric) & (frame["academic_year"] == year) & (frame["area_type"] == area_type)]
    if area_code is not None:
        rows = rows[rows["area_code"] == area_code]
    if rows.empty:
        return None, False
    row = rows.iloc[0]
    suppressed = bool(row["suppressed"]) if pd.notna(row["suppressed"]) else False
    value = None if suppressed or pd.isna(row["value"]) else float(row["value"])
    return value, suppressed


def previous_year(year: str) -> str:
    """The academic year before `year`: '2023/24' -> '2022/23'."""
    start = int(year[:4]) - 1
    return f"{start}/{str(start + 1)[-2:]}"


def _sentence(h: dict) -> str:
    label = h["label"]
    show = lambda v: theme.format_value(v, h["unit"], h["decimals"])  # noqa: E731
    if h["suppressed"]:
        return f"{label} is suppressed (c) for {h['year']}: it rests on a count of {small_counts()} pupils."
    if h["value"] is None:
        return f"There is no {label.lower()} for {h['year']}."
    parts = []
    if h["previous"] is None:
        parts.append(
            f"{label} was {show(h['value'])} in {h['year']}; there is no figure for "
            f"{h['previous_year']} to compare with."
        )
    else:
        delta = h["value"] - h["previous"]
        if round(delta, h["decimals"]) == 0:
            parts.append(f"{label} was unchanged at {show(h['value'])} since {h['previous_year']}.")
        else:
            verb = "rose" if delta > 0 else "fell"
            judged = ""
            if h["polarity"] in ("lower", "higher"):
                good = (delta < 0) == (h["polarity"] == "lower")
                judged = ", an improvement" if good else ", a worsening"
            parts.append(
                f"{label} {verb} from {show(h['previous'])} in {h['previous_year']} "
                f"to {show(h['value'])} in {h['year']}{judged}."
            )
    comparisons = []
    if h["england"] is not None:
        comparisons.append(f"England {show(h['england'])}")
    if h["sn_median"] is not None:
        comparisons.append(f"statistical neighbours {show(h['sn_median'])}")
    if comparisons:
        parts.append(f"For comparison: {', '.join(comparisons)}.")
    return " ".join(parts)


def headline(frame: pd.DataFrame, info: dict, year: str, area_type: str, area_code: str) -> Headline:
    """The headline figure of metric `info['metric']` for one area and year.

    `info` is the metric's catalogue entry (label, unit, decimals, polarity). England and the
    neighbours' median come from the same frame when it has them for that year.
    """
    metric = info["metric"]
    value, suppressed = _value(frame, metric, year, area_type, area_code)
    prev_year = previous_year(year)
    previous, _ = _value(frame, metric, prev_year, area_type, area_code)
    england, _ = _value(frame, metric, year, "england")
    sn_median, _ = _value(frame, metric, year, "sn_median")
    series = frame[
        (frame["metric"] == metric)
        & (frame["area_type"] == area_type)
        & (frame["area_code"] == area_code)
        & frame["value"].notna()
        & ~frame["suppressed"].fillna(False).astype(bool)
    ].sort_values("academic_year")
    fields = {
        "metric": metric,
        "label": info.get("label") or metric,
        "unit": info.get("unit") or "",
        "decimals": int(info.get("decimals") or 0),
        "polarity": info.get("polarity") or "neutral",
        "year": year,
        "value": value,
        "suppressed": suppressed,
        "previous_year": prev_year,
        "previous": previous,
        "england": england,
        "sn_median": sn_median,
        "trend": tuple(zip(series["academic_year"], series["value"].astype(float), strict=True)),
    }
    return Headline(**fields, sentence=_sentence(fields))


def headlines(frame: pd.DataFrame, infos: list[dict], year: str, area_type: str, area_code: str) -> list[Headline]:
    """`headline` for each catalogue entry in `infos`, in order."""
    return [headline(frame, info, year, area_type, area_code) for info in infos]


def headline_table(headlines: list[Headline]) -> pd.DataFrame:
    """The headline figures as a table (the text alternative to the cards), values as shown."""
    return pd.DataFrame(
        [
            {
                "figure": h.label,
                "academic_year": h.year,
                "value": h.show(h.value, suppressed=h.suppressed),
                "last_year": h.show(h.previous),
                "england": h.show(h.england),
                "statistical_neighbours": h.show(h.sn_median),
                "what_changed": h.sentence,
            }
            for h in headlines
        ]
    )


def partnerships_compared(
    frame: pd.DataFrame, metric: str, year: str, *, label: str, unit: str = "", decimals: int = 2
) -> tuple[go.Figure, pd.DataFrame]:
    """A horizontal bar per partnership for one metric and year, highest at the top, with
    England as a grey reference line.

    Returns the figure and its table (partnership, value, suppressed). Suppressed partnerships
    get no bar and a `c` label, never a number.
    """
    rows = frame[(frame["metric"] == metric) & (frame["academic_year"] == year)]
    parts = rows[rows["area_type"] == "partnership"].sort_values("area_name")
    table = parts[["area_name", "value", "suppressed"]].rename(columns={"area_name": "partnership"})
    table = table.reset_index(drop=True)
    if parts.empty:
        return theme.empty(f"No {label.lower()} by partnership for {year}."), table
    drawn = parts.assign(order=parts["value"].fillna(-1)).sort_values("order")
    flags = drawn["suppressed"].fillna(False).astype(bool)
    values = drawn["value"].where(~flags)
    texts = [
        theme.format_value(None if pd.isna(v) else v, unit, decimals, suppressed=s)
        for v, s in zip(values, flags, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=drawn["area_name"].map(theme.wrap),
            x=values,
            text=texts,
            textposition="outside",
            orientation="h",
            marker_color=theme.PALETTE[0],
            name=label,
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    england, _ = _value(frame, metric, year, "england")
    if england is not None:
        fig.add_vline(
            x=england,
            line_color=theme.GREY_DARK,
            line_dash="dash",
            annotation_text=f"England {theme.format_value(england, unit, decimals)}",
            annotation_position="top",
            annotation_font_color=theme.NEUTRAL,
        )
    suppression.mark_hidden(fig, list(drawn.loc[flags, "area_name"].map(theme.wrap)))
    theme.style(fig, x_title=theme.unit_title(unit, label), height=max(300, 90 + 44 * len(drawn)))
    # room to the right for the value labels (every partnership suppressed: up to England's line)
    highest = values.max(skipna=True)
    fig.update_xaxes(range=[0, 1.2 * max(0 if pd.isna(highest) else highest, england or 0, 1e-9)])
    fig.update_yaxes(rangemode="normal", gridcolor="rgba(0,0,0,0)")
    fig.update_layout(showlegend=False)
    return fig, table


def highest_sentence(table: pd.DataFrame, *, label: str, unit: str = "", decimals: int = 2) -> str:
    """Which partnership has the highest value, in words ('' when none is shown)."""
    shown = table[~table["suppressed"].fillna(False).astype(bool)].dropna(subset=["value"])
    if shown.empty:
        return ""
    top = shown.sort_values("value", ascending=False).iloc[0]
    return f"{top['partnership']} has the highest {label.lower()}: {theme.format_value(top['value'], unit, decimals)}."
