"""Benchmark: import the full demo, or a region of N county-sized authorities, into a fresh warehouse.

Goals: the full demo imports in under 10 s (issue 2); 150 authorities (about 7 M exclusions and
450 k referrals, from `bench/generate_region.py`) in under 60 s with a peak of under 2 GB, and
`seip metrics` over that warehouse in under 2 s (issue 14). Run:

    .venv/bin/python bench/bench_import.py [--repeat 3]
    .venv/bin/python bench/bench_import.py --authorities 1 10 150 [--regions /tmp/regions]

The demo mode times `import_paths` inside this process (Python start-up and imports not
counted). The region mode runs each import as its own `seip import` process and reports its
wall time, its CPU time (user + sys: the honest figure on a shared machine, where wall time
follows the load) and its peak resident memory, then times `seip metrics` on the warehouse it
made the same way. Every line carries the load average; record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate_region import write_region

from dashboard.demo import reference_files, write_exports
from dashboard.load import check_paths, import_paths
from dashboard.settings import REFERENCE_DIR

GOAL_SECONDS = 10.0
REGION_GOAL_SECONDS = 60.0
REGION_GOAL_MB = 2048
METRICS_GOAL_SECONDS = 2.0


def demo(repeat: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        exports = Path(tmp) / "exports"
        write_exports(exports)
        # the reference files the demo imports (not the Policy impact milestones beside them, which no import reads)
        paths = [exports, *reference_files(REFERENCE_DIR)[0]]
        timings = []
        for run in range(repeat):
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


def _seip() -> list[str]:
    seip = Path(sys.executable).with_name("seip")
    return [str(seip)] if seip.exists() else [sys.executable, "-m", "dashboard.cli"]


def measured(command: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """Run `command` as a child process: its wall seconds, its own CPU seconds (user + sys) and
    peak resident memory in MB (from wait4, so nothing that ran before it is counted)."""
    env = {**os.environ, "SEIP_AUTH": "none"}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = [], []
    # The pipes are drained by threads so that a chatty child never blocks on a full pipe.
    readers = [
        threading.Thread(target=lambda: out.append(process.stdout.read())),
        threading.Thread(target=lambda: err.append(process.stderr.read())),
    ]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(process.pid, 0)
    for r in readers:
        r.join()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(command, code, b"".join(out), b"".join(err))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, done


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def region(authorities: list[int], regions: Path, metrics_runs: int) -> int:
    met = True
    for n in authorities:
        folder = regions / f"region{n}"
        if not folder.exists():
            start = time.perf_counter()
            totals = write_region(folder, n)
            print(
                f"{n} authorities: wrote {', '.join(f'{t} {c:,}' for t, c in totals.items())} "
                f"in {time.perf_counter() - start:.0f} s"
            )
        paths = sorted(str(p) for p in folder.iterdir())
        with tempfile.TemporaryDirectory(dir=regions) as tmp:
            db = Path(tmp) / "seip.duckdb"
            before = _load()
            wall, cpu, rss, done = measured([*_seip(), "import", "--db", str(db), *paths])
            if done.returncode != 0:
                print(done.stdout.decode()[-2000:], done.stderr.decode()[-2000:])
                return 1
            print(
                f"{n} authorities: import {wall:.1f} s wall, {cpu:.1f} s CPU, peak {rss:,.0f} MB "
                f"(load {before} before, {_load()} after)"
            )
            if n == max(authorities):
                met = met and wall < REGION_GOAL_SECONDS and rss < REGION_GOAL_MB
            timings = []
            for _ in range(metrics_runs):
                before = _load()
                timings.append(measured([*_seip(), "metrics", "--db", str(db)])[:3])
            timings.sort()
            wall, cpu, rss = timings[len(timings) // 2]
            print(
                f"{n} authorities: seip metrics median of {metrics_runs}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"peak {rss:,.0f} MB (load {before} before, {_load()} after)"
            )
            if n == max(authorities):
                met = met and wall < METRICS_GOAL_SECONDS
    print("goals (import < 60 s and < 2 GB, seip metrics < 2 s at the largest region):", "met" if met else "NOT met")
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="demo mode: imports to time")
    parser.add_argument("--authorities", type=int, nargs="+", help="region mode: region sizes to import")
    parser.add_argument(
        "--regions", type=Path, default=Path(tempfile.gettempdir()) / "seip-regions", help="where regions are kept"
    )
    parser.add_argument("--metrics-runs", type=int, default=5)
    args = parser.parse_args()
    if args.authorities:
        args.regions.mkdir(parents=True, exist_ok=True)
        return region(args.authorities, args.regions, args.metrics_runs)
    return demo(args.repeat)


if __name__ == "__main__":
    raise SystemExit(main())
