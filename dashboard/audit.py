"""The audit log: who signed in (or failed to), who saw pupil-level rows, who downloaded what.

It lives beside the warehouse in SQLite (`<warehouse>.audit.sqlite`, WAL mode), because the
dashboard holds the DuckDB warehouse read-only and many sessions write here at once. Sign-in
rate limiting reads its per-user failure counts from this log, so the limit holds across
reruns, sessions and restarts. Entries say what was seen (a kind, filters, a row count),
never the rows themselves.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ACTIONS = (
    "sign_in", "sign_in_failed", "sign_in_locked", "sign_out", "session_timeout",
    "pupil_view", "download", "report",
)

_DDL = (
    """create table if not exists audit (
        id integer primary key autoincrement,
        at text not null,
        at_epoch real not null,
        user text not null,
        role text,
        scope text,
        action text not null,
        detail text not null default ''
    )""",
    "create index if not exists audit_user_action on audit (user, action, id)",
)


def audit_path(db_path: Path) -> Path:
    """The audit database that belongs to the warehouse at `db_path`."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".audit.sqlite")


@contextlib.contextmanager
def _connect(db_path: Path) -> Iterator[sqlite3.Connection]:
    path = audit_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        con.execute("pragma journal_mode=wal")
        con.execute("pragma busy_timeout=10000")
        for stmt in _DDL:
            con.execute(stmt)
        yield con
    finally:
        con.close()


def write(db_path: Path, *, user: str, role: str | None, scope: str | None, action: str,
          detail: str = "", now: float) -> None:
    """Append one entry. Raises ValueError for an action not in ACTIONS."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {', '.join(ACTIONS)}")
    at = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S")
    with _connect(db_path) as con:
        con.execute(
            "insert into audit (at, at_epoch, user, role, scope, action, detail) values (?, ?, ?, ?, ?, ?, ?)",
            (at, now, user, role, scope, action, detail))


def entries(db_path: Path, *, limit: int = 500, user: str | None = None,
            action: str | None = None) -> pd.DataFrame:
    """The newest `limit` entries (optionally one user's or one action's), newest first."""
    with _connect(db_path) as con:
        rows = con.execute(
            """select at as at_utc, user, role, scope, action, detail from audit
               where (? is null or user = ?) and (? is null or action = ?)
               order by id desc limit ?""",
            (user, user, action, action, limit)).fetchall()
    return pd.DataFrame(rows, columns=["at_utc", "user", "role", "scope", "action", "detail"])


def recent_failures(db_path: Path, user: str) -> tuple[int, float | None]:
    """Failed sign-ins for `user` since their last successful one, and when the latest was."""
    with _connect(db_path) as con:
        count, latest = con.execute(
            """select count(*), max(at_epoch) from audit
               where user = ? and action = 'sign_in_failed'
                 and id > coalesce((select max(id) from audit where user = ? and action = 'sign_in'), 0)""",
            (user, user)).fetchone()
    return count, latest
