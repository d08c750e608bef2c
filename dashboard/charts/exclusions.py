"""Builders for the Exclusion avoidance page. DataFrame in, (Figure, table) out.

Each builder returns the figure and the table of exactly its data, so the chart panel can
show, and offer for download, what was drawn. Counts hidden by disclosure control arrive as
null with a `<column>_suppressed` flag; they are never drawn as a number.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import disclosure
from dashboard.charts import suppression, theme

LOCAL_AREAS = ("partnership", "la_total")
COMPARATOR_ORDER = ("england", "region", "sn_median")
MEASURES = {"referrals": "Referrals", "suspensions": "Suspensions", "permanent_exclusions": "Permanent exclusions"}


# More partnerships than the palette has colours (a region's or a nation's warehouse) are drawn
# as one set of thin light lines, each named where it is pointed at, behind all partnerships
# together: their colours would repeat, a legend of hundreds of names tells no line from another,
# and one trace each took seconds to build. The table beneath gives every partnership's figures.
MANY_PARTNERSHIPS = len(theme.PALETTE)


def _area_labels(frame: pd.DataFrame) -> pd.Series:
    """Each row's area as people read it: England, the neighbours' median and All partnerships by
    those names, every other area (a partnership, the region) by its own."""
    named = {t: label for t, label in theme.AREA_TYPE_LABELS.items() if t != "region"}
    return frame["area_type"].map(named).fillna(frame["area_name"].astype(str))


def rates_over_time(
    frame: pd.DataFrame, metric: str, *, label: str, unit: str = "", decimals: int = 2, partnership: str | None = None
) -> tuple[go.Figure, pd.DataFrame]:
    """One line per partnership (in colour) and per comparator (grey) for `metric` over the years.

    With `partnership` set, only that partnership and all partnerships together are coloured.
    More than MANY_PARTNERSHIPS partnerships are one set of thin light lines, with all
    partnerships together drawn over them.
    Suppressed points are gaps in the line and `c` in the table; an area with no point to draw
    has no line nor legend entry (`undrawn_sentence` says so in words).
    """
    rows = frame[frame["metric"] == metric].copy()
    partnerships = rows[rows["area_type"] == "partnership"]
    count = partnerships["area_code"].nunique()
    bundled = partnership is None and count > MANY_PARTNERSHIPS
    if bundled:  # all partnerships together drawn over them, the one line that can be followed
        local = rows[rows["area_type"].isin(LOCAL_AREAS)]
    elif partnership is None:
        local = partnerships
    else:
        local = rows[
            ((rows["area_type"] == "partnership") & (rows["area_code"] == partnership))
            | (rows["area_type"] == "la_total")
        ]
    comparators = rows[rows["area_type"].isin(COMPARATOR_ORDER)]
    years = sorted(local["academic_year"].dropna().unique())
    comparators = comparators[comparators["academic_year"].isin(years)]
    shown = pd.concat([local, comparators], ignore_index=True)
    if local.empty:
        empty_table = pd.DataFrame(columns=["area", "academic_year", "value", "suppressed"])
        return theme.empty(f"No {label.lower()} for the partnerships yet."), empty_table
    shown["area"] = _area_labels(shown)
    area_rank = {t: i for i, t in enumerate((*LOCAL_AREAS, *COMPARATOR_ORDER))}
    shown["area_rank"] = shown["area_type"].map(area_rank)
    shown = shown.sort_values(["area_rank", "area", "academic_year"]).drop(columns="area_rank")
    fig = go.Figure()
    coloured = ["la_total"] if bundled else LOCAL_AREAS
    local_names = list(dict.fromkeys(shown.loc[shown["area_type"].isin(coloured), "area"]))
    colours, symbols = theme.colour_map(local_names), theme.symbol_map(local_names)
    hidden = disclosure.flags(shown, "value")
    drawn = shown.assign(
        value=shown["value"].where(~hidden),
        text=[
            theme.format_value(None if pd.isna(v) else v, unit, decimals, suppressed=s)
            for v, s in zip(shown["value"], hidden, strict=True)
        ],
    )
    # an area with no point to draw gets no line and no legend entry
    drawn = drawn[drawn.groupby("area", sort=False)["value"].transform("count") > 0]
    if bundled:
        fig.add_trace(_partnership_lines(drawn[drawn["area_type"] == "partnership"], count))
        drawn = drawn[drawn["area_type"] != "partnership"]
    for area, group in drawn.groupby("area", sort=False):
        area_type = group["area_type"].iloc[0]
        if theme.is_comparator(area_type):
            line = theme.COMPARATOR_STYLE[area_type]
            marker = {"color": line["color"]}
            line = {"color": line["color"], "dash": line["dash"], "width": 2}
        else:
            marker = {"color": colours[area], "symbol": symbols[area], "size": 12, "line": {"width": 2}}
            line = {"color": colours[area], "width": 3}
        fig.add_trace(
            go.Scatter(
                x=group["academic_year"],
                y=group["value"],
                name=area,
                mode="lines+markers",
                line=line,
                marker=marker,
                text=group["text"],
                connectgaps=False,
                # a point at 0 sits on the axis's edge: drawn whole, not cut in half
                cliponaxis=False,
                # unified, the year heads the list; pointed at alone, the point says it
                hovertemplate=f"{area}{', %{x}' if bundled else ''}: %{{text}}<extra></extra>",
            )
        )
    theme.style(fig, y_title=theme.unit_title(unit, label))
    if not bundled:  # pointing at a year lists every area's figure, even where two points coincide
        fig.update_layout(hovermode="x unified")
    # the years stand off the axis, so a point drawn whole at 0 does not sit on them
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=years, ticklabelstandoff=8)
    keep = ["area", "academic_year", "value", "suppressed"] + (
        ["value_symbol"] if "value_symbol" in shown.columns else []
    )
    table = shown[keep].reset_index(drop=True)
    return fig, table


def _partnership_lines(drawn: pd.DataFrame, count: int) -> go.Scatter:
    """Every partnership's line in one trace, broken between partnerships (and at hidden points),
    each point named in its hover text."""
    named = drawn.assign(hover=drawn["area"] + ", " + drawn["academic_year"] + ": " + drawn["text"])
    lines = theme.broken_lines(named, "area", ["academic_year", "value", "hover"])
    return go.Scatter(
        x=lines["academic_year"],
        y=lines["value"],
        name=f"Each of the {count} partnerships",
        mode="lines+markers",
        line={"color": theme.TINT, "width": 1},
        marker={"color": theme.TINT, "size": 3},
        text=lines["hover"],
        connectgaps=False,
        cliponaxis=False,
        hovertemplate="%{text}<extra></extra>",
    )


def latest_gap_sentence(
    table: pd.DataFrame, year: str, *, label: str, unit: str = "", decimals: int = 2, area: str = "All partnerships"
) -> str:
    """A sentence comparing `area` with England in `year` ('' when either is missing)."""
    this_year = table[(table["academic_year"] == year) & ~disclosure.flags(table, "value")]
    ours = this_year.loc[this_year["area"] == area, "value"].dropna()
    england = this_year.loc[this_year["area"] == "England", "value"].dropna()
    if ours.empty or england.empty:
        return ""
    a, e = float(ours.iloc[0]), float(england.iloc[0])
    show, where = theme.format_value, theme.in_sentence(area)
    if round(a, decimals) == round(e, decimals):
        return f"In {year} the {label.lower()} for {where} matched England's ({show(a, unit, decimals)})."
    side = "below" if a < e else "above"
    return (
        f"In {year} the {label.lower()} for {where} was {show(a, unit, decimals)}, "
        f"{side} England's {show(e, unit, decimals)}."
    )


COMPARATOR_WORDS = {"england": "England", "region": "the region", "sn_median": "statistical neighbours"}


def rate_description(frame: pd.DataFrame, metric: str, label: str) -> str:
    """What a `rates_over_time` chart of `metric` draws, naming only the comparators with a figure
    in a year the partnerships have (a warehouse without DfE data has no grey lines, so its
    caption names none)."""
    rows = frame[frame["metric"] == metric]
    years = rows.loc[rows["area_type"].isin(LOCAL_AREAS), "academic_year"]
    drawn = rows[rows["academic_year"].isin(years) & rows["value"].notna()]
    present = set(drawn["area_type"])
    names = [COMPARATOR_WORDS[t] for t in COMPARATOR_ORDER if t in present]
    if not names:
        return f"{label} per year for the partnerships."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{label} per year for the partnerships, with {listed} in grey."


def rate_caption(lead: str, table: pd.DataFrame) -> str:
    """The caption of a `rates_over_time` chart: `lead` (its finding, or what it draws), the unit,
    and which areas have no line (`undrawn_sentence`)."""
    return f"{lead} Rates are per 100 pupils. {undrawn_sentence(table)}".rstrip()


def undrawn_sentence(table: pd.DataFrame) -> str:
    """A sentence naming the areas of a `rates_over_time` table whose every figure is suppressed,
    so have no line ('' when there are none)."""
    flags = disclosure.flags(table, "value")
    hidden = [area for area, group in flags.groupby(table["area"], sort=False) if group.all()]
    if not hidden:
        return ""
    names = hidden[0] if len(hidden) == 1 else f"{', '.join(hidden[:-1])} and {hidden[-1]}"
    return f"No line for {names}: every figure is suppressed (c)."


def referral_journey(links: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """A Sankey of referrals: referred -> panel decision -> provision -> outcome.

    `links` has step, source, target, referrals (and maybe referrals_suppressed). Suppressed
    links are left out of the drawing and shown as `c` in the table.
    """
    table = links.copy()
    table["from"] = table["source"].map(theme.label)
    table["to"] = table["target"].map(theme.label)
    stage = {1: "Referred → decision", 2: "Decision → provision", 3: "Provision → outcome"}
    table["stage"] = table["step"].map(stage)
    cols = ["stage", "from", "to", "referrals"] + (
        ["referrals_suppressed"] if "referrals_suppressed" in table.columns else []
    )
    table = table[cols].reset_index(drop=True)
    drawn = links[~disclosure.flags(links, "referrals") & links["referrals"].fillna(0).gt(0)]
    if drawn.empty:
        return theme.empty("No referrals to follow for this choice."), table
    # A node is (step column, code) so that 'other' as a decision and as an outcome stay apart.
    nodes: list[tuple[int, str]] = []
    for _, link in drawn.iterrows():
        for node in ((int(link["step"]), link["source"]), (int(link["step"]) + 1, link["target"])):
            if node not in nodes:
                nodes.append(node)
    index = {node: i for i, node in enumerate(nodes)}
    columns = {1: theme.GREY_DARK, 2: theme.PALETTE[0], 3: theme.PALETTE[1], 4: theme.PALETTE[2]}
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [theme.label(code) for _, code in nodes],
                "pad": 14,
                "thickness": 16,
                "color": [columns[col] for col, _ in nodes],
                "hovertemplate": "%{label}: %{value} referrals<extra></extra>",
            },
            link={
                "source": [index[(int(s), a)] for s, a in zip(drawn["step"], drawn["source"], strict=True)],
                "target": [index[(int(s) + 1, b)] for s, b in zip(drawn["step"], drawn["target"], strict=True)],
                "value": drawn["referrals"].astype(float).tolist(),
                "color": "rgba(18, 67, 109, 0.18)",
            },
        )
    )
    theme.style(fig, height=460)
    return fig, table


def avoidance_by_partnership(frame: pd.DataFrame, year: str) -> tuple[go.Figure, pd.DataFrame]:
    """Avoidance rate per partnership in `year` (bars), with the counts it rests on in the table."""
    wanted = ("referred_pupils", "pex_after_referral", "avoidance_rate")
    rows = frame[
        (frame["academic_year"] == year) & frame["metric"].isin(wanted) & frame["area_type"].isin(LOCAL_AREAS)
    ].copy()
    if rows.empty:
        empty_table = pd.DataFrame(columns=["partnership", *wanted])
        return theme.empty(f"No referrals recorded for {year}."), empty_table
    rows["partnership"] = _area_labels(rows)
    value = rows.pivot_table(index="partnership", columns="metric", values="value", aggfunc="first", dropna=False)
    flags = (
        rows.pivot_table(index="partnership", columns="metric", values="suppressed", aggfunc="first", dropna=False)
        .fillna(False)
        .astype(bool)
    )
    table = pd.DataFrame(index=value.index)
    for metric in wanted:
        table[metric] = value[metric] if metric in value.columns else None
        table[f"{metric}_suppressed"] = flags[metric] if metric in flags.columns else False
    order = sorted(table.index, key=lambda name: (name == "All partnerships", name))
    table = table.loc[order].reset_index()
    rate_flags = table["avoidance_rate_suppressed"]
    rates = table["avoidance_rate"].where(~rate_flags)
    texts = [
        theme.format_value(None if pd.isna(v) else v, "percent", 1, suppressed=s)
        for v, s in zip(rates, rate_flags, strict=True)
    ]
    colours = [theme.GREY_DARK if name == "All partnerships" else theme.PALETTE[1] for name in table["partnership"]]
    fig = go.Figure(
        go.Bar(
            y=table["partnership"].map(theme.wrap),
            x=rates,
            text=texts,
            textposition="outside",
            orientation="h",
            marker_color=colours,
            cliponaxis=False,
            hovertemplate="%{y}: %{text} of referred pupils not permanently excluded<extra></extra>",
        )
    )
    suppression.mark_hidden(fig, list(table.loc[rate_flags, "partnership"].map(theme.wrap)))
    theme.style(fig, x_title="Avoidance rate (%)", height=max(300, 90 + 44 * len(table)))
    fig.update_xaxes(range=[0, 120])
    fig.update_yaxes(autorange="reversed", rangemode="normal", gridcolor="rgba(0,0,0,0)")
    fig.update_layout(showlegend=False)
    return fig, table


def reasons(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Each reason's share of referrals, suspensions and permanent exclusions (horizontal bars).

    Shares, not counts, because suspensions outnumber the others a hundredfold and would hide
    them. The table keeps the counts and adds the shares (`<measure>_pct`). A suppressed count
    gets no bar and no share.
    """
    table = frame.copy()
    table.insert(0, "reason_label", table["reason"].map(theme.label))
    table = table.drop(columns=["reason"]).rename(columns={"reason_label": "reason"})
    if table.empty:
        return theme.empty("No referrals or exclusions recorded for this choice."), table
    for column in MEASURES:
        flags = disclosure.flags(table, column)
        # hidden counts stay out of the total too, so no share reveals them by difference
        total = table[column].where(~flags).sum()
        table[f"{column}_pct"] = (100 * table[column] / total).where(~flags) if total else None
        if flags.any():
            table[f"{column}_pct_suppressed"] = flags
    order = table.sort_values(["referrals_pct", "reason"], ascending=[True, False], na_position="first")
    fig = go.Figure()
    for i, (column, name) in enumerate(MEASURES.items()):
        flags = disclosure.flags(order, column)
        fig.add_trace(
            go.Bar(
                y=order["reason"].map(theme.wrap),
                x=order[f"{column}_pct"],
                name=name,
                orientation="h",
                marker_color=theme.PALETTE[i],
                text=["c" if s else "" for s in flags],
                textposition="outside",
                hovertemplate=f"{name}, %{{y}}: %{{x:.1f}}%<extra></extra>",
            )
        )
    theme.style(fig, height=max(360, 80 + 46 * len(order)), x_title="% of each kind of event")
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(rangemode="normal", gridcolor="rgba(0,0,0,0)")
    return fig, table.reset_index(drop=True)


