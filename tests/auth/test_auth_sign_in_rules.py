"""Sign-in checks, the per-user rate limit and the idle timeout, with an injected clock (no sleeps)."""

from __future__ import annotations

import pytest
from auth_helpers import PASSWORD

from dashboard import audit, auth, store
from dashboard.access import Viewer


def refused(db, name, password, now) -> auth.SignInRefused:
    with pytest.raises(auth.SignInRefused) as exc:
        auth.sign_in(db, name, password, now=now)
    return exc.value


def test_right_password_signs_in_with_role_and_scope(accounts_db):
    assert auth.sign_in(accounts_db, " Hana ", PASSWORD, now=0.0) == Viewer("hana", "head", "100001")
    assert auth.sign_in(accounts_db, "gwen", PASSWORD, now=1.0) == Viewer("gwen", "governor", "100001")


def test_wrong_password_and_unknown_user_get_the_same_answer(accounts_db):
    assert str(refused(accounts_db, "hana", "wrong password", 0.0)) == "Wrong user name or password."
    assert str(refused(accounts_db, "nobody", PASSWORD, 0.0)) == "Wrong user name or password."
    assert str(refused(accounts_db, "", "", 0.0)) == "Wrong user name or password."


def test_identity_provider_account_has_no_password_to_guess(accounts_db):
    auth.add_user(accounts_db, "ann@la.example", "commissioner")
    assert str(refused(accounts_db, "ann@la.example", "", 0.0)) == "Wrong user name or password."


@pytest.mark.parametrize(
    ("failures", "latest", "now", "wait"),
    [
        (0, None, 100.0, 0.0),
        (2, 100.0, 100.0, 0.0),  # the first 3 failures are free
        (3, 100.0, 100.0, 30.0),  # 30 s after the 3rd
        (3, 100.0, 129.0, 1.0),
        (3, 100.0, 130.0, 0.0),
        (4, 100.0, 100.0, 60.0),  # 30 x 2^(4-3)
        (6, 100.0, 100.0, 240.0),  # 30 x 2^3
        (9, 100.0, 100.0, 900.0),  # 30 x 2^6 = 1920, capped at 15 minutes
    ],
)
def test_wait_grows_with_failures(failures, latest, now, wait):
    assert auth.wait_seconds(failures, latest, now) == wait


def test_repeated_failures_lock_that_user_out_for_a_while(accounts_db):
    for t in (0.0, 1.0, 2.0):
        refused(accounts_db, "hana", "guess", t)
    # 3 failures, the latest at t=2: locked until t=32, even with the right password.
    locked = refused(accounts_db, "hana", PASSWORD, 10.0)
    assert locked.wait_seconds == 22.0
    assert "Try again in 22 seconds" in str(locked)
    # Another user is not affected: the limit is per user.
    assert auth.sign_in(accounts_db, "chris", PASSWORD, now=10.0).role == "chair"
    # After the wait a wrong password locks again for twice as long (4 failures: 60 s from t=32).
    refused(accounts_db, "hana", "guess", 32.0)
    assert refused(accounts_db, "hana", PASSWORD, 91.0).wait_seconds == 1.0
    # Then the right password works, and clears the count.
    assert auth.sign_in(accounts_db, "hana", PASSWORD, now=92.0).name == "hana"
    refused(accounts_db, "hana", "guess", 93.0)
    assert auth.sign_in(accounts_db, "hana", PASSWORD, now=94.0).name == "hana"


def test_rate_limit_state_survives_a_new_process_because_it_lives_in_the_store(accounts_db):
    for t in (0.0, 1.0, 2.0):
        refused(accounts_db, "hana", "guess", t)
    failed = audit.entries(accounts_db, user="hana", action="sign_in_failed")
    assert list(failed["detail"]) == ["attempt 3", "attempt 2", "attempt 1"]
    assert store.Store(store.for_warehouse(accounts_db).url).rows(
        "select count(*) as n from audit where action = 'sign_in_failed'"
    ) == [{"n": 3}]


def test_every_attempt_is_audited(accounts_db):
    refused(accounts_db, "hana", "guess", 0.0)
    auth.sign_in(accounts_db, "hana", PASSWORD, now=1.0)
    for t in (2.0, 3.0, 4.0):
        refused(accounts_db, "nobody", "guess", t)
    refused(accounts_db, "nobody", "guess", 5.0)
    log = audit.entries(accounts_db)
    assert list(zip(log["user"], log["action"], strict=True)) == [
        ("nobody", "sign_in_locked"),
        ("nobody", "sign_in_failed"),
        ("nobody", "sign_in_failed"),
        ("nobody", "sign_in_failed"),
        ("hana", "sign_in"),
        ("hana", "sign_in_failed"),
    ]
    assert log["at_utc"].iloc[-1] == "1970-01-01 00:00:00"
    assert log.loc[log["action"] == "sign_in", "role"].item() == "head"
    assert not log["detail"].str.contains(PASSWORD).any()
    assert not log["detail"].str.contains("guess").any()


@pytest.mark.parametrize(
    ("last_seen", "now", "expired"),
    [
        (None, 10_000.0, False),  # never seen: nothing to expire
        (0.0, 1800.0, False),  # exactly 30 minutes idle is still in time
        (0.0, 1800.5, True),
        (0.0, 60.0, False),
    ],
)
def test_idle_timeout(last_seen, now, expired):
    assert auth.idle_expired(last_seen, now, 30.0) is expired


def test_removed_account_is_gone_and_changed_role_takes_effect(accounts_db):
    assert auth.account_viewer(accounts_db, "hana") == Viewer("hana", "head", "100001")
    auth.add_user(accounts_db, "hana", "head", "100002", PASSWORD)
    assert auth.account_viewer(accounts_db, "hana") == Viewer("hana", "head", "100002")
    auth.remove_user(accounts_db, "hana")
    assert auth.account_viewer(accounts_db, "hana") is None
    assert auth.account_viewer(accounts_db, "not a name!") is None


def test_identity_provider_email_maps_to_role_or_is_refused(accounts_db):
    auth.add_user(accounts_db, "Ann.Smith@LA.example", "chair", "STH")
    assert auth.idp_viewer(accounts_db, "ann.smith@la.example", now=0.0) == Viewer(
        "ann.smith@la.example", "chair", "STH"
    )
    assert auth.idp_viewer(accounts_db, "stranger@elsewhere.example", now=1.0) is None
    assert auth.idp_viewer(accounts_db, None, now=2.0) is None
    log = audit.entries(accounts_db, action="sign_in_failed")
    assert list(log["user"]) == ["(no e-mail)", "stranger@elsewhere.example"]


def test_unknown_audit_action_is_refused(small_db):
    with pytest.raises(ValueError, match="unknown audit action 'peek'"):
        auth.record(Viewer("x"), "peek", "", db_path=small_db, now=0.0)


def test_synthetic_flag(tmp_path):
    from auth_helpers import build_small

    assert auth.is_synthetic(build_small(tmp_path / "demo.duckdb"))
    assert not auth.is_synthetic(build_small(tmp_path / "real.duckdb", synthetic=False))
