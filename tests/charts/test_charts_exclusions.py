"""Exclusion avoidance builders on hand-made frames."""

import numpy as np
import pandas as pd

from dashboard.charts import exclusions, theme
from dashboard.components import chart_panel

COLUMNS = ["metric", "academic_year", "area_type", "area_code", "area_name", "value", "suppressed"]

METRICS = pd.DataFrame(
    [
        ("pex_rate", "2022/23", "partnership", "NTH", "North", 0.10, False),
        ("pex_rate", "2023/24", "partnership", "NTH", "North", 0.12, False),
        ("pex_rate", "2022/23", "partnership", "STH", "South", 0.30, False),
        ("pex_rate", "2023/24", "partnership", "STH", "South", np.nan, True),
        ("pex_rate", "2022/23", "la_total", "ALL", "All partnerships", 0.20, False),
        ("pex_rate", "2023/24", "la_total", "ALL", "All partnerships", 0.18, False),
        ("pex_rate", "2022/23", "england", "E92000001", "England", 0.22, False),
        ("pex_rate", "2023/24", "england", "E92000001", "England", 0.25, False),
        ("pex_rate", "2021/22", "england", "E92000001", "England", 0.15, False),
        ("pex_rate", "2023/24", "region", "E12000004", "East Midlands", 0.21, False),
        ("referred_pupils", "2023/24", "partnership", "NTH", "North", 20, False),
        ("pex_after_referral", "2023/24", "partnership", "NTH", "North", 1, False),
        ("avoidance_rate", "2023/24", "partnership", "NTH", "North", 95.0, False),
        ("referred_pupils", "2023/24", "partnership", "STH", "South", np.nan, True),
        ("pex_after_referral", "2023/24", "partnership", "STH", "South", np.nan, True),
        ("avoidance_rate", "2023/24", "partnership", "STH", "South", np.nan, True),
        ("referred_pupils", "2023/24", "la_total", "ALL", "All partnerships", 24, False),
        ("pex_after_referral", "2023/24", "la_total", "ALL", "All partnerships", 2, False),
        ("avoidance_rate", "2023/24", "la_total", "ALL", "All partnerships", 100 * 22 / 24, False),
    ],
    columns=COLUMNS,
)


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_rates_over_time_all_partnerships_in_colour_comparators_grey():
    fig, table = exclusions.rates_over_time(METRICS, "pex_rate", label="Rate", unit="rate_per_100")
    names = [t.name for t in fig.data]
    # partnerships first, then England and the region; la_total only when one is chosen;
    # England's 2021/22 point is outside the partnerships' years and is left out
    assert names == ["North", "South", "England", "East Midlands"]
    assert list(trace(fig, "England").x) == ["2022/23", "2023/24"]
    assert trace(fig, "England").line.color == theme.GREY_DARK
    assert trace(fig, "North").line.color == theme.PALETTE[0]
    south = trace(fig, "South")
    assert south.y[0] == 0.30 and np.isnan(south.y[1])
    assert list(south.text) == ["0.30", "c"]
    assert len(table) == 2 + 2 + 2 + 1


def test_an_area_with_every_figure_suppressed_has_no_line_nor_legend_entry_and_is_named_in_words():
    # a governor's view: West's two years and Mid's one rest on a few pupils; South keeps 2022/23
    hidden = pd.DataFrame(
        [
            ("pex_rate", "2022/23", "partnership", "WST", "West", np.nan, True),
            ("pex_rate", "2023/24", "partnership", "WST", "West", np.nan, True),
            ("pex_rate", "2023/24", "partnership", "MID", "Mid", np.nan, True),
        ],
        columns=COLUMNS,
    )
    fig, table = exclusions.rates_over_time(pd.concat([METRICS, hidden]), "pex_rate", label="Rate")
    assert [t.name for t in fig.data] == ["North", "South", "England", "East Midlands"]
    # the colours stay those of every partnership, so a partnership keeps its colour whoever looks
    assert trace(fig, "North").line.color == theme.PALETTE[1] and trace(fig, "South").line.color == theme.PALETTE[2]
    assert (
        chart_panel.alt_text(fig)
        == "Line and point chart, Rate down the side. Series: North, South, England, East Midlands."
    )
    # the table still holds every row, West's and Mid's as c
    assert len(table) == 2 + 2 + 2 + 1 + 2 + 1
    assert exclusions.undrawn_sentence(table) == "No line for Mid and West: every figure is suppressed (c)."
    _, whole = exclusions.rates_over_time(METRICS, "pex_rate", label="Rate")
    assert exclusions.undrawn_sentence(whole) == ""


