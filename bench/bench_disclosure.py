"""Bench: the disclosure audit and the secondary suppression it chooses, on the demo warehouse.

For each academic year: gathering everything a governor sees (the gate's header rules), the
audit of every hidden count, `protect` (the secondary suppression the gate applies), and then a
governor's `access.metrics` and one chart query once the year's cells are known (the cached
path pages take). Results go to bench/README.md.

    .venv/bin/python bench/bench_disclosure.py --db /tmp/demo.duckdb [--year 2022/23]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path

from dashboard import access, disclosure_audit, warehouse
from dashboard.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--year", action="append", help="academic year (default: every year)")
    args = parser.parse_args()
    con = warehouse.open_read_only(args.db)
    settings = Settings(db_path=args.db)
    years = args.year or sorted(warehouse.run(con, "school_year_summary")["academic_year"].unique())
    print(f"load average {os.getloadavg()[0]:.1f}")
    for year in years:
        t0 = time.perf_counter()
        pub = disclosure_audit.gather(con, settings, year)
        t1 = time.perf_counter()
        exposed = disclosure_audit.audit(pub)
        t2 = time.perf_counter()
        hidden, sensitive = len(pub.secret()), len(pub.sensitive())
        print(f"{year}: exposed by route {disclosure_audit.exposed_by_route(pub)}")  # not timed
        t3 = time.perf_counter()
        added = disclosure_audit.protect(pub)
        protect_s = time.perf_counter() - t3
        print(
            f"{year}: {len(pub.values)} cells, {hidden} hidden by the rules, "
            f"{sensitive} to protect, {len(exposed)} exposed; {len(added)} more hidden, "
            f"{len(disclosure_audit.audit(pub))} exposed after | gather {t1 - t0:.1f} s, "
            f"audit {t2 - t1:.1f} s, protect {protect_s:.1f} s; extra hidden by measure "
            f"{dict(sorted(Counter(k[0] for k in added).items()))}"
        )
    governor = access.Viewer("bench", "governor")
    for label, call in (
        ("metrics, first call", lambda: access.metrics(con, governor, settings)),
        ("metrics, cached", lambda: access.metrics(con, governor, settings)),
        (
            "placements_by_provider_type, cached",
            lambda: access.fetch(
                con, governor, settings, "placements_by_provider_type", year=years[-1], partnership=None
            ),
        ),
    ):
        t = time.perf_counter()
        call()
        print(f"{label}: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
