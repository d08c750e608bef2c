"""How long each dashboard page's script run takes with warm caches (issue 4: < 0.5 s each).

Runs the real app (`dashboard/app.py`, through tests/app_runner.py) in Streamlit's AppTest on a
warehouse, opens each page,
runs it once to warm the caches, then times `--runs` more script runs and prints the median
and the minimum per page. AppTest runs the script in-process, as a server does, without the
browser's drawing time.

    .venv/bin/python bench/bench_pages.py --db /tmp/demo.duckdb --runs 9
    .venv/bin/python bench/bench_pages.py --db /tmp/demo.duckdb --pages placements funding
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

PAGES = ("overview", "policy_impact", "exclusions", "placements", "funding", "value_for_money", "benchmarks",
         "school", "data")
ROOT = Path(__file__).resolve().parents[1]
# The router run from outside dashboard/ (tests/app_runner.py): AppTest started on
# dashboard/app.py itself would run each page file without the router, its sign-in and banner,
# because Streamlit treats the pages/ folder beside it as an old-style multipage app.
APP = ROOT / "tests" / "app_runner.py"
PAGES_DIR = ROOT / "dashboard" / "pages"


def time_page(page: str, runs: int) -> list[float]:
    """Seconds taken by each of `runs` warm script runs of `pages/<page>.py`."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    at.switch_page(str(PAGES_DIR / f"{page}.py")).run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    at.run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a warehouse, e.g. one built by `seip demo`")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES)
    args = parser.parse_args()
    os.environ["SEIP_DB"] = str(Path(args.db).resolve())
    os.environ["SEIP_AUTH"] = "none"
    print(f"load average {os.getloadavg()[0]:.1f}")
    for page in args.pages:
        times = time_page(page, args.runs)
        print(f"{page:16s} median {statistics.median(times):.3f} s  min {min(times):.3f} s")


if __name__ == "__main__":
    main()
