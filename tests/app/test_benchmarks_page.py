"""The Benchmarks page in AppTest on the demo warehouse: the rank from the real DfE data."""

from __future__ import annotations

from app_driver import open_page, specs, words


def test_benchmarks_rank_from_the_real_dfe_data(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "benchmarks")
    assert not at.exception
    # DfE 2023/24 secondary pex rates: Wiltshire 0.060, Hampshire 0.099, Leicestershire 0.133,
    # then eight neighbours above: rank 3 of 11, band ceil(4 x 3 / 11) = 2 = B. Among all 152
    # LAs with a 2023/24 rate (LAIT SecPermEx), 34 are lower: rank 35, band ceil(140 / 152) = 1 = A
    assert (
        "In 2023/24 Leicestershire ranked 3 of 11 among its neighbours (band B) and 35 of 152 among "
        "all local authorities (band A) on permanent exclusion rate (per 100 pupils): lower is better"
        in [s.value for s in at.header]
    )
    # three histories, two rank charts, the scatter
    assert len(specs(at)) == 6
    history = specs(at)[0]
    assert history["data"][0]["x"][0] == "2006/07" and history["data"][0]["x"][-1] == "2023/24"
    # the COVID years shaded: 2019/20 and 2020/21 are categories 13 and 14 from 2006/07
    # (the chart's notes add their own lines: only the shaded rectangle is the COVID mark)
    assert [(s["x0"], s["x1"]) for s in history["layout"]["shapes"] if s.get("type") == "rect"] == [(12.5, 14.5)]
    # LAIT's dictionary: SecPermEx Polarity Low, Last Update 45839 (1 July 2025), Next 46232 (29 July 2026)
    assert "About these DfE measures (from DfE LAIT's data dictionary)" in [e.label for e in at.expander]
    assert (
        "- **Permanent exclusion rate (per 100 pupils)** (LAIT `SecPermEx`): lower is better; last updated "
        "July 2025, next update July 2026. Permanent exclusion refers to a pupil"
    ) in words(at)
    # 2024/25 has no published LA rates yet: the scatter says so and shows 2023/24
    assert "2024/25 is not published yet, so this shows 2023/24." in words(at)
