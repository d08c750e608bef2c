"""Sign-in on screen: the form, sign-out, the idle timeout, the demo "view as" switcher, the
refusal to serve real data without sign-in, pupil-level lists and the audit-log section.

Decisions about who may see what are made in `dashboard/access.py` and `dashboard/auth.py`;
this module only asks them and draws the answer.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import access, audit, auth, store, warehouse
from dashboard.access import ROLES, Viewer
from dashboard.components import pupil_files
from dashboard.formula_safety import csv_bytes
from dashboard.settings import Settings

ROLE_LABELS = {
    "commissioner": "Commissioner (LA)",
    "chair": "Partnership chair",
    "head": "Headteacher",
    "governor": "Governor",
}
KIND_LABELS = {"referrals": "Referrals", "placements": "Placements", "exclusions": "Exclusions"}
DEMO_NAME = "demo visitor"

# The clock the session timeout reads; tests replace it to move time on without sleeping.
clock = time.time

_STATE_KEYS = ("auth_viewer", "auth_last_seen", "auth_email")


def require_viewer(settings: Settings) -> Viewer:
    """The viewer for this run, or stop the script behind a sign-in form or a refusal."""
    path = settings.db_path
    if not Path(path).exists():
        st.title("SEIP Insight", anchor=False)
        st.error(
            f"There is no warehouse at `{path}` yet. Run `seip demo` for the synthetic demo "
            "data, or `seip import PATH` for real exports, then reload."
        )
        st.stop()
    if settings.auth_mode == "none":
        if not _is_synthetic(path):
            refusal()
            st.stop()
        return view_as_switcher(path)
    viewer = _local_session(settings) if settings.auth_mode == "local" else _oidc_session(settings)
    signout_control(viewer, settings)
    return viewer


def current_viewer(settings: Settings) -> Viewer:
    """The viewer this session established, without drawing anything; if there is none (a
    page run without the router), the sign-in form or refusal is drawn and the page stops."""
    return session_viewer(settings) or require_viewer(settings)


@st.cache_data(max_entries=4, show_spinner=False)
def _synthetic(path: str, version: str) -> bool:
    return auth.is_synthetic(Path(path))


def _is_synthetic(path: Path) -> bool:
    return _synthetic(str(path), warehouse.version(path))


def session_viewer(settings: Settings) -> Viewer | None:
    """The viewer this session has already established (signed in, or picked with "view as"),
    without drawing anything; None when there is none (or the data is real and sign-in is off)."""
    if settings.auth_mode != "none":
        viewer = st.session_state.get("auth_viewer")
        if viewer is None or auth.idle_expired(st.session_state.get("auth_last_seen"), clock(), settings.idle_minutes):
            return None
        return viewer
    if not Path(settings.db_path).exists() or not _is_synthetic(settings.db_path):
        return None
    return st.session_state.get("auth_view_as") or Viewer(name=DEMO_NAME, role="commissioner")


def refusal() -> None:
    """The page shown instead of real data when no sign-in is configured."""
    st.title("SEIP Insight: sign-in needed", anchor=False)
    st.error(
        "This warehouse holds imported partnership data, which is pupil-level and sensitive. "
        "Without sign-in SEIP Insight shows only its synthetic demo data, so nothing is shown.",
        icon=":material/lock:",
    )
    st.markdown(
        "To serve this data, turn sign-in on and give people accounts:\n\n"
        "1. Add an account for each person: `seip users add NAME --role ROLE [--scope CODE] "
        "--password-stdin` (roles: commissioner, chair with a partnership code, head with a "
        "school URN, governor with either).\n"
        "2. Start the dashboard with `SEIP_AUTH=local` (user names and passwords) or "
        "`SEIP_AUTH=oidc` (your authority's identity provider, e.g. Microsoft Entra ID; "
        "see `docs/secrets.example.toml`).\n\n"
        "`docs/sign-in.md` explains both. To look around first, run `seip demo --db demo.duckdb` "
        "and serve that file instead."
    )


def _clear_session() -> None:
    pupil_files.revoke(get_script_run_ctx().session_id)
    for key in _STATE_KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop("auth_pupil_views", None)


def _timed_out(viewer: Viewer, settings: Settings, now: float) -> bool:
    if not auth.idle_expired(st.session_state.get("auth_last_seen"), now, settings.idle_minutes):
        return False
    auth.record(
        viewer, "session_timeout", f"idle over {settings.idle_minutes:g} minutes", db_path=settings.db_path, now=now
    )
    _clear_session()
    st.session_state["auth_notice"] = (
        f"You were signed out after {settings.idle_minutes:g} minutes without activity. Sign in again."
    )
    return True


def _local_session(settings: Settings) -> Viewer:
    now = clock()
    viewer = st.session_state.get("auth_viewer")
    if viewer is not None and not _timed_out(viewer, settings, now):
        # Re-read the account each run: a removed account or a changed role takes effect at once.
        viewer = auth.account_viewer(settings.db_path, viewer.name)
        if viewer is None:
            _clear_session()
    elif viewer is not None:
        viewer = None
    if viewer is None:
        viewer = signin_form(settings)
        if viewer is None:
            st.stop()
    st.session_state["auth_viewer"] = viewer
    st.session_state["auth_last_seen"] = now
    return viewer


def signin_form(settings: Settings) -> Viewer | None:
    """The user-name and password form; returns the viewer once signed in, else None.

    On success the form is cleared and the same run goes on to the page that was asked for
    (a rerun would lose it), with the URL's parameters as they were.
    """
    # Remember what was asked for: the form's own run never reaches st.navigation, so the
    # browser's address falls back to the first page before the form is sent.
    st.session_state.setdefault("auth_wanted", (_url_path(), st.query_params.to_dict()))
    placeholder = st.empty()
    with placeholder.container(), st.columns([1, 2, 1])[1]:
        st.title("SEIP Insight", anchor=False)
        st.markdown("Sign in to see your partnership's data.")
        notice = st.session_state.pop("auth_notice", None)
        if notice:
            st.info(notice, icon=":material/schedule:")
        # clear_on_submit: the password does not stay in the form (or the session) afterwards
        with st.form("sign_in", border=True, clear_on_submit=True):
            name = st.text_input("Username", key="signin_username", autocomplete="username")
            password = st.text_input(
                "Password", type="password", key="signin_password", autocomplete="current-password"
            )
            submitted = st.form_submit_button("Sign in", type="primary")
        if not submitted:
            return None
        try:
            viewer = auth.sign_in(settings.db_path, name, password, client=st.context.ip_address, now=clock())
        except auth.SignInRefused as exc:
            st.error(str(exc), icon=":material/error:")
            return None
    placeholder.empty()
    return viewer


def _url_path() -> str:
    return urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]


def resume_wanted_page(pages: list, current) -> None:
    """After signing in, go on to the page (and URL parameters) the person first asked for.

    The router calls this right after `st.navigation(pages)`, with the page it returned.
    """
    wanted = st.session_state.get("auth_wanted")
    if wanted is None or st.session_state.get("auth_viewer") is None:
        return
    del st.session_state["auth_wanted"]
    path, params = wanted
    target = next((p for p in pages if p.url_path == path), None)
    if target is not None and target.url_path != current.url_path:
        st.switch_page(target, query_params=params)
    for key, value in params.items():
        st.query_params.setdefault(key, value)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all (Streamlit's error subclasses this)
        return False


def _oidc_session(settings: Settings) -> Viewer:
    if not _oidc_configured():
        st.title("SEIP Insight", anchor=False)
        st.error(
            "SEIP_AUTH=oidc, but `.streamlit/secrets.toml` has no `[auth]` section. "
            "Copy `docs/secrets.example.toml`, fill in your identity provider's details "
            "and restart (see `docs/sign-in.md`)."
        )
        st.stop()
    if not st.user.is_logged_in:
        st.title("SEIP Insight", anchor=False)
        st.markdown("Sign in with your authority account to see your partnership's data.")
        notice = st.session_state.pop("auth_notice", None)
        if notice:
            st.info(notice, icon=":material/schedule:")
        st.button("Sign in", type="primary", on_click=st.login)
        st.stop()
    now = clock()
    # Entra ID sends `email` only when the tenant adds that optional claim; its
    # `preferred_username` is the user principal name, usually the same address.
    email = (st.user.get("email") or st.user.get("preferred_username") or "").strip().lower()
    viewer = st.session_state.get("auth_viewer")
    if viewer is not None and st.session_state.get("auth_email") == email:
        if _timed_out(viewer, settings, now):
            st.logout()
            st.stop()
        viewer = auth.account_viewer(settings.db_path, email)
    else:
        viewer = auth.idp_viewer(settings.db_path, email, now=now)
        if viewer is not None:
            auth.record(viewer, "sign_in", "identity provider", db_path=settings.db_path, now=now)
    if viewer is None:
        _clear_session()
        st.title("SEIP Insight", anchor=False)
        st.error(
            f"You are signed in as {email or 'an account without an e-mail address'}, but "
            "SEIP Insight has no role for that address. Ask the local authority's SEIP "
            "commissioner to add you (`seip users add`)."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.session_state.update(auth_viewer=viewer, auth_email=email, auth_last_seen=now)
    return viewer


def _sign_out(viewer: Viewer, settings: Settings) -> None:
    auth.record(viewer, "sign_out", settings.auth_mode, db_path=settings.db_path, now=clock())
    _clear_session()
    if settings.auth_mode == "oidc":
        st.logout()


def describe(viewer: Viewer, labels: dict[str, str] | None = None) -> str:
    """A viewer in words: 'Headteacher: Alpha Academy (100001)'."""
    text = ROLE_LABELS[viewer.role]
    if viewer.scope:
        text += f": {(labels or {}).get(viewer.scope, viewer.scope)}"
    return text


@st.cache_resource(max_entries=4, show_spinner=False)
def _scope_labels(path: str, version: str) -> pd.DataFrame:
    return auth.scope_choices(Path(path))


def scope_labels(path: Path) -> pd.DataFrame:
    """Partnerships and schools a scope may name (cached per warehouse version, and shared by
    every session as it is: nothing may change it)."""
    return _scope_labels(str(path), warehouse.version(path))


def signout_control(viewer: Viewer, settings: Settings) -> None:
    """Who is signed in, and the Sign out button, in the sidebar."""
    options = scope_labels(settings.db_path)
    labels = dict(zip(options["scope_code"], options["scope_label"], strict=True))
    with st.sidebar:
        st.markdown(f"Signed in as **{viewer.name}**  \n{describe(viewer, labels)}")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=_sign_out, args=(viewer, settings))


def view_as_switcher(path: Path) -> Viewer:
    """The demo's "view as" role and scope picker (synthetic data only); default commissioner."""
    options = scope_labels(path)
    labels = dict(zip(options["scope_code"], options["scope_label"], strict=True))
    partnerships = list(options.loc[options["scope_kind"] == "partnership", "scope_code"])
    schools = list(options.loc[options["scope_kind"] == "school", "scope_code"])
    with st.sidebar:
        st.markdown("**View as** (synthetic demo data: no sign-in)")
        role = st.selectbox("Role", ROLES, key="view_as_role", format_func=ROLE_LABELS.get)
        scope = None
        choices = {
            "chair": ("Partnership", partnerships),
            "head": ("School", schools),
            "governor": ("Governor of", partnerships + schools),
        }.get(role)
        if choices and choices[1]:
            scope = st.selectbox(
                choices[0], choices[1], key=f"view_as_{role}_scope", format_func=lambda code: labels.get(code, code)
            )
        st.caption(
            "Sign-in is off because this warehouse holds only synthetic data. Pick a role to see what each person sees."
        )
    viewer = Viewer(name=DEMO_NAME, role=role, scope=scope)
    st.session_state["auth_view_as"] = viewer
    return viewer


