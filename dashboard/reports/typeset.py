"""Lay out a pack's HTML as a tagged (PDF/UA-1) PDF with weasyprint: one pack in this process,
several at once in worker processes, one per core.

Laying out is most of a PDF's time (tables above all) and holds Python's lock throughout, so
`seip report --all-partnerships` hands each pack, its HTML and its charts' bytes, to a worker
process of its own. The workers import only this module and weasyprint, not the dashboard.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

# where the HTML places a panel's chart: fetched from its drawing by `_Charts`, never from a file or the network
CHART_URL = "seip-chart:"
MIME_TYPE = "image/jpeg"
PDF_VARIANT = "pdf/ua-1"

# a chart's image, or its drawing still to come
Drawing = bytes | Future


class _Charts(URLFetcher):
    """All weasyprint may fetch while it lays out a pack: the pack's own charts, each waited for
    where it is placed. Anything else (a file, the network) stops the report with an error."""

    def __init__(self, drawings: Mapping[str, Drawing]) -> None:
        super().__init__(fail_on_errors=True)
        self._drawings = drawings

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        drawing = self._drawings.get(url.removeprefix(CHART_URL)) if url.startswith(CHART_URL) else None
        if drawing is None:
            raise ValueError(f"a report fetches nothing but its own charts, not {url[:80]!r}")
        return URLFetcherResponse(url, _bytes(drawing), {"Content-Type": MIME_TYPE})


def typeset(html: str, drawings: Mapping[str, Drawing]) -> bytes:
    """`html` as the bytes of a tagged PDF, its images fetched from `drawings` (chart key -> image)."""
    return weasyprint.HTML(string=html, url_fetcher=_Charts(drawings)).write_pdf(pdf_variant=PDF_VARIANT)


def workers(jobs: int) -> int:
    """How many processes lay out `jobs` packs at once: one per core this process may use."""
    return max(1, min(jobs, len(os.sched_getaffinity(0))))


_pool: ProcessPoolExecutor | None = None


def start(jobs: int) -> None:
    """Start the processes that will lay out `jobs` packs, and return at once: loading weasyprint
    takes them about 2 s, done while this process builds the packs."""
    global _pool
    if _pool is None:
        # from a fork server that has loaded this module: each worker starts with weasyprint
        # loaded, and none is forked from this process, whose browser threads a fork would copy mid-step
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        _pool = ProcessPoolExecutor(workers(jobs), mp_context=context)
        _pool.submit(int)  # the workers start with the first job


def typeset_all(jobs: Iterable[tuple[str, Mapping[str, Drawing]]], count: int) -> Iterator[bytes]:
    """Each of `count` (html, drawings) jobs as PDF bytes, in order, laid out in worker processes
    (those of `start`, or started now), which stop when the last is done. Each job is handed to
    a worker as soon as its charts are drawn (their bytes go with it), while this process goes
    on making the next jobs: the browser draws and the workers lay out as the packs are built."""
    global _pool
    start(count)
    pool = _pool
    # a thread per job waits for its drawings and then for its worker, so that no job waits for another's
    with ThreadPoolExecutor(count, thread_name_prefix="seip-typeset") as waiting:
        try:
            laid_out = [waiting.submit(_lay_out, pool, html, drawings) for html, drawings in jobs]
            for pdf in laid_out:
                yield pdf.result()
        finally:
            _pool = None
            pool.shutdown(cancel_futures=True)


def _lay_out(pool: ProcessPoolExecutor, html: str, drawings: Mapping[str, Drawing]) -> bytes:
    return pool.submit(typeset, html, {key: _bytes(d) for key, d in drawings.items()}).result()


def _bytes(drawing: Drawing) -> bytes:
    return drawing.result() if isinstance(drawing, Future) else drawing
