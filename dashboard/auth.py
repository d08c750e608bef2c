"""Sign-in: accounts, password checks with per-user rate limiting, idle timeout, the
identity-provider (OIDC) mapping, the audit trail and the `seip users` command.

Accounts live in the store (`dashboard.store`, table `accounts`), so adding one never
rewrites the warehouse; passwords are stored as argon2id hashes. The mode is the SEIP_AUTH setting (docs/sign-in.md):
`none` serves synthetic demo data with a "view as" switcher and refuses real data, `local`
signs in with the form, `oidc` with Streamlit's `st.login`. Nothing here imports streamlit,
so the CLI stays fast; the Streamlit side is `dashboard/components/signin.py`.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard import audit, store, warehouse
from dashboard.access import ScopeError, UnknownScope, Viewer, check_scope
from dashboard.settings import Settings

MIN_PASSWORD_LENGTH = 10
# Rate limit: the first FREE_FAILURES wrong passwords cost nothing; after that each attempt
# waits BASE_DELAY_SECONDS, doubling per further failure, up to MAX_DELAY_SECONDS. Counted
# for a user from one client address, so a stranger elsewhere cannot lock someone out; and,
# more generously, for a user from every address (guessing spread over many machines) and for
# one address across every user name (a school's staff may share one address). docs/sign-in.md.
FREE_FAILURES = 3
USER_FREE_FAILURES = 10
CLIENT_FREE_FAILURES = 20
BASE_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 15 * 60.0
UNKNOWN_CLIENT = "unknown"

_NAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
# argon2id at one of OWASP's recommended settings (Password Storage Cheat Sheet: 46 MiB, 1 pass,
# 1 lane): about 0.05 s of one core a check. argon2-cffi's own default (RFC 9106's 64 MiB,
# 3 passes, 4 lanes) took 0.2 s of CPU, so twenty governors signing in at once waited 3-10 s
# on 2 cores. OWASP's 19 MiB setting costs the same, but memory blocks under 32 MiB are kept by
# each thread's allocator after use (six threads held 113 MiB); larger ones go back to the system.
# A hash keeps its own setting: one made before is still checked with it.
_hasher = PasswordHasher(time_cost=1, memory_cost=46 * 1024, parallelism=1)
# Each check takes its hash's memory: no more at once than the process may use cores, so a
# meeting signing in together takes bounded memory and the rest wait their turn.
CHECKS_AT_ONCE = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_hashing = threading.BoundedSemaphore(CHECKS_AT_ONCE)
# A sign-in's password check takes at least this long, whatever setting its hash was made with
# and whether the name exists: the form must not tell by its time which accounts exist (an
# older hash costs 0.2 s, a new one or the unknown name's 0.05 s). Waiting takes no CPU.
CHECK_SECONDS = 0.25
# Checked against when the user name is unknown, so that a wrong name costs the same time as
# a wrong password and the form does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """An account change that cannot be made. `exit_code` follows cli.md: 1 refused, 2 usage."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class SignInRefused(Exception):
    """A sign-in that did not succeed; the message is safe to show on the form."""

    def __init__(self, message: str, wait_seconds: float = 0.0):
        super().__init__(message)
        self.wait_seconds = wait_seconds


# ---------------------------------------------------------------- passwords and accounts


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; a new one each call)."""
    with _hashing:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash` (False for a missing or malformed hash)."""
    try:
        with _hashing:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def normalise_name(name: str) -> str:
    """A user name as stored: trimmed and lower-case. Raises AccountError (usage) if unusable."""
    cleaned = (name or "").strip().lower()
    if not _NAME.match(cleaned):
        raise AccountError(
            f"user name {name!r} must be 1-100 letters, digits or . _ @ + - (an e-mail address is fine)", exit_code=2
        )
    return cleaned


def _stored(con: duckdb.DuckDBPyConnection, query: str, **params: object) -> pd.DataFrame:
    # warehouse.run takes a cursor, and a cursor forgets `use warehouse`; this connection is
    # private to one call, so running on it directly is safe.
    return con.execute(warehouse.queries()[query].sql, params or None).df()


