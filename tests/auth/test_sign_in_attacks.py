"""Attacks on the sign-in back-off (issue 9, item 6): parallel attempts on one account get no
more password checks than the limit allows (threads and processes); a stranger's failures lock
the account only from the stranger's address; one address guessing many names is limited; and
attempts with names that are not valid are audited too."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest
from auth_helpers import PASSWORD

from dashboard import audit, auth

ATTACKER, VICTIM = "203.0.113.7", "198.51.100.20"  # documentation addresses (RFC 5737)
N = 10


def _guess(db: Path, barrier, client: str = ATTACKER) -> str:
    barrier.wait()
    try:
        auth.sign_in(db, "hana", "not the password", client=client, now=1000.0)
    except auth.SignInRefused as refused:
        return "locked" if refused.wait_seconds else "wrong"
    return "signed in"


def _outcomes(db: Path, answers: list[str]) -> tuple[int, int]:
    log = audit.entries(db, user="hana")
    failed, locked = (int((log["action"] == a).sum()) for a in ("sign_in_failed", "sign_in_locked"))
    assert sorted(answers) == sorted(["wrong"] * failed + ["locked"] * locked)
    return failed, locked


def test_parallel_threads_get_at_most_the_free_password_checks(accounts_db):
    barrier = threading.Barrier(N)
    with ThreadPoolExecutor(N) as pool:
        answers = list(pool.map(lambda _: _guess(accounts_db, barrier), range(N)))
    # each failure logged is one password checked; the rest were locked out before any check
    assert _outcomes(accounts_db, answers) == (auth.FREE_FAILURES, N - auth.FREE_FAILURES)


def test_parallel_processes_get_at_most_the_free_password_checks(accounts_db):
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(N)
    with ProcessPoolExecutor(N, mp_context=context) as pool:
        answers = list(pool.map(_guess, [accounts_db] * N, [barrier] * N))
    assert _outcomes(accounts_db, answers) == (auth.FREE_FAILURES, N - auth.FREE_FAILURES)


def test_a_stranger_cannot_lock_someone_out_from_elsewhere(accounts_db):
    for t in (0.0, 1.0, 2.0):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(accounts_db, "hana", "guess", client=ATTACKER, now=t)
    with pytest.raises(auth.SignInRefused) as locked:
        auth.sign_in(accounts_db, "hana", PASSWORD, client=ATTACKER, now=3.0)
    assert locked.value.wait_seconds == 29.0
    # hana, at school, is not locked out by the stranger
    assert auth.sign_in(accounts_db, "hana", PASSWORD, client=VICTIM, now=4.0).name == "hana"
    log = audit.entries(accounts_db, user="hana")
    assert list(log["action"]) == ["sign_in", "sign_in_locked", "sign_in_failed", "sign_in_failed", "sign_in_failed"]


def test_guessing_one_account_from_many_addresses_is_still_limited(accounts_db):
    for i in range(auth.USER_FREE_FAILURES):
        with pytest.raises(auth.SignInRefused):
            auth.sign_in(accounts_db, "hana", "guess", client=f"192.0.2.{i}", now=float(i))
    with pytest.raises(auth.SignInRefused) as locked:
        auth.sign_in(accounts_db, "hana", PASSWORD, client="192.0.2.200", now=10.0)
    assert locked.value.wait_seconds == 29.0


def test_one_address_guessing_many_names_is_limited(accounts_db):
    for i in range(auth.CLIENT_FREE_FAILURES):
        with pytest.raises(auth.SignInRefused) as wrong:
            auth.sign_in(accounts_db, f"user{i}", "guess", client=ATTACKER, now=float(i))
        assert wrong.value.wait_seconds == 0
    with pytest.raises(auth.SignInRefused) as locked:
        auth.sign_in(accounts_db, "chris", PASSWORD, client=ATTACKER, now=20.0)
    assert locked.value.wait_seconds == 29.0
    # the same account from another address is fine
    assert auth.sign_in(accounts_db, "chris", PASSWORD, client=VICTIM, now=20.0).role == "chair"


@pytest.mark.parametrize(
    ("name", "logged"),
    [
        ("hana smith", "hana smith"),
        ("x" * 101, "x" * 99 + "…"),
        ("bad\nname", "bad?name"),
        ("", "(empty)"),
    ],
)
def test_attempts_with_names_that_are_not_valid_are_audited(accounts_db, name, logged):
    with pytest.raises(auth.SignInRefused, match="Wrong user name or password"):
        auth.sign_in(accounts_db, name, "guess", client=ATTACKER, now=5.0)
    log = audit.entries(accounts_db)
    assert list(zip(log["user"], log["action"], log["detail"], strict=True)) == [
        (logged, "sign_in_failed", "not a valid user name")
    ]
