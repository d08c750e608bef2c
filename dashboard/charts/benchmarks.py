"""Builders for the Benchmarks page: the authority against England, its region and its
statistical neighbours, from published DfE data. DataFrame in, (Figure, table) out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import theme

COMPARATORS = ("england", "region", "sn_median")
# The years schools were closed to most pupils for part of the year: exclusions fell for that
# reason, not because of any policy, so every history chart marks them.
COVID_YEARS = ("2019/20", "2020/21")
COVID_NOTE = "COVID-19: schools closed to most pupils for part of the year"
BANDS = ("A", "B", "C", "D")


def covid_notes(years: pd.Series) -> list[str]:
    """The table's note for each academic year: the COVID note for 2019/20 and 2020/21, else ''."""
    return [COVID_NOTE if y in COVID_YEARS else "" for y in years]


def year_axis(fig: go.Figure, years: list[str]) -> None:
    """Academic years in order on the x axis, slanted so that 18 of them stay legible on a phone,
    with the COVID years shaded."""
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, tickangle=-45)
    mark_covid(fig, years)


def mark_covid(fig: go.Figure, years: list[str]) -> None:
    """Shade the COVID years on a category x axis whose categories are `years`, in order."""
    at = [years.index(y) for y in COVID_YEARS if y in years]
    if not at:
        return
    fig.add_vrect(
        x0=min(at) - 0.5,
        x1=max(at) + 0.5,
        fillcolor=theme.GREY_LIGHT,
        opacity=0.35,
        line_width=0,
        layer="below",
        annotation_text="COVID-19",
        annotation_position="top left",
        annotation_font={"color": theme.NEUTRAL, "size": 11},  # 6 to 1 on the shading
    )


def authority_vs_comparators(
    frame: pd.DataFrame, metric: str, *, la_label: str, label: str, unit: str = "", decimals: int = 2
) -> tuple[go.Figure, pd.DataFrame]:
    """The authority (in colour) against England, the region and the neighbours' median (grey).

    `frame` is the long metrics frame; the authority is its `local_authority` rows.
    """
    rows = frame[(frame["metric"] == metric) & frame["area_type"].isin(("local_authority", *COMPARATORS))].copy()
    table = pd.DataFrame(columns=["area", "academic_year", "value"])
    if rows[rows["area_type"] == "local_authority"]["value"].notna().sum() == 0:
        return theme.empty(f"No published {label.lower()} for {la_label}."), table
    names = {"local_authority": la_label, "england": "England", "sn_median": theme.AREA_TYPE_LABELS["sn_median"]}
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
        fig.add_trace(
            go.Scatter(
                x=group["academic_year"],
                y=group["value"],
                name=area,
                mode="lines+markers",
                line=line,
                marker=marker,
                text=texts,
                hovertemplate=f"{area}, %{{x}}: %{{text}}<extra></extra>",
            )
        )
    theme.style(fig, y_title=theme.unit_title(unit, label))
    year_axis(fig, years)
    keep = ["area", "academic_year", "value"] + (["value_symbol"] if "value_symbol" in rows.columns else [])
    table = rows[keep].reset_index(drop=True)
    table["note"] = covid_notes(table["academic_year"])
    return fig, table


def rank_bands(ranks: pd.DataFrame, metric: str, *, la_label: str, label: str) -> tuple[go.Figure, pd.DataFrame]:
    """The authority's quartile band (A = best quarter) among its neighbours and among all LAs, each year.

    `ranks` is the benchmarks_ranks query: academic_year, metric, value, rank_neighbours,
    las_neighbours, band_neighbours, rank_all, las_all, band_all.
    """
    rows = ranks[ranks["metric"] == metric].sort_values("academic_year").reset_index(drop=True)
    table = pd.DataFrame(
        {
            "academic_year": rows["academic_year"],
            "value": rows["value"],
            "rank_among_neighbours": rows["rank_neighbours"],
            "neighbours_ranked": rows["las_neighbours"],
            "band_among_neighbours": rows["band_neighbours"],
            "rank_among_all_las": rows["rank_all"],
            "las_ranked": rows["las_all"],
            "band_among_all_las": rows["band_all"],
            "note": covid_notes(rows["academic_year"]),
        }
    )
    if rows.empty:
        return theme.empty(f"No ranking of {label.lower()} is possible for {la_label}."), table
    years = list(rows["academic_year"])
    fig = go.Figure()
    groups = (
        ("neighbours", "Among its statistical neighbours", theme.PALETTE[0], "circle", 13),
        ("all", "Among all local authorities", theme.PALETTE[1], "diamond", 9),
    )
    for suffix, name, colour, symbol, size in groups:
        bands = rows[f"band_{suffix}"]
        texts = [
            f"rank {r} of {n}, band {b}"
            for r, n, b in zip(rows[f"rank_{suffix}"], rows[f"las_{suffix}"], bands, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[BANDS.index(b) + 1 for b in bands],
                name=name,
                mode="lines+markers",
                text=texts,
                line={"color": colour, "width": 2},
                marker={"color": colour, "symbol": symbol, "size": size},
                hovertemplate=f"{name}, %{{x}}: %{{text}}<extra></extra>",
            )
        )
    theme.style(fig, y_title="Quartile band")
    fig.update_yaxes(
        autorange=False,
        range=[4.5, 0.5],
        tickvals=[1, 2, 3, 4],
        ticktext=["A (best)", "B", "C", "D (worst)"],
        rangemode="normal",
    )
    year_axis(fig, years)
    return fig, table


def rank_sentence(ranks: pd.DataFrame, metric: str, *, la_label: str, label: str) -> str:
    """The latest year's ranks in words, e.g. `In 2023/24 Leicestershire ranked 3 of 11 ...`."""
    rows = ranks[ranks["metric"] == metric].sort_values("academic_year")
    if rows.empty:
        return f"{la_label} among its statistical neighbours and all local authorities"
    r = rows.iloc[-1]
    better = "higher" if r["polarity"] == "higher_is_better" else "lower"
    return (
        f"In {r['academic_year']} {la_label} ranked {r['rank_neighbours']} of {r['las_neighbours']} "
        f"among its neighbours (band {r['band_neighbours']}) and {r['rank_all']} of {r['las_all']} "
        f"among all local authorities (band {r['band_all']}) on {label.lower()}: {better} is better"
    )


def fsm_against_exclusions(
    neighbours: pd.DataFrame,
    year: str,
    *,
    x: str = "fsm_pct",
    y: str = "pex_rate",
    x_label: str = "Pupils eligible for FSM (%)",
    y_label: str = "Permanent exclusion rate",
) -> tuple[go.Figure, pd.DataFrame]:
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
        fig.add_trace(
            go.Scatter(
                x=group[x],
                y=group[y],
                mode="markers+text" if is_focus else "markers",
                text=group["area_name"],
                textposition="top center",
                name=group["area_name"].iloc[0] if is_focus else "Statistical neighbours",
                marker={
                    "size": 14 if is_focus else 10,
                    "color": theme.PALETTE[0] if is_focus else theme.GREY_LIGHT,
                    "line": {"color": theme.GREY_DARK, "width": 1},
                },
                hovertemplate="%{text}: FSM %{x:.1f}%, rate %{y:.2f}<extra></extra>",
            )
        )
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
    return (
        f"Across these {len(both)} areas, more deprived areas tend to exclude {tendency}: "
        f"a {strength} link (r = {r:.2f})."
    )
