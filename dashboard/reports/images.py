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

A browser can stop answering (a tab hung, a Chromium that never finished starting): a report
would then wait for its charts for ever. So while charts are waiting, a watch thread checks that
one finishes at least every STALLED_AFTER seconds; when none does, the browser is killed, every
waiting chart fails with NoBrowser saying so, and the next chart asked for starts a new browser.
The limit is on progress, not on each chart: `seip report --all-partnerships` queues hundreds.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import os
import signal
import threading
import time
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
# seconds with charts waiting and none finished (nor the browser started) before the browser is
# given up; a chart takes 0.1-0.5 s, and a browser 2-4 s to start on a busy machine
STALLED_AFTER = 60.0


class NoBrowser(RuntimeError):
    """No Chromium that draws the charts: none found, one that did not start, or one that stopped
    drawing. What to do is in the message."""


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
        self.browser = browser
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="seip-kaleido", daemon=True).start()
        # the drawings asked for and not yet done (what the caller holds: set here or by `_give_up`),
        # and when the last one finished, the browser started, or drawing began after a rest
        self._waiting: set[Future[bytes]] = set()
        self._moved = time.monotonic()
        self._stalled: NoBrowser | None = None  # why it was given up
        self._state = threading.Lock()
        self.closed = threading.Event()
        self.opening = self.submit(self._open(browser))
        self.opening.add_done_callback(self._moving)
        threading.Thread(target=self._watch, name="seip-kaleido-watch", daemon=True).start()
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
        drawing: Future[bytes] = Future()
        with self._state:
            if self._stalled is not None:  # given up since it was handed out
                drawing.set_exception(self._stalled)
                return drawing
            if not self._waiting:
                self._moved = time.monotonic()  # the clock starts when drawing starts after a rest
            self._waiting.add(drawing)
        self.submit(self._draw(job)).add_done_callback(lambda done: self._finished(drawing, done))
        return drawing

    def _moving(self, _opening: Future) -> None:
        with self._state:
            self._moved = time.monotonic()

    def _finished(self, drawing: Future[bytes], done: Future[bytes]) -> None:
        with self._state:
            if drawing not in self._waiting:
                return  # given up already
            self._waiting.discard(drawing)
            self._moved = time.monotonic()
        if done.exception() is not None:
            drawing.set_exception(done.exception())
        else:
            drawing.set_result(done.result())

    def _watch(self) -> None:
        while not self.closed.wait(min(1.0, STALLED_AFTER / 4)):
            with self._state:
                stalled = bool(self._waiting) and time.monotonic() - self._moved > STALLED_AFTER
            if stalled:
                self._give_up()
                return

    def _give_up(self) -> None:
        """The browser drew nothing for STALLED_AFTER seconds: every waiting chart fails saying so,
        and the browser is killed (the next chart starts a new one)."""
        with self._state:
            waiting, self._waiting = self._waiting, set()
            self._stalled = NoBrowser(
                f"the charts of a PDF are drawn by Chromium, and it finished none of the {len(waiting)} asked "
                f"for in {STALLED_AFTER:g} s: it was stopped, and the next report starts it again"
            )
        self._kill()
        self.close()
        for drawing in waiting:
            drawing.set_exception(self._stalled)

    def close(self) -> None:
        """Stop the browser and its loop; at once if it does not answer (a hung browser is killed)."""
        if self.closed.is_set():
            return
        self.closed.set()
        try:
            if self._stalled is None:  # not killed already by `_give_up`, which has nothing to wait for
                # one still starting is let start (killed, a started Chromium says it was): at most 10 s
                self.opening.result(timeout=10)
                self.submit(self.browser.__aexit__(None, None, None)).result(timeout=10)
        except Exception:  # noqa: BLE001 - one that did not start or does not close is killed below
            pass
        finally:
            self._kill()
            self.loop.call_soon_threadsafe(self.loop.stop)

    def _kill(self) -> None:
        process = getattr(self.browser, "subprocess", None)  # set once Chromium is started
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the browser and every process it started
            process.wait()


_server: _Server | None = None


def _started() -> _Server:
    global _server
    if _server is not None and (
        _server.closed.is_set() or (_server.opening.done() and _server.opening.exception() is not None)
    ):
        _server.close()  # Chromium did not start, or was given up: the next chart tries again
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
