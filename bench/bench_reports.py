"""How long a report pack takes (issue 11): one partnership's PDF < 5 s with a warm kaleido server,
the PDFs of all six partnerships < 20 s, a workbook < 2 s.

Times what `seip report` does after its imports: read every metric through the gate, build the
pack (every chart and table, the Policy impact fits, the notes and commentary), draw the charts
with the one kaleido browser and lay out the tagged PDF, or write the workbook. The browser is
started and warmed (one chart drawn) before the clock starts; the charts drawn and the Policy
impact section are forgotten before each run, so no run reuses the work of the one before (within
the six-partnership run, what the packs share is done once, as in `seip report --all-partnerships`).

The machine is shared, so each time comes with the CPU it used: this process's
(`time.process_time`) and Chromium's (its processes' CPU, from /proc), and the load average.

    .venv/bin/python bench/bench_reports.py --db /tmp/demo.duckdb --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds used so far by this process's descendants still running (kaleido's Chromium)."""
    parents, used = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    me = os.getpid()

    def below(pid: int) -> bool:
        while pid not in (0, 1, me):
            pid = parents.get(pid, 0)
        return pid == me

    return sum(cpu for pid, cpu in used.items() if pid != me and below(pid))


def main() -> None:
    # here, not at the top: the workers that lay out PDFs load this file as `seip report`'s
    # would load its command, and that loads none of these
    import plotly.graph_objects as go

    from dashboard import access, warehouse
    from dashboard.reports import images, pack, run
    from dashboard.settings import Settings

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
    access.metrics(con, viewer, settings)  # the disclosure audit's cells, worked out once per warehouse

    started = time.perf_counter()
    images.start()
    images.images([go.Figure()])
    print(f"load average {os.getloadavg()[0]:.1f}; kaleido started and warm in {time.perf_counter() - started:.1f} s")

    def one(code: str, fmt: str) -> None:
        run.render(pack.build(con, viewer, settings, partnership=code, year=args.year, drawn=fmt == "pdf"), fmt)

    def forget() -> None:
        images.forget()
        pack.forget()

    timings: dict[str, list[tuple[float, float, float, float]]] = {
        "one PDF": [],
        f"all {len(codes)} PDFs": [],
        "one workbook": [],
    }

    def timed(name: str, work) -> None:
        forget()
        wall, cpu, chromium = time.perf_counter(), time.process_time(), children_cpu()
        work()
        timings[name].append(
            (
                time.perf_counter() - wall,
                time.process_time() - cpu,
                children_cpu() - chromium,
                os.getloadavg()[0],
            )
        )
        w, c, k, la = timings[name][-1]
        print(f"  {name}: {w:.2f} s wall, {c:.2f} s CPU + {k:.2f} s Chromium at load {la:.1f}", flush=True)

    for _ in range(args.runs):
        timed("one PDF", lambda: one(codes[0], "pdf"))

        def six() -> None:  # as `seip report --all-partnerships` does it
            shared = access.metrics(con, viewer, settings)
            kwargs = {"year": args.year, "frame": shared, "drawn": True}
            to_come = (pack.build(con, viewer, settings, partnership=c, **kwargs) for c in codes)
            for _ in run.rendered(to_come, "pdf", len(codes)):
                pass

        timed(f"all {len(codes)} PDFs", six)
        timed("one workbook", lambda: one(codes[0], "xlsx"))
    for name, runs in timings.items():
        walls = [r[0] for r in runs]
        print(
            f"{name:14s} wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}); "
            + "; ".join(f"{w:.2f} s wall, {c:.2f} s CPU + {k:.2f} s Chromium at load {la:.1f}" for w, c, k, la in runs)
        )


if __name__ == "__main__":
    main()
