"""Faults while serving: `seip import` killed with SIGKILL at random moments, with sessions reading.

Each of `--runs` rounds puts the demo warehouse back (atomically, as an import swaps), starts
`seip import` of the demo export with one partnership renamed, and sends SIGKILL after a random
delay between 0 and 1.3 times the time a whole import takes (so some imports finish and swap
in); every fourth is killed the moment its new file has swapped in (the warehouse's inode
changes), so that moment is tried whatever the load. Afterwards the warehouse must open and hold
exactly the old data or exactly the new data (every table's rows compared by hash; the import
log and meta are left out, as a finished import writes them). Meanwhile `--readers` processes
run the Overview and Exclusion avoidance pages in Streamlit's AppTest over and over, as sessions
do, and count every exception or error shown.

    .venv/bin/python bench/bench_faults.py --runs 20 --readers 2 --seed 14

Exits 1 when a warehouse is broken or changed half-way, or a reader saw an error.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard import warehouse

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
PAGES = ("overview", "exclusions")
LEFT_OUT = {"import_log", "meta"}
USER, PASSWORD = "reader", "reader password 1"


def snapshot(db: Path) -> dict[str, tuple]:
    """Every table's row count and a hash of its rows (order does not matter)."""
    con = warehouse.open_read_only(db)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
        ]
        return {
            t: con.execute(f'select count(*), sum(hash(t)) from "{t}" t').fetchone()
            for t in sorted(tables)
            if t not in LEFT_OUT
        }
    finally:
        con.close()


def put_back(pristine: Path, db: Path) -> None:
    """Replace `db` with a copy of `pristine` the way an import does (copy beside it, then os.replace)."""
    tmp = db.with_name(db.name + ".restore")
    shutil.copyfile(pristine, tmp)
    os.replace(tmp, db)


def renamed_export(folder: Path) -> Path:
    """The demo export with the first partnership's name changed: the data a finished import brings."""
    from dashboard.demo import write_exports

    write_exports(folder)
    path = folder / "partnerships.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    name = rows[0].index("partnership_name")
    rows[1][name] += " (renamed)"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return folder


def reader(db: Path, stop_file: Path) -> None:
    """Run the pages in AppTest until `stop_file` appears; print runs and errors seen."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.disable(logging.WARNING)
    os.environ.update(SEIP_DB=str(db), SEIP_AUTH="local")
    runs = errors = 0
    seen: list[str] = []
    while not stop_file.exists():
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        at.text_input(key="signin_username").input(USER)
        at.text_input(key="signin_password").input(PASSWORD)
        at.button(key="FormSubmitter:sign_in-Sign in").click().run()
        for page in PAGES:
            at.switch_page(str(ROOT / "dashboard" / "views" / f"{page}.py")).run()
            runs += 1
            problems = [str(e.value)[:200] for e in at.exception] + [e.value[:200] for e in at.error]
            if problems:
                errors += 1
                seen.append(f"{page}: {problems[0]}")
    print(f"{runs} {errors}")
    for s in seen[:5]:
        print(s)


def seip_import(db: Path, export: Path) -> subprocess.Popen:
    seip = Path(sys.executable).with_name("seip")
    return subprocess.Popen(
        [str(seip), "import", "--db", str(db), str(export)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill_after_swap(proc: subprocess.Popen, db: Path, before: int) -> float | None:
    """SIGKILL `proc` as soon as `db` is another file than inode `before` (the import's swap);
    how long that took, or None when the import ended first."""
    start = time.perf_counter()
    while proc.poll() is None:
        try:
            swapped = db.stat().st_ino != before
        except FileNotFoundError:
            swapped = False
        if swapped:
            proc.send_signal(signal.SIGKILL)
            return time.perf_counter() - start
        time.sleep(0.002)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--reader", nargs=2, metavar=("DB", "STOP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        reader(Path(args.reader[0]), Path(args.reader[1]))
        return 0

    from dashboard import auth
    from dashboard.demo import build_demo

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench_faults_") as tmp:
        tmp = Path(tmp)
        pristine = tmp / "pristine.duckdb"
        assert build_demo(pristine, tmp / "demo_export").ok
        auth.add_user(pristine, USER, "commissioner", None, PASSWORD)
        export = renamed_export(tmp / "renamed_export")
        db = tmp / "live" / "seip.duckdb"
        db.parent.mkdir()
        put_back(pristine, db)
        old = snapshot(db)

        start = time.perf_counter()
        assert seip_import(db, export).wait() == 0, "the import itself fails"
        whole = time.perf_counter() - start
        new = snapshot(db)
        assert new != old, "the renamed export changed nothing"
        put_back(pristine, db)
        print(f"load average {os.getloadavg()[0]:.1f}; a whole import takes {whole:.1f} s")

        stop = tmp / "stop"
        readers = [
            subprocess.Popen(
                [sys.executable, __file__, "--reader", str(db), str(stop)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(args.readers)
        ]
        outcomes = {"old": 0, "new": 0, "broken": 0}
        for i in range(args.runs):
            delay = rng.uniform(0, 1.3 * whole)
            before = db.stat().st_ino
            proc = seip_import(db, export)
            if i % 4 == 3:
                # every fourth run is killed the moment the new file has swapped in, whatever the load
                delay = kill_after_swap(proc, db, before)
            else:
                try:
                    proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
            proc.wait()
            try:
                now = snapshot(db)
                state = "old" if now == old else "new" if now == new else "broken"
            except Exception as exc:  # the warehouse does not open: the worst outcome
                state = "broken"
                print(f"run {i}: {type(exc).__name__}: {exc}")
            outcomes[state] += 1
            killed = "finished" if proc.returncode == 0 else f"killed after {delay:.1f} s"
            if i % 4 == 3 and proc.returncode != 0:
                killed = f"killed at the swap ({delay:.1f} s)"
            print(f"run {i + 1:2d}: {killed:22s} -> {state}")
            put_back(pristine, db)
        stop.touch()
        reads = errors = 0
        for r in readers:
            out, _ = r.communicate(timeout=600)
            lines = out.strip().splitlines()
            n, e = map(int, lines[0].split())
            reads, errors = reads + n, errors + e
            for line in lines[1:]:
                print("  reader saw:", line)
        print(
            f"warehouses: {outcomes['old']} old, {outcomes['new']} new (the import had swapped in), "
            f"{outcomes['broken']} broken; reader page runs: {reads}, with an error: {errors}; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        return 0 if outcomes["broken"] == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
