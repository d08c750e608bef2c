"""Helpers for the sign-in tests. A small synthetic warehouse: two partnerships, three schools,
a few pupils (all invented), built through the real `warehouse.rewrite`.

    partnership NTH: school 100001 Alpha Academy, school 100002 Beta School
    partnership STH: school 100003 Gamma College

    referrals   R1 P001 100001 2023-10-02 ap_placement      (2023/24)
                R2 P002 100002 2023-11-05 outreach          (2023/24)
                R3 P003 100003 2024-01-10 managed_move      (2023/24)
                R4 P004 100001 2024-09-16 in_school_support (2024/25)
    placements  PL1 R1 P001 Northfield AP  4500.00 reintegrated
                PL2 R2 P002 Beta Outreach  1200.00 ongoing
                PL3 R3 P003 Southgate MM      0.00 sustained_to_end_y11
    exclusions  E1 P001 100001 2023-10-01 suspension 1.5 days
                E2 P005 100003 2024-02-01 permanent
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from dashboard import store, warehouse

PASSWORD = "correct horse battery"

ROWS = {
    "partnerships": [
        ("NTH", "North Partnership", "partnership", None),
        ("STH", "South Partnership", "partnership", None),
    ],
    "schools": [
        (100001, "Alpha Academy", "NTH", None, None),
        (100002, "Beta School", "NTH", None, None),
        (100003, "Gamma College", "STH", None, None),
    ],
    "referrals": [
        (
            "R1",
            "P001",
            100001,
            "2023-10-02",
            9,
            "M",
            True,
            "K",
            False,
            "persistent_disruptive",
            "2023-10-09",
            "ap_placement",
        ),
        ("R2", "P002", 100002, "2023-11-05", 8, "F", False, "N", False, "verbal_adult", "2023-11-12", "outreach"),
        ("R3", "P003", 100003, "2024-01-10", 10, "X", True, "E", True, "physical_pupil", "2024-01-17", "managed_move"),
        ("R4", "P004", 100001, "2024-09-16", 7, "F", False, "N", False, "bullying", None, "in_school_support"),
    ],
    "placements": [
        (
            "PL1",
            "R1",
            "P001",
            "Northfield AP",
            "partnership_ap",
            "2023-10-16",
            "2024-02-09",
            5,
            4500.00,
            "reintegrated",
        ),
        ("PL2", "R2", "P002", "Beta Outreach", "outreach", "2023-11-20", None, 2, 1200.00, "ongoing"),
        (
            "PL3",
            "R3",
            "P003",
            "Southgate MM",
            "managed_move",
            "2024-01-22",
            "2024-07-19",
            None,
            0.00,
            "sustained_to_end_y11",
        ),
    ],
    "exclusions": [
        ("E1", "P001", 100001, "2023-10-01", "suspension", 1.5, "persistent_disruptive"),
        ("E2", "P005", 100003, "2024-02-01", "permanent", None, "physical_adult"),
    ],
}


def build_small(path: Path, *, synthetic: bool = True) -> Path:
    """Write the small warehouse above to `path` (meta `synthetic` as given)."""
    with warehouse.rewrite(path) as con:
        for table, rows in ROWS.items():
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"insert into {table} values ({marks})", rows)
        con.execute("insert or replace into meta values ('synthetic', ?)", ["true" if synthetic else "false"])
    return path


# One account per role, all with PASSWORD.
ACCOUNTS = (
    ("lena", "commissioner", None),
    ("chris", "chair", "NTH"),
    ("hana", "head", "100001"),
    ("gwen", "governor", "100001"),
)


def copy_warehouse(source: Path, target: Path) -> Path:
    """Copy a warehouse and its store (accounts, audit log) to `target`; return `target`."""
    shutil.copyfile(source, target)
    if store.store_path(source).exists():
        with sqlite3.connect(store.store_path(source)) as src, sqlite3.connect(store.store_path(target)) as dst:
            src.backup(dst)
    return Path(target)
