"""Benchmark: `seip metrics` over the full demo warehouse, and one metric query for one partnership and year.

Goals (issue 3), on the project machine: the whole `seip metrics` process (start-up, imports,
every metric of every area and year, JSON out) under 2 s; one metric query
(`metrics_area_year` for one partnership and year) under 50 ms. Run:

    .venv/bin/python bench/bench_metrics.py [--runs 7] [--query-runs 50] [--db PATH]

Without --db it builds the demo warehouse in a temporary folder first (not timed). Prints the
median of the runs with the load average (the machine is shared), and exits 1 when a median
misses its goal; record the figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI_GOAL_SECONDS = 2.0
QUERY_GOAL_MS = 50.0


def time_cli(db: Path, runs: int, *extra: str) -> list[float]:
    """Wall-clock seconds of `seip metrics --db db` as a fresh process, `runs` times."""
    seip = Path(sys.executable).with_name("seip")
    command = [str(seip)] if seip.exists() else [sys.executable, "-m", "dashboard.cli"]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([*command, "metrics", "--db", str(db), *extra], capture_output=True, check=False)
        timings.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"seip metrics failed: {done.stderr.decode()}")
    return timings


def time_query(db: Path, runs: int) -> tuple[list[float], str, str, int]:
    """Milliseconds of one `metrics_area_year` run for the first partnership and the latest year."""
    from dashboard import warehouse
    from dashboard.settings import Settings

    settings = Settings.from_env(db)
    con = warehouse.open_read_only(db)
    try:
        partnership = warehouse.run_records(con, "partnership_codes")[0]["partnership_code"]
        year = max(
            r["academic_year"]
            for r in warehouse.run_records(
                con, "metrics_area_year", pupil_weight=settings.pupil_weight, year=None, partnership=partnership
            )
        )
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = warehouse.run_records(
                con, "metrics_area_year", pupil_weight=settings.pupil_weight, year=year, partnership=partnership
            )
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        con.close()
    return timings, partnership, year, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of the whole seip metrics process")
    parser.add_argument("--query-runs", type=int, default=50, help="runs of the one-partnership query")
    parser.add_argument("--db", type=Path, help="an existing warehouse (default: build the demo)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from dashboard.demo import build_demo

            db = Path(tmp) / "seip.duckdb"
            result = build_demo(db, Path(tmp) / "exports")
            if not result.ok:
                print(result.summary())
                return 1
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        cli = time_cli(db, args.runs)
        governor = time_cli(db, args.runs, "--role", "governor")
        query, partnership, year, rows = time_query(db, args.query_runs)
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    cli_median = statistics.median(cli)
    governor_median = statistics.median(governor)
    query_median = statistics.median(query)
    print(
        f"seip metrics (all areas and years), {args.runs} runs: median {cli_median:.2f} s "
        f"(min {min(cli):.2f}, max {max(cli):.2f}); goal < {CLI_GOAL_SECONDS:.0f} s"
    )
    print(
        f"seip metrics --role governor, {args.runs} runs: median {governor_median:.2f} s "
        f"(min {min(governor):.2f}, max {max(governor):.2f})"
    )
    print(
        f"metrics_area_year for {partnership} {year} ({rows} rows), {args.query_runs} runs: "
        f"median {query_median:.1f} ms (min {min(query):.1f}, max {max(query):.1f}); goal < {QUERY_GOAL_MS:.0f} ms"
    )
    return 0 if cli_median < CLI_GOAL_SECONDS and query_median < QUERY_GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