def test_rates_over_time_one_partnership_with_all_partnerships():
    fig, table = exclusions.rates_over_time(METRICS, "pex_rate", label="Rate", partnership="NTH")
    assert [t.name for t in fig.data] == ["North", "All partnerships", "England", "East Midlands"]
    # pointing at a year lists every area's figure: two equal points do not hide each other
    assert fig.layout.hovermode == "x unified"
    hovers = [t.hovertemplate for t in fig.data][:2]
    assert hovers == ["North: %{text}<extra></extra>", "All partnerships: %{text}<extra></extra>"]
    sentence = exclusions.latest_gap_sentence(table, "2023/24", label="Rate", unit="rate_per_100", area="North")
    assert sentence == "In 2023/24 the rate for North was 0.12, below England's 0.25."


def test_rate_description_names_only_the_comparators_drawn():
    # METRICS: England and the region have pex_rate figures in the partnerships' years, no neighbours
    assert (
        exclusions.rate_description(METRICS, "pex_rate", "Rate")
        == "Rate per year for the partnerships, with England and the region in grey."
    )
    # without the region's row, England alone; England's 2021/22 is outside the partnerships' years
    no_region = METRICS[METRICS["area_type"] != "region"]
    assert (
        exclusions.rate_description(no_region, "pex_rate", "Rate")
        == "Rate per year for the partnerships, with England in grey."
    )
    only_outside = no_region[(no_region["area_type"] != "england") | (no_region["academic_year"] == "2021/22")]
    assert exclusions.rate_description(only_outside, "pex_rate", "Rate") == "Rate per year for the partnerships."
    # a neighbours' median present: all three, in the legend's order
    neighbours = pd.DataFrame(
        [("pex_rate", "2023/24", "sn_median", "SN", "Statistical neighbours (median)", 0.2, False)], columns=COLUMNS
    )
    assert exclusions.rate_description(pd.concat([METRICS, neighbours]), "pex_rate", "Rate") == (
        "Rate per year for the partnerships, with England, the region and statistical neighbours in grey."
    )


SUSPENSIONS = pd.DataFrame(
    [
        ("suspension_rate", "2023/24", "partnership", "BLT", "Brackenwood Learning Trust", 15.10, False),
        ("suspension_rate", "2024/25", "partnership", "BLT", "Brackenwood Learning Trust", 16.32, False),
        ("suspension_rate", "2024/25", "partnership", "OAK", "Oakfield and District", 18.90, False),
        ("suspension_rate", "2024/25", "la_total", "ALL", "All partnerships", 17.4, False),
        ("suspension_rate", "2023/24", "england", "E92000001", "England", 18.2, False),
        ("suspension_rate", "2024/25", "england", "E92000001", "England", 18.9, False),
    ],
    columns=COLUMNS,
)


