"""Each role on the real pages, through the real router and sign-in form, on a copy of the
demo warehouse: the School view's and the Placements page's pupil-level lists, and the
audit log on the Data page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from auth_helpers import PASSWORD, copy_warehouse
from streamlit.testing.v1 import AppTest

from dashboard import audit, auth

ROUTER = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES_DIR = Path(__file__).resolve().parents[2] / "dashboard" / "views"
OWN_SCHOOL, SAME_PARTNERSHIP, OTHER_PARTNERSHIP = 900001, 900002, 900009  # NWL, NWL, CHN
NWL = "North West Leicestershire Partnership"
CHN = "Charnwood Inclusion Partnership"


@pytest.fixture(scope="module")
def _demo_accounts(demo_db, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("pages") / "seip.duckdb"
    shutil.copyfile(demo_db, db)
    for name, role, scope in (
        ("lena", "commissioner", None),
        ("chris", "chair", "NWL"),
        ("hana", "head", str(OWN_SCHOOL)),
        ("gwen", "governor", str(OWN_SCHOOL)),
    ):
        auth.add_user(db, name, role, scope, PASSWORD)
    return db


@pytest.fixture
def demo_accounts(_demo_accounts, tmp_path) -> Path:
    return copy_warehouse(_demo_accounts, tmp_path / "seip.duckdb")


def signed_in_page(db: Path, monkeypatch, name: str, page: str, **query) -> AppTest:
    """Sign in as `name` through the form, then open `views/<page>.py` with `query` in the URL."""
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", "local")
    at = AppTest.from_file(ROUTER, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.text_input(key="signin_username").input(name)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in-Sign in").click().run()
    at.switch_page(str(PAGES_DIR / f"{page}.py"))
    return at.run()


def pupil_rows_shown(at: AppTest, key: str, kind: str = "referrals"):
    if not at.toggle:
        return None
    at.toggle(key=f"{key}-show").set_value(True).run()
    at.radio(key=f"{key}-kind").set_value(kind).run()
    return next(d.value for d in at.dataframe if "pupil_ref" in d.value.columns)


def words(at: AppTest) -> str:
    return " ".join(
        str(e.value)
        for kind in ("info", "warning", "markdown", "caption", "header", "subheader")
        for e in getattr(at, kind)
    )


def test_head_on_the_school_view_sees_own_school_only(demo_accounts, monkeypatch):
    at = signed_in_page(demo_accounts, monkeypatch, "hana", "school")
    assert not at.exception
    assert at.selectbox(key="school").value == OWN_SCHOOL  # a head starts on their own school
    rows = pupil_rows_shown(at, "school-pupils", "placements")
    assert len(rows) > 0 and set(rows["urn"]) == {OWN_SCHOOL}
    # Choosing another school in the page's own widget shows its aggregates, never its pupils.
    for other in (SAME_PARTNERSHIP, OTHER_PARTNERSHIP):
        at.selectbox(key="school").set_value(other).run()
        assert not at.exception
        assert not [d for d in at.dataframe if "pupil_ref" in d.value.columns]
        assert "Pupil-level records are shown only for your own school" in words(at)


def test_head_with_another_school_in_the_url_sees_no_pupils(demo_accounts, monkeypatch):
    at = signed_in_page(demo_accounts, monkeypatch, "hana", "school", school=str(OTHER_PARTNERSHIP))
    assert at.selectbox(key="school").value == OTHER_PARTNERSHIP
    assert not at.toggle and "shown only for your own school" in words(at)


def test_governor_on_the_school_view_sees_aggregates_only(demo_accounts, monkeypatch):
    at = signed_in_page(demo_accounts, monkeypatch, "gwen", "school")
    assert not at.exception
    assert "Governors see aggregate figures only" in words(at)
    assert not at.toggle and not [d for d in at.dataframe if "pupil_ref" in d.value.columns]
    assert not [m.value for m in at.metric if m.value in {"1", "2", "3", "4"}]
    assert audit.entries(demo_accounts, action="pupil_view").empty


def test_chair_on_the_placements_page_sees_own_partnership_only(demo_accounts, monkeypatch):
    at = signed_in_page(demo_accounts, monkeypatch, "chris", "placements")
    at.selectbox(key="partnership").set_value(NWL).run()
    assert not at.exception
    rows = pupil_rows_shown(at, "partnership-pupils")
    assert len(rows) > 0 and set(rows["partnership_code"]) == {"NWL"}
    assert set(rows["academic_year"]) == {at.selectbox(key="year").value}
    at.selectbox(key="partnership").set_value(CHN).run()
    assert not [d for d in at.dataframe if "pupil_ref" in d.value.columns]
    assert "shown only for your own partnership's schools" in words(at)


def test_chair_on_the_school_view_sees_pupils_of_own_partnership_schools_only(demo_accounts, monkeypatch):
    """Issue 9, item 11: the School view did not pass the school's partnership to the list."""
    at = signed_in_page(demo_accounts, monkeypatch, "chris", "school")
    at.selectbox(key="school").set_value(SAME_PARTNERSHIP).run()
    assert not at.exception
    rows = pupil_rows_shown(at, "school-pupils")
    assert len(rows) > 0 and set(rows["urn"]) == {SAME_PARTNERSHIP} and set(rows["partnership_code"]) == {"NWL"}
    at.selectbox(key="school").set_value(OTHER_PARTNERSHIP).run()
    assert not [d for d in at.dataframe if "pupil_ref" in d.value.columns]
    assert "shown only for your own partnership's schools" in words(at)


def test_commissioner_sees_every_partnership_and_reads_the_audit_log(demo_accounts, monkeypatch):
    at = signed_in_page(demo_accounts, monkeypatch, "lena", "placements")
    at.selectbox(key="partnership").set_value(CHN).run()
    rows = pupil_rows_shown(at, "partnership-pupils", "placements")
    assert len(rows) > 0 and set(rows["partnership_code"]) == {"CHN"}
    at.switch_page(str(PAGES_DIR / "data.py")).run()
    assert not at.exception
    assert "Audit log" in [s.value for s in at.subheader]
    log = next(d.value for d in at.dataframe if "action" in d.value.columns)
    # newest first: the referrals shown when the list opened, then the placements chosen
    assert list(log["action"][:3]) == ["pupil_view", "pupil_view", "sign_in"]
    assert list(log["detail"][:2].str.split(" ").str[0]) == ["placements", "referrals"]
    assert set(log["user"][:3]) == {"lena"}


@pytest.mark.parametrize("name", ["hana", "chris", "gwen"])
def test_nobody_else_sees_the_audit_log(demo_accounts, monkeypatch, name):
    at = signed_in_page(demo_accounts, monkeypatch, name, "data")
    assert not at.exception
    assert "Audit log" not in [s.value for s in at.subheader]
    assert not [d for d in at.dataframe if "action" in d.value.columns]
