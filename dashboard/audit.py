"""The audit log: who signed in (or failed to), who saw pupil-level rows, who downloaded what,
who changed accounts, notes, commentary, alert rules or the data.

It lives in the store (`dashboard.store`: SQLite beside the warehouse, or PostgreSQL), because
the dashboard holds the DuckDB warehouse read-only and many sessions write here at once.
Sign-in rate limiting reads its per-user failure counts from this log, so the limit holds
across reruns, sessions, restarts and replicas. Entries say what was seen (a kind, filters, a
row count), never the rows themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import store

if TYPE_CHECKING:  # pandas loads when a table of entries is asked for: `seip metrics` never needs it
    import pandas as pd

ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "session_timeout",
    "pupil_view",
    "download",
    "report",
    "note_added",
    "note_removed",
    "commentary_saved",
    "alert_rule_added",
    "alert_rule_removed",
    "upload_checked",
    "upload_imported",
    "upload_refused",
)


# A sign-in whose password is being checked: written, with the check-and-count, in one
# transaction before the check, and turned into `sign_in` or `sign_in_failed` after it, so
# parallel attempts each see the others (issue 9, item 6). It counts as a failure meanwhile.
ATTEMPT = "sign_in_attempt"
_FAILED = ("sign_in_failed", ATTEMPT)
# An address's failures count for this long, whoever they were for and whatever succeeded since.
ADDRESS_WINDOW_SECONDS = 3600.0
_INSERT = (
    "insert into audit (at, at_epoch, user_name, role, scope, action, detail, client) values (?, ?, ?, ?, ?, ?, ?, ?)"
)


def write(
    db_path: Path,
    *,
    user: str,
    role: str | None,
    scope: str | None,
    action: str,
    detail: str = "",
    now: float,
    tx: store.Transaction | None = None,
    client: str | None = None,
) -> None:
    """Append one entry (inside `tx` when given, so it commits with the change it records;
    `client`: the address a sign-in came from).

    Raises ValueError for an action not in ACTIONS.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {', '.join(ACTIONS)}")
    params = (store.utc_text(now), now, user, role, scope, action, detail, client)
    if tx is not None:
        tx.execute(_INSERT, params)
    else:
        store.for_warehouse(db_path).execute(_INSERT, params)


def entries(db_path: Path, *, limit: int = 500, user: str | None = None, action: str | None = None) -> pd.DataFrame:
    """The newest `limit` entries (optionally one user's or one action's), newest first."""
    import pandas as pd

    rows = store.for_warehouse(db_path).rows(
        """select at as at_utc, user_name as "user", role, scope, action, detail from audit
           where (cast(? as text) is null or user_name = ?) and (cast(? as text) is null or action = ?)
           order by id desc limit ?""",
        (user, user, action, action, limit),
    )
    return pd.DataFrame(rows, columns=["at_utc", "user", "role", "scope", "action", "detail"])


def recent_failures(tx: store.Transaction, user: str, client: str, now: float) -> dict[str, tuple[int, float | None]]:
    """Failed (or still running) sign-ins, each as (count, latest time): `pair` for `user` from
    `client` and `user` from anywhere, both since the user's last successful sign-in; `client`
    for any user from that address in the last ADDRESS_WINDOW_SECONDS."""
    since = "coalesce((select max(id) from audit where user_name = ? and action = 'sign_in'), 0)"
    failed = f"action in {_FAILED}"
    queries = {
        "pair": (f"user_name = ? and client = ? and {failed} and id > {since}", (user, client, user)),
        "user": (f"user_name = ? and {failed} and id > {since}", (user, user)),
        "client": (f"client = ? and {failed} and at_epoch > ?", (client, now - ADDRESS_WINDOW_SECONDS)),
    }
    counts = {}
    for scope, (where, params) in queries.items():
        row = tx.one(f"select count(*) as n, max(at_epoch) as latest from audit where {where}", params)
        counts[scope] = (int(row["n"]), row["latest"])
    return counts


def claim_sign_in(
    db_path: Path,
    *,
    user: str,
    client: str,
    now: float,
    wait_for: Callable[[dict[str, tuple[int, float | None]]], float],
) -> tuple[int | None, float]:
    """Check and count one sign-in attempt atomically.

    In one store transaction holding the locks of the user name and the address: read the
    failure counts (`recent_failures`), ask `wait_for` how long they say to wait; if more than
    0, log `sign_in_locked` and return (None, wait); else log a pending attempt and return (its
    id, 0.0), which `settle_sign_in` completes.
    """
    with store.for_warehouse(db_path).transaction() as tx:
        # always the user's lock first, then the address's: two attempts never wait on each other in a ring
        tx.lock(f"sign-in:{user}")
        tx.lock(f"sign-in-client:{client}")
        counts = recent_failures(tx, user, client, now)
        wait = wait_for(counts)
        if wait > 0:
            tx.execute(
                _INSERT,
                (
                    store.utc_text(now),
                    now,
                    user,
                    None,
                    None,
                    "sign_in_locked",
                    f"{counts['pair'][0]} failed attempts; {wait:.0f} s to wait",
                    client,
                ),
            )
            return None, wait
        row = tx.one(
            _INSERT + " returning id",
            (store.utc_text(now), now, user, None, None, ATTEMPT, f"attempt {counts['pair'][0] + 1}", client),
        )
        return int(row["id"]), 0.0


def settle_sign_in(
    db_path: Path, attempt: int, *, succeeded: bool, role: str | None = None, scope: str | None = None, detail: str = ""
) -> None:
    """Complete the pending attempt `attempt` as `sign_in` or `sign_in_failed`."""
    store.for_warehouse(db_path).execute(
        """update audit set action = ?, role = ?, scope = ?, detail = coalesce(nullif(?, ''), detail)
           where id = ? and action = ?""",
        ("sign_in" if succeeded else "sign_in_failed", role, scope, detail, attempt, ATTEMPT),
    )