def test_latest_gap_sentence_keeps_a_partnerships_own_capitals():
    kwargs = {"label": "Suspension rate", "unit": "rate_per_100", "decimals": 2}
    _, blt = exclusions.rates_over_time(SUSPENSIONS, "suspension_rate", partnership="BLT", **kwargs)
    assert (
        exclusions.latest_gap_sentence(blt, "2024/25", area="Brackenwood Learning Trust", **kwargs)
        == "In 2024/25 the suspension rate for Brackenwood Learning Trust was 16.32, below England's 18.90."
    )
    # 'All partnerships' is no name: mid-sentence it reads in lower case
    assert (
        exclusions.latest_gap_sentence(blt, "2024/25", **kwargs)
        == "In 2024/25 the suspension rate for all partnerships was 17.40, below England's 18.90."
    )
    _, oak = exclusions.rates_over_time(SUSPENSIONS, "suspension_rate", partnership="OAK", **kwargs)
    assert (
        exclusions.latest_gap_sentence(oak, "2024/25", area="Oakfield and District", **kwargs)
        == "In 2024/25 the suspension rate for Oakfield and District matched England's (18.90)."
    )


def test_rates_over_time_without_partnership_data():
    fig, table = exclusions.rates_over_time(METRICS, "suspension_rate", label="Suspension rate")
    assert table.empty
    assert "No suspension rate" in fig.layout.annotations[0].text


def test_avoidance_by_partnership_keeps_counts_and_hides_suppressed():
    fig, table = exclusions.avoidance_by_partnership(METRICS, "2023/24")
    assert table["partnership"].tolist() == ["North", "South", "All partnerships"]
    assert table["referred_pupils"].iloc[0] == 20 and table["pex_after_referral"].iloc[0] == 1
    assert table["avoidance_rate_suppressed"].tolist() == [False, True, False]
    bar = fig.data[0]
    # 22 of 24 referred pupils avoided permanent exclusion: 91.7%
    assert list(bar.text) == ["95.0%", "c", "91.7%"]
    assert np.isnan(bar.x[1])
    assert bar.marker.color[2] == theme.GREY_DARK
    # plotly draws no text beside a missing bar: South's c is written at the axis
    assert (list(fig.data[1].text), list(fig.data[1].y), list(fig.data[1].x)) == (["c"], ["South"], [0.0])


def test_avoidance_without_referrals_says_so():
    fig, table = exclusions.avoidance_by_partnership(METRICS, "2015/16")
    assert table.empty and "No referrals recorded for 2015/16." == fig.layout.annotations[0].text


LINKS = pd.DataFrame(
    [
        (1, "referred", "ap_placement", 6),
        (1, "referred", "outreach", 4),
        (2, "ap_placement", "registered_ap", 6),
        (3, "registered_ap", "reintegrated", 5),
        (3, "registered_ap", "other", 1),
        (1, "referred", "other", 0),
    ],
    columns=["step", "source", "target", "referrals"],
)


def test_referral_journey_nodes_and_links():
    fig, table = exclusions.referral_journey(LINKS)
    sankey = fig.data[0]
    # the zero link is not drawn; 'other' appears once (as an outcome, column 4)
    assert list(sankey.node.label) == ["Referred", "AP placement", "Outreach", "Registered AP", "Reintegrated", "Other"]
    assert list(sankey.link.source) == [0, 0, 1, 3, 3]
    assert list(sankey.link.target) == [1, 2, 3, 4, 5]
    assert list(sankey.link.value) == [6, 4, 6, 5, 1]
    assert table["stage"].iloc[0] == "Referred → decision"
    assert table["from"].iloc[3] == "Registered AP" and table["to"].iloc[3] == "Reintegrated"


def test_referral_journey_leaves_out_suppressed_links():
    links = LINKS.assign(referrals=LINKS["referrals"].astype("Float64"))
    links["referrals_suppressed"] = links["referrals"].between(1, 4)
    links.loc[links["referrals_suppressed"], "referrals"] = pd.NA
    fig, table = exclusions.referral_journey(links)
    # outreach 4 and other 1 are hidden: three links are drawn
    assert list(fig.data[0].link.value) == [6, 6, 5]
    assert table["referrals_suppressed"].tolist() == [False, True, False, False, True, False]


