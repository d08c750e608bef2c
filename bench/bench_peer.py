"""Benchmark: the pandas-per-rerun peer, for the ratio issue 14 asks to record.

A dashboard without a warehouse reads every export with pandas on each rerun and works its
figures out there. This is that peer, written here because the issue's own is in neither this
repository nor ../shared: for one rerun it reads the seven CSV files of every authority under
the export folders given (as `seip import` takes them), parses dates and pound amounts, and
works out each partnership's figures per academic year that the Overview shows (pupils on roll,
FSM share, permanent exclusions and suspensions with their rates, referrals, pupils referred,
placements started and their cost, funding). Run:

    .venv/bin/python bench/bench_peer.py EXPORT_DIR [EXPORT_DIR ...] [--runs 3]

e.g. `bench/bench_peer.py /tmp/region150/la*` on `generate_region.py --authorities 150`. Prints
each rerun's seconds, their median, the machine's load and the rows it read; divide by the
dashboard's warm page medians (bench_pages.py) for the ratio, and record both in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import pandas as pd


def academic_year(dates: pd.Series) -> pd.Series:
    """'2019/20' for a date from 1 September 2019 to 31 August 2020."""
    start = dates.dt.year - (dates.dt.month < 9)
    return start.astype("string") + "/" + ((start + 1) % 100).astype("string").str.zfill(2)


def pounds(amounts: pd.Series) -> pd.Series:
    return pd.to_numeric(amounts.astype("string").str.replace(r"[£,]", "", regex=True))


def rerun(folders: list[Path]) -> tuple[pd.DataFrame, int]:
    """One rerun of the peer: every export read again, each partnership's figures by year."""
    read = {
        name: pd.concat([pd.read_csv(f / f"{name}.csv") for f in folders], ignore_index=True)
        for name in ("schools", "school_census", "exclusions", "referrals", "placements", "funding")
    }
    rows = sum(len(t) for t in read.values())
    schools = read["schools"][["Urn", "Partnership Code"]]
    census = read["school_census"].merge(schools, on="Urn")
    figures = census.groupby(["Partnership Code", "Academic Year"]).agg(
        pupils_on_roll=("Pupils On Roll", "sum"), fsm=("Fsm Eligible", "sum")
    )
    figures["fsm_pct"] = 100 * figures["fsm"] / figures["pupils_on_roll"]

    exclusions = read["exclusions"].merge(schools, on="Urn")
    exclusions["Academic Year"] = academic_year(pd.to_datetime(exclusions["Start Date"], dayfirst=True))
    counted = exclusions.pivot_table(
        index=["Partnership Code", "Academic Year"], columns="Type", values="Exclusion Id", aggfunc="count"
    )
    figures = figures.join(counted, how="left")
    for kind, rate in (("permanent", "pex_rate"), ("suspension", "suspension_rate")):
        figures[rate] = 100 * figures[kind] / figures["pupils_on_roll"]

    referrals = read["referrals"].merge(schools, on="Urn")
    referrals["Academic Year"] = academic_year(pd.to_datetime(referrals["Referral Date"], dayfirst=True))
    figures = figures.join(
        referrals.groupby(["Partnership Code", "Academic Year"]).agg(
            referrals=("Referral Id", "count"), referred_pupils=("Pupil Ref", "nunique")
        ),
        how="left",
    )

    placements = read["placements"].merge(
        referrals[["Referral Id", "Partnership Code"]], on="Referral Id", how="left"
    )
    placements["Academic Year"] = academic_year(pd.to_datetime(placements["Start Date"], dayfirst=True))
    placements["cost"] = pounds(placements["Cost Gbp"])
    figures = figures.join(
        placements.groupby(["Partnership Code", "Academic Year"]).agg(
            placements_started=("Placement Id", "count"), placement_cost_gbp=("cost", "sum")
        ),
        how="left",
    )

    funding = read["funding"].assign(amount=lambda t: pounds(t["Amount Gbp"]))
    figures = figures.join(
        funding.groupby(["Partnership Code", "Academic Year"]).agg(funding_gbp=("amount", "sum")), how="left"
    )
    return figures, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        figures, rows = rerun(args.folders)
        timings.append(time.perf_counter() - start)
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{len(args.folders)} export folders, {rows:,} rows read, {len(figures):,} partnership-years worked out")
    print("reruns (s): " + ", ".join(f"{t:.2f}" for t in timings))
    print(f"median {statistics.median(timings):.2f} s")


if __name__ == "__main__":
    main()
