"""The pandas-per-rerun peer of bench/bench_peer.py works out the same figures as the warehouse
from the same exports, so the ratio recorded in bench/README.md compares like with like."""

from __future__ import annotations

import sys

import pytest

from dashboard import metrics, warehouse
from dashboard.load import import_paths
from dashboard.settings import ROOT, Settings


@pytest.fixture
def bench_modules():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_peer
        from generate_region import write_authority

        yield bench_peer, write_authority
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_the_peer_works_out_the_warehouses_figures(bench_modules, tmp_path):
    bench_peer, write_authority = bench_modules
    # authority 3 writes UK dates and pound signs, authority 5 its headers as people type them
    folders = [tmp_path / "la003", tmp_path / "la005"]
    for folder in folders:
        write_authority(folder, int(folder.name[2:]))
    db = tmp_path / "seip.duckdb"
    assert import_paths(folders, db).ok
    con = warehouse.open_read_only(db)
    try:
        rows = metrics.compute_rows(con, Settings(db_path=db))
    finally:
        con.close()
    ours = {(r["area_code"], r["academic_year"], r["metric"]): r["value"] for r in rows}
    figures, read = bench_peer.rerun(folders)
    assert len(figures) == 2 * 6 * 6  # two authorities, six partnerships each, six years
    assert read == sum(sum(1 for _ in (f / f"{n}.csv").open()) - 1 for f in folders for n in bench_peer.TABLES)
    same = {
        "pupils_on_roll": "pupils_on_roll",
        "fsm_pct": "fsm_pct",
        "permanent_exclusions": "permanent",
        "pex_rate": "pex_rate",
        "suspensions": "suspension",
        "suspension_rate": "suspension_rate",
        "referrals": "referrals",
        "referred_pupils": "referred_pupils",
        "placements_started": "placements_started",
        "placement_cost_gbp": "placement_cost_gbp",
        "funding_gbp": "funding_gbp",
    }
    for (partnership, year), row in figures.iterrows():
        for metric, column in same.items():
            assert row[column] == pytest.approx(ours[(partnership, year, metric)]), (partnership, year, metric)
