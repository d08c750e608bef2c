"""Python's garbage collector, run less often while a report is made.

Building a pack and laying it out make hundreds of thousands of short-lived objects (plotly's
figures, weasyprint's boxes, most of them in reference cycles). At Python's default threshold of
700 new objects the collector ran about 600 times for one PDF, and each full collection walks
the whole heap, about 200,000 objects once the dashboard is imported: 0.7-1.6 s of a 5-6 s PDF,
measured with `gc.callbacks`. After every COLLECT_AFTER new objects it runs about 40 times and
takes about 0.2 s; the memory it frees is the same (nothing is kept longer than one
collection's wait, at most COLLECT_AFTER objects).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

COLLECT_AFTER = 10_000

_lock = threading.Lock()
_inside = 0  # reports being made now, in any thread: the threshold is process-wide
_before: tuple[int, int, int] = gc.get_threshold()


def collect_less_often() -> None:
    """For a process that only makes reports (a layout worker): from now on."""
    gc.set_threshold(COLLECT_AFTER, *gc.get_threshold()[1:])


@contextmanager
def less_often() -> Iterator[None]:
    """The collector runs after every COLLECT_AFTER new objects while any report is being made in
    this process, and as it did before once none is."""
    global _inside, _before
    with _lock:
        if _inside == 0:
            _before = gc.get_threshold()
            collect_less_often()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                gc.set_threshold(*_before)
