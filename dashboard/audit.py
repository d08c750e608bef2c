"""The audit log: who signed in (or failed to), who saw pupil-level rows, who downloaded what,
who changed accounts, notes, commentary, alert rules or the data.

It lives in the store (`dashboard.store`: SQLite beside the warehouse, or PostgreSQL), because
the dashboard holds the DuckDB warehouse read-only and many sessions write here at once.
Sign-in rate limiting reads its per-user failure counts from this log, so the limit holds
across reruns, sessions, restarts and replicas. Entries say what was seen (a kind, filters, a
row count), never the rows themselves.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import store

ACTIONS = (
    "sign_in", "sign_in_failed", "sign_in_locked", "sign_out", "session_timeout",
    "pupil_view", "download", "report",
    "note_added", "note_removed", "commentary_saved", "alert_rule_added", "alert_rule_removed",
)


def write(db_path: Path, *, user: str, role: str | None, scope: str | None, action: str,
          detail: str = "", now: float, tx: store.Transaction | None = None) -> None:
    """Append one entry (inside `tx` when given, so it commits with the change it records).

    Raises ValueError for an action not in ACTIONS.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {', '.join(ACTIONS)}")
    at = store.utc_text(now)
    sql = "insert into audit (at, at_epoch, user_name, role, scope, action, detail) values (?, ?, ?, ?, ?, ?, ?)"
    params = (at, now, user, role, scope, action, detail)
    if tx is not None:
        tx.execute(sql, params)
    else:
        store.for_warehouse(db_path).execute(sql, params)


def entries(db_path: Path, *, limit: int = 500, user: str | None = None,
            action: str | None = None) -> pd.DataFrame:
    """The newest `limit` entries (optionally one user's or one action's), newest first."""
    rows = store.for_warehouse(db_path).rows(
        """select at as at_utc, user_name as "user", role, scope, action, detail from audit
           where (cast(? as text) is null or user_name = ?) and (cast(? as text) is null or action = ?)
           order by id desc limit ?""",
        (user, user, action, action, limit))
    return pd.DataFrame(rows, columns=["at_utc", "user", "role", "scope", "action", "detail"])


def recent_failures(db_path: Path, user: str, tx: store.Transaction | None = None) -> tuple[int, float | None]:
    """Failed sign-ins for `user` since their last successful one, and when the latest was."""
    sql = """select count(*) as n, max(at_epoch) as latest from audit
             where user_name = ? and action = 'sign_in_failed'
               and id > coalesce((select max(id) from audit where user_name = ? and action = 'sign_in'), 0)"""
    row = (tx.one(sql, (user, user)) if tx is not None
           else store.for_warehouse(db_path).rows(sql, (user, user))[0])
    return int(row["n"]), row["latest"]