def referred_vs_population(frame: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Share of referred pupils in each group against that group's share of all pupils.

    The table adds the ratio (referred share / population share): above 1 means the group is
    referred more often than its size would suggest. Population shares exist only where the
    census has them (FSM, SEN support, EHC plan).
    """
    table = frame.copy()
    table["ratio"] = table["referred_pct"] / table["population_pct"].where(table["population_pct"] > 0)
    # a share of a suppressed count, or of a suppressed total, would reveal the count
    flags = disclosure.flags(table, "referred_pupils") | disclosure.flags(table, "all_referred_pupils")
    if flags.any():
        table["referred_pct_suppressed"] = flags
        table["ratio_suppressed"] = flags
    if table.empty or (table["all_referred_pupils"].fillna(0).sum() == 0 and not flags.any()):
        return theme.empty("No referred pupils for this choice."), table
    labels = table["group_name"]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table["referred_pct"].where(~flags),
            name="Referred pupils",
            orientation="h",
            marker_color=theme.PALETTE[0],
            text=["c" if s else "" for s in flags],
            textposition="outside",
            hovertemplate="%{y}: %{x:.1f}% of referred pupils<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=table["population_pct"],
            name="All pupils (census)",
            orientation="h",
            marker_color=theme.GREY_LIGHT,
            hovertemplate="%{y}: %{x:.1f}% of all pupils<extra></extra>",
        )
    )
    theme.style(fig, height=max(340, 60 + 38 * len(table)), x_title="% of pupils")
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    return fig, table.reset_index(drop=True)


def over_represented_sentence(table: pd.DataFrame) -> str:
    """The most over-represented group with a census share, in words ('' when none)."""
    known = table[table["ratio"].notna() & ~disclosure.flags(table, "ratio")]
    if known.empty:
        return ""
    top = known.sort_values("ratio", ascending=False).iloc[0]
    return (
        f"{top['group_name']}: {top['referred_pct']:.0f}% of referred pupils against "
        f"{top['population_pct']:.0f}% of all pupils ({top['ratio']:.1f} times their share)."
    )
