"""The pack's words worked out by hand: a long history printed as its latest years with the years
across, and a commentary's Markdown turned into plain text blocks."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.commentary import sanitise
from dashboard.reports.notes import commentary_blocks
from dashboard.reports.pdf import html_table

COVID = "COVID-19: schools closed to most pupils for part of the year"


def _history(years: int) -> pd.DataFrame:
    rows = []
    for i in range(years):
        year = f"{2006 + i}/{(7 + i) % 100:02d}"
        for area, value in (("Leicestershire", 0.1 + i / 100), ("England", 0.2)):
            rows.append({"area": area, "academic_year": year, "value": value, "note": COVID if i == 14 else None})
    return pd.DataFrame(rows)


def _header(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def test_a_history_of_18_years_prints_its_latest_5_across_with_the_year_note_under_it():
    html = html_table(_history(18), "Table: rates")
    assert _header(html)[1:] == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    # Leicestershire in 2023/24 (i = 17): 0.1 + 0.17
    assert re.search(r"<td>Leicestershire</td>(<td class=number>[^<]*</td>){4}<td class=number>0.27</td>", html)
    assert "The latest 5 years, 2019/20 to 2023/24; the chart shows every year from 2006/07" in html
    assert f"2020/21: {COVID}." in html


def test_ten_years_stay_whole():
    html = html_table(_history(10).drop(columns="note"), "Table: rates")
    assert _header(html)[1:11] == [f"{2006 + i}/{(7 + i) % 100:02d}" for i in range(10)]
    assert "The latest" not in html


def test_commentary_markdown_becomes_plain_text_and_markup_stays_text():
    written = (
        "## Our year\nWe kept **more** pupils; see [the plan](https://x.org/p) and pex_rate_value.\n"
        "It went <b>well</b> & on.\n\n- one *item*\n2. two [bad](javascript:alert(1))\n![img](http://x/y.png)"
    )
    assert commentary_blocks(sanitise(written)) == [
        ("heading", "Our year"),
        (
            "paragraph",
            "We kept more pupils; see the plan (https://x.org/p) and pex_rate_value. It went <b>well</b> & on.",
        ),
        ("item", "one item"),
        ("item", "two bad"),
        ("paragraph", "img"),
    ]
