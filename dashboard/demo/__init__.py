"""`seip demo`: synthetic partnership exports, calibrated to the real county, and their import.

Nothing here describes a real pupil or school. The county-level totals (pupils, FSM, SEN,
permanent exclusions, suspensions) are Leicestershire's published DfE figures
(`calibration`, read from data/calibration/), so charts sit where the real county sits beside
its DfE benchmarks; everything below county level is invented from a fixed seed (`simulate`)
and written as the CSV exports a partnership's system would produce (`write`).
docs/demo-data.md gives every target, its source file and row, and each assumption.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from dashboard import settings, warehouse
from dashboard.demo.write import fingerprint, write_exports
from dashboard.ingest.problems import Problem, warning
from dashboard.load import ImportResult, import_paths

FINGERPRINT_KEY = "demo_fingerprint"


class DemoAlreadyLoaded(ImportResult):
    """The warehouse already holds this exact demo: nothing was read or changed."""

    def summary(self) -> str:
        return (
            "The synthetic demo is already loaded in this warehouse (same demo files and "
            "reference data): nothing was changed."
        )


def loaded_fingerprint(db_path: Path) -> str | None:
    """The demo fingerprint recorded in the warehouse's meta table, if any."""
    if not Path(db_path).exists():
        return None
    con = warehouse.open_read_only(db_path)
    try:
        row = con.execute("select value from meta where key = ?", [FINGERPRINT_KEY]).fetchone()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()
    return row[0] if row else None


# The DfE files under data/reference/ that the demo imports, by name and SHA-256 (their
# provenance: data/reference/README.md). Nothing else there is imported: the demo's data is
# marked synthetic and may be served without sign-in, so a real partnership table dropped into
# data/reference/ must never ride along (issue 9, item 9). Change a file, change its hash here.
REFERENCE_FILES = {
    "exc_nat_region_la_2006-07_to_2022-23.csv": "aaf64d45cd286af508e845586509cc8abfcd3b0ddb383ce498fbcd86c131a45a",
    "exclusions_national_england_2006-07_to_2024-25.csv": (
        "957435d70f6d919e8e9e8f2d6ceb3d22dc04ee1a8ea6bec803f16c368f2c008a"
    ),
    "lait_bds_long.parquet": "8277a891ae7318be2d77019fd193f91c0f553ccd430890f04fd84fb4f849a4be",
    "lait_data_dictionary.csv": "6605c2d3354fdec659b20d1e5ce4669c084d0ba8cc29a9650519b7052a62a3b0",
    "sn_may_2025.xlsx": "8741494be7bbced69706589b7064b57d33737fc42ebbb3e778770f6bb78b1739",
    "sn_april_2021.xlsx": "e9594202bbf624f3328bd042ae0cf18d0df747d4320146449804dfe3133aa219",
    "la_code_list.xlsx": "514bbb15a0e3bca4c740258e5b1598aaa1a2b0bcad6dc00aeeccd4cce136ea30",
}

# Shipped beside them but not imported: the provenance README and the policy milestones that
# the Policy impact page reads (dashboard/components/policy.py).
NOT_IMPORTED = frozenset({"README.md", "policy_milestones.csv"})


def reference_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The known reference files in `folder` whose bytes match their hash, and a warning for
    every other file there (an unknown name, changed content, a link), which is not imported."""
    known, ignored = [], []
    for path in sorted(folder.iterdir()):
        if path.name in NOT_IMPORTED or path.name.startswith("."):
            continue
        expected = REFERENCE_FILES.get(path.name)
        if expected is not None and path.is_file() and not path.is_symlink() and _sha256(path) == expected:
            known.append(path)
            continue
        why = (
            "its content differs from the copy SEIP Insight ships"
            if expected is not None
            else "it is not one of the DfE reference files the demo knows"
        )
        ignored.append(
            warning(
                None,
                path.name,
                None,
                None,
                None,
                "demo_file_ignored",
                f"{why}, so the synthetic demo did not import it (the demo is served without "
                "sign-in); import real data with `seip import` instead",
            )
        )
    return sorted(known, key=lambda p: list(REFERENCE_FILES).index(p.name)), ignored


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def build_demo(db_path: Path, export_dir: Path = settings.DEMO_DIR) -> ImportResult:
    """Write the demo exports to `export_dir` and import them with the known DfE reference files.

    Skips the import, changing nothing, when the warehouse already holds this exact demo: the
    same generated files, reference files and staging/mart SQL (meta key `demo_fingerprint`).
    Any other file in the reference folder is left out with a `demo_file_ignored` warning.
    """
    generated = write_exports(export_dir)
    references, ignored = reference_files(settings.REFERENCE_DIR)
    paths = [p for p in generated if p.suffix == ".csv"] + references
    # The marts are materialised at import, so a changed model must not be skipped over.
    models = [p for layer in warehouse.BUILT_LAYERS for p in sorted((settings.QUERIES_DIR / layer).glob("*.sql"))]
    stamp = fingerprint(generated + references + models)
    if loaded_fingerprint(db_path) == stamp:
        return DemoAlreadyLoaded(problems=ignored, rows={}, files=[p.name for p in paths])
    result = import_paths(paths, db_path, synthetic=True, meta={FINGERPRINT_KEY: stamp})
    result.problems[:0] = ignored
    return result