def add_user(
    db_path: Path,
    name: str,
    role: str,
    scope: str | None = None,
    password: str | None = None,
    *,
    now: float | None = None,
) -> str:
    """Add the account `name` (or replace its role, scope and password); return the stored name.

    A password is required unless `name` is an e-mail address for identity-provider sign-in.
    The scope is checked against the warehouse, which is only read. Raises AccountError:
    exit_code 2 for a bad name, role, scope shape or password; 1 for a scope the warehouse
    does not hold. FileNotFoundError when there is no warehouse yet.
    """
    name = normalise_name(name)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters", exit_code=2)
    if password is None and "@" not in name:
        raise AccountError(
            "a password is required (--password-stdin), unless the name is the e-mail address "
            "that the identity provider signs in",
            exit_code=2,
        )
    con = warehouse.open_read_only(db_path)
    try:
        scope = check_scope(con, role, scope)
    except ScopeError as exc:
        raise AccountError(str(exc), exit_code=1 if isinstance(exc, UnknownScope) else 2) from None
    finally:
        con.close()
    password_hash = None if password is None else hash_password(password)
    created = store.utc_text(now)
    store.for_warehouse(db_path).execute(
        """insert into accounts (name, role, scope, password_hash, created_at) values (?, ?, ?, ?, ?)
           on conflict (name) do update set role = excluded.role, scope = excluded.scope,
               password_hash = excluded.password_hash, created_at = excluded.created_at""",
        (name, role, scope, password_hash, created),
    )
    return name


def remove_user(db_path: Path, name: str) -> None:
    """Remove the account `name`. Raises AccountError (refused) when there is no such account."""
    name = normalise_name(name)
    warehouse.require(db_path)
    if not store.for_warehouse(db_path).execute("delete from accounts where name = ?", (name,)):
        raise AccountError(f"no account named {name!r}")


def list_users(db_path: Path) -> pd.DataFrame:
    """Every account: name, role, scope, has_password, created_at (never the hashes).

    FileNotFoundError when there is no warehouse (the accounts belong to one).
    """
    warehouse.require(db_path)
    rows = store.for_warehouse(db_path).rows(
        """select name, role, scope, password_hash is not null as has_password, created_at
           from accounts order by name"""
    )
    accounts = pd.DataFrame(rows, columns=["name", "role", "scope", "has_password", "created_at"])
    accounts["has_password"] = accounts["has_password"].astype(bool)
    accounts["created_at"] = pd.to_datetime(accounts["created_at"])
    return accounts


def account_viewer(db_path: Path, name: str) -> Viewer | None:
    """The Viewer for account `name` as it stands now, or None when there is no such account."""
    try:
        name = normalise_name(name)
    except AccountError:
        return None
    row = _credentials(db_path, name)
    return None if row is None else Viewer(name=row["name"], role=row["role"], scope=row["scope"])


def _credentials(db_path: Path, name: str) -> dict | None:
    rows = store.for_warehouse(db_path).rows(
        "select name, role, scope, password_hash from accounts where name = ?", (name,)
    )
    return rows[0] if rows else None


def scope_choices(db_path: Path) -> pd.DataFrame:
    """Every partnership and school a scope may name: scope_kind, scope_code, scope_label, partnership_code."""
    with warehouse.open_read_only(db_path, fresh=True) as con:
        return _stored(con, "scope_options")


def is_synthetic(db_path: Path) -> bool:
    """Whether the warehouse holds only the synthetic demo data (meta `synthetic` = 'true')."""
    with warehouse.open_read_only(db_path, fresh=True) as con:
        row = con.execute("select value from meta where key = 'synthetic'").fetchone()
    return row is not None and row[0] == "true"


# ---------------------------------------------------------------- signing in


def wait_seconds(failures: int, latest_failure: float | None, now: float, free: int = FREE_FAILURES) -> float:
    """How long someone with `failures` recent failed sign-ins (`free` of them allowed) must
    still wait before trying again."""
    if failures < free or latest_failure is None:
        return 0.0
    delay = min(BASE_DELAY_SECONDS * 2 ** (failures - free), MAX_DELAY_SECONDS)
    return max(0.0, latest_failure + delay - now)


def _wait_for(counts: dict[str, tuple[int, float | None]], now: float) -> float:
    return max(
        wait_seconds(*counts["pair"], now),
        wait_seconds(*counts["user"], now, USER_FREE_FAILURES),
        wait_seconds(*counts["client"], now, CLIENT_FREE_FAILURES),
    )


