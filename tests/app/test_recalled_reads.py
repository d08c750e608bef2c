"""`data.fetch`, `data.metrics` and `data.chart` recall what Streamlit's cache gave them for the
warehouse version in use (`data._Recent`), found by a plain dict lookup: never across viewers,
versions or argument types, and gone when Streamlit's caches are cleared."""

from __future__ import annotations

import os
import time

import streamlit as st
from app_driver import open_page, specs

from dashboard.components import data


def test_a_viewer_switched_in_a_live_session_gets_their_own_figures(synthetic_copy, monkeypatch):
    """The demo's "view as" switches the viewer without clearing anything: the governor must get
    the governor's figures (c for small counts), not the commissioner's recalled ones."""
    at = open_page(synthetic_copy, monkeypatch, "exclusions")
    commissioner = specs(at)
    at.session_state["view_as_role"] = "governor"
    at.run()
    switched = specs(at)
    governor = specs(open_page(synthetic_copy, monkeypatch, "exclusions", role="governor"))
    assert switched == governor
    assert switched != commissioner


def test_a_new_version_of_the_warehouse_is_read_afresh(synthetic_copy, monkeypatch):
    at = open_page(synthetic_copy, monkeypatch, "overview")
    before = data._recent._version
    assert before is not None and data._recent._held  # the run's reads were kept
    later = time.time() + 5
    os.utime(synthetic_copy, (later, later))  # what an import's swap changes: the version
    at.run()
    assert data._recent._version not in (None, before)


def test_clearing_streamlits_caches_clears_what_was_recalled(synthetic_copy, monkeypatch):
    open_page(synthetic_copy, monkeypatch, "overview")
    assert data._recent._held
    st.cache_resource.clear()  # releases the connections (`_Connections.close_all`)
    assert data._recent._held == {} and data._recent._version is None


def test_keys_tell_types_apart_and_refuse_what_cannot_be_a_key():
    assert data._key("chart", (1,)) != data._key("chart", (True,)) != data._key("chart", (1.0,))
    assert data._key("chart", ("2024/25", None)) == data._key("chart", ("2024/25", None))
    assert data._key("chart", ([1, 2],)) is None


def test_at_most_entries_are_kept_the_oldest_going_first():
    recent = data._Recent()
    for i in range(data._Recent.ENTRIES + 3):
        recent.put("v1", (i,), i)
    assert len(recent._held) == data._Recent.ENTRIES
    assert recent.get("v1", (0,)) is None and recent.get("v1", (data._Recent.ENTRIES + 2,)) == data._Recent.ENTRIES + 2
    assert recent.get("v2", (5,)) is None  # another version: nothing recalled
    recent.put("v2", (5,), "new")
    assert recent._held == {(5,): "new"}
