"""How long a report pack takes (issue 11): one partnership's PDF < 5 s with a warm kaleido
server, the PDFs of all six partnerships < 20 s, a workbook < 2 s.

Times what `seip report` does after its imports: read every metric through the gate, build the
pack (every chart and table), draw the charts with the one kaleido server and lay out the
tagged PDF, or write the workbook. The kaleido server is started and warmed (one chart drawn)
before the clock starts; the charts drawn are forgotten before each run, so no run reuses the
images of the one before (within the six-partnership run, charts the packs share are drawn once,
as in `seip report --all-partnerships`).

    .venv/bin/python bench/bench_reports.py --db /tmp/demo.duckdb --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard import access, warehouse
from dashboard.reports import images, pack, run
from dashboard.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a warehouse, e.g. one built by `seip demo`")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", default="2023/24")
    parser.add_argument("--role", default="governor", choices=access.ROLES)
    args = parser.parse_args()
    settings = Settings.from_env(Path(args.db))
    con = warehouse.open_read_only(settings.db_path)
    frame = access.metrics(con, access.Viewer("bench", "commissioner"), settings)
    codes = list(pack.partnerships(frame))
    scope = {"commissioner": None, "head": None}.get(args.role, codes[0])
    if args.role == "head":
        scope = str(access.scope_options(con).query("scope_kind == 'school'")["scope_code"].iloc[0])
    viewer = access.Viewer("bench", args.role, scope)

    started = time.perf_counter()
    images.start()
    images.pngs([go.Figure()])
    print(f"load average {os.getloadavg()[0]:.1f}; kaleido started and warm in {time.perf_counter() - started:.1f} s")

    def one(code: str, fmt: str, shared: pd.DataFrame | None = None) -> None:
        built = pack.build(con, viewer, settings, partnership=code, year=args.year, frame=shared)
        run.render(built, fmt)

    timings: dict[str, list[float]] = {"one PDF": [], f"all {len(codes)} PDFs": [], "one workbook": []}
    for _ in range(args.runs):
        images.forget()
        start = time.perf_counter()
        one(codes[0], "pdf")
        timings["one PDF"].append(time.perf_counter() - start)

        images.forget()
        start = time.perf_counter()
        shared = access.metrics(con, viewer, settings)
        for code in codes:
            one(code, "pdf", shared)
        timings[f"all {len(codes)} PDFs"].append(time.perf_counter() - start)

        start = time.perf_counter()
        one(codes[0], "xlsx")
        timings["one workbook"].append(time.perf_counter() - start)
    for name, times in timings.items():
        print(
            f"{name:14s} median {statistics.median(times):.2f} s  min {min(times):.2f} s  "
            f"({', '.join(f'{t:.2f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
