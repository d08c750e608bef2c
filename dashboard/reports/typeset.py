"""Lay out a pack's HTML as a tagged (PDF/UA-1) PDF with weasyprint: one pack in this process,
several at once in worker processes, one per core.

Laying out is most of a PDF's time (tables above all) and holds Python's lock throughout, so
`seip report --all-partnerships` hands each pack, its HTML and its charts' bytes, to a worker
process. A worker is this module run as a program (`python -m dashboard.reports.typeset`): it
loads weasyprint and nothing of the dashboard, and reads jobs from its stdin and writes PDFs to
its stdout. Not `multiprocessing`: its workers run the parent's main script again as they start,
which under the dashboard's own script (or a test runner that has run it) is the dashboard.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from dashboard.reports import collector

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
    """`html` as the bytes of a tagged PDF, its images fetched from `drawings` (chart key -> image).
    What stopped a chart being fetched (images.NoBrowser, a URL that is not a chart's) is raised
    as itself: weasyprint wraps it in its FatalURLFetchingError, a BaseException, which a caller
    catching errors (Streamlit's download button) would let through."""
    try:
        return weasyprint.HTML(string=html, url_fetcher=_Charts(drawings)).write_pdf(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as exc:
        if isinstance(exc.__cause__, Exception):
            raise exc.__cause__ from None
        raise


def workers(jobs: int) -> int:
    """How many processes lay out `jobs` packs at once: one per core this process may use."""
    return max(1, min(jobs, len(os.sched_getaffinity(0))))


class _Worker:
    """One worker process, given one job at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None
        )

    def lay_out(self, html: str, drawings: Mapping[str, Drawing]) -> bytes:
        _send(self.process.stdin, (html, {key: _bytes(d) for key, d in drawings.items()}))
        answer = _receive(self.process.stdout)
        if answer is None:
            raise RuntimeError(f"a PDF worker stopped with exit status {self.process.wait()} (its error is above)")
        laid_out, failure = answer
        if failure is not None:
            raise failure
        return laid_out

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def typeset_all(jobs: Iterable[tuple[str, Mapping[str, Drawing]]], count: int) -> Iterator[bytes]:
    """Each of `count` (html, drawings) jobs as PDF bytes, in order, laid out in worker processes
    started now (loading weasyprint takes them about 2 s, done while the first jobs are made) and
    stopped when the last is done. Each job is handed to a worker as soon as its charts are drawn
    (their bytes go with it) and one is free, while this process goes on making the next jobs:
    the browser draws and the workers lay out as the packs are built."""
    started = [_Worker() for _ in range(workers(count))]
    idle: queue.Queue[_Worker] = queue.Queue()
    for worker in started:
        idle.put(worker)

    def lay_out(html: str, drawings: Mapping[str, Drawing]) -> bytes:
        for drawing in drawings.values():  # drawn before a worker is taken
            _bytes(drawing)
        worker = idle.get()
        try:
            return worker.lay_out(html, drawings)
        finally:
            idle.put(worker)

    # a thread per job waits for its drawings and then for a worker, so no job waits for another's
    laid_out: list[Future[bytes]] = []
    with ThreadPoolExecutor(count, thread_name_prefix="seip-typeset") as waiting:
        try:
            laid_out += [waiting.submit(lay_out, html, drawings) for html, drawings in jobs]
            for pdf in laid_out:
                yield pdf.result()
        finally:  # done, or stopped by an error: no job waits for a worker that is going
            for job in laid_out:
                job.cancel()
            for worker in started:
                worker.stop()


def _bytes(drawing: Drawing) -> bytes:
    return drawing.result() if isinstance(drawing, Future) else drawing


# the worker's side: a job or an answer is its pickle's length, then the pickle
_LENGTH = struct.Struct(">Q")


def _send(stream: BinaryIO, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> object | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None  # the other side has gone
    return pickle.loads(stream.read(_LENGTH.unpack(head)[0]))


def _serve() -> None:
    """Lay out each (html, images) job read from stdin; write (pdf, None) or (None, the error)."""
    collector.collect_less_often()
    jobs, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    while (job := _receive(jobs)) is not None:
        html, drawings = job
        try:
            answer = (typeset(html, drawings), None)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the parent raises it where the PDF was asked for
            # (weasyprint's FatalURLFetchingError is a BaseException)
            answer = (None, exc)
        try:
            _send(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError):
            _send(answers, (None, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


if __name__ == "__main__":
    _serve()