# ---------------------------------------------------------------- pupil-level lists


def _pupil_rows(viewer: Viewer, kind: str, filters: dict[str, object], path: Path) -> pd.DataFrame:
    # One audited read per distinct view and warehouse version in a session: reruns of the
    # same page (any widget click) show the rows again without a new audit entry each time.
    memo_key = (viewer, kind, tuple(sorted(filters.items())), warehouse.version(path))
    memo = st.session_state.setdefault("auth_pupil_views", {})
    if memo_key not in memo:
        con = warehouse.open_read_only(path)
        try:
            memo.clear()
            memo[memo_key] = access.pupil_rows(con, viewer, kind, **filters)
        finally:
            con.close()
    return memo[memo_key]


def pupil_list(
    viewer: Viewer,
    *,
    urn: int | None = None,
    partnership: str | None = None,
    academic_year: str | None = None,
    key: str,
) -> None:
    """Pupil-level referrals, placements and exclusions for a school or partnership, as far as
    the viewer's scope allows, with a CSV download (audited). Governors get a sentence instead."""
    st.subheader("Pupil-level records", anchor=False)
    settings = Settings.from_env()
    if session_viewer(settings) != viewer:
        # A page handed in a viewer this session did not sign in as: show nothing.
        st.warning("Sign in to see pupil-level records.", icon=":material/lock:")
        return
    if not viewer.sees_pupil_rows:
        st.info("Governors see aggregate figures only: pupil-level records are not shown.", icon=":material/lock:")
        return
    if not viewer.may_see_pupils_of(urn=urn, partnership=partnership):
        st.info(
            "Pupil-level records are shown only for "
            + ("your own school." if viewer.role == "head" else "your own partnership's schools.")
            + " Choose it above to see them.",
            icon=":material/lock:",
        )
        return
    if not st.toggle("Show pupil-level records (each view is recorded in the audit log)", key=f"{key}-show"):
        return
    kind = st.radio("Records", list(KIND_LABELS), format_func=KIND_LABELS.get, horizontal=True, key=f"{key}-kind")
    filters = {"urn": urn, "partnership": partnership, "academic_year": academic_year}
    rows = _pupil_rows(viewer, kind, filters, settings.db_path)
    where = f"school {urn}" if urn is not None else f"partnership {partnership}" if partnership else "all schools"
    st.caption(
        f"{len(rows)} {KIND_LABELS[kind].lower()} at {where}"
        + (f" in {academic_year}" if academic_year else "")
        + ". Pseudonymised pupil references."
    )
    st.dataframe(rows, hide_index=True, width="stretch", key=f"{key}-table")
    detail = f"pupil-level {kind} ({where}{', ' + academic_year if academic_year else ''}): {len(rows)} rows"
    browser = pupil_files.browser_token(st.context.cookies)
    if browser is None:
        st.caption("A CSV of these records is offered only when the dashboard is served by `seip serve`.")
        return
    # The file is made only when the button is clicked (a callable, not bytes): bytes would be
    # stored at a /media URL before any click. The click is audited where the file is made, and
    # the file reaches only this session's browser, once (pupil_files).
    file_name = f"{key}-{kind}.csv"
    st.download_button(
        "Download CSV",
        partial(_pupil_file, viewer, settings, rows, detail, file_name, browser, get_script_run_ctx().session_id),
        file_name=file_name,
        mime=pupil_files.MIME,
        key=f"{key}-download",
        icon=":material/download:",
        on_click="ignore",
    )