REASONS = pd.DataFrame(
    [
        ("persistent_disruptive", 6, 300, 2),
        ("verbal_adult", 2, 100, 0),
        ("not_recorded", 0, 100, 0),
    ],
    columns=["reason", "referrals", "suspensions", "permanent_exclusions"],
)


def test_reasons_are_shares_of_each_measure():
    fig, table = exclusions.reasons(REASONS)
    assert table["reason"].tolist() == [
        "Persistent disruptive behaviour",
        "Verbal abuse or threat against an adult",
        "Not recorded",
    ]
    # referrals 6 / 8 = 75%, 2 / 8 = 25%; suspensions 300 / 500 = 60%; permanent 2 / 2 = 100%
    assert table["referrals_pct"].tolist() == [75.0, 25.0, 0.0]
    assert table["suspensions_pct"].tolist() == [60.0, 20.0, 20.0]
    assert table["permanent_exclusions_pct"].tolist() == [100.0, 0.0, 0.0]
    assert [t.name for t in fig.data] == ["Referrals", "Suspensions", "Permanent exclusions"]
    # least common at the bottom: Not recorded, Verbal, Persistent
    assert list(fig.data[0].y)[-1] == "Persistent<br>disruptive behaviour"


def test_reasons_suppressed_count_has_no_share_and_stays_out_of_the_total():
    hidden = REASONS.assign(permanent_exclusions=[np.nan, 0, 0], permanent_exclusions_suppressed=[True, False, False])
    fig, table = exclusions.reasons(hidden)
    # the only non-zero count is hidden: the total of what is shown is 0, so no shares at all
    assert table["permanent_exclusions_pct"].isna().all()
    pex = fig.data[2]
    assert list(pex.text)[-1] == "c"


def test_reasons_empty():
    fig, table = exclusions.reasons(REASONS.iloc[0:0])
    assert "No referrals or exclusions" in fig.layout.annotations[0].text


GROUPS = pd.DataFrame(
    [
        ("Free school meals", "Eligible for FSM", 6, 10, 60.0, 20.0),
        ("Special educational needs", "SEN support", 3, 10, 30.0, 15.0),
        ("Looked after", "Looked after", 1, 10, 10.0, None),
    ],
    columns=[
        "characteristic",
        "group_name",
        "referred_pupils",
        "all_referred_pupils",
        "referred_pct",
        "population_pct",
    ],
)


def test_referred_vs_population_ratio():
    fig, table = exclusions.referred_vs_population(GROUPS)
    # 60 / 20 = 3.0; 30 / 15 = 2.0; no census share for looked after
    assert table["ratio"].iloc[0] == 3.0 and table["ratio"].iloc[1] == 2.0
    assert np.isnan(table["ratio"].iloc[2])
    assert [t.name for t in fig.data] == ["Referred pupils", "All pupils (census)"]
    assert exclusions.over_represented_sentence(table) == (
        "Eligible for FSM: 60% of referred pupils against 20% of all pupils (3.0 times their share)."
    )


def test_referred_vs_population_suppressed_group_hides_its_share():
    groups = GROUPS.assign(
        referred_pupils=[6, np.nan, np.nan],
        referred_pupils_suppressed=[False, True, True],
        all_referred_pupils_suppressed=False,
    )
    fig, table = exclusions.referred_vs_population(groups)
    assert table["referred_pct_suppressed"].tolist() == [False, True, True]
    assert table["ratio_suppressed"].tolist() == [False, True, True]
    assert np.isnan(fig.data[0].x[1]) and list(fig.data[0].text) == ["", "c", "c"]
    assert exclusions.over_represented_sentence(table).startswith("Eligible for FSM")


def test_referred_vs_population_none_referred():
    fig, _ = exclusions.referred_vs_population(GROUPS.assign(all_referred_pupils=0))
    assert fig.layout.annotations[0].text == "No referred pupils for this choice."


