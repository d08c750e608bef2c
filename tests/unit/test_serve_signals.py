"""`seip serve` stopped by its process id (SIGTERM, or SIGINT as Ctrl-C sends) stops the server:
the port is free afterwards and no process it started is left running."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_seip_serve_stops_the_server(tmp_path, sig):
    port = _free_port()
    env = dict(os.environ, SEIP_AUTH="none")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dashboard.cli",
            "serve",
            "--db",
            str(tmp_path / "seip.duckdb"),
            "--port",
            str(port),
            "--address",
            "127.0.0.1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "seip serve exited before it was healthy"
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r,
            ):
                if r.status == 200:
                    break
            assert time.monotonic() < deadline, "seip serve was not healthy within 60 s"
            time.sleep(0.3)
        started = [proc.pid, *(p.pid for p in psutil.Process(proc.pid).children(recursive=True))]

        os.kill(proc.pid, sig)
        proc.wait(timeout=20)

        assert not _listening(port), f"port {port} is still held after {sig.name}"
        left = [
            pid for pid in started if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        ]
        assert left == [], f"processes left running after {sig.name}: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_serve_says_it_is_healthy_only_once_it_has_loaded_what_the_pages_need(monkeypatch, tmp_path):
    # the first visitor's sign-in form, and a load balancer's first request, do not wait for the imports
    from dashboard.components import launch

    order = []
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(launch, "work_out_audit_ahead", lambda: order.append("audit process started"))
    monkeypatch.setattr(launch, "_import_ahead", lambda: order.append("pages' modules loaded"))
    monkeypatch.setattr(launch, "main", lambda: order.append("server answering"))
    assert launch.serve(tmp_path / "app.py", []) == 0
    assert order == ["audit process started", "pages' modules loaded", "server answering"]


def test_stopping_the_audit_ahead_stops_the_processes_it_works_the_years_in(metrics_db, tmp_path, monkeypatch):
    # a new import while the audit of the old warehouse is being worked out: it stops, years and all
    import shutil

    from dashboard.components import launch

    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    monkeypatch.setenv("SEIP_DB", str(db))
    monkeypatch.setattr(launch, "_serving", True)
    monkeypatch.setattr(launch, "_ahead_for", None)
    launch.work_out_audit_ahead()
    ahead = psutil.Process(launch._ahead.pid)
    try:
        deadline = time.monotonic() + 30
        while len(ahead.children(recursive=True)) < 2:  # the years' processes (and their tracker)
            assert launch._ahead.poll() is None, "the audit ended before its years' processes were seen"
            assert time.monotonic() < deadline, "no processes for the years within 30 s"
            time.sleep(0.02)
        started = [ahead, *ahead.children(recursive=True)]
        launch._stop_ahead()
        time.sleep(0.5)
        left = [p.pid for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert left == [], f"left running: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(launch._ahead.pid, signal.SIGKILL)
        launch._ahead = None
