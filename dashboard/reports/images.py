"""Chart images for the PDF: plotly figures drawn to PNG by kaleido in Debian's Chromium.

Starting Chromium costs seconds, so ONE browser with TABS kaleido tabs is started on first
use and kept for the life of the process (the CLI's run, or the dashboard's server); every
chart of a pack goes to it in one batch, drawn by the tabs side by side. Its calls take a lock,
as Streamlit sessions are threads. Images are kept by the figure's JSON, so a chart that
several packs share (the benchmarks, the partnerships compared, policy impact) is drawn once.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import kaleido
import plotly.graph_objects as go

# pixels of the drawing; the PDF scales it to the page width (about 170 mm)
WIDTH = 760
SCALE = 2
TABS = 2
# a tab's page is reloaded after this many charts, so a long-lived server's tabs stay small
RELOAD_EVERY = 100
_KEEP = 256

_lock = threading.Lock()
_drawn: OrderedDict[str, bytes] = OrderedDict()


class _Kaleido(kaleido.Kaleido):
    """kaleido's browser, keeping each tab's page between charts.

    kaleido reloads a tab's page (plotly.js, 4 MB of script, parsed again) after every chart:
    four fifths of Chromium's CPU time per chart, measured on a pack. Its drawing function
    purges the chart it drew, so a page serves many charts; it is reloaded every RELOAD_EVERY.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._served: dict[int, int] = {}

    async def _return_kaleido_tab(self, tab) -> None:
        served = self._served.get(id(tab), 0) + 1
        if served >= RELOAD_EVERY:
            await tab.reload()
            served = 0
        self._served[id(tab)] = served
        await self.tabs_ready.put(tab)


class _Server:
    """The one browser, driven from an event loop in a thread of its own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="seip-kaleido", daemon=True).start()
        # mathjax=False: no chart uses LaTeX, and kaleido would fetch MathJax from a CDN
        self.browser = self.call(self._open(_Kaleido(n=TABS, mathjax=False)))
        atexit.register(self.close)

    @staticmethod
    async def _open(browser: _Kaleido) -> _Kaleido:
        await browser.__aenter__()
        return browser

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self) -> None:
        try:
            self.call(self.browser.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


_server: _Server | None = None


def _started() -> _Server:
    global _server
    if _server is None:
        _server = _Server()
    return _server


def start() -> None:
    """Start the browser if it is not running (the first chart would pay for Chromium's start)."""
    with _lock:
        _started()


def forget() -> None:
    """Drop the images kept so far (the bench times drawing, not remembering)."""
    with _lock:
        _drawn.clear()


def height(fig: go.Figure) -> int:
    """The figure's height in pixels for print: as its builder set it (plotly's default otherwise),
    taller where horizontal bars would crowd their wrapped labels together."""
    drawn = int(fig.layout.height or 450)
    bars = [t for t in fig.data if t.type == "bar" and t.orientation == "h" and t.y is not None]
    if not bars:
        return drawn
    categories = len({str(y) for t in bars for y in t.y})
    # a label wraps to three lines (about 45 px); a group of bars needs about 14 px each
    return max(drawn, 110 + categories * max(48, 14 * len(bars) + 22))


def pngs(figures: list[go.Figure]) -> list[bytes]:
    """Each figure as PNG bytes, in order, drawn together in one batch by the one browser."""
    keys = [hashlib.sha256(fig.to_json().encode()).hexdigest() for fig in figures]
    with _lock:
        server = _started()
        wanted = {k: fig for k, fig in zip(keys, figures, strict=True) if k not in _drawn}
        if wanted:
            with tempfile.TemporaryDirectory(prefix="seip-charts-") as folder:
                jobs = [
                    {
                        "fig": fig,
                        "path": Path(folder) / f"{k}.png",
                        "opts": {"format": "png", "width": WIDTH, "height": height(fig), "scale": SCALE},
                    }
                    for k, fig in wanted.items()
                ]
                errors = server.call(server.browser.write_fig_from_object(jobs))
                if errors:
                    raise RuntimeError(f"kaleido could not draw {len(errors)} chart(s): {errors[0]}")
                for k in wanted:
                    _drawn[k] = (Path(folder) / f"{k}.png").read_bytes()
        for k in keys:
            _drawn.move_to_end(k)
        found = [_drawn[k] for k in keys]
        while len(_drawn) > _KEEP:
            _drawn.popitem(last=False)
    return found
