"""The Policy impact page's builders (dashboard/charts/policy_impact.py) and the milestones file."""

from __future__ import annotations

import pandas as pd
import pytest
from impact_panels import YEARS, panel_rows
from test_estimates import GAPS, GAPS_ENGLAND, PLACEBO

from dashboard import impact
from dashboard.assumptions import scenario_costs
from dashboard.charts import notes, theme
from dashboard.charts import policy_impact as charts
from dashboard.components.chart_panel import alt_text
from dashboard.settings import REFERENCE_DIR


@pytest.fixture(scope="module")
def small() -> impact.Impact:
    return impact.estimate(panel_rows(GAPS, GAPS_ENGLAND, YEARS[:6]), "001", "pex_rate", "2010/11")


@pytest.fixture(scope="module")
def five() -> impact.Impact:
    return impact.estimate(panel_rows(PLACEBO, [0.2] * 5, YEARS[1:6]), "001", "pex_rate", "2010/11")


def test_rates_chart_draws_the_la_its_synthetic_control_england_and_the_neighbours(small):
    periods = pd.DataFrame([{"la_code": "001", "from_year": "2010/11", "to_year": "", "arrangement": "Partnerships"}])
    fig, table = charts.rates_chart(small, periods)
    names = [t.name for t in fig.data]
    assert names == ["LA 001", "Synthetic control", "England", "Statistical neighbours (median)"]
    assert list(fig.data[0].y) == pytest.approx([0.20, 0.20, 0.20, 0.20, 0.10, 0.05])
    assert list(fig.data[2].y) == pytest.approx(GAPS_ENGLAND)
    # one shaded period from 2010/11 (position 4) to the last year (5), and the start line at 3.5
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(s.x0, s.x1) for s in shaded] == [(3.5, 5.5)]
    assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [3.5]
    assert len(table) == 6
    # the period's name at its left edge, below the band the notes' markers take at the top
    (label,) = fig.layout.annotations
    assert (label.text, label.x, label.y, label.yanchor) == ("Partnerships", 3.55, 1, "top")
    assert label.yshift == -notes.MARKER_BAND == -16
    assert label.bgcolor == "rgba(255, 255, 255, 0.6)"  # a veil: the words over a note's line, the data seen through


def test_a_note_in_the_first_year_of_a_period_sits_above_the_periods_name(small):
    from types import SimpleNamespace

    periods = pd.DataFrame([{"la_code": "001", "from_year": "2010/11", "to_year": "", "arrangement": "Partnerships"}])
    fig, _ = charts.rates_chart(small, periods)
    note = SimpleNamespace(academic_year="2010/11", title="PRU closes", body="b", scope_label="LA", author="a")
    marked = notes.with_notes(fig, [note])
    marker = marked.data[-1]
    # the marker at the top of its own 0-1 axis: 3% down a plot at least 300 px high is 9 px, its
    # 12 px triangle reaching 15 px down, inside the 16 px band the name is placed below
    assert (list(marker.x), list(marker.y), marker.marker.size) == (["2010/11"], [0.97], 12)
    assert 0.03 * 300 + 12 / 2 <= notes.MARKER_BAND


def test_gap_chart_has_every_placebo_in_grey_behind_the_la(five):
    fig, table = charts.gap_chart(five)
    placebo, la = fig.data
    # four placebo LAs of five years each, broken apart by a gap after each
    assert sum(y is None for y in placebo.y) == 4 and len(placebo.y) == 4 * 6
    assert placebo.line.color == theme.GREY_LIGHT
    assert list(la.y) == pytest.approx([0.1, 0.1, 0.1, -0.3, -0.3], abs=1e-6)
    assert list(table.columns) == [
        "academic_year",
        "LA 001 minus synthetic control (per 100)",
        "Placebo gaps, 5th percentile",
        "Placebo gaps, 95th percentile",
    ]


def test_what_the_exclusions_avoided_are_worth(small):
    costs = scenario_costs()
    table = charts.avoided_table(small, costs["low"], costs["central"], costs["high"]).set_index("comparator")
    # England: 3 exclusions avoided x (£23,042 x 1.5 years) = £103,689; low 3 x £10,000 x 1; high 3 x £30,785 x 2
    england = table.loc["England"]
    assert england["exclusions_avoided"] == pytest.approx(3.0)
    assert england["worth_gbp"] == pytest.approx(103_689)
    assert england["worth_low_gbp"] == pytest.approx(30_000)
    assert england["worth_high_gbp"] == pytest.approx(184_710)
    with_lifetime = charts.avoided_table(
        small, costs["low"], costs["central"], costs["high"], include_lifetime=True
    ).set_index("comparator")
    assert with_lifetime.loc["England", "worth_gbp"] == pytest.approx(3 * (34_563 + 370_000))


