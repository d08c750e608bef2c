"""Unit costs for the value-for-money model: each with a value, a low-high range, a source and a date.

These are published or widely cited national figures, not this authority's own prices. The
value-for-money page shows every one of them, lets the user change it, and says the result
is a model. An authority with its own unit costs should use those instead.
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
        value=18_000, low=10_000, high=26_000, unit="£ per year",
        source=("ESFA high needs funding: £10,000 place funding per AP place, plus the LA's top-up; "
                "a full-time AP place is commonly put at about £18,000 a year (IPPR, Making the "
                "Difference, 2017; House of Commons Education Committee, Forgotten children, 2018)"),
        source_date="2017-2018",
        note=("Low: the £10,000 place funding alone. High: place funding plus a Key Stage 4 "
              "top-up of about £16,000 as charged by AP academy trusts. Use your own AP price if you have it."),
    ),
    Assumption(
        id="years_in_ap_after_exclusion",
        label="Years a permanently excluded pupil spends in AP",
        value=1.5, low=1.0, high=2.0, unit="years",
        source="Local judgement: most secondary permanent exclusions happen in Years 9-11, and few pupils return to mainstream",
        source_date="assumption",
        note="Multiplies the AP place cost to give the education cost of one permanent exclusion.",
    ),
    Assumption(
        id="special_school_place_per_year",
        label="Special school place, one year",
        value=25_000, low=19_000, high=60_000, unit="£ per year",
        source=("ESFA high needs funding: £10,000 place funding per special school place, plus the LA's "
                "top-up; NAO, Support for pupils with special educational needs and disabilities in England (2019)"),
        source_date="2019",
        note="Low to central: state-funded special schools. High: an independent special school place.",
    ),
    Assumption(
        id="lifetime_cost_per_exclusion",
        label="Lifetime cost to the state of one permanent exclusion (IPPR)",
        value=370_000, low=0, high=370_000, unit="£ per excluded pupil",
        source="IPPR, Making the Difference: breaking the link between school exclusion and social exclusion (Gill, 2017)",
        source_date="October 2017",
        note=("A contested upper bound: it adds education, benefits, health and criminal justice costs over "
              "a lifetime, and counts costs that follow from the disadvantage which comes before an exclusion, "
              "not only from the exclusion itself. Left out of the model unless you switch it on."),
    ),
)


def by_id() -> dict[str, Assumption]:
    """The assumptions keyed by id."""
    return {a.id: a for a in ASSUMPTIONS}
