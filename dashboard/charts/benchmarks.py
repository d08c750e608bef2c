"""Builders for the Benchmarks page: the authority against England, its region and its
statistical neighbours, from published DfE data. DataFrame in, (Figure, table) out."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import theme

COMPARATORS = ("england", "region", "sn_median")


def authority_vs_comparators(frame: pd.DataFrame, metric: str, *, la_label: str, label: str,
                             unit: str = "", decimals: int = 2) -> tuple[go.Figure, pd.DataFrame]:
    """The authority (in colour) against England, the region and the neighbours' median (grey).

    `frame` is the long metrics frame; the authority is its `local_authority` rows.
    """
    rows = frame[(frame["metric"] == metric)
                 & frame["area_type"].isin(("local_authority", *COMPARATORS))].copy()
    table = pd.DataFrame(columns=["area", "academic_year", "value"])
    if rows[rows["area_type"] == "local_authority"]["value"].notna().sum() == 0:
        return theme.empty(f"No published {label.lower()} for {la_label}."), table
    names = {"local_authority": la_label, "england": "England",
             "sn_median": theme.AREA_TYPE_LABELS["sn_median"]}
    rows["area"] = [names.get(t, n) for t, n in zip(rows["area_type"], rows["area_name"], strict=True)]
    years = sorted(rows.loc[rows["area_type"] == "local_authority", "academic_year"].unique())
    rows = rows[rows["academic_year"].isin(years)]
    order = {t: i for i, t in enumerate(("local_authority", *COMPARATORS))}
    rows["order"] = rows["area_type"].map(order)
    rows = rows.sort_values(["order", "academic_year"])
    fig = go.Figure()
    for area, group in rows.groupby("area", sort=False):
        area_type = group["area_type"].iloc[0]
        if area_type == "local_authority":
            line, marker = {"color": theme.PALETTE[0], "width": 3}, {"color": theme.PALETTE[0], "size": 7}
        else:
            style = theme.COMPARATOR_STYLE[area_type]
            line, marker = {"color": style["color"], "dash": style["dash"], "width": 2}, {"color": style["color"]}
        texts = [theme.format_value(None if pd.isna(v) else v, unit, decimals) for v in group["value"]]
        fig.add_trace(go.Scatter(x=group["academic_year"], y=group["value"], name=area,
                                 mode="lines+markers", line=line, marker=marker, text=texts,
                                 hovertemplate=f"{area}, %{{x}}: %{{text}}<extra></extra>"))
    theme.style(fig, y_title=theme.unit_title(unit, label))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    keep = ["area", "academic_year", "value"] + (["value_symbol"] if "value_symbol" in rows.columns else [])
    table = rows[keep].reset_index(drop=True)
    return fig, table


def rank_among(neighbours: pd.DataFrame, metric: str, polarity: str = "lower") -> pd.DataFrame:
    """The focus authority's rank and quartile among itself and its neighbours, per year.

    `neighbours` has academic_year, area_name, is_focus and a column `metric`. Rank 1 is the
    best (the lowest value when lower is better); ties share the better rank; quartile 1 is
    the best quarter: ceil(4 x rank / areas). Years without a focus value are left out.
    """
    rows = []
    for year, group in neighbours.dropna(subset=[metric]).groupby("academic_year", sort=True):
        focus = group[group["is_focus"].astype(bool)]
        if focus.empty:
            continue
        ranks = group[metric].rank(method="min", ascending=polarity != "higher")
        rank = int(ranks[focus.index[0]])
        areas = len(group)
        rows.append({"academic_year": year, "value": float(focus[metric].iloc[0]), "rank": rank,
                     "areas": areas, "quartile": math.ceil(4 * rank / areas)})
    return pd.DataFrame(rows, columns=["academic_year", "value", "rank", "areas", "quartile"])


def rank_chart(ranks: pd.DataFrame, *, la_label: str, label: str) -> tuple[go.Figure, pd.DataFrame]:
    """The authority's rank among its neighbours over the years (1 at the top)."""
    if ranks.empty:
        return theme.empty(f"No neighbour comparison of {label.lower()} is possible yet."), ranks
    texts = [f"{r} of {n} (quartile {q})"
             for r, n, q in zip(ranks["rank"], ranks["areas"], ranks["quartile"], strict=True)]
    fig = go.Figure(go.Scatter(
        x=ranks["academic_year"], y=ranks["rank"], mode="lines+markers", text=texts,
        line={"color": theme.PALETTE[0], "width": 3},
        marker={"size": 8}, name=la_label, hovertemplate="%{x}: rank %{text}<extra></extra>"))
    # only the latest year is labelled on the chart: labels on every year overlap
    fig.add_annotation(x=ranks["academic_year"].iloc[-1], y=int(ranks["rank"].iloc[-1]),
                       text=texts[-1], showarrow=True, arrowhead=0, ax=-50, ay=45,
                       font={"color": theme.PALETTE[0]})
    theme.style(fig, y_title="Rank (1 = best)")
    most = int(ranks["areas"].max())
    fig.update_yaxes(autorange=False, range=[most + 0.5, 0.5], rangemode="normal", dtick=1)
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False)
    return fig, ranks


def fsm_against_exclusions(neighbours: pd.DataFrame, year: str, *, x: str = "fsm_pct",
                           y: str = "pex_rate", x_label: str = "Pupils eligible for FSM (%)",
                           y_label: str = "Permanent exclusion rate") -> tuple[go.Figure, pd.DataFrame]:
    """Each neighbour as a grey dot (the authority in colour): FSM share against exclusion rate."""
    rows = neighbours[(neighbours["academic_year"] == year)].dropna(subset=[x, y])
    table = rows[["area_name", x, y]].reset_index(drop=True)
    if rows.empty:
        return theme.empty(f"No neighbour has both figures for {year}."), table
    focus = rows["is_focus"].astype(bool)
    fig = go.Figure()
    for is_focus, group in ((False, rows[~focus]), (True, rows[focus])):
        if group.empty:
            continue
        fig.add_trace(go.Scatter(
            x=group[x], y=group[y], mode="markers+text" if is_focus else "markers",
            text=group["area_name"], textposition="top center",
            name=group["area_name"].iloc[0] if is_focus else "Statistical neighbours",
            marker={"size": 14 if is_focus else 10,
                    "color": theme.PALETTE[0] if is_focus else theme.GREY_LIGHT,
                    "line": {"color": theme.GREY_DARK, "width": 1}},
            hovertemplate="%{text}: FSM %{x:.1f}%, rate %{y:.2f}<extra></extra>"))
    theme.style(fig, x_title=x_label, y_title=y_label)
    return fig, table


def correlation_sentence(table: pd.DataFrame, *, x: str = "fsm_pct", y: str = "pex_rate") -> str:
    """How closely FSM share and exclusion rate move together across the areas, in words
    (Pearson's r; '' with fewer than three areas or no spread)."""
    both = table.dropna(subset=[x, y])
    if len(both) < 3 or both[x].std() == 0 or both[y].std() == 0:
        return ""
    r = float(both[x].corr(both[y]))
    if abs(r) < 0.2:
        return f"Across these {len(both)} areas, FSM share and exclusion rate are hardly related (r = {r:.2f})."
    strength = "strong" if abs(r) >= 0.7 else "moderate" if abs(r) >= 0.4 else "weak"
    tendency = "more" if r > 0 else "less"
    return (f"Across these {len(both)} areas, more deprived areas tend to exclude {tendency}: "
            f"a {strength} link (r = {r:.2f}).")