def test_the_verdict_states_the_estimate_the_uncertainty_and_the_caveats(five):
    lines = charts.verdict(five)
    # 1000 pupils x (0.40 - 0.10) / 100 in each of 2 post years = 6; England 1000 x (0.20 - 0.10) / 100 x 2 = 2
    assert lines[0].startswith("Since 2010/11, about 6 fewer permanent exclusions in LA 001's")
    assert lines[0].endswith("about 2 fewer than at England's rate.")
    assert "only loosely" in lines[1]  # a miss of 0.10 against a rate of 0.50
    assert "ranks 4 of 5" in lines[2] and "p = 0.80" in lines[2] and "could be chance" in lines[2]
    assert lines[-1].startswith("Caveats: only 3 years of published data come before 2010/11")


def test_counts_and_money_are_rounded_for_sentences(small):
    assert charts.about(609.7) == "610" and charts.about(94.6) == "95" and charts.about(-35.4) == "35"
    assert "about 2 fewer permanent exclusions" in charts.headline(small)
    assert charts.millions(21_074_230) == "£21.1m" and charts.millions(-40_000) == "-£0.0m"


def test_the_avoided_chart_says_each_figure_in_its_comparators_label_not_beyond_its_bar():
    table = pd.DataFrame(
        {
            "comparator": ["Synthetic control", "Statistical neighbours (median)", "England"],
            "exclusions_avoided": [609.7, -35.4, 3.0],
            "worth_gbp": [21_074_230, -1_223_530, 103_689],
        }
    )
    fig = charts.avoided_chart(table, "pex_rate")
    (bars,) = fig.data
    assert list(bars.y) == [
        "Synthetic control<br><b>610 (about £21.1m)</b>",
        "Statistical<br>neighbours<br>(median)<br><b>-35 (about -£1.2m)</b>",
        "England<br><b>3 (about £0.1m)</b>",
    ]
    # no text drawn beyond a bar, where a narrow screen cuts it off; the axis labels get their room
    assert bars.text is None and fig.layout.yaxis.automargin
    assert list(bars.customdata) == ["610 (about £21.1m)", "-35 (about -£1.2m)", "3 (about £0.1m)"]
    assert fig.layout.xaxis.title.text == "fewer permanent<br>exclusions than the<br>comparator"
    assert alt_text(fig) == "Bar chart of 3 bars, fewer permanent exclusions than the comparator across."


def test_by_start_chart_marks_the_chosen_start():
    table = pd.DataFrame({"start": ["2009/10", "2010/11"], "exclusions_avoided": [5.0, 3.0]})
    fig = charts.by_start_chart(table, "2010/11", "pex_rate")
    assert list(fig.data[0].marker.color) == [theme.GREY_LIGHT, "#12436D"]


def test_the_shipped_milestones_shade_leicestershire_from_2010_11():
    periods = impact.read_milestones(REFERENCE_DIR / "policy_milestones.csv", "855")
    assert periods.to_dict("records") == [
        {"la_code": "855", "from_year": "2010/11", "to_year": "", "arrangement": "Partnerships begin; the PRU closes"}
    ]
    assert impact.read_milestones(REFERENCE_DIR / "policy_milestones.csv", "886").empty


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("85,2010/11,,x", "row 3, column la_code: '85' is not a 3-digit DfE LA code"),
        ("855,2010,,x", "row 3, column from_year: '2010' is not an academic year"),
        ("855,2012/13,2011/12,x", "row 3, column to_year: '2011/12' comes before from_year 2012/13"),
        ("855,2012/13,,", "row 3, column arrangement: '' is empty"),
    ],
)
def test_a_bad_milestone_row_is_named(tmp_path, row, message):
    path = tmp_path / "policy_milestones.csv"
    path.write_text(f"la_code,from_year,to_year,arrangement\n855,2010/11,,ok\n{row}\n", encoding="utf-8")
    with pytest.raises(impact.MilestoneError, match=f"policy_milestones.csv, {message}"):
        impact.read_milestones(path, "855")


def test_a_milestones_file_without_its_columns_is_refused(tmp_path):
    path = tmp_path / "policy_milestones.csv"
    path.write_text("la,start\n855,2010/11\n", encoding="utf-8")
    with pytest.raises(impact.MilestoneError, match="missing column.*la_code, from_year, to_year, arrangement"):
        impact.read_milestones(path, "855")
