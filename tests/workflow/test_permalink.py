"""Links that remember their data: the link carries the filters and the data version; opened
after a newer import it says so."""

from __future__ import annotations

from app_driver import open_page, words

from dashboard import warehouse
from dashboard.components import permalink


def test_the_link_keeps_the_filters_and_adds_the_version():
    assert (
        permalink.link("http://seip.example/overview", {"year": "2023/24", "data": "old"}, "abc123")
        == "http://seip.example/overview?year=2023%2F24&data=abc123"
    )


def test_banner_words():
    older = {"data_as_of": "2024-07-19", "first_seen": "2024-09-01 10:00:00"}
    assert permalink.banner_text(older, "2025-07-18", "2025-09-01 09:00:00") == (
        "This link was made with data as at 2024-07-19; newer data (as at 2025-07-18) is shown."
    )
    assert permalink.banner_text(
        {"data_as_of": "2025-07-18", "first_seen": "2025-09-01 09:00:00"}, "2025-07-18", "2025-09-02 08:00:00"
    ) == (
        "This link was made with data as at 2025-07-18, imported 2025-09-01 09:00:00 UTC; "
        "newer data (as at 2025-07-18, imported 2025-09-02 08:00:00 UTC) is shown."
    )
    assert permalink.banner_text(None, "2025-07-18", "") == (
        "This link was made with an earlier version of the data; newer data (as at 2025-07-18) is shown."
    )


def _version(db) -> str:
    con = warehouse.open_read_only(db)
    try:
        return con.execute("select value from meta where key = 'version'").fetchone()[0][:12]
    finally:
        con.close()


def test_a_link_opened_after_a_newer_import_shows_the_banner(demo_copy, monkeypatch):
    first = _version(demo_copy)
    at = open_page(demo_copy, monkeypatch, "overview", query={"data": first})
    assert not at.exception
    assert "This link was made with" not in words(at)
    link = at.get("code")[0].proto.code_text
    assert f"data={first}" in link
    with warehouse.rewrite(demo_copy) as con:  # a newer import (same data date)
        con.execute("insert or replace into meta values ('imported_by', 'test')")
    at = open_page(demo_copy, monkeypatch, "overview", query={"data": first})
    assert not at.exception
    assert "This link was made with data as at 2025-07-18, imported " in words(at)
    assert f"data={_version(demo_copy)}" in at.get("code")[0].proto.code_text
    at = open_page(demo_copy, monkeypatch, "overview", query={"data": "0123456789ab"})
    assert "This link was made with an earlier version of the data" in words(at)
