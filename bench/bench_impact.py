"""How long `seip impact` takes with placebo fits for every donor (issue 10: < 10 s for ~140 donors).

Times the whole command as a user runs it (a new process: imports, opening the warehouse, the
panel query, the fit and ~140 placebo fits, the JSON), then the estimate alone in-process,
and prints the median and minimum of each.

    .venv/bin/python bench/bench_impact.py --db /tmp/demo.duckdb --runs 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a warehouse with DfE's national files, e.g. from `seip demo`")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = str(Path(args.db).resolve())
    print(f"load average {os.getloadavg()[0]:.1f}")

    # wall time, and the CPU time the command used (on a shared machine the wall time mostly
    # measures the queue for the cores; on a quiet one the two are close)
    command, cpu = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "impact", "--db", db],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        command.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)

    from dashboard import impact, warehouse
    from dashboard.settings import Settings

    settings = Settings.from_env(db)
    con = warehouse.open_read_only(Path(db))
    try:
        panel = impact.read_panel(con, settings, "pex_rate")
    finally:
        con.close()
    fits = []
    for _ in range(args.runs):
        start = time.perf_counter()
        result = impact.estimate(panel, settings.la_code, "pex_rate", settings.policy_start)
        fits.append(time.perf_counter() - start)
    donors = result.synthetic_control["donors"]
    print(
        f"seip impact (whole command)   median {statistics.median(command):.2f} s  min {min(command):.2f} s"
        f"  (CPU {statistics.median(cpu):.2f} s)"
    )
    print(
        f"estimate, {donors} placebo fits  median {statistics.median(fits):.2f} s  min {min(fits):.2f} s"
        f"  ({1000 * min(fits) / (donors + 1):.1f} ms a fit)"
    )


if __name__ == "__main__":
    main()