def _pupil_file(
    viewer: Viewer, settings: Settings, rows: pd.DataFrame, detail: str, file_name: str, browser: str, session_id: str
) -> bytes:
    """The pupil-level CSV of one click, audited. Runs on Streamlit's download thread."""
    if settings.auth_mode != "none" and auth.account_viewer(settings.db_path, viewer.name) != viewer:
        raise PermissionError("the account was removed or changed since the list was shown")
    data = csv_bytes(rows)
    auth.record(viewer, "download", detail, db_path=settings.db_path)
    return pupil_files.hand_over(data, file_name, browser, session_id)


# ---------------------------------------------------------------- the audit log


def audit_section(viewer: Viewer) -> None:
    """The audit log for commissioners (nothing for anyone else): sign-ins, pupil-level views,
    downloads, newest first."""
    settings = Settings.from_env()
    if viewer.role != "commissioner" or session_viewer(settings) != viewer:
        return
    st.subheader("Audit log", anchor=False)
    action = st.selectbox(
        "What",
        ["all", *audit.ACTIONS],
        key="audit_action",
        format_func=lambda a: "Everything" if a == "all" else a.replace("_", " "),
    )
    entries = audit.entries(settings.db_path, limit=1000, action=None if action == "all" else action)
    st.caption(
        f"Sign-ins (and failures), pupil-level views and downloads, newest first; the "
        f"latest {len(entries)} shown. Kept in the store: {store.for_warehouse(settings.db_path).where()}."
    )
    st.dataframe(entries, hide_index=True, width="stretch", key="audit_table")
