"""Links that remember their data: "Copy link to this view" gives the page's URL with its
filters and the warehouse's data version (`data=`); opened after a newer import, the page says
so above the figures, as EES permalinks do."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from dashboard import store
from dashboard.components import data

PARAM = "data"
_recorded: set[tuple[str, str]] = set()  # (store, version) already recorded by this process


def _short(version: str) -> str:
    return version[:12]


def _current() -> tuple[str, str]:
    """This warehouse's short data version and its "data as at" date, recorded in the store
    (once per version per process) so that a link can name the date it was made with."""
    version = _short(data.meta().get("version", "unknown"))
    as_of = data.data_as_of()
    target = store.for_warehouse(data.settings().db_path)
    if (target.url, version) not in _recorded:
        target.execute(
            """insert into data_versions (version, data_as_of, first_seen) values (?, ?, ?)
                          on conflict (version) do nothing""",
            (version, as_of, store.utc_text()),
        )
        _recorded.add((target.url, version))
    return version, as_of


def link(base_url: str, query: dict[str, str], version: str) -> str:
    """`base_url` (the page, without its query) with `query` and the data version."""
    parts = urlsplit(base_url)
    params = {k: v for k, v in query.items() if k != PARAM} | {PARAM: version}
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def banner_text(made_with: dict | None, as_of: str, first_seen: str) -> str:
    """The banner for a link made with another data version (`made_with`: its recorded row, or
    None when the store has no record of it)."""
    if made_with is None:
        return f"This link was made with an earlier version of the data; newer data (as at {as_of}) is shown."
    then, now = made_with["data_as_of"], as_of
    if then == now:  # same date, later import: say when each was imported
        then, now = f"{then}, imported {made_with['first_seen']} UTC", f"{now}, imported {first_seen} UTC"
    return f"This link was made with data as at {then}; newer data (as at {now}) is shown."


def show() -> None:
    """The banner (when the URL's data version is not the current one) and the copy-link control."""
    version, as_of = _current()
    asked = str(st.query_params.get(PARAM, "")).strip()
    if asked and asked != version:
        rows = store.for_warehouse(data.settings().db_path).rows(
            "select version, data_as_of, first_seen from data_versions where version in (?, ?)", (asked, version)
        )
        by_version = {r["version"]: r for r in rows}
        seen = by_version.get(version, {}).get("first_seen", "")
        st.info(banner_text(by_version.get(asked), as_of, seen), icon=":material/history:")
    with st.popover("Copy link to this view", icon=":material/link:"):
        url = link(st.context.url or "", {k: st.query_params[k] for k in st.query_params}, version)
        st.caption(
            "This link opens this page with these filters, and says so if the data has "
            "changed since (copy it with the button at the right of the box)."
        )
        st.code(url, language=None, wrap_lines=True)
