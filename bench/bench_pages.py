"""How long each dashboard page's script run takes with warm caches (issue 4: < 0.5 s each).

Runs the real app (`dashboard/app.py`) in Streamlit's AppTest on a copy of a warehouse (the
demo or imported data) with sign-in on (SEIP_AUTH=local) and one account per role; signs in
through the form as each role asked for, opens each page and times its first visit (what it
alone reads and draws is not cached yet; what earlier pages cached stays, as on a server), then
times `--runs` more script runs and prints the median and the minimum per page. AppTest runs the
script in-process, as a server does, without the browser's drawing time (bench_browser.py
measures that).

    .venv/bin/python bench/bench_pages.py --db /tmp/demo.duckdb --runs 9
    .venv/bin/python bench/bench_pages.py --db /tmp/demo.duckdb --roles governor --pages placements funding
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

PAGES = (
    "overview",
    "policy_impact",
    "exclusions",
    "placements",
    "funding",
    "value_for_money",
    "benchmarks",
    "school",
    "data",
)
ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
PAGES_DIR = ROOT / "dashboard" / "views"
ROLES = ("commissioner", "chair", "head", "governor")
PASSWORD = "bench password 1"


def add_accounts(db: Path) -> None:
    """One account per role, named after it: the chair and the governor of the first
    partnership, the head of its first school."""
    from dashboard import auth

    options = auth.scope_choices(db)
    partnership = options.loc[options["scope_kind"] == "partnership", "scope_code"].iloc[0]
    school = options.loc[
        (options["scope_kind"] == "school") & (options["partnership_code"] == partnership), "scope_code"
    ].iloc[0]
    for role, scope in (("commissioner", None), ("chair", partnership), ("head", school), ("governor", partnership)):
        auth.add_user(db, role, role, scope, PASSWORD)


def time_page(page: str, role: str, runs: int) -> tuple[float, list[float], list[float]]:
    """Seconds taken by the first visit of `views/<page>.py`, signed in as `role` (its own queries
    and figures not yet cached; what earlier pages cached stays, as on a server), then by each of
    `runs` warm script runs: wall-clock and CPU (the CPU time holds steadier when other work shares
    the machine)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.text_input(key="signin_username").input(role)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button(key="FormSubmitter:sign_in-Sign in").click().run()
    if not any(f"Signed in as **{role}**" in m.value for m in at.markdown):
        raise RuntimeError(f"signing in as {role} failed")
    start = time.perf_counter()
    at.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    first = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    at.run()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return first, times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a warehouse, e.g. one built by `seip demo`")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    parser.add_argument("--roles", nargs="*", default=list(ROLES), choices=ROLES)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_pages_") as tmp:
        db = Path(tmp) / "seip.duckdb"
        shutil.copyfile(args.db, db)
        add_accounts(db)
        os.environ["SEIP_DB"] = str(db)
        os.environ["SEIP_AUTH"] = "local"
        print(f"load average {os.getloadavg()[0]:.1f}")
        if "governor" in args.roles:
            # adding the accounts made a new warehouse version: work out its disclosure audit
            # first, as `seip serve` does as it starts, and say how long that took
            from dashboard import access
            from dashboard.settings import Settings

            wall, cpu = time.perf_counter(), time.process_time()
            access.work_out_audit(Settings.from_env())
            print(
                f"disclosure audit of every year {time.perf_counter() - wall:.1f} s "
                f"(CPU {time.process_time() - cpu:.1f} s)"
            )
        for role in args.roles:
            for page in args.pages:
                first, times, cpu = time_page(page, role, args.runs)
                print(
                    f"{role:12s} {page:16s} first visit {first:.3f} s  warm median {statistics.median(times):.3f} s"
                    f"  min {min(times):.3f} s  CPU median {statistics.median(cpu):.3f} s"
                )


if __name__ == "__main__":
    main()
