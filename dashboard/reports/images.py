"""Chart images for the PDF: plotly figures drawn to JPEG by kaleido in Debian's Chromium.

Starting Chromium costs seconds, so ONE browser with TABS kaleido tabs is started on first
use (or by `start`, which returns at once: `seip report` builds the packs while it starts) and
kept for the life of the process (the CLI's run, or the dashboard's server). `draw`
hands it a pack's charts and returns at once, so Chromium draws on the other core while this
process lays out the PDF, which waits for each image only where it places it. Images are kept
by the figure's JSON, so a chart that several packs share (the benchmarks, the partnerships
compared, policy impact) is drawn once.

JPEG, not PNG: weasyprint embeds a JPEG's bytes as they are, but decodes every PNG and
compresses it again (with its alpha channel split off), a third of its time on a pack.
At SCALE 2 and Chromium's quality of 0.92 the text and lines of a chart stay sharp in print.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import Future

import kaleido
import plotly.graph_objects as go
from choreographer.browsers.chromium import ChromeNotFoundError

# pixels of the drawing; the PDF scales it to the page width (about 170 mm)
WIDTH = 760
SCALE = 2
TABS = 2
# a tab's page is reloaded after this many charts, so a long-lived server's tabs stay small
RELOAD_EVERY = 100
_KEEP = 256


class NoBrowser(RuntimeError):
    """No Chromium to draw the charts with: what to install is in the message."""


_lock = threading.Lock()
_drawn: OrderedDict[str, Future[bytes]] = OrderedDict()


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
    """The one browser, driven from an event loop in a thread of its own. Chromium starts in the
    background (2-3 s): charts asked for meanwhile are drawn as soon as it is up, so a report is
    built while it starts."""

    def __init__(self) -> None:
        try:
            # mathjax=False: no chart uses LaTeX, and kaleido would fetch MathJax from a CDN
            browser = _Kaleido(n=TABS, mathjax=False)
        except ChromeNotFoundError as exc:
            raise NoBrowser(
                "the charts of a PDF are drawn by Chromium, and none was found "
                f"({str(exc).split('. ')[0]}): install Debian's chromium package, "
                "or set BROWSER_PATH to a Chromium or Chrome program"
            ) from None
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="seip-kaleido", daemon=True).start()
        self.opening = self.submit(self._open(browser))
        atexit.register(self.close)

    @staticmethod
    async def _open(browser: _Kaleido) -> _Kaleido:
        try:
            await browser.__aenter__()
        except Exception as exc:  # choreographer's own errors: a browser that crashed or closed at once
            said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
            raise NoBrowser(
                f"the charts of a PDF are drawn by Chromium, and it did not start ({said[:200]}): "
                "check that Debian's chromium package runs, or set BROWSER_PATH to one that does"
            ) from exc
        return browser

    async def _draw(self, job: dict) -> bytes:
        browser = await asyncio.wrap_future(self.opening)
        return await browser.write_fig_from_object(job, _write=False)

    def submit(self, coroutine) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def draw(self, job: dict) -> Future[bytes]:
        return self.submit(self._draw(job))

    def close(self) -> None:
        try:
            if self.opening.exception() is None:
                self.submit(self.opening.result().__aexit__(None, None, None)).result()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


_server: _Server | None = None


def _started() -> _Server:
    global _server
    if _server is not None and _server.opening.done() and _server.opening.exception() is not None:
        _server.close()  # Chromium did not start: the next chart tries again
        _server = None
    if _server is None:
        _server = _Server()
    return _server


def start() -> None:
    """Start the browser if it is not running, and return at once: it starts while the caller goes on."""
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


def key(fig: go.Figure) -> str:
    """What a drawn image is kept and fetched by: the figure's JSON, hashed."""
    return hashlib.sha256(fig.to_json().encode()).hexdigest()


def draw(figures: list[go.Figure]) -> list[Future[bytes]]:
    """Start drawing each figure as JPEG bytes in the one browser, and return at once: a future per
    figure, in order. A figure drawn before, or being drawn, is not drawn again; one whose drawing
    failed is tried again the next time it is asked for."""
    out = []
    with _lock:
        server = _started()
        for fig in figures:
            k = key(fig)
            kept = _drawn.get(k)
            if kept is None or (kept.done() and kept.exception() is not None):
                opts = {"format": "jpeg", "width": WIDTH, "height": height(fig), "scale": SCALE}
                job = {"fig": fig.to_dict(), "opts": opts}
                _drawn[k] = server.draw(job)
            _drawn.move_to_end(k)
            out.append(_drawn[k])
        while len(_drawn) > _KEEP:
            _drawn.popitem(last=False)
    return out


def draw_charts(panels) -> dict[str, Future[bytes]]:
    """Start drawing the chart of each of `panels` (a report's panels, with `key` and `fig`) that
    has one: panel key -> its image to come."""
    charted = [p for p in panels if p.fig is not None]
    return dict(zip([p.key for p in charted], draw([p.fig for p in charted]), strict=True))


def images(figures: list[go.Figure]) -> list[bytes]:
    """Each figure as JPEG bytes, in order (waiting for them all)."""
    return [drawing.result() for drawing in draw(figures)]
