"""Start Streamlit on the router, in this process (`seip serve` calls `serve`; `python -m
dashboard.components.launch run APP ...` does the same by hand).

The pages live in `dashboard/views/`, not `pages/`: Streamlit would take a folder named
`pages/` beside the main script for an old-style multipage app. The toolbar is set to the
viewer's (no "Deploy"). The pupil-file gate goes in front of the web server (`pupil_files`: a pupil file only to the
session that clicked, once).

Streamlit binds its listening socket itself, as a plain `socket.socket()`, so asyncio does not
recognise the connections it accepts as TCP and leaves Nagle's algorithm on them (it turns it
off only for sockets made with the TCP protocol number). An answer written in two parts, headers
then body, or a page's messages one after another, then waited for the browser's delayed
acknowledgement: 40 ms for each request after the first on a connection, so a browser fetching
160 files over six connections waited a second for nothing. The listening socket gets
TCP_NODELAY, which the connections it accepts inherit.

Streamlit's file watcher is off: it walked every loaded module at start-up (about a fifth of a
cold start) to rerun on edits, which a served dashboard never wants. So is the full garbage
collection Streamlit runs after every script run: it took a quarter of each page's server time
(Python's own collector still runs as memory is allocated). Before the server answers, it
imports what the pages need (pandas, DuckDB, plotly and our modules, about 2 s) and works out the
policy-impact estimates the pages show first (about 0.3 s), so that it
says it is healthy only once it can serve: the first visitor's sign-in form does not wait for
those imports, nor does a load balancer send anyone to a replica still loading. A process of
its own works out the disclosure audit of every year (`access.work_out_audit`, about 15 s of
CPU for the demo's six years; the years side by side, one process per core) and keeps it beside the
warehouse, so that a governor's first page does not wait for it; until it is done a governor's
page says their figures are being checked and opens by itself when they are ready
(`audit_pending`). A process, not a thread, so that its work never holds the server's
interpreter lock; at a lower priority than the server's; started again when an import swaps in
a new warehouse, stopped when the server stops.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from streamlit.web import cli

from dashboard.components import pupil_files, static_assets

# option -> value, unless the command line sets the option itself
SERVING = {
    "--client.toolbarMode": "viewer",  # people using the dashboard get no "Deploy" button or developer menu
    # no grid offers its own unaudited "Download as CSV" or copy: pupil rows leave only through
    # the audited download, and chart tables through their Download tab
    "--client.disableDataExport": "true",
    "--server.fileWatcherType": "none",
    "--server.runOnSave": "false",
    "--runner.postScriptGC": "false",
    "--server.headless": "true",
    "--browser.gatherUsageStats": "false",
}


def serve(app: Path, options: list[str]) -> int:
    """Serve `app` with the Streamlit `options` (e.g. ["--server.port", "8501"]) until SIGTERM or
    SIGINT, which Streamlit's own handlers turn into a clean stop; return its exit status."""
    global _serving
    sys.argv = ["streamlit", "run", str(app), *options]
    _serving = True
    work_out_audit_ahead()  # first: its process works while this one loads what the pages need
    _import_ahead()
    _estimate_ahead()
    try:
        main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0 if done.code is None else 1
    finally:
        _serving = False
        _stop_ahead()  # done or not: it ends with the server (what it kept stays kept)
    return 0


_serving = False
_ahead: subprocess.Popen | None = None
_ahead_for: str | None = None  # the warehouse version `_ahead` was started for
_ahead_lock = threading.Lock()


