"""The store on both backends: migrations, transactions, the lock, accounts and the audit log.

Every test here runs twice, on SQLite and on PostgreSQL (tests/store/conftest.py).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

import duckdb
import pytest

from dashboard import audit, auth, store
from dashboard.access import Viewer

PASSWORD = "correct horse battery"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(tmp_path, metrics_db) -> Path:
    """A private copy of the small warehouse (partnerships NTH, STH, MAT1; schools 100001-100004)."""
    return Path(shutil.copyfile(metrics_db, tmp_path / "seip.duckdb"))


def test_a_new_store_is_migrated_once_to_the_latest_version(store_url):
    s = store.Store(store_url)
    assert s.version() == 0
    assert s.migrate() == store.LATEST
    assert [r["version"] for r in s.rows("select version from schema_version order by version")] == [
        number for number, _ in store.MIGRATIONS
    ]
    # a second process (a new Store) finds nothing to do
    assert store.Store(store_url).migrate() == store.LATEST
    assert s.rows("select count(*) as n from schema_version") == [{"n": len(store.MIGRATIONS)}]


def test_a_transaction_commits_or_leaves_nothing(store_url):
    s = store.Store(store_url)
    with s.transaction() as tx:
        tx.execute("insert into store_meta values (?, ?)", ("kept", "1"))
    with pytest.raises(RuntimeError, match="changed my mind"), s.transaction() as tx:
        tx.execute("insert into store_meta values (?, ?)", ("dropped", "1"))
        raise RuntimeError("changed my mind")
    assert s.rows("select key from store_meta where key in ('kept', 'dropped')") == [{"key": "kept"}]


def test_percent_signs_reach_the_database_unchanged(store_url):
    s = store.Store(store_url)
    s.execute("insert into store_meta values ('pct', '50% of 10')")
    assert s.rows("select value from store_meta where key like 'pc%'") == [{"value": "50% of 10"}]


def test_lock_makes_read_then_write_atomic_across_threads(store_url):
    """Two writers each add 1 to a counter 15 times (read, then write): none is lost."""
    s = store.Store(store_url)
    s.execute("insert into store_meta values ('counter', '0')")

    def bump() -> None:
        for _ in range(15):
            with s.transaction() as tx:
                tx.lock("counter")
                value = int(tx.one("select value from store_meta where key = 'counter'")["value"])
                tx.execute("update store_meta set value = ? where key = 'counter'", (str(value + 1),))

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert s.rows("select value from store_meta where key = 'counter'") == [{"value": "30"}]


def test_accounts_live_in_the_store_and_never_rewrite_the_warehouse(store_env, db):
    before = sha(db)
    auth.add_user(db, "Chris", "chair", "nth", PASSWORD, now=0.0)
    auth.add_user(db, "gwen@governors.example", "governor", "100003", now=0.0)
    auth.add_user(db, "lena", "commissioner", None, PASSWORD, now=86400.0)
    assert sha(db) == before
    accounts = auth.list_users(db)
    assert accounts.fillna({"scope": ""})[["name", "role", "scope", "has_password"]].values.tolist() == [
        ["chris", "chair", "NTH", True],
        ["gwen@governors.example", "governor", "100003", False],
        ["lena", "commissioner", "", True],
    ]
    assert str(accounts["created_at"].iloc[2]) == "1970-01-02 00:00:00"
    assert auth.sign_in(db, "CHRIS", PASSWORD, now=5.0) == Viewer("chris", "chair", "NTH")
    auth.add_user(db, "chris", "head", "100001", "another password", now=6.0)
    assert auth.account_viewer(db, "chris") == Viewer("chris", "head", "100001")
    auth.remove_user(db, "chris")
    assert auth.account_viewer(db, "chris") is None
    with pytest.raises(auth.AccountError, match="no account named 'chris'"):
        auth.remove_user(db, "chris")
    assert sha(db) == before


def test_audit_entries_and_failure_counts(store_env, db):
    for t, action in ((1.0, "sign_in_failed"), (2.0, "sign_in"), (3.0, "sign_in_failed"), (4.0, "sign_in_failed")):
        audit.write(db, user="hana", role=None, scope=None, action=action, detail=f"at {t:g}", now=t)
    audit.write(db, user="lena", role="commissioner", scope=None, action="download", detail="50% table", now=5.0)
    with store.for_warehouse(db).transaction() as tx:
        assert audit.recent_failures(tx, "hana", "unknown", 5.0)["user"] == (2, 4.0)
        assert audit.recent_failures(tx, "nobody", "unknown", 5.0)["user"] == (0, None)
    log = audit.entries(db)
    assert log.columns.tolist() == ["at_utc", "user", "role", "scope", "action", "detail"]
    assert log["detail"].tolist() == ["50% table", "at 4", "at 3", "at 2", "at 1"]
    assert log["at_utc"].iloc[0] == "1970-01-01 00:00:05"
    assert audit.entries(db, user="hana", action="sign_in")["detail"].tolist() == ["at 2"]
    assert len(audit.entries(db, limit=2)) == 2


def test_accounts_and_audit_from_before_the_store_are_adopted_once(tmp_path, db, monkeypatch):
    """An upgrade: accounts in the warehouse's `users` table and `<warehouse>.audit.sqlite`."""
    monkeypatch.delenv(store.STORE_URL_SETTING, raising=False)
    con = duckdb.connect(str(db))
    con.execute(
        "create table users (name varchar primary key, role varchar not null, scope varchar, "
        "password_hash varchar, created_at timestamp not null)"
    )
    con.execute(
        "insert into users values ('hana', 'head', '100001', ?, '2025-01-02 03:04:05')", [auth.hash_password(PASSWORD)]
    )
    con.close()
    old = sqlite3.connect(tmp_path / "seip.duckdb.audit.sqlite")
    old.execute(
        "create table audit (id integer primary key autoincrement, at text not null, at_epoch real "
        "not null, user text not null, role text, scope text, action text not null, detail text not null)"
    )
    old.execute(
        "insert into audit (at, at_epoch, user, role, scope, action, detail) values "
        "('1970-01-01 00:00:07', 7, 'hana', null, null, 'sign_in_failed', 'attempt 1')"
    )
    old.commit()
    old.close()
    assert auth.sign_in(db, "hana", PASSWORD, now=10.0) == Viewer("hana", "head", "100001")
    assert audit.entries(db)["action"].tolist() == ["sign_in", "sign_in_failed"]
    assert str(auth.list_users(db)["created_at"].iloc[0]) == "2025-01-02 03:04:05"
    # adopted once: a removed account does not come back from the old table
    auth.remove_user(db, "hana")
    store._stores.clear()
    assert auth.account_viewer(db, "hana") is None


def test_a_store_url_that_is_neither_is_refused_without_showing_its_password():
    with pytest.raises(store.StoreError, match=r"mysql://seip:\*\*\*@db") as exc:
        store.Store("mysql://seip:hunter2@db/seip")
    assert "hunter2" not in str(exc.value)


def test_an_unreachable_postgresql_is_a_clear_error(tmp_path):
    s = store.Store(f"postgresql://seip:hunter2@/seip?host={tmp_path}&port=1")
    with pytest.raises(store.StoreError, match="cannot reach the store") as exc:
        s.migrate()
    assert "hunter2" not in str(exc.value)
    assert s.where() == "PostgreSQL database `seip` on `localhost`"
