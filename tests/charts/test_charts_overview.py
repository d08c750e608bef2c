"""Overview builders: headline figures and partnerships side by side, on a hand-made frame."""

import numpy as np
import pandas as pd

from dashboard.charts import overview

PEX = {
    "metric": "pex_rate",
    "label": "Permanent exclusion rate",
    "unit": "rate_per_100",
    "decimals": 2,
    "polarity": "lower",
}
AVOID = {"metric": "avoidance_rate", "label": "Avoidance rate", "unit": "percent", "decimals": 1, "polarity": "higher"}


def frame(rows):
    return pd.DataFrame(
        rows, columns=["metric", "academic_year", "area_type", "area_code", "area_name", "value", "suppressed"]
    )


FRAME = frame(
    [
        ("pex_rate", "2022/23", "la_total", "ALL", "All partnerships", 0.20, False),
        ("pex_rate", "2023/24", "la_total", "ALL", "All partnerships", 0.15, False),
        ("pex_rate", "2023/24", "england", "E92000001", "England", 0.22, False),
        ("pex_rate", "2023/24", "sn_median", "SN_MEDIAN", "SN", 0.18, False),
        ("pex_rate", "2023/24", "partnership", "NTH", "North", 0.30, False),
        ("pex_rate", "2023/24", "partnership", "STH", "South", np.nan, True),
        ("pex_rate", "2023/24", "partnership", "EST", "East", 0.05, False),
        ("avoidance_rate", "2023/24", "partnership", "NTH", "North", 90.0, False),
        ("avoidance_rate", "2022/23", "partnership", "STH", "South", 80.0, False),
        ("avoidance_rate", "2023/24", "partnership", "STH", "South", np.nan, True),
    ]
)


def test_previous_year():
    assert overview.previous_year("2023/24") == "2022/23"
    assert overview.previous_year("2000/01") == "1999/00"


def test_headline_compares_with_last_year_england_and_neighbours():
    h = overview.headline(FRAME, PEX, "2023/24", "la_total", "ALL")
    assert (h.value, h.previous, h.england, h.sn_median) == (0.15, 0.20, 0.22, 0.18)
    # 0.15 - 0.20 = -0.05: a fall, and lower is better
    assert round(h.delta, 10) == -0.05
    assert h.trend == (("2022/23", 0.20), ("2023/24", 0.15))
    assert h.sentence == (
        "Permanent exclusion rate fell from 0.20 in 2022/23 to 0.15 in 2023/24, "
        "an improvement. For comparison: England 0.22, statistical neighbours 0.18."
    )


def test_headline_suppressed_value_has_no_number_and_no_delta():
    h = overview.headline(FRAME, AVOID, "2023/24", "partnership", "STH")
    assert h.suppressed and h.value is None and h.delta is None
    assert h.show(h.value, suppressed=h.suppressed) == "c"
    assert "suppressed (c)" in h.sentence and "80" not in h.sentence
    # the suppressed year is left out of the trend line, the earlier year stays
    assert h.trend == (("2022/23", 80.0),)


def test_headline_without_last_year_says_so():
    h = overview.headline(FRAME, AVOID, "2023/24", "partnership", "NTH")
    assert h.value == 90.0 and h.previous is None and h.delta is None
    assert h.sentence == ("Avoidance rate was 90.0% in 2023/24; there is no figure for 2022/23 to compare with.")


def test_headline_missing_value():
    h = overview.headline(FRAME, PEX, "2019/20", "la_total", "ALL")
    assert h.value is None and not h.suppressed
    assert h.sentence == "There is no permanent exclusion rate for 2019/20."


def test_headline_table_shows_c_never_the_number():
    hs = [
        overview.headline(FRAME, AVOID, "2023/24", "partnership", "STH"),
        overview.headline(FRAME, PEX, "2023/24", "la_total", "ALL"),
    ]
    table = overview.headline_table(hs)
    assert table["value"].tolist() == ["c", "0.15"]
    assert table["last_year"].tolist() == ["80.0%", "0.20"]


def test_partnerships_compared_draws_highest_on_top_and_no_bar_for_suppressed():
    fig, table = overview.partnerships_compared(
        FRAME, "pex_rate", "2023/24", label="Rate", unit="rate_per_100", decimals=2
    )
    assert table["partnership"].tolist() == ["East", "North", "South"]
    bar = fig.data[0]
    # horizontal bars bottom-up: South (suppressed, sorted as -1), East 0.05, North 0.30 on top
    assert list(bar.y) == ["South", "East", "North"]
    assert np.isnan(bar.x[0]) and list(bar.x[1:]) == [0.05, 0.30]
    assert list(bar.text) == ["c", "0.05", "0.30"]
    # plotly draws no text beside a missing bar: the c is written at the axis
    marks = fig.data[1]
    assert (list(marks.text), list(marks.y), list(marks.x)) == (["c"], ["South"], [0.0])
    assert fig.layout.yaxis.ticklabelstandoff == 6  # the labels stand off the axis, clear of the c
    assert fig.layout.xaxis.range == (0, 1.2 * 0.30)
    assert fig.layout.shapes[0].x0 == 0.22  # England line
    assert overview.highest_sentence(table, label="Rate", unit="rate_per_100") == ("North has the highest rate: 0.30.")


def test_partnerships_compared_with_every_partnership_suppressed_marks_each_c():
    hidden = FRAME.assign(value=np.where(FRAME["area_type"] == "partnership", np.nan, FRAME["value"]))
    hidden["suppressed"] = hidden["area_type"] == "partnership"
    fig, table = overview.partnerships_compared(hidden, "pex_rate", "2023/24", label="Rate", unit="rate_per_100")
    assert table["value"].isna().all()
    assert sorted(fig.data[1].y) == ["East", "North", "South"] and set(fig.data[1].text) == {"c"}
    assert fig.layout.xaxis.range == (0, 1.2 * 0.22)  # from 0 to past England's line, not -0.5 to 1
    assert overview.highest_sentence(table, label="Rate", unit="rate_per_100") == ""  # none to name


def test_partnerships_compared_without_data_says_so():
    fig, table = overview.partnerships_compared(FRAME, "pex_rate", "2010/11", label="Rate")
    assert table.empty
    assert fig.layout.annotations[0].text == "No rate by partnership for 2010/11."
