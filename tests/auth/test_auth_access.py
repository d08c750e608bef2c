"""Scope is enforced where the data is read: `access.pupil_rows` on the small warehouse
(conftest.py lists every row, so the expected ids below can be checked by eye)."""

from __future__ import annotations

import pytest

from dashboard import audit, warehouse
from dashboard.access import NotPermitted, Viewer, pupil_rows

COMMISSIONER = Viewer("lena", "commissioner")
CHAIR_NTH = Viewer("chris", "chair", "NTH")
HEAD_ALPHA = Viewer("hana", "head", "100001")
HEAD_GAMMA = Viewer("gus", "head", "100003")


@pytest.fixture
def con(small_db):
    con = warehouse.open_read_only(small_db)
    yield con
    con.close()


def ids(frame):
    return list(frame.iloc[:, 0])


@pytest.mark.parametrize(
    ("viewer", "kind", "expected"),
    [
        (COMMISSIONER, "referrals", ["R1", "R2", "R3", "R4"]),
        (COMMISSIONER, "placements", ["PL1", "PL2", "PL3"]),
        (COMMISSIONER, "exclusions", ["E1", "E2"]),
        # NTH = schools 100001 + 100002
        (CHAIR_NTH, "referrals", ["R1", "R2", "R4"]),
        (CHAIR_NTH, "placements", ["PL1", "PL2"]),  # PL3 arose from R3 at 100003 (STH)
        (CHAIR_NTH, "exclusions", ["E1"]),
        (HEAD_ALPHA, "referrals", ["R1", "R4"]),
        (HEAD_ALPHA, "placements", ["PL1"]),
        (HEAD_ALPHA, "exclusions", ["E1"]),
        (HEAD_GAMMA, "placements", ["PL3"]),
    ],
)
def test_each_role_sees_only_its_scope(con, viewer, kind, expected):
    assert ids(pupil_rows(con, viewer, kind)) == expected


@pytest.mark.parametrize(
    ("viewer", "filters", "expected"),
    [
        # A filter narrows the scope ...
        (COMMISSIONER, {"urn": 100002}, ["R2"]),
        (COMMISSIONER, {"partnership": "STH"}, ["R3"]),
        (COMMISSIONER, {"academic_year": "2024/25"}, ["R4"]),
        (CHAIR_NTH, {"urn": 100001, "academic_year": "2023/24"}, ["R1"]),
        (HEAD_ALPHA, {"urn": 100001}, ["R1", "R4"]),
        # ... and never widens it: another school or partnership gives nothing.
        (HEAD_ALPHA, {"urn": 100002}, []),
        (HEAD_ALPHA, {"urn": 100003}, []),
        (HEAD_ALPHA, {"partnership": "STH"}, []),
        (CHAIR_NTH, {"partnership": "STH"}, []),
        (CHAIR_NTH, {"urn": 100003}, []),
    ],
)
def test_filters_narrow_never_widen(con, viewer, filters, expected):
    assert ids(pupil_rows(con, viewer, "referrals", **filters)) == expected


def test_rows_carry_what_a_head_needs(con):
    rows = pupil_rows(con, HEAD_ALPHA, "placements")
    assert rows[["pupil_ref", "decision", "provider_name", "cost_gbp", "outcome", "academic_year"]].values.tolist() == [
        ["P001", "ap_placement", "Northfield AP", 4500, "reintegrated", "2023/24"]
    ]


@pytest.mark.parametrize(
    "viewer",
    [
        Viewer("gwen", "governor", "100001"),
        Viewer("gwen", "governor", "NTH"),
        Viewer("odd", "head", None),  # a head without a school sees nothing, not everything
        Viewer("odd", "chair", None),
        Viewer("odd", "head", "NTH"),  # a head's scope must be a URN
    ],
)
@pytest.mark.parametrize("kind", ["referrals", "placements", "exclusions"])
def test_governors_and_scopeless_viewers_get_no_rows(con, small_db, viewer, kind):
    with pytest.raises(NotPermitted):
        pupil_rows(con, viewer, kind)
    assert audit.entries(small_db, action="pupil_view").empty


def test_unknown_kind_and_role_are_refused(con):
    with pytest.raises(ValueError, match="unknown pupil-level kind 'pupils'"):
        pupil_rows(con, COMMISSIONER, "pupils")
    with pytest.raises(ValueError, match="unknown role 'admin'"):
        Viewer("x", "admin")


def test_every_pupil_view_is_audited_without_the_rows(con, small_db):
    pupil_rows(con, HEAD_ALPHA, "referrals", urn=100001)
    pupil_rows(con, CHAIR_NTH, "placements", academic_year="2023/24")
    log = audit.entries(small_db)
    assert log[["user", "role", "scope", "action", "detail"]].values.tolist() == [
        ["chris", "chair", "NTH", "pupil_view", "placements (academic_year=2023/24): 2 rows"],
        ["hana", "head", "100001", "pupil_view", "referrals (urn=100001): 2 rows"],
    ]
    assert not log["detail"].str.contains("P00").any()


def test_page_hint_matches_the_rule():
    assert COMMISSIONER.may_see_pupils_of(urn=100003)
    assert HEAD_ALPHA.may_see_pupils_of(urn=100001) and not HEAD_ALPHA.may_see_pupils_of(urn=100002)
    assert CHAIR_NTH.may_see_pupils_of(partnership="NTH") and not CHAIR_NTH.may_see_pupils_of(partnership="STH")
    assert not Viewer("gwen", "governor", "100001").may_see_pupils_of(urn=100001)
