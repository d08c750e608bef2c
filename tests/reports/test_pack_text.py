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


def test_a_table_of_12_rows_or_fewer_is_kept_on_one_page_and_a_longer_one_may_break():
    def rows(n: int) -> pd.DataFrame:
        return pd.DataFrame({"provider_name": [f"Provider {i}" for i in range(n)], "placements": range(n)})

    assert html_table(rows(12), "Table: providers").startswith('<div class="whole"><table><caption>')
    assert html_table(rows(13), "Table: providers").startswith("<table><caption>")
    # two areas by 18 years print as two rows, years across
    assert html_table(_history(18), "Table: rates").startswith('<div class="whole"><table>')


def test_a_short_table_at_the_foot_of_a_page_goes_whole_to_the_next(tmp_path):
    import subprocess

    from dashboard.reports import pdf, typeset

    table = html_table(
        pd.DataFrame({"provider_name": [f"Provider {i}" for i in range(8)], "placements": range(8)}), "Table: t"
    )
    # 58 short paragraphs fill one page and most of the next: without the rule the table's rows
    # were split four and four over the second and third pages
    filler = "<p>Filler line.</p>" * 58
    document = f"<html lang=en><head><title>t</title><style>{pdf.CSS}</style></head><body>{filler}{table}</body></html>"
    path = tmp_path / "t.pdf"
    path.write_bytes(typeset.typeset(document, {}))
    pages = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout.split("\f")
    holding = [i for i, text in enumerate(pages) if "Provider" in text or "Table: t" in text]
    assert holding == [2]  # caption and all eight rows on the third page, none left on the second
    assert all(f"Provider {i}\n" in pages[2] for i in range(8))


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
