"""The one browser drawing a PDF's charts: a browser that stops drawing is given up, saying so,
instead of leaving a report (and the person waiting for it) waiting for ever."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import plotly.graph_objects as go
import pytest

from dashboard.reports import images

JPEG = b"\xff\xd8\xff"


def _chart(n: int, points: int = 10) -> go.Figure:
    # a figure of its own (a kept image is not drawn again): `n` is in its data
    return go.Figure(go.Scatter(x=list(range(points)), y=[(i * 7919 + n) % 97 for i in range(points)]))


def _group(pid: int) -> list[int]:
    """The living processes of the browser's process group (it and all it started); a killed one
    may stay a zombie until the system reaps it."""
    listed = subprocess.run(["ps", "-o", "pid=,stat=", "-g", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p, stat in (line.split() for line in listed.splitlines()) if not stat.startswith("Z")]


def test_a_browser_whose_pages_hang_is_killed_its_charts_fail_saying_so_and_the_next_chart_starts_another(
    monkeypatch,
):
    assert images.draw([_chart(1)])[0].result(timeout=120)[:3] == JPEG
    browser = images._server.browser.subprocess.pid
    started = [pid for pid in _group(browser) if pid != browser]
    assert started  # Chromium's renderers and helpers
    monkeypatch.setattr(images, "STALLED_AFTER", 3.0)
    for pid in started:  # frozen: the browser answers, its pages never do
        os.kill(pid, signal.SIGSTOP)
    asked = time.monotonic()
    with pytest.raises(images.NoBrowser) as stalled:
        images.draw([_chart(2), _chart(3)])[0].result(timeout=60)
    waited = time.monotonic() - asked
    assert str(stalled.value) == (
        "the charts of a PDF are drawn by Chromium, and it finished none of the 2 asked for in 3 s: "
        "it was stopped, and the next report starts it again"
    )
    assert 3.0 < waited < 20
    # killed, its frozen pages with it: SIGKILL sent to the group, which the system carries out at once
    deadline = time.monotonic() + 5
    while _group(browser) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(browser) == []

    monkeypatch.setattr(images, "STALLED_AFTER", 60.0)  # a new browser takes seconds to start
    assert images.draw([_chart(2)])[0].result(timeout=120)[:3] == JPEG  # asked again: drawn
    assert images._server.browser.subprocess.pid != browser


def test_the_limit_is_on_progress_not_on_each_chart(monkeypatch):
    images.draw([_chart(0)])[0].result(timeout=120)  # the browser is up
    monkeypatch.setattr(images, "STALLED_AFTER", 1.5)
    asked = time.monotonic()
    drawings = images.draw([_chart(n, points=20_000) for n in range(20)])  # 0.1-0.3 s each here
    assert all(d.result(timeout=120)[:3] == JPEG for d in drawings)
    assert time.monotonic() - asked > 1.5  # longer than the limit in all, none given up
