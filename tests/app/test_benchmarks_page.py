"""The Benchmarks page in AppTest on the demo warehouse: the rank from the real DfE data."""

from __future__ import annotations

from app_driver import open_page, specs, words


def test_benchmarks_rank_from_the_real_dfe_data(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "benchmarks")
    assert not at.exception
    # DfE 2023/24 secondary pex rates: Wiltshire 0.060, Hampshire 0.099, Leicestershire 0.133,
    # then eight neighbours above: rank 3 of 11, quartile ceil(4 x 3 / 11) = 2
    assert ("Leicestershire ranks 3 of 11 neighbours on permanent exclusions in 2023/24 (quartile 2)"
            in [s.value for s in at.subheader])
    assert len(specs(at)) == 5
    # 2024/25 has no published LA rates yet: the scatter says so and shows 2023/24
    assert "2024/25 is not published yet, so this shows 2023/24." in words(at)
