"""Chart images for the PDF: plotly figures drawn to PNG by kaleido in Debian's Chromium.

Starting Chromium costs seconds, so ONE kaleido server is started on first use and kept for
the life of the process (the CLI's run, or the dashboard's server); later images take a
fraction of a second. kaleido's server is not safe for two threads at once (Streamlit
sessions are threads), so calls take a lock. Images are kept by the figure's JSON, so a chart
that several packs share (the benchmarks, the partnerships compared) is drawn once.
"""

from __future__ import annotations

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
_KEEP = 256

_lock = threading.Lock()
_drawn: OrderedDict[str, bytes] = OrderedDict()


def start() -> None:
    """Start the kaleido server if it is not running (the first chart pays for Chromium's start)."""
    with _lock:
        kaleido.start_sync_server(n=TABS, silence_warnings=True)


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


def _key(fig: go.Figure) -> str:
    return hashlib.sha256(fig.to_json().encode()).hexdigest()


def pngs(figures: list[go.Figure]) -> list[bytes]:
    """Each figure as PNG bytes, in order, drawn together by the one kaleido server."""
    keys = [_key(fig) for fig in figures]
    with _lock:
        kaleido.start_sync_server(n=TABS, silence_warnings=True)
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
                errors = kaleido.write_fig_from_object_sync(jobs)
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
