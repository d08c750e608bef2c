"""Filters bound to the URL, so that a copied link opens the same view.

Keys are the query parameter names: `year`, `partnership`, `school`. A value equal to the
default (latest year, all partnerships) is left out of the URL; an unknown value in the URL
is ignored and the default is used. A choice made on one page carries to the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.components import data
from dashboard.metrics import LA_TOTAL

ALL_PARTNERSHIPS = "All partnerships"


@dataclass(frozen=True)
class Filters:
    """What the viewer chose: an academic year and a partnership code (None = all)."""

    year: str | None
    partnership: str | None
    partnership_name: str

    @property
    def area_type(self) -> str:
        return "la_total" if self.partnership is None else "partnership"

    @property
    def area_code(self) -> str:
        return LA_TOTAL if self.partnership is None else self.partnership


def _carried(key: str, options: list[str], default: str) -> None:
    # Going to the default page drops the URL's query string, so a choice made on another page
    # would be lost there; put the session's last choice back before the widget draws (the
    # widget then writes it to the URL again).
    last = st.session_state.get(f"_last_{key}")
    if key not in st.query_params and last in options and last != default:
        st.session_state[key] = last


def url_choice(label: str, options: list[str], key: str, help: str, default: str | None = None) -> str:
    """A selector bound to the URL as `key`; `default` (else the first option) when the URL names none."""
    default = options[0] if default not in options else default
    _carried(key, options, default)
    chosen = st.selectbox(label, options, index=options.index(default), key=key, bind="query-params", help=help)
    st.session_state[f"_last_{key}"] = chosen
    return chosen


def year_filter(years: list[str]) -> str | None:
    """An academic-year selector, latest year first and by default. None when there are no years."""
    if not years:
        return None
    options = sorted(set(years), reverse=True)
    return url_choice("Academic year", options, "year", "Academic year, 1 September to 31 August")


def partnership_filter(partnerships: Mapping[str, str]) -> str | None:
    """A partnership selector by name, 'All partnerships' by default; returns the code or None."""
    names = {name: code for code, name in partnerships.items()}
    options = [ALL_PARTNERSHIPS, *sorted(names)]
    chosen = url_choice("Partnership", options, "partnership", "One partnership or MAT group, or all of them together")
    return names.get(chosen)


def school_filter(schools: Mapping[int, str], default: int | None = None) -> int | None:
    """A school selector by name, bound to the URL as `school=<URN>`; returns the URN or None when none.

    The first school by name (or `default`, e.g. a head's own school) is chosen when the URL
    names none or a school not in `schools`.
    """
    if not schools:
        return None
    urns = sorted(schools, key=lambda urn: (schools[urn], urn))
    first = default if default in schools else urns[0]
    # bind="query-params" would put the shown label in the URL; a link should carry the URN
    wanted = str(st.query_params.get("school", "")).strip()
    chosen_before = int(wanted) if wanted.isdigit() and int(wanted) in schools else first
    urn = st.selectbox(
        "School", urns, index=urns.index(chosen_before), key="school", format_func=lambda u: f"{schools[u]} ({u})"
    )
    if urn == first:
        st.query_params.pop("school", None)
    else:
        st.query_params["school"] = str(urn)
    return urn


def _options() -> pd.DataFrame:
    # the areas and years of the partnership data (one small cached query), not the metrics frame
    return data.fetch("filter_options")


def latest_year() -> str | None:
    """The latest academic year of the partnerships' data; None when there is none."""
    years = _options()["academic_year"].dropna()
    return max(years) if len(years) else None


def partnership_names() -> dict[str, str]:
    """The partnerships and MAT groups the filter row offers: code -> name (worked out once per
    warehouse version and viewer: the filter row and every chart's notes ask for them)."""
    return data.chart(_names, _options())


def _names(options: pd.DataFrame) -> dict[str, str]:
    parts = options[options["area_type"] == "partnership"].drop_duplicates("area_code")
    return dict(zip(parts["area_code"], parts["area_name"], strict=True))


def year_and_partnership(*, partnership: bool = True) -> Filters:
    """The standard filter row: academic year and (optionally) partnership, from the areas and
    years of the partnership data."""
    years = _options()["academic_year"].dropna().unique().tolist()
    names = partnership_names()
    columns = st.columns(2 if partnership else 1)
    with columns[0]:
        year = year_filter(years)
    code = None
    if partnership:
        with columns[1]:
            code = partnership_filter(names)
    name = ALL_PARTNERSHIPS if code is None else names[code]
    return Filters(year=year, partnership=code, partnership_name=name)
