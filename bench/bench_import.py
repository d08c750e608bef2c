"""Benchmark: import the full demo (all tables, six years) and the DfE reference files into a fresh warehouse.

Goal (issue 2): under 10 s on the project machine. Run:

    .venv/bin/python bench/bench_import.py [--repeat 3]

Prints one line per run (wall and CPU time: the machine is shared, so wall time varies with
load) and the best wall time; record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from dashboard.demo import write_exports
from dashboard.ingest.importer import check_paths, import_paths
from dashboard.settings import REFERENCE_DIR

GOAL_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exports = Path(tmp) / "exports"
        write_exports(exports)
        paths = [exports, REFERENCE_DIR]
        timings = []
        for run in range(args.repeat):
            db = Path(tmp) / f"run{run}" / "seip.duckdb"
            start, cpu = time.perf_counter(), time.process_time()
            result = import_paths(paths, db, synthetic=True)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            if not result.ok:
                print(result.summary())
                return 1
            timings.append(elapsed)
            print(f"import run {run + 1}: {elapsed:.2f} s wall, {cpu:.2f} s CPU ({sum(result.rows.values()):,} rows)")
        start = time.perf_counter()
        check_paths(paths, db)
        print(f"validate against the full warehouse: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        import_paths(paths, db, synthetic=True)
        print(f"re-import over the full warehouse: {time.perf_counter() - start:.2f} s")
    best = min(timings)
    print(f"best import: {best:.2f} s (goal < {GOAL_SECONDS:.0f} s): {'met' if best < GOAL_SECONDS else 'NOT met'}")
    return 0 if best < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
