"""The change-since-last-year text on headline cards."""

from __future__ import annotations

import pytest

from dashboard.charts.overview import Headline
from dashboard.components.kpi import delta_text, trend_text


def card(value, previous, unit="gbp", decimals=0):
    return Headline(
        "core_grant_gbp",
        "Core grant",
        unit,
        decimals,
        "neutral",
        "2024/25",
        value,
        False,
        "2023/24",
        previous,
        None,
        None,
        (),
        "",
    )


@pytest.mark.parametrize(
    "value, previous, unit, decimals, text",
    [
        (3_000_000.0, 3_000_000.0, "gbp", 0, "no change since 2023/24"),
        (3_000_000.4, 3_000_000.0, "gbp", 0, "no change since 2023/24"),  # rounds to £0
        (3_010_000.0, 3_000_000.0, "gbp", 0, "+£10,000 since 2023/24"),
        (49.0, 52.9, "percent", 1, "-3.9 points since 2023/24"),  # 49.0 - 52.9
        (None, 52.9, "percent", 1, None),
    ],
)
def test_delta_text(value, previous, unit, decimals, text):
    assert delta_text(card(value, previous, unit, decimals)) == text


def test_trend_text_writes_the_sparklines_figures():
    h = Headline(
        "pex_rate",
        "Permanent exclusion rate",
        "rate",
        2,
        "lower",
        "2024/25",
        0.12,
        False,
        "2023/24",
        0.13,
        None,
        None,
        (("2022/23", 0.1), ("2023/24", 0.13), ("2024/25", 0.12)),
        "",
    )
    assert trend_text(h) == "Each year: 2022/23 0.10; 2023/24 0.13; 2024/25 0.12."
    assert trend_text(card(1.0, 2.0)) is None