def work_out_audit_ahead() -> None:
    """Start the process that works out the disclosure audit of the warehouse as it is now: as
    `seip serve` starts, and whenever an import (an upload, or `seip import` beside the server)
    swaps in a new version, which the server sees on its next read. Once per version: an upload
    asks for it and the next read of the new file asks again. Nothing under a plain `streamlit
    run` or in tests (the first governor's page works it out there), nor without a warehouse."""
    global _ahead, _ahead_for
    if not _serving:
        return
    from dashboard import warehouse
    from dashboard.settings import Settings

    try:
        version = warehouse.version(Settings.from_env().db_path)
    except FileNotFoundError:
        return  # the first import asks again
    with _ahead_lock:
        if version == _ahead_for:
            return
        _stop_ahead()
        _ahead, _ahead_for = (
            subprocess.Popen(
                [sys.executable, "-c", "from dashboard.components import launch; launch.audit_ahead()"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # a group of its own, with the processes it works the years in
            ),
            version,
        )


def audit_pending() -> bool:
    """True while this server's own process is still working out the disclosure audit of the
    warehouse as the server last saw it: a governor's figures are not ready yet (a page that
    worked them out itself would take the server's interpreter for minutes at a region's size)."""
    return _serving and _ahead is not None and _ahead.poll() is None


def _stop_ahead() -> None:
    if _ahead is not None and _ahead.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(_ahead.pid, signal.SIGTERM)  # it and the processes it works the years in
        _ahead.wait()


def audit_ahead() -> None:
    """Work out the disclosure audit for the warehouse in SEIP_DB (the process `serve` starts)."""
    from dashboard import access
    from dashboard.settings import Settings

    # behind the people using the dashboard: on 2 cores it shared the first sign-in's CPU evenly
    os.nice(10)
    # no warehouse (any more): nothing to work out
    with contextlib.suppress(FileNotFoundError):
        access.work_out_audit(Settings.from_env())


def _import_ahead() -> None:
    import dashboard.charts
    import dashboard.components

    for package in (dashboard.components, dashboard.charts):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            if module.name != __name__:
                importlib.import_module(module.name)
    import plotly.graph_objects as go

    # plotly loads each trace type's validators on first use
    go.Figure([go.Bar(), go.Scatter(), go.Sankey()])


def _estimate_ahead() -> None:
    """Work out the policy-impact estimates the Overview's headline and the Policy impact page show
    first (from the start year in the settings, against all LAs: without the placebos, with them,
    and for every start year) and the page's five figures of them, which the first visitor of
    those pages would otherwise wait for. Kept by the panel's contents (`policy`), they serve every
    viewer given the same published figures, and outlast an import that leaves DfE's figures as
    they were."""
    from dashboard import impact, warehouse
    from dashboard.components import policy
    from dashboard.settings import Settings

    settings = Settings.from_env()
    try:
        con = warehouse.open_read_only(settings.db_path)
    except FileNotFoundError:
        return  # no warehouse yet: the pages work them out once there is one
    try:
        panel = impact.read_panel(con, settings, "pex_rate")
        first = (panel, settings.la_code, "pex_rate", settings.policy_start, "all")
        for placebos in (False, True):
            policy.shared_estimate(*first, placebos)
        policy.shared_figures(*first, policy.milestones_version())
        policy.shared_worth(*first, False)
        policy.shared_by_start(*first)
    except impact.TooLittleData:
        pass  # the pages say so, as they would have
    finally:
        con.close()


def _in_front_of_streamlit() -> None:
    """Put our middleware in front of Streamlit's web server, made as it starts: Streamlit's own
    static files from memory, then the pupil-file gate."""
    from streamlit.web.server.starlette import starlette_app

    streamlit_middleware = starlette_app.create_streamlit_middleware
    starlette_app.create_streamlit_middleware = lambda: [
        static_assets.middleware(),
        pupil_files.middleware(),
        *streamlit_middleware(),
    ]


def _without_nagle() -> None:
    """Bind Streamlit's listening TCP socket with TCP_NODELAY, inherited by every connection."""
    from streamlit.web.server.starlette import starlette_server

    bind = starlette_server._bind_socket

    def bind_without_nagle(*args, **kwargs) -> socket.socket:
        sock = bind(*args, **kwargs)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    starlette_server._bind_socket = bind_without_nagle


def main() -> None:
    """Run the Streamlit command line with the serving options, unless given."""
    _in_front_of_streamlit()
    _without_nagle()
    if sys.argv[1:2] == ["run"]:
        given = {a.split("=", 1)[0] for a in sys.argv if a.startswith("--")}
        for option, value in SERVING.items():
            if option not in given:
                sys.argv += [option, value]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
