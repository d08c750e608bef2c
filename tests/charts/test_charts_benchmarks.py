"""Benchmarks builders on hand-made frames: authority against comparators, rank, quartile."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import benchmarks, theme

COLUMNS = ["metric", "academic_year", "area_type", "area_code", "area_name", "value", "suppressed"]
METRICS = pd.DataFrame(
    [
        ("pex_rate", "2022/23", "local_authority", "E10000018", "Leicestershire", 0.10, False),
        ("pex_rate", "2023/24", "local_authority", "E10000018", "Leicestershire", 0.13, False),
        ("pex_rate", "2022/23", "england", "E92000001", "England", 0.22, False),
        ("pex_rate", "2023/24", "england", "E92000001", "England", 0.16, False),
        ("pex_rate", "2006/07", "england", "E92000001", "England", 0.12, False),
        ("pex_rate", "2023/24", "sn_median", "SN_MEDIAN", "SN", 0.25, False),
        ("pex_rate", "2023/24", "partnership", "NTH", "North", 0.50, False),
    ],
    columns=COLUMNS,
)


def test_authority_in_colour_comparators_grey_over_the_authoritys_years():
    fig, table = benchmarks.authority_vs_comparators(
        METRICS, "pex_rate", la_label="Leicestershire", label="Rate", unit="rate_per_100"
    )
    assert [t.name for t in fig.data] == ["Leicestershire", "England", "Statistical neighbours (median)"]
    assert fig.data[0].line.color == theme.PALETTE[0]
    assert fig.data[1].line.color == theme.GREY_DARK
    # England's 2006/07 is outside the authority's years; partnerships are not benchmarks
    assert list(fig.data[1].x) == ["2022/23", "2023/24"]
    assert len(table) == 2 + 2 + 1
    # neither year is a COVID year: nothing shaded, no note
    assert fig.layout.shapes == () and set(table["note"]) == {""}


def test_authority_without_data_says_so():
    fig, table = benchmarks.authority_vs_comparators(METRICS, "fsm_pct", la_label="Leicestershire", label="FSM share")
    assert table.empty and fig.layout.annotations[0].text == "No published fsm share for<br>Leicestershire."


NEIGHBOURS = pd.DataFrame(
    [
        ("2023/24", "Focus", True, 0.13, 16.2),
        ("2023/24", "A", False, 0.06, 15.6),
        ("2023/24", "B", False, 0.13, 18.0),
        ("2023/24", "C", False, 0.30, 21.0),
        ("2023/24", "D", False, 0.25, np.nan),
        ("2022/23", "Focus", True, 0.40, 15.0),
        ("2022/23", "A", False, 0.10, 14.0),
        ("2022/23", "B", False, np.nan, 14.0),
        ("2021/22", "A", False, 0.10, 14.0),
    ],
    columns=["academic_year", "area_name", "is_focus", "pex_rate", "fsm_pct"],
)


RANKS = pd.DataFrame(
    [
        # 2019/20: 2 of 11 (ceil(8/11) = 1, A); 7 of 150 (ceil(28/150) = 1, A)
        ("2019/20", "pex_rate", "lower_is_better", 0.03, 2, 11, "A", 7, 150, "A"),
        ("2018/19", "pex_rate", "lower_is_better", 0.03, 6, 11, "C", 80, 151, "C"),
        ("2023/24", "pex_rate", "lower_is_better", 0.13, 3, 11, "B", 35, 152, "A"),
        ("2023/24", "suspension_rate", "lower_is_better", 21.2, 6, 11, "C", 81, 152, "C"),
    ],
    columns=[
        "academic_year",
        "metric",
        "polarity",
        "value",
        "rank_neighbours",
        "las_neighbours",
        "band_neighbours",
        "rank_all",
        "las_all",
        "band_all",
    ],
)


def test_rank_bands_put_band_a_at_the_top_with_both_groups():
    fig, table = benchmarks.rank_bands(RANKS, "pex_rate", la_label="Leicestershire", label="Rate")
    neighbours, everyone = fig.data
    assert list(neighbours.x) == ["2018/19", "2019/20", "2023/24"]  # sorted by year
    # A = 1 at the top, D = 4 at the bottom
    assert list(neighbours.y) == [3, 1, 2] and list(everyone.y) == [3, 1, 1]
    assert tuple(fig.layout.yaxis.range) == (4.5, 0.5)
    assert list(fig.layout.yaxis.ticktext) == ["A (best)", "B", "C", "D (worst)"]
    assert neighbours.text[2] == "rank 3 of 11, band B" and everyone.text[2] == "rank 35 of 152, band A"
    assert neighbours.line.color == theme.PALETTE[0] and everyone.line.color == theme.PALETTE[1]
    assert table["band_among_all_las"].tolist() == ["C", "A", "A"]
    assert table["note"].tolist() == ["", benchmarks.COVID_NOTE, ""]
    empty, none = benchmarks.rank_bands(RANKS, "fsm_pct", la_label="Leicestershire", label="FSM share")
    assert none.empty and "No ranking of fsm share" in empty.layout.annotations[0].text


def test_covid_years_are_shaded_on_category_axes():
    fig, _ = benchmarks.rank_bands(RANKS, "pex_rate", la_label="Leicestershire", label="Rate")
    (shade,) = fig.layout.shapes
    # categories 2018/19, 2019/20, 2023/24: 2019/20 is at 1, and 2020/21 is absent
    assert (shade.x0, shade.x1) == (0.5, 1.5)
    assert [a.text for a in fig.layout.annotations] == ["COVID-19"]
    full = [f"{y}/{(y + 1) % 100:02d}" for y in range(2006, 2024)]
    fig = go.Figure()
    benchmarks.mark_covid(fig, full)
    assert (fig.layout.shapes[0].x0, fig.layout.shapes[0].x1) == (12.5, 14.5)  # 2019/20 = 13, 2020/21 = 14
    fig = go.Figure()
    benchmarks.mark_covid(fig, ["2022/23", "2023/24"])
    assert fig.layout.shapes == ()


def test_rank_sentence_states_both_ranks_and_the_polarity():
    assert benchmarks.rank_sentence(RANKS, "pex_rate", la_label="Leicestershire", label="Permanent exclusion rate") == (
        "In 2023/24 Leicestershire ranked 3 of 11 among its neighbours (band B) and 35 of 152 among all "
        "local authorities (band A) on permanent exclusion rate: lower is better"
    )
    higher = RANKS.assign(polarity="higher_is_better")
    assert benchmarks.rank_sentence(higher, "pex_rate", la_label="X", label="Y").endswith(": higher is better")


def test_fsm_against_exclusions_focus_in_colour():
    fig, table = benchmarks.fsm_against_exclusions(NEIGHBOURS, "2023/24")
    # D has no FSM share: left out
    assert table["area_name"].tolist() == ["Focus", "A", "B", "C"]
    others, focus = fig.data
    assert list(others.x) == [15.6, 18.0, 21.0] and others.marker.color == theme.GREY_LIGHT
    assert list(focus.y) == [0.13] and focus.marker.color == theme.PALETTE[0]
    empty, _ = benchmarks.fsm_against_exclusions(NEIGHBOURS, "2030/31")
    assert empty.layout.annotations[0].text == "No neighbour has both figures for<br>2030/31."


def test_correlation_sentence():
    table = pd.DataFrame({"fsm_pct": [10.0, 20.0, 30.0], "pex_rate": [0.1, 0.2, 0.3]})
    # a perfect straight line: r = 1
    assert benchmarks.correlation_sentence(table) == (
        "Across these 3 areas, more deprived areas tend to exclude more: a strong link (r = 1.00)."
    )
    flat = table.assign(pex_rate=[0.2, 0.1, 0.2])
    # deviations x: -10, 0, 10; y: 0.0333, -0.0667, 0.0333: covariance 0, r = 0
    assert "hardly related (r = 0.00)" in benchmarks.correlation_sentence(flat)
    assert benchmarks.correlation_sentence(table.iloc[:2]) == ""
