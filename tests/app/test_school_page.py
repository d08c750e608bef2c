"""School view in AppTest on the demo warehouse: the school in the URL, its counts equal the
summary query, the comparison with similar-FSM schools, a governor's c, a head's own school."""

from __future__ import annotations

from app_driver import APP, PAGES_DIR, empty_synthetic_warehouse, open_page, open_tab, words
from streamlit.testing.v1 import AppTest

from dashboard import warehouse

PAGE = "school"


def summary(db):
    con = warehouse.open_read_only(db)
    try:
        return warehouse.run(con, "school_year_summary")
    finally:
        con.close()


def by_name(rows):
    """The schools in the order the selector lists them (by name)."""
    return rows.drop_duplicates("urn").sort_values(["school_name", "urn"]).reset_index(drop=True)


def cards(at):
    return {m.label: m.value for m in at.metric}


def test_default_school_and_its_counts(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, PAGE)
    assert not at.exception
    rows = summary(demo_db)
    first = by_name(rows).iloc[0]
    assert at.selectbox(key="school").value == first["urn"]
    mine = rows[(rows["urn"] == first["urn"]) & (rows["academic_year"] == "2024/25")].iloc[0]
    assert cards(at) == {
        "Referrals": f"{mine['referrals']:,}",
        "Placements started": f"{mine['placements_started']:,}",
        "Permanent exclusions": f"{mine['permanent_exclusions']:,}",
        "Suspensions": f"{mine['suspensions']:,}",
    }
    assert len(at.get("plotly_chart")) == 2
    assert "Similar schools: the" in words(at)


def test_choosing_a_school_puts_its_urn_in_the_url(demo_db, monkeypatch):
    rows = summary(demo_db)
    other = int(by_name(rows).iloc[5]["urn"])
    at = open_page(demo_db, monkeypatch, PAGE, school=other, year="2021/22")
    assert not at.exception
    assert dict(at.query_params).get("school") == str(other), dict(at.query_params)
    name = rows.loc[rows["urn"] == other, "school_name"].iloc[0]
    assert f"{name}: permanent exclusion rate" in words(at) and "its partnership's, 2021/22" in words(at)


def test_a_link_with_a_urn_opens_that_school(demo_db, monkeypatch):
    rows = summary(demo_db)
    other = int(by_name(rows).iloc[3]["urn"])
    monkeypatch.setenv("SEIP_DB", str(demo_db))
    monkeypatch.setenv("SEIP_AUTH", "none")
    # the School view is the page run first, as when a copied link is opened
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.query_params["school"] = str(other)
    at.switch_page(str(PAGES_DIR / "school.py")).run()
    assert at.selectbox(key="school").value == other


def test_a_governor_sees_c_for_small_counts(demo_db, monkeypatch):
    rows = summary(demo_db)
    small = rows[(rows["academic_year"] == "2024/25") & rows["permanent_exclusions"].between(1, 4)]
    urn = int(small.iloc[0]["urn"])
    at = open_page(demo_db, monkeypatch, PAGE, role="governor", school=urn)
    assert not at.exception
    assert cards(at)["Permanent exclusions"] == "c"
    tables = open_tab(at, "Table").dataframe
    comparison = next(t.value for t in tables if "This school" in t.value.columns).set_index("measure")
    assert comparison.loc["Permanent exclusion rate (per 100 pupils)", "This school"] == "c"
    assert "Governors see aggregate figures only" in words(at)


def test_a_head_starts_on_their_own_school(demo_db, monkeypatch):
    rows = summary(demo_db)
    own = str(by_name(rows).iloc[7]["urn"])
    monkeypatch.setenv("SEIP_DB", str(demo_db))
    monkeypatch.setenv("SEIP_AUTH", "none")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["view_as_role"] = "head"
    at.session_state["view_as_head_scope"] = own
    at.run()
    at.switch_page(str(PAGES_DIR / "school.py")).run()
    assert not at.exception
    assert at.selectbox(key="school").value == int(own)


def test_an_empty_warehouse_says_so(tmp_path, monkeypatch):
    at = open_page(empty_synthetic_warehouse(tmp_path / "empty.duckdb"), monkeypatch, PAGE)
    assert not at.exception
    assert "There are no schools in the warehouse yet" in words(at)
