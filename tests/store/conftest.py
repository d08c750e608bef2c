"""The store's backends for its tests: SQLite beside a warehouse, and a throwaway PostgreSQL.

PostgreSQL comes from Debian's package (`./dev test` installs it): one server per test
session (per xdist worker), started on a private port with its socket in a private folder
under /tmp and no TCP listener, as the `postgres` user when the tests run as root. Each test
gets a database of its own. Where no PostgreSQL is installed, its tests are skipped and say why.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import store


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb refuses to run as root
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server private to this test session (its `postgres` database)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip(
            "PostgreSQL is not installed here: `./dev test` installs Debian's `postgresql` "
            "package for the store tests (it could not, or these tests ran without ./dev)"
        )
    bindir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="seip-pg-", dir="/tmp"))
    data, port = folder / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-t",
                "60",
                "-l",
                str(folder / "server.log"),
                "-o",
                f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off "
                "-c full_page_writes=off -c max_connections=50",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    try:
        yield f"postgresql://postgres@/postgres?host={folder}&port={port}"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A URL for a new, empty store on each backend."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "seip.duckdb.store.sqlite").lstrip("/")
    import psycopg

    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f"create database {name}")
    return server.replace("/postgres?", f"/{name}?")


@pytest.fixture
def store_env(store_url, monkeypatch) -> str:
    """SEIP_STORE_URL set to a new store on each backend (for code that finds the store itself)."""
    if store_url.startswith("postgresql"):
        monkeypatch.setenv(store.STORE_URL_SETTING, store_url)
    else:
        monkeypatch.delenv(store.STORE_URL_SETTING, raising=False)
    return store_url
