"""Password checks with many people at once: argon2 at OWASP's setting, no more checks at once than
the machine has cores (each takes its memory cost), older hashes replaced at sign-in, and every
check taking the same least time."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time

import pytest
from auth_helpers import ACCOUNTS, PASSWORD

# In a fresh process (its peak memory is its own): three times as many threads as may check at
# once each check the same password; the peak resident memory they add, in MiB.
SCRIPT = """
import json, resource, threading
from dashboard import auth
stored = auth.hash_password({password!r})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
threads = [threading.Thread(target=auth.verify_password, args=(stored, {password!r}))
           for _ in range(3 * auth.CHECKS_AT_ONCE)]
for t in threads: t.start()
for t in threads: t.join()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"at_once": auth.CHECKS_AT_ONCE, "added_mib": (after - before) / 1024,
                  "check_mib": auth._hasher.memory_cost / 1024}}))
"""


def test_passwords_checked_at_once_are_bounded_so_memory_is():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(password=PASSWORD)], capture_output=True, text=True, check=True
    )
    out = json.loads(done.stdout)
    # one check's memory per check allowed at once, and one more for slack; all at once would
    # add three times as many
    assert out["added_mib"] < (out["at_once"] + 1) * out["check_mib"], out


def test_a_check_costs_owasps_setting_and_an_older_hash_still_verifies():
    from argon2 import PasswordHasher, extract_parameters

    from dashboard import auth

    made = extract_parameters(auth.hash_password(PASSWORD))
    assert (made.memory_cost, made.time_cost, made.parallelism) == (46 * 1024, 1, 1)
    older = PasswordHasher().hash(PASSWORD)  # argon2-cffi's default, used before: 64 MiB, 3 passes, 4 lanes
    assert auth.verify_password(older, PASSWORD) and not auth.verify_password(older, PASSWORD + "x")


def test_an_older_hash_is_replaced_at_sign_in_and_the_password_still_works(accounts_db):
    from argon2 import PasswordHasher, extract_parameters

    from dashboard import auth, store

    name = ACCOUNTS[0][0]
    accounts = store.for_warehouse(accounts_db)
    older = PasswordHasher().hash(PASSWORD)
    accounts.execute("update accounts set password_hash = ? where name = ?", (older, name))
    assert auth.sign_in(accounts_db, name, PASSWORD).name == name
    stored = auth._credentials(accounts_db, name)["password_hash"]
    assert stored != older and extract_parameters(stored).memory_cost == 46 * 1024
    assert auth.sign_in(accounts_db, name, PASSWORD).name == name


@pytest.mark.parametrize("kind", ["unknown name", "wrong password", "right password"])
def test_every_check_takes_the_same_least_time(accounts_db, kind):
    from dashboard import auth

    name = "nobody-here" if kind == "unknown name" else ACCOUNTS[0][0]
    password = PASSWORD if kind == "right password" else PASSWORD + "x"
    started = time.perf_counter()
    with contextlib.suppress(auth.SignInRefused):
        auth.sign_in(accounts_db, name, password)
    # a check of today's setting alone takes about 0.05 s: the rest is waited out
    assert time.perf_counter() - started >= auth.CHECK_SECONDS
