"""A pack says in the page's words what a viewer cannot see (tests/fixtures/metrics_small, 2023/24):
why the value-for-money model cannot say, with no figure worked out from a `c`, and which areas
of a rate chart have no line because every figure is `c`."""

from __future__ import annotations

import pytest

from dashboard import warehouse
from dashboard.access import Viewer
from dashboard.components.chart_panel import alt_text
from dashboard.reports import pack
from dashboard.settings import Settings

HIDDEN = "not shown (c) because they rest on a small number of pupils"


def _section(db, viewer: Viewer, partnership: str, page: str = "value_for_money") -> pack.Section:
    con = warehouse.open_read_only(db)
    try:
        built = pack.build(con, viewer, Settings(db_path=db), partnership=partnership, year="2023/24", pages=(page,))
    finally:
        con.close()
    (section,) = built.sections
    return section


@pytest.mark.parametrize(
    ("viewer", "partnership", "facts", "verdict", "chart"),
    [
        # STH: 1,200 pupils at England's 0.25336 per 100 would give 3.04 exclusions; 2 happened, so 1.04
        # avoided, which rests on 2 pupils (and 1 placement ended well): a governor sees both as c.
        # Spent £8,000 + £1,500 on the placements started in the year.
        (
            Viewer("gov", "governor", "STH"),
            "STH",
            "Spent on placements started in the year: £9,500. Permanent exclusions avoided compared with "
            "England's rate: c. Placements that ended well (back in mainstream or kept to the end of Year 11): c.",
            f"The model cannot say: the exclusions avoided against England's rate are {HIDDEN}.",
            f"The exclusions avoided against England's rate are {HIDDEN}, so there is no saving to model.",
        ),
        # NTH: 1,800 pupils at England's rate would give 4.56 exclusions; 5 happened, so -0.44 avoided.
        # Spent £12,000 on PL03, still going, so none ended well.
        (
            Viewer("la", "commissioner"),
            "NTH",
            "Spent on placements started in the year: £12,000. Permanent exclusions avoided compared with "
            "England's rate: -0.4 (none: the rate was at or above England's). Placements that ended well "
            "(back in mainstream or kept to the end of Year 11): 0.",
            "The model cannot say: no exclusions were avoided against England's rate "
            "(the rate was at or above England's).",
            "No exclusions were avoided against England's rate (the rate was at or above England's), "
            "so there is no saving to model.",
        ),
    ],
)
def test_the_pack_says_why_there_is_no_saving(metrics_db, viewer, partnership, facts, verdict, chart):
    section = _section(metrics_db, viewer, partnership)
    assert section.notes[1:3] == (facts, verdict)
    scenarios = next(p for p in section.panels if p.key == "vfm-scenarios")
    assert alt_text(scenarios.fig) == f"No chart: {chart}"
    # the scenario table carries no figure worked out from the exclusions avoided
    assert scenarios.table[["cost_avoided_gbp", "net_saving_gbp", "cost_per_exclusion_avoided"]].isna().all().all()
    text = " ".join(section.notes)
    if viewer.role == "governor":
        assert "No exclusions were avoided" not in text and "no exclusions were avoided" not in text


def test_a_rate_chart_names_the_area_with_no_line(metrics_db):
    section = _section(metrics_db, Viewer("gov", "governor", "STH"), "STH", page="exclusions")
    panels = {p.key: p for p in section.panels}
    # all partnerships' rate rests on 3 and 1 exclusions in 2022/23 and 2024/25, and in 2023/24 its 7
    # would reveal STH's 2: a governor sees it as c every year. STH's 2024/25 rate (no exclusions) is shown
    pex = panels["pex-rate-over-time"]
    assert [t.name for t in pex.fig.data if t.showlegend is not False][:1] == ["South Partnership"]
    assert "All partnerships" not in [t.name for t in pex.fig.data]
    assert pex.caption.endswith(
        "Rates are per 100 pupils. No line for All partnerships: every figure is suppressed (c)."
    )
    # STH's 5 suspensions in 2023/24 and all partnerships' 7 are shown, so every area has a line
    assert panels["suspension-rate-over-time"].caption.endswith("Rates are per 100 pupils.")
