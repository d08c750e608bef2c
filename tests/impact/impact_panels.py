"""Small impact panels written out by hand, in the shape `queries/charts/impact_panel.sql` returns."""

from __future__ import annotations

import pandas as pd

YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2006, 2024)]


def panel_rows(las: dict[str, tuple[list, list, bool]], england: list[float], years: list[str]) -> pd.DataFrame:
    """A panel from {la_code: (values, pupils, is_neighbour)} and England's values, one per year.

    None in values or pupils means not published (the row stays; its value is null)."""
    rows = [
        {
            "area_type": "england",
            "area_code": "E92000001",
            "area_name": "England",
            "academic_year": y,
            "value": v,
            "pupils": None,
            "is_neighbour": False,
        }
        for y, v in zip(years, england, strict=True)
    ]
    for code, (values, pupils, neighbour) in las.items():
        rows += [
            {
                "area_type": "la",
                "area_code": code,
                "area_name": f"LA {code}",
                "academic_year": y,
                "value": v,
                "pupils": p,
                "is_neighbour": neighbour,
            }
            for y, v, p in zip(years, values, pupils, strict=True)
        ]
    return pd.DataFrame(rows)
