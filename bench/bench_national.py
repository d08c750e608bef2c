"""Benchmark: what loading the national DfE files adds to `seip demo`.

Goal (issue 10): under 3 s. The demo's import is timed with the generated exports alone and
with the exports plus the DfE reference files the demo loads (`demo.reference_files`: the
geography CSV, LAIT's parquet file, its dictionary, the two neighbour workbooks, the LA code
list, the national file), each into a fresh warehouse, alternately; the difference of the
medians is what the national files add (reading them, storing them, and building the DfE
marts). Each file's read alone is timed too. Run:

    .venv/bin/python bench/bench_national.py [--repeat 5]

Record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from dashboard import demo
from dashboard.ingest import read
from dashboard.load import import_paths
from dashboard.settings import REFERENCE_DIR

GOAL_SECONDS = 3.0


def _timed_import(paths: list[Path], db: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one import (CPU counts DuckDB's threads too, and varies less with load)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = import_paths(paths, db, synthetic=True)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if not result.ok:
        raise SystemExit(result.summary())
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    references, _ = demo.reference_files(REFERENCE_DIR)
    print(f"load average {os.getloadavg()[0]:.1f}; reference files: {', '.join(p.name for p in references)}")
    for path in references:
        start = time.perf_counter()
        read.read_paths([path])
        print(f"  read {path.name}: {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        exports = [p for p in demo.write_exports(Path(tmp) / "exports") if p.suffix == ".csv"]
        without, with_national = [], []
        for run in range(args.repeat):
            without.append(_timed_import(exports, Path(tmp) / f"a{run}" / "seip.duckdb"))
            with_national.append(_timed_import(exports + references, Path(tmp) / f"b{run}" / "seip.duckdb"))
            print(
                f"run {run + 1}: exports alone {without[-1][0]:.2f} s ({without[-1][1]:.2f} s CPU), "
                f"with the DfE files {with_national[-1][0]:.2f} s ({with_national[-1][1]:.2f} s CPU)"
            )
    wall = [statistics.median(t[0] for t in runs) for runs in (without, with_national)]
    cpu = [statistics.median(t[1] for t in runs) for runs in (without, with_national)]
    added = wall[1] - wall[0]
    print(
        f"median: exports alone {wall[0]:.2f} s ({cpu[0]:.2f} s CPU), with the DfE files {wall[1]:.2f} s "
        f"({cpu[1]:.2f} s CPU); added {added:.2f} s wall, {cpu[1] - cpu[0]:.2f} s CPU "
        f"(goal < {GOAL_SECONDS:.0f} s): {'met' if added < GOAL_SECONDS else 'NOT met'}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return 0 if added < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
