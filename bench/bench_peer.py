"""Benchmark: the pandas-per-rerun peer, for the ratio issue 14 asks to record.

A dashboard without a warehouse reads every export with pandas on each rerun and works its
figures out there. This is that peer, written here because the issue's own is in neither this
repository nor ../shared: for one rerun it reads the six CSV files it needs of every authority
under the export folders given (as `seip import` takes them), normalises the headers as people
type them, parses UK and ISO dates and pound amounts, and
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


def dates(values: pd.Series) -> pd.Series:
    """UK dates (08/04/2020) and ISO dates (2020-04-08) alike."""
    text = values.astype("string")
    uk = text.str.contains("/", regex=False).fillna(False)
    iso = pd.to_datetime(text.where(~uk), format="%Y-%m-%d")
    return iso.fillna(pd.to_datetime(text.where(uk), format="%d/%m/%Y"))


def read(folder: Path, name: str) -> pd.DataFrame:
    """One export file, its headers as the contract names them (`Pupil Ref` is `pupil_ref`)."""
    table = pd.read_csv(folder / f"{name}.csv")
    table.columns = table.columns.str.strip().str.lower().str.replace(" ", "_")
    return table


TABLES = ("schools", "school_census", "exclusions", "referrals", "placements", "funding")


def rerun(folders: list[Path]) -> tuple[pd.DataFrame, int]:
    """One rerun of the peer: every export read again, each partnership's figures by year, and
    the rows it read."""
    tables = {name: pd.concat([read(f, name) for f in folders], ignore_index=True) for name in TABLES}
    rows = sum(len(t) for t in tables.values())
    by = ["partnership_code", "academic_year"]
    schools = tables["schools"][["urn", "partnership_code"]]
    census = tables["school_census"].merge(schools, on="urn")
    figures = census.groupby(by).agg(pupils_on_roll=("pupils_on_roll", "sum"), fsm=("fsm_eligible", "sum"))
    figures["fsm_pct"] = 100 * figures["fsm"] / figures["pupils_on_roll"]

    exclusions = tables["exclusions"].merge(schools, on="urn")
    exclusions["academic_year"] = academic_year(dates(exclusions["start_date"]))
    counted = exclusions.pivot_table(index=by, columns="type", values="exclusion_id", aggfunc="count")
    figures = figures.join(counted, how="left")

    referrals = tables["referrals"].merge(schools, on="urn")
    referrals["academic_year"] = academic_year(dates(referrals["referral_date"]))
    figures = figures.join(
        referrals.groupby(by).agg(referrals=("referral_id", "count"), referred_pupils=("pupil_ref", "nunique")),
        how="left",
    )

    placements = tables["placements"].merge(referrals[["referral_id", "partnership_code"]], on="referral_id")
    placements["academic_year"] = academic_year(dates(placements["start_date"]))
    placements["cost"] = pounds(placements["cost_gbp"])
    figures = figures.join(
        placements.groupby(by).agg(placements_started=("placement_id", "count"), placement_cost_gbp=("cost", "sum")),
        how="left",
    )

    funding = tables["funding"].assign(amount=lambda t: pounds(t["amount_gbp"]))
    figures = figures.join(funding.groupby(by).agg(funding_gbp=("amount", "sum")), how="left")
    counts = ["permanent", "suspension", "referrals", "referred_pupils", "placements_started", "placement_cost_gbp"]
    figures[counts] = figures[counts].fillna(0)
    for kind, rate in (("permanent", "pex_rate"), ("suspension", "suspension_rate")):
        figures[rate] = 100 * figures[kind] / figures["pupils_on_roll"]
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
