"""Passwords, accounts and `seip users add|list|remove` on a real warehouse file."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

import pytest
from auth_helpers import PASSWORD

from dashboard import auth
from dashboard.cli import main


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def users(capsys, db) -> list[list[str]]:
    assert main(["users", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    return [line.split("\t") for line in out.splitlines() if "\t" in line]


def add(monkeypatch, db, *args, password: str | None = PASSWORD) -> int:
    argv = ["users", "add", *args, "--db", str(db)]
    if password is not None:
        argv.append("--password-stdin")
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(argv)


def test_hash_is_argon2id_salted_and_verifies_only_the_right_password():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and first != second  # a new salt each time
    assert auth.verify_password(first, PASSWORD)
    assert not auth.verify_password(first, PASSWORD + "x")
    assert not auth.verify_password(None, PASSWORD)
    assert not auth.verify_password("not a hash", PASSWORD)


def test_add_list_remove(monkeypatch, capsys, small_db):
    assert add(monkeypatch, small_db, "Hana", "--role", "head", "--scope", "100001") == 0
    assert add(monkeypatch, small_db, "chris", "--role", "chair", "--scope", "nth") == 0
    assert add(monkeypatch, small_db, "lena", "--role", "commissioner") == 0
    assert (
        add(monkeypatch, small_db, "gwen@governors.example", "--role", "governor", "--scope", "STH", password=None) == 0
    )
    capsys.readouterr()
    # Names are stored lower-case; a partnership code is stored as the warehouse spells it.
    assert users(capsys, small_db) == [
        ["chris", "chair", "NTH", "password"],
        ["gwen@governors.example", "governor", "STH", "identity provider"],
        ["hana", "head", "100001", "password"],
        ["lena", "commissioner", "", "password"],
    ]
    assert main(["users", "remove", "HANA", "--db", str(small_db)]) == 0
    assert [u[0] for u in users(capsys, small_db)] == ["chris", "gwen@governors.example", "lena"]


def test_add_again_replaces_role_scope_and_password(monkeypatch, small_db):
    assert add(monkeypatch, small_db, "hana", "--role", "head", "--scope", "100001") == 0
    assert add(monkeypatch, small_db, "hana", "--role", "chair", "--scope", "STH", password="a different password") == 0
    assert auth.account_viewer(small_db, "hana") == auth.Viewer("hana", "chair", "STH")
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(small_db, "hana", PASSWORD, now=1000.0)
    assert auth.sign_in(small_db, "hana", "a different password", now=1001.0).role == "chair"


def test_the_list_never_shows_hashes(monkeypatch, capsys, small_db):
    assert add(monkeypatch, small_db, "hana", "--role", "head", "--scope", "100001") == 0
    capsys.readouterr()
    assert main(["users", "list", "--db", str(small_db)]) == 0
    assert "argon2" not in capsys.readouterr().out
    assert "password_hash" not in auth.list_users(small_db).columns


def test_empty_list(capsys, small_db):
    assert main(["users", "list", "--db", str(small_db)]) == 0
    assert capsys.readouterr().out.strip() == "no accounts"


@pytest.mark.parametrize(
    ("args", "password", "code", "says"),
    [
        # usage (2): the scope does not fit the role, or the password is missing or short
        (["lena", "--role", "commissioner", "--scope", "NTH"], PASSWORD, 2, "takes no scope"),
        (["chris", "--role", "chair"], PASSWORD, 2, "needs a scope"),
        (["hana", "--role", "head"], PASSWORD, 2, "needs a scope"),
        (["gwen", "--role", "governor"], PASSWORD, 2, "needs a scope"),
        (["chris", "--role", "chair", "--scope", "100001"], PASSWORD, 2, "not a URN"),
        (["hana", "--role", "head", "--scope", "NTH"], PASSWORD, 2, "school URN"),
        (["hana", "--role", "head", "--scope", "100001"], None, 2, "password is required"),
        (["hana", "--role", "head", "--scope", "100001"], "", 2, "empty password"),
        (["hana", "--role", "head", "--scope", "100001"], "short", 2, "at least 10"),
        (["bad name!", "--role", "commissioner"], PASSWORD, 2, "user name"),
        # refused (1): the warehouse has no such school or partnership
        (["hana", "--role", "head", "--scope", "999999"], PASSWORD, 1, "no school with URN 999999"),
        (["chris", "--role", "chair", "--scope", "XYZ"], PASSWORD, 1, "no partnership with code 'XYZ'"),
        (["gwen", "--role", "governor", "--scope", "123456"], PASSWORD, 1, "no school"),
    ],
)
def test_bad_accounts_are_refused_and_change_nothing(monkeypatch, capsys, small_db, args, password, code, says):
    before = sha(small_db)
    assert add(monkeypatch, small_db, *args, password=password) == code
    assert says in capsys.readouterr().err
    assert sha(small_db) == before


def test_unknown_role_is_a_usage_error(small_db):
    with pytest.raises(SystemExit) as exc:
        main(["users", "add", "x", "--role", "admin", "--db", str(small_db)])
    assert exc.value.code == 2


def test_remove_unknown_account_is_refused(capsys, small_db):
    before = sha(small_db)
    assert main(["users", "remove", "nobody", "--db", str(small_db)]) == 1
    assert "no account named 'nobody'" in capsys.readouterr().err
    assert sha(small_db) == before


def test_no_warehouse_is_refused(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "none.duckdb"
    assert add(monkeypatch, missing, "lena", "--role", "commissioner") == 1
    assert main(["users", "list", "--db", str(missing)]) == 1
    assert not missing.exists()


def test_real_command_reads_the_password_from_stdin(small_db):
    seip = [sys.executable, "-m", "dashboard.cli"]
    done = subprocess.run(
        [
            *seip,
            "users",
            "add",
            "hana",
            "--role",
            "head",
            "--scope",
            "100001",
            "--password-stdin",
            "--db",
            str(small_db),
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert auth.sign_in(small_db, "hana", PASSWORD, now=0.0) == auth.Viewer("hana", "head", "100001")


def test_db_may_come_before_or_after_the_action(monkeypatch, capsys, small_db):
    monkeypatch.setenv("SEIP_DB", str(small_db.with_name("elsewhere.duckdb")))
    assert add(monkeypatch, small_db, "lena", "--role", "commissioner") == 0
    capsys.readouterr()
    assert main(["users", "--db", str(small_db), "list"]) == 0
    assert capsys.readouterr().out.startswith("lena\tcommissioner")
    assert main(["users", "--db", str(small_db), "remove", "lena"]) == 0
