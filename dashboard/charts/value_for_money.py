"""The value-for-money model and its charts: a model, not a fact.

What the partnership spent on placements is set against the exclusions it avoided (against
England's rate, `exclusions_avoided_vs_england`) and the placements that ended well, and
against what the alternatives cost (`dashboard.assumptions`). The low and high scenarios
take every unit cost at the low or the high end of its range together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.assumptions import cost_of_one_exclusion
from dashboard.charts import suppression, theme
from dashboard.charts.overview import Headline

SCENARIOS = ("low", "central", "high")


@dataclass(frozen=True)
class Inputs:
    """The partnership's own figures for one year (None where unknown or suppressed), and the
    names of those the viewer sees as `c`."""

    placement_cost_gbp: float | None
    exclusions_avoided: float | None
    successful_outcomes: float | None
    suppressed: frozenset[str] = frozenset()


def inputs_from(spend: Headline, avoided: Headline, outcomes: pd.DataFrame) -> Inputs:
    """The model's inputs as the viewer may see them, from the headlines of placement_cost_gbp and
    exclusions_avoided_vs_england and the rows of the value_for_money_outcomes query."""
    outcomes_hidden = bool(suppression.flags(outcomes, "successful_outcomes").any())
    successes = None if outcomes.empty or outcomes_hidden else float(outcomes["successful_outcomes"].iloc[0])
    hidden = {
        "placement_cost_gbp": spend.suppressed,
        "exclusions_avoided": avoided.suppressed,
        "successful_outcomes": outcomes_hidden,
    }
    return Inputs(spend.value, avoided.value, successes, frozenset(name for name, flag in hidden.items() if flag))


# as the product says it elsewhere: a `c` rests on a small number, so it is not shown
_SMALL_NUMBER = "not shown (c) because {} on a small number of pupils"


def facts(inputs: Inputs) -> list[str]:
    """The figures the model starts from, one sentence each, `c` where suppressed (the page and the packs)."""

    def show(name: str, unit: str, decimals: int) -> str:
        return theme.format_value(getattr(inputs, name), unit, decimals, suppressed=name in inputs.suppressed)

    avoided = inputs.exclusions_avoided
    return [
        f"Spent on placements started in the year: {show('placement_cost_gbp', 'gbp', 0)}.",
        f"Permanent exclusions avoided compared with England's rate: {show('exclusions_avoided', '', 1)}"
        + (" (none: the rate was at or above England's)." if avoided is not None and avoided <= 0 else "."),
        "Placements that ended well (back in mainstream or kept to the end of Year 11): "
        f"{show('successful_outcomes', '', 0)}.",
    ]


def nothing_to_model(inputs: Inputs) -> bool:
    """Whether there is neither a spend nor a count of exclusions avoided, not even a suppressed one."""
    figures = ("placement_cost_gbp", "exclusions_avoided")
    return all(getattr(inputs, name) is None and name not in inputs.suppressed for name in figures)


def _no_avoided_exclusions(inputs: Inputs) -> str | None:
    """Why there are no exclusions avoided to put a cost on (None when there are some)."""
    avoided = inputs.exclusions_avoided
    if "exclusions_avoided" in inputs.suppressed:
        return f"the exclusions avoided against England's rate are {_SMALL_NUMBER.format('they rest')}"
    if avoided is None:
        return "the exclusions avoided against England's rate are not known for this year"
    if avoided <= 0:
        return "no exclusions were avoided against England's rate (the rate was at or above England's)"
    return None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def model(
    inputs: Inputs, unit_costs: Mapping[str, float], *, include_lifetime: bool = False
) -> dict[str, float | None]:
    """One scenario of the model.

    `unit_costs` maps assumption ids (ap_place_per_year, years_in_ap_after_exclusion,
    lifetime_cost_per_exclusion) to values. Returns:
    - cost_per_exclusion_avoided: placement cost / exclusions avoided (None unless > 0 avoided);
    - cost_per_successful_outcome: placement cost / placements ended reintegrated or sustained;
    - cost_avoided_per_exclusion: what one permanent exclusion would have cost (AP place x
      years, plus the lifetime cost when asked for);
    - cost_avoided_gbp: exclusions avoided x that (None unless > 0 avoided);
    - net_saving_gbp: cost avoided - placement cost.
    Raises ValueError for a negative unit cost.
    """
    for key in ("ap_place_per_year", "years_in_ap_after_exclusion", "lifetime_cost_per_exclusion"):
        if unit_costs[key] < 0 or math.isnan(unit_costs[key]):
            raise ValueError(f"{key} must be 0 or more, not {unit_costs[key]}")
    per_exclusion = cost_of_one_exclusion(unit_costs, include_lifetime=include_lifetime)
    avoided = inputs.exclusions_avoided if inputs.exclusions_avoided and inputs.exclusions_avoided > 0 else None
    cost_avoided = None if avoided is None else avoided * per_exclusion
    spent = inputs.placement_cost_gbp
    net = None if cost_avoided is None or spent is None else cost_avoided - spent
    return {
        "cost_per_exclusion_avoided": _ratio(inputs.placement_cost_gbp, avoided),
        "cost_per_successful_outcome": _ratio(inputs.placement_cost_gbp, inputs.successful_outcomes),
        "cost_avoided_per_exclusion": per_exclusion,
        "cost_avoided_gbp": cost_avoided,
        "net_saving_gbp": net,
    }


def scenarios(
    inputs: Inputs,
    central: Mapping[str, float],
    low: Mapping[str, float],
    high: Mapping[str, float],
    *,
    include_lifetime: bool = False,
) -> pd.DataFrame:
    """The model under low, central and high unit costs: one row per scenario."""
    rows = []
    for name, costs in zip(SCENARIOS, (low, central, high), strict=True):
        rows.append({"scenario": name, **model(inputs, costs, include_lifetime=include_lifetime)})
    return pd.DataFrame(rows)


def comparison_table(
    inputs: Inputs,
    central: Mapping[str, float],
    low: Mapping[str, float],
    high: Mapping[str, float],
    *,
    include_lifetime: bool = False,
) -> pd.DataFrame:
    """What the partnership paid per result against what each alternative costs: item, kind, low, value, high.

    kind is 'partnership' (our cost per result), 'alternative' (a unit cost of the
    alternative) or 'contested' (the IPPR lifetime estimate, shown only when asked for).
    """
    results = scenarios(inputs, central, low, high)
    by = results.set_index("scenario")
    rows = [
        {
            "item": "Our cost per exclusion avoided",
            "kind": "partnership",
            **{s: by.loc[s, "cost_per_exclusion_avoided"] for s in SCENARIOS},
        },
        {
            "item": "Our cost per successful outcome",
            "kind": "partnership",
            **{s: by.loc[s, "cost_per_successful_outcome"] for s in SCENARIOS},
        },
        {
            "item": "AP for the years an excluded pupil spends there",
            "kind": "alternative",
            **{
                s: c["ap_place_per_year"] * c["years_in_ap_after_exclusion"]
                for s, c in zip(SCENARIOS, (low, central, high), strict=True)
            },
        },
        {
            "item": "Special school place, one year",
            "kind": "alternative",
            **{s: c["special_school_place_per_year"] for s, c in zip(SCENARIOS, (low, central, high), strict=True)},
        },
    ]
    if include_lifetime:
        rows.append(
            {
                "item": "Lifetime cost of an exclusion (IPPR, contested upper bound)",
                "kind": "contested",
                **{s: c["lifetime_cost_per_exclusion"] for s, c in zip(SCENARIOS, (low, central, high), strict=True)},
            }
        )
    table = pd.DataFrame(rows).rename(columns={"central": "value"})
    table = table[["item", "kind", "low", "value", "high"]]
    return table.astype({"low": float, "value": float, "high": float})


def comparison_chart(table: pd.DataFrame) -> go.Figure:
    """Horizontal bars of `comparison_table`: ours in colour, the alternatives grey, low-high whiskers."""
    drawn = table.dropna(subset=["value"])
    if drawn.empty:
        return theme.empty("No cost per result to compare for this choice.")
    colours = {"partnership": theme.PALETTE[0], "alternative": theme.GREY_DARK, "contested": theme.GREY_LIGHT}
    show = lambda v: theme.format_value(v, "gbp", 0)  # noqa: E731
    ranges = [
        show(v) if lo == hi else f"{show(v)} (range {show(lo)} to {show(hi)})"
        for v, lo, hi in zip(drawn["value"], drawn["low"], drawn["high"], strict=True)
    ]
    # short lines, so the names leave room for the bars on a phone
    items = [theme.wrap(item, 24) for item in drawn["item"]]
    fig = go.Figure(
        go.Bar(
            y=items,
            x=drawn["value"],
            orientation="h",
            marker_color=[colours[k] for k in drawn["kind"]],
            marker_pattern_shape=["/" if k == "contested" else "" for k in drawn["kind"]],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (drawn["high"] - drawn["value"]).clip(lower=0),
                "arrayminus": (drawn["value"] - drawn["low"]).clip(lower=0),
                "color": theme.INK,
                "thickness": 1.5,
            },
            customdata=ranges,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    # each figure sits beyond its whisker's end (its bar's, where there is no whisker), moved clear
    # of the whisker's cap, where no line crosses it; the range is in the table
    ends = drawn[["value", "high"]].max(axis=1)
    for item, end, value in zip(items, ends, drawn["value"], strict=True):
        fig.add_annotation(x=end, y=item, text=show(value), xanchor="left", xshift=8, showarrow=False, bgcolor="white")
    theme.style(fig, height=max(300, 80 + 72 * len(drawn)), x_title="£ per result")
    fig.update_xaxes(tickprefix="£", separatethousands=True, range=theme.headroom(ends, 0.45))
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    fig.update_layout(showlegend=False)
    return fig


def scenario_chart(results: pd.DataFrame, inputs: Inputs) -> go.Figure:
    """Cost avoided under each scenario (`results`, the `scenarios` of `inputs`) against what was
    spent (bars, spend as a grey line)."""
    placement_cost_gbp = inputs.placement_cost_gbp
    drawn = results.dropna(subset=["cost_avoided_gbp"])
    if drawn.empty:
        why = _no_avoided_exclusions(inputs) or "the exclusion costs avoided are not known"
        return theme.empty(f"{why[0].upper()}{why[1:]}, so there is no saving to model.")
    fig = go.Figure(
        go.Bar(
            x=[s.capitalize() for s in drawn["scenario"]],
            y=drawn["cost_avoided_gbp"],
            # the central scenario filled, low and high outlined: an edge of 3.2 to 1 on white, where
            # a pale fill would be under the 3 to 1 a bar needs
            marker={
                "color": [theme.PALETTE[1] if s == "central" else "white" for s in drawn["scenario"]],
                "line": {"color": theme.PALETTE[1], "width": 2},
            },
            text=[theme.format_value(v, "gbp", 0) for v in drawn["cost_avoided_gbp"]],
            textposition="outside",
            cliponaxis=False,
            name="Cost of exclusions avoided",
            hovertemplate="%{x} scenario: £%{y:,.0f} of exclusion costs avoided<extra></extra>",
        )
    )
    if placement_cost_gbp is not None:
        fig.add_hline(
            y=placement_cost_gbp,
            line_color=theme.GREY_DARK,
            line_dash="dash",
            annotation_text=f"Spent on placements {theme.format_value(placement_cost_gbp, 'gbp', 0)}",
            annotation_position="top left",
            annotation_font_color=theme.NEUTRAL,
        )
    theme.style(fig, height=380, y_title="£")
    fig.update_yaxes(tickprefix="£", separatethousands=True)
    fig.update_layout(showlegend=False)
    return fig


def verdict(results: pd.DataFrame, inputs: Inputs) -> str:
    """One sentence on whether the model says the placements paid for themselves (`results`
    being `scenarios` of `inputs`), and how surely."""
    net = results.set_index("scenario")["net_saving_gbp"]
    if net.isna().all():
        why = _no_avoided_exclusions(inputs)
        if why is None:
            spend_hidden = "placement_cost_gbp" in inputs.suppressed
            why = f"the spend on placements is {_SMALL_NUMBER.format('it rests') if spend_hidden else 'not known'}"
        return f"The model cannot say: {why}."
    low, central, high = (net.get(s) for s in SCENARIOS)
    show = lambda v: theme.format_value(abs(v), "gbp", 0)  # noqa: E731
    if low is not None and low >= 0:
        return (
            f"Under every scenario the exclusion costs avoided exceed the spend: a net saving of "
            f"{show(low)} to {show(high)} (central {show(central)})."
        )
    if high is not None and high < 0:
        return (
            f"Under every scenario the spend exceeds the exclusion costs avoided, by {show(high)} "
            f"to {show(low)} (central {show(central)}); the model counts only avoided exclusions."
        )
    side = "a net saving" if central >= 0 else "a net cost"
    return (
        f"It depends on the assumptions: the central scenario gives {side} of {show(central)}, "
        f"but the range runs from a net cost of {show(low)} to a net saving of {show(high)}."
    )