def sign_in(db_path: Path, name: str, password: str, *, client: str | None = None, now: float | None = None) -> Viewer:
    """Check a user name and password from the address `client`; return the Viewer, or raise SignInRefused.

    Every attempt is audited, a malformed user name too. Failures are counted (see `_wait_for`)
    across sessions; past the free ones the attempt must wait before the password is even
    checked. The check and the count are one transaction (`audit.claim_sign_in`), so parallel
    attempts get no more password checks than one after another. The message never says
    whether the name or the password was wrong, and the check takes CHECK_SECONDS at least
    either way. A hash made with an older setting is replaced once its password is right.
    """
    now = time.time() if now is None else now
    client = client[:64] if isinstance(client, str) and client else UNKNOWN_CLIENT
    try:
        key = normalise_name(name)
    except AccountError:
        audit.write(
            db_path,
            user=_as_logged(name),
            role=None,
            scope=None,
            action="sign_in_failed",
            detail="not a valid user name",
            now=now,
            client=client,
        )
        raise SignInRefused("Wrong user name or password.") from None
    attempt, wait = audit.claim_sign_in(
        db_path, user=key, client=client, now=now, wait_for=lambda counts: _wait_for(counts, now)
    )
    if attempt is None:
        raise SignInRefused(f"Too many failed sign-ins for this user. Try again in {_duration(wait)}.", wait)
    started = time.perf_counter()
    try:
        row = _credentials(db_path, key)
        ok = verify_password(row["password_hash"] if row else None, password or "")
        if ok and _hasher.check_needs_rehash(row["password_hash"]):
            _rehash(db_path, key, row["password_hash"], password)
    except BaseException:
        audit.settle_sign_in(db_path, attempt, succeeded=False, detail="the check failed")
        raise
    time.sleep(max(0.0, started + CHECK_SECONDS - time.perf_counter()))
    if not ok:
        audit.settle_sign_in(db_path, attempt, succeeded=False)
        raise SignInRefused("Wrong user name or password.")
    viewer = Viewer(name=row["name"], role=row["role"], scope=row["scope"])
    audit.settle_sign_in(db_path, attempt, succeeded=True, role=viewer.role, scope=viewer.scope, detail="password")
    return viewer


def _rehash(db_path: Path, name: str, old_hash: str, password: str) -> None:
    """Store `password` hashed with today's setting in place of `old_hash`, made with an older one
    (unless the password was changed meanwhile)."""
    store.for_warehouse(db_path).execute(
        "update accounts set password_hash = ? where name = ? and password_hash = ?",
        (hash_password(password), name, old_hash),
    )


def _as_logged(name: object) -> str:
    """A user name that is not valid, as the audit log shows it: printable, at most 100 characters."""
    text = "".join(c if c.isprintable() else "?" for c in str(name or ""))
    return (text[:99] + "…") if len(text) > 100 else (text or "(empty)")


def idp_viewer(db_path: Path, email: str | None, *, now: float | None = None) -> Viewer | None:
    """The Viewer for an e-mail address the identity provider has signed in, or None (audited
    as a failure) when no account maps it to a role."""
    now = time.time() if now is None else now
    viewer = account_viewer(db_path, email or "")
    if viewer is None:
        audit.write(
            db_path,
            user=(email or "(no e-mail)").strip().lower()[:100],
            role=None,
            scope=None,
            action="sign_in_failed",
            detail="identity provider: no account for this e-mail",
            now=now,
        )
    return viewer


def idle_expired(last_seen: float | None, now: float, idle_minutes: float) -> bool:
    """Whether a session last active at `last_seen` has been idle longer than `idle_minutes`."""
    return last_seen is not None and now - last_seen > idle_minutes * 60


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.999)
    return f"{seconds} seconds" if seconds < 120 else f"{(seconds + 59) // 60} minutes"


# ---------------------------------------------------------------- what the app calls


def record(viewer: Viewer, action: str, detail: str, *, db_path: Path | None = None, now: float | None = None) -> None:
    """Record in the audit log that `viewer` did `action` (a pupil-level view, a download) on `detail`."""
    path = Settings.from_env().db_path if db_path is None else db_path
    audit.write(
        path,
        user=viewer.name,
        role=viewer.role,
        scope=viewer.scope,
        action=action,
        detail=detail,
        now=time.time() if now is None else now,
    )


# ---------------------------------------------------------------- seip users


def users_command(args, settings: Settings) -> int:
    """`seip users add|list|remove`: exit 0 done, 1 refused, 2 wrong usage."""
    db_path = settings.db_path
    try:
        if args.users_command == "add":
            password = None
            if args.password_stdin:
                password = sys.stdin.read().rstrip("\r\n")
                if not password:
                    raise AccountError("--password-stdin read an empty password", exit_code=2)
            name = add_user(db_path, args.name, args.role, args.scope, password)
            print(f"account {name!r} saved: {args.role}" + (f", scope {args.scope}" if args.scope else ""))
        elif args.users_command == "list":
            accounts = list_users(db_path)
            if accounts.empty:
                print("no accounts")
            for row in accounts.itertuples():
                sign_in_by = "password" if row.has_password else "identity provider"
                scope = "" if pd.isna(row.scope) else row.scope
                print(f"{row.name}\t{row.role}\t{scope}\t{sign_in_by}")
        else:
            remove_user(db_path, args.name)
            print(f"account {normalise_name(args.name)!r} removed")
    except AccountError as exc:
        print(f"seip users: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0