def test_each_partnership_has_its_own_marker_shape_and_points_on_the_axis_are_drawn_whole():
    both_nil = pd.DataFrame(
        [
            ("pex_rate", "2020/21", "partnership", "BLT", "Brackenwood Learning Trust", 0.0, False),
            ("pex_rate", "2020/21", "partnership", "LAT", "Larkspur Academies Trust", 0.0, False),
            ("pex_rate", "2020/21", "england", "E92000001", "England", 0.1, False),
        ],
        columns=COLUMNS,
    )
    fig, table = exclusions.rates_over_time(both_nil, "pex_rate", label="Rate")
    blt, lat = trace(fig, "Brackenwood Learning Trust"), trace(fig, "Larkspur Academies Trust")
    # same place, exactly: shape and colour tell them apart, nothing moves them
    assert list(blt.y) == list(lat.y) == [0.0] and list(blt.x) == list(lat.x) == ["2020/21"]
    assert (blt.marker.symbol, lat.marker.symbol) == ("circle-open", "triangle-up-open")
    assert (blt.marker.color, lat.marker.color) == (theme.PALETTE[0], theme.PALETTE[1])
    assert blt.cliponaxis is False and lat.cliponaxis is False
    assert table["value"].tolist() == [0.0, 0.0, 0.1]


def test_more_partnerships_than_colours_are_one_set_of_thin_lines_named_where_pointed_at():
    # seven partnerships (the palette has six colours): B's 2023/24 is hidden, G's every figure
    rows = [
        ("pex_rate", year, "partnership", code, code, value, value is None)
        for code, values in {
            "A": (0.1, 0.2),
            "B": (0.3, None),
            "C": (0.5, 0.6),
            "D": (0.7, 0.8),
            "E": (0.9, 1.0),
            "F": (1.1, 1.2),
            "G": (None, None),
        }.items()
        for year, value in zip(("2022/23", "2023/24"), values, strict=True)
    ]
    frame = pd.concat(
        [pd.DataFrame(rows, columns=COLUMNS), METRICS[METRICS["area_type"].isin(["england", "la_total"])]]
    )
    fig, table = exclusions.rates_over_time(frame, "pex_rate", label="Rate")
    # all partnerships together, the line that can be followed, drawn over them in the first colour
    assert [t.name for t in fig.data] == ["Each of the 7 partnerships", "All partnerships", "England"]
    assert list(trace(fig, "All partnerships").y) == [0.20, 0.18]
    assert trace(fig, "All partnerships").line.color == theme.PALETTE[0]
    lines = fig.data[0]
    years = ["2022/23", "2023/24", None]
    assert list(lines.x) == years * 6  # G has no point to draw
    a_to_c = [0.1, 0.2, None, 0.3, None, None, 0.5, 0.6, None]
    assert list(lines.y) == a_to_c + [0.7, 0.8, None, 0.9, 1.0, None, 1.1, 1.2, None]
    assert list(lines.text[:3]) == ["A, 2022/23: 0.10", "A, 2023/24: 0.20", None]
    assert list(lines.text[3:6]) == ["B, 2022/23: 0.30", "B, 2023/24: c", None]
    assert lines.line.color == theme.TINT and lines.line.width == 1
    # hundreds of lines are too many to list at a year: each point says its own name and year
    assert fig.layout.hovermode is None
    assert trace(fig, "England").hovertemplate == "England, %{x}: %{text}<extra></extra>"
    assert list(trace(fig, "England").y) == [0.22, 0.25]
    # the table still gives every partnership's every year, and says which has no line
    assert len(table) == 7 * 2 + 2 + 2
    assert exclusions.undrawn_sentence(table) == "No line for G: every figure is suppressed (c)."
    # one partnership chosen: it and all partnerships together keep their own lines
    one, _ = exclusions.rates_over_time(frame, "pex_rate", label="Rate", partnership="C")
    assert [t.name for t in one.data] == ["C", "All partnerships", "England"]
