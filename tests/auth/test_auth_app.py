"""Each role's view in Streamlit's AppTest: the real sign-in form of `dashboard/app.py`, and the
pupil-level list and audit section through `pupil_list_app.py` (the component the pages call).
URL parameters naming another school or partnership must not show its pupils.

AppTest reruns of a multipage app after its first navigation run the page file without the
router (unlike a real server), so tests that need several runs after sign-in use
`pupil_list_app.py`; tests/browser/test_sign_in.py covers the router in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from auth_helpers import PASSWORD, build_small
from streamlit.testing.v1 import AppTest

from dashboard import audit
from dashboard.components import signin

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PUPIL_APP = str(Path(__file__).with_name("pupil_list_app.py"))


@pytest.fixture(autouse=True)
def clean_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def app(db: Path, monkeypatch, mode: str, script: str = APP, **query) -> AppTest:
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", mode)
    at = AppTest.from_file(script, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin_username").input(name)
    at.text_input(key="signin_password").input(password)
    return at.button(key="FormSubmitter:sign_in-Sign in").click().run()


def signed_in_as(at: AppTest) -> str | None:
    shown = [m.value for m in at.sidebar.markdown if m.value.startswith("Signed in as")]
    return shown[0] if shown else None


def texts(at: AppTest) -> str:
    return " ".join(
        str(e.value) for kind in ("info", "error", "markdown", "caption", "title") for e in getattr(at, kind)
    )


# ---------------------------------------------------------------- the sign-in form (real app)


def test_the_real_app_signs_in_through_its_form(accounts_db, monkeypatch):
    at = sign_in(app(accounts_db, monkeypatch, "local"), "gwen")
    assert signed_in_as(at) == "Signed in as **gwen**  \nGovernor: Alpha Academy (100001)"
    assert "Password" not in [t.label for t in at.text_input]


def test_form_comes_first_and_nothing_else_is_drawn(accounts_db, monkeypatch):
    at = app(accounts_db, monkeypatch, "local")
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert at.text_input(key="signin_password").proto.type == at.text_input(key="signin_password").proto.PASSWORD
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.exception
    assert [t.value for t in at.title] == ["SEIP Insight"]
    assert not at.dataframe and not at.get("plotly_chart") and signed_in_as(at) is None


def test_wrong_password_then_right_one_then_sign_out(accounts_db, monkeypatch):
    at = app(accounts_db, monkeypatch, "local", script=PUPIL_APP)
    sign_in(at, "hana", "not the password")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert signed_in_as(at) is None
    sign_in(at, "hana")
    assert signed_in_as(at) == "Signed in as **hana**  \nHeadteacher: Alpha Academy (100001)"
    assert not at.text_input  # the form is gone
    at.sidebar.button(key="sign_out").click().run()
    assert signed_in_as(at) is None and [t.label for t in at.text_input] == ["Username", "Password"]
    log = audit.entries(accounts_db)
    assert list(log["action"]) == ["sign_out", "sign_in", "sign_in_failed"]
    assert set(log["user"]) == {"hana"}


def test_repeated_failures_through_the_form_lock_the_user(accounts_db, monkeypatch):
    monkeypatch.setattr(signin, "clock", lambda: 1_000.0)
    at = app(accounts_db, monkeypatch, "local", script=PUPIL_APP)
    for _ in range(3):
        sign_in(at, "chris", "guess work")
    sign_in(at, "chris")  # the right password, but 3 failures a moment ago: wait 30 s
    assert "Too many failed sign-ins for this user. Try again in 30 seconds." in [e.value for e in at.error]
    assert signed_in_as(at) is None
    # A fresh session (another browser) is held to the same limit: it is kept per user.
    other = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP), "chris")
    assert signed_in_as(other) is None
    monkeypatch.setattr(signin, "clock", lambda: 1_031.0)
    assert signed_in_as(sign_in(other, "chris")).startswith("Signed in as **chris**")


def test_idle_session_times_out(accounts_db, monkeypatch):
    monkeypatch.setenv("SEIP_IDLE_MINUTES", "20")
    now = [0.0]
    monkeypatch.setattr(signin, "clock", lambda: now[0])
    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP), "lena")
    now[0] = 19 * 60.0  # active again within 20 minutes: still signed in
    assert signed_in_as(at.run()) is not None
    now[0] = 19 * 60.0 + 20 * 60 + 1  # 20 minutes and a second since the last activity
    at.run()
    assert signed_in_as(at) is None
    assert [i.value for i in at.info] == ["You were signed out after 20 minutes without activity. Sign in again."]
    assert audit.entries(accounts_db)["action"].iloc[0] == "session_timeout"


def test_removed_account_is_signed_out_on_the_next_run(accounts_db, monkeypatch):
    from dashboard import auth

    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP), "chris")
    assert signed_in_as(at) is not None
    auth.remove_user(accounts_db, "chris")
    assert signed_in_as(at.run()) is None


def test_no_sign_in_and_synthetic_data_gives_view_as(small_db, monkeypatch):
    at = app(small_db, monkeypatch, "none", script=PUPIL_APP)
    assert at.sidebar.selectbox(key="view_as_role").value == "commissioner"
    assert not at.text_input
    at.sidebar.selectbox(key="view_as_role").set_value("head").run()
    assert at.sidebar.selectbox(key="view_as_head_scope").options == [
        "Alpha Academy (100001)",
        "Beta School (100002)",
        "Gamma College (100003)",
    ]


def test_no_sign_in_and_real_data_is_refused(tmp_path, monkeypatch):
    real = build_small(tmp_path / "real.duckdb", synthetic=False)
    at = app(real, monkeypatch, "none", school="100001")
    assert [t.value for t in at.title] == ["SEIP Insight: sign-in needed"]
    assert "SEIP_AUTH=local" in texts(at) and "seip users add" in texts(at)
    assert not at.dataframe and not at.get("plotly_chart") and not at.selectbox
    # ... and so is every page and parameter: the router stops before navigation.
    at2 = app(real, monkeypatch, "none", script=PUPIL_APP, school="100001")
    assert not at2.dataframe and [t.value for t in at2.title] == ["SEIP Insight: sign-in needed"]


# ---------------------------------------------------------------- pupil-level rows per role


def show(at: AppTest, kind: str = "referrals") -> AppTest:
    at.toggle(key="pupils-show").set_value(True).run()
    at.radio(key="pupils-kind").set_value(kind).run()
    return at


def shown_ids(at: AppTest) -> list[str]:
    return [] if not at.dataframe else list(at.dataframe[0].value.iloc[:, 0])


@pytest.mark.parametrize(
    ("name", "query", "kind", "expected"),
    [
        ("lena", {"school": "100003"}, "referrals", ["R3"]),
        ("lena", {"partnership": "NTH"}, "placements", ["PL1", "PL2"]),
        ("chris", {"partnership": "NTH"}, "referrals", ["R1", "R2", "R4"]),
        ("chris", {"partnership": "NTH", "year": "2024/25"}, "referrals", ["R4"]),
        ("hana", {"school": "100001"}, "referrals", ["R1", "R4"]),
        ("hana", {"school": "100001"}, "placements", ["PL1"]),
        ("hana", {"school": "100001"}, "exclusions", ["E1"]),
    ],
)
def test_pupil_rows_for_each_role(accounts_db, monkeypatch, name, query, kind, expected):
    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, **query), name)
    assert shown_ids(show(at, kind)) == expected
    assert "pupil_ref" in at.dataframe[0].value.columns


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("hana", {"school": "100002"}),  # another school in the head's partnership
        ("hana", {"school": "100003"}),  # a school in another partnership
        ("hana", {"partnership": "NTH"}),  # the head's own partnership
        ("hana", {}),  # no filter at all
        ("chris", {"partnership": "STH"}),
        ("chris", {"school": "100003"}),
    ],
)
def test_url_parameters_cannot_show_other_pupils(accounts_db, monkeypatch, name, query):
    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, **query), name)
    assert "shown only for" in texts(at)
    assert not at.dataframe and not at.toggle
    assert audit.entries(accounts_db, action="pupil_view").empty


def test_widget_values_cannot_show_other_pupils(accounts_db, monkeypatch):
    at = show(sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, school="100001"), "hana"))
    assert shown_ids(at) == ["R1", "R4"]
    # The URL changed under a live session (a shared link, a hand edit): nothing of school 100003.
    at.query_params["school"] = "100003"
    at.run()
    assert not at.dataframe
    # Forcing the view-as widgets of the demo does nothing when sign-in is on.
    at.session_state["view_as_role"] = "commissioner"
    at.run()
    assert not at.dataframe and signed_in_as(at).endswith("Headteacher: Alpha Academy (100001)")


@pytest.mark.parametrize("query", [{"school": "100001"}, {"partnership": "NTH"}, {}])
def test_governor_sees_no_pupil_rows(accounts_db, monkeypatch, query):
    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, **query), "gwen")
    assert "Governors see aggregate figures only" in texts(at)
    assert not at.dataframe and not at.toggle and not at.get("download_button")
    assert audit.entries(accounts_db, action="pupil_view").empty


def test_view_as_head_in_the_demo_is_scoped_too(small_db, monkeypatch):
    at = app(small_db, monkeypatch, "none", script=PUPIL_APP, school="100003")
    assert shown_ids(show(at)) == ["R3"]  # the default: a commissioner sees every school
    at.sidebar.selectbox(key="view_as_role").set_value("head").run()
    at.sidebar.selectbox(key="view_as_head_scope").set_value("100001").run()
    assert not at.dataframe and "shown only for your own school" in texts(at)
    at.sidebar.selectbox(key="view_as_role").set_value("governor").run()
    assert not at.dataframe and "Governors see aggregate figures only" in texts(at)


def test_a_pupil_view_is_audited_once_per_view(accounts_db, monkeypatch):
    at = show(sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, school="100001"), "hana"))
    at.run()
    at.run()  # reruns show the same rows without a new entry
    show(at, "placements")
    log = audit.entries(accounts_db, action="pupil_view")
    assert list(log["detail"]) == ["placements (urn=100001): 1 rows", "referrals (urn=100001): 2 rows"]
    assert set(log["user"]) == {"hana"}


# ---------------------------------------------------------------- the audit section


def test_commissioner_reads_the_audit_log_and_nobody_else_does(accounts_db, monkeypatch):
    head = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, show="audit"), "hana")
    assert not head.dataframe and "Audit log" not in [s.value for s in head.subheader]
    lena = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, show="audit"), "lena")
    log = lena.dataframe[0].value
    assert list(log["user"][:2]) == ["lena", "hana"] and list(log["action"][:2]) == ["sign_in", "sign_in"]
    lena.selectbox(key="audit_action").set_value("sign_in_failed").run()
    assert lena.dataframe[0].value.empty


# ---------------------------------------------------------------- identity provider (OIDC)

OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test only",
        "client_id": "x",
        "client_secret": "y",
        "server_metadata_url": "https://login.example/.well-known/openid-configuration",
    }
}


def oidc_app(db: Path, monkeypatch, user: dict, secrets: dict | None = OIDC_SECRETS, **query) -> AppTest:
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setenv("SEIP_AUTH", "oidc")
    at = AppTest.from_file(PUPIL_APP, default_timeout=60)
    at.user = user
    if secrets:
        at.secrets = secrets
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_oidc_without_secrets_says_how_to_set_it_up(accounts_db, monkeypatch):
    at = oidc_app(
        accounts_db, monkeypatch, {"is_logged_in": True, "email": "ann@la.example"}, secrets=None, school="100001"
    )
    assert "has no `[auth]` section" in texts(at) and not at.dataframe


def test_oidc_signed_out_gets_a_sign_in_button_only(accounts_db, monkeypatch):
    at = oidc_app(accounts_db, monkeypatch, {"is_logged_in": False}, school="100001")
    assert [b.label for b in at.button] == ["Sign in"] and not at.dataframe and not at.toggle


def test_oidc_email_maps_to_role_and_scope(accounts_db, monkeypatch):
    from dashboard import auth

    auth.add_user(accounts_db, "Ann.Head@School.example", "head", "100003")
    at = oidc_app(accounts_db, monkeypatch, {"is_logged_in": True, "email": "ann.head@school.example"}, school="100003")
    assert signed_in_as(at) == "Signed in as **ann.head@school.example**  \nHeadteacher: Gamma College (100003)"
    assert shown_ids(show(at)) == ["R3"]
    at.query_params["school"] = "100001"
    assert not at.run().dataframe
    log = audit.entries(accounts_db)
    assert list(log["action"]) == ["pupil_view", "sign_in"] and log["detail"].iloc[1] == "identity provider"


def test_oidc_email_without_an_account_is_refused(accounts_db, monkeypatch):
    at = oidc_app(
        accounts_db, monkeypatch, {"is_logged_in": True, "email": "someone@elsewhere.example"}, school="100001"
    )
    assert "has no role for that address" in texts(at)
    assert not at.dataframe and signed_in_as(at) is None
    assert audit.entries(accounts_db)["action"].tolist() == ["sign_in_failed"]


# ---------------------------------------------------------------- pages cannot bypass sign-in


def test_a_viewer_the_session_did_not_sign_in_as_sees_nothing(accounts_db, monkeypatch):
    at = sign_in(app(accounts_db, monkeypatch, "local", script=PUPIL_APP, school="100003", forge="1"), "hana")
    assert "Sign in to see pupil-level records." in [w.value for w in at.warning]
    assert not at.dataframe and not at.toggle


@pytest.mark.parametrize("page", ["school", "placements", "data"])
def test_a_page_run_without_the_router_gets_the_sign_in_form(accounts_db, monkeypatch, page):
    script = str(Path(APP).parent / "views" / f"{page}.py")
    at = app(accounts_db, monkeypatch, "local", script=script, school="100001")
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.get("plotly_chart") and not at.metric
    # Only the metric dictionary (no data, so drawn before anything is read) may show.
    assert all("definition" in d.value.columns for d in at.dataframe)
