"""Unit costs for the value-for-money model: each with a value, a low-high range, a source and a date.

These are the figures public sources give (../shared/reference/unit-costs.md, checked
2026-12), not this authority's own prices. The Value for money and Policy impact pages both
read them from here, show every one with its source, and say the result is a model; the
Value for money page lets the user change them. An authority with its own unit costs should
use those instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    """One editable input to the model: central value, low-high range, unit and where it comes from."""

    id: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    source_date: str
    note: str = ""

    def __post_init__(self) -> None:
        if not self.low <= self.value <= self.high:
            raise ValueError(f"{self.id}: value {self.value} is outside its range {self.low}-{self.high}")


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption(
        id="ap_place_per_year",
        label="Alternative provision place, one year",
        value=23_042,
        low=10_000,
        high=30_785,
        unit="£ per year",
        source=(
            "Central: Middlesbrough Council, £5.369m across 233 AP pupils in 2024/25 (£23,042 a pupil; "
            "FOI response). Low: the £10,000 AP place funding, House of Commons Library briefing "
            "CBP-8522, Alternative provision (2018). High: Thurrock Council, £30,785 a place in "
            "2023/24 (FOI response)"
        ),
        source_date="2018-2025",
        note=(
            "No national average of the whole cost is published: these are local examples, and the "
            "£10,000 base alone understates the cost (the LA pays a top-up on top; one AP free school "
            "charges £16,000 at Key Stage 4). Use your own AP price if you have it."
        ),
    ),
    Assumption(
        id="years_in_ap_after_exclusion",
        label="Years a permanently excluded pupil spends in AP",
        value=1.5,
        low=1.0,
        high=2.0,
        unit="years",
        source=(
            "Local judgement: most secondary permanent exclusions happen in Years 9-11, and few pupils "
            "return to mainstream"
        ),
        source_date="assumption",
        note="Multiplies the AP place cost to give the education cost of one permanent exclusion.",
    ),
    Assumption(
        id="special_school_place_per_year",
        label="Special school place, one year",
        value=26_000,
        low=26_000,
        high=63_000,
        unit="£ per year",
        source=(
            "DfE announcement of national price bands for independent special schools: £26,000 for a "
            "state special school place, £63,000 on average for an independent special school place"
        ),
        source_date="February 2026",
        note=(
            "Central and low: a state special school place. High: an independent special school place "
            "(older figures: £52,000 from FOIs in 2015-16, £57,150 from the Audit Commission in 2007)."
        ),
    ),
    Assumption(
        id="lifetime_cost_per_exclusion",
        label="Lifetime cost to the state of one permanent exclusion (IPPR)",
        value=370_000,
        low=0,
        high=370_000,
        unit="£ per excluded pupil",
        source=(
            "K. Gill, Making the Difference: Breaking the link between school exclusion and social exclusion, IPPR"
        ),
        source_date="October 2017",
        note=(
            "IPPR's estimate, a contested upper bound: it adds education, benefits, health and criminal "
            "justice costs over a lifetime, and counts costs that follow from the disadvantage which comes "
            "before an exclusion, not only from the exclusion itself. Left out unless you switch it on."
        ),
    ),
)


def cost_of_one_exclusion(costs: dict[str, float], *, include_lifetime: bool = False) -> float:
    """What one permanent exclusion costs: an AP place for the years a pupil spends there, plus
    IPPR's lifetime cost when asked for. `costs` maps assumption ids to values."""
    cost = costs["ap_place_per_year"] * costs["years_in_ap_after_exclusion"]
    return cost + (costs["lifetime_cost_per_exclusion"] if include_lifetime else 0.0)


def scenario_costs() -> dict[str, dict[str, float]]:
    """The unit costs of each scenario: {'low' | 'central' | 'high': {assumption id: value}}."""
    return {
        "low": {a.id: a.low for a in ASSUMPTIONS},
        "central": {a.id: a.value for a in ASSUMPTIONS},
        "high": {a.id: a.high for a in ASSUMPTIONS},
    }


def by_id() -> dict[str, Assumption]:
    """The assumptions keyed by id."""
    return {a.id: a for a in ASSUMPTIONS}
