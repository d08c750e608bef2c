"""How long the server takes to draw each page, from its own clock (`SEIP_RUN_TIMES`).

With the setting, every run of the app's script adds one line of JSON to the file: the page's
address, when the run started (Unix seconds), the seconds it took and the CPU seconds its
thread used. Nothing about the person or the data: it is for sizing a server (how long pages
take with many people at once, measured where they are drawn, not in anyone's browser;
bench/bench_browser.py reads it). Runs of one chart's panel alone (opening its Table tab) are
not counted.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

_writing = threading.Lock()  # one line at a time from the sessions' script threads


@contextlib.contextmanager
def timed(path: Path | None) -> Iterator[dict]:
    """Time the block; yields a dict whose "page" the block sets (the sign-in form if it does
    not). The line is written however the block ends: a page switch and `st.stop` end the
    script by raising."""
    run = {"page": "sign-in"}
    if path is None:
        yield run
        return
    started, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
    try:
        yield run
    finally:
        line = {
            "page": run["page"],
            "start": round(started, 3),
            "wall_s": round(time.perf_counter() - wall, 4),
            "cpu_s": round(time.thread_time() - cpu, 4),
        }
        with _writing, path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
