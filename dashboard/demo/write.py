"""The demo's files: one CSV per contract table, as a partnership's system would export it,
and a README.txt that says the data is synthetic; written only when their bytes change."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from datetime import date
from functools import cache
from pathlib import Path

from dashboard.demo.simulate import DATA_AS_AT, SEED, simulate
from dashboard.ingest.contract import LOAD_ORDER, TABLES

README_TEXT = """SYNTHETIC DEMO DATA - NOT REAL PUPILS, SCHOOLS OR PARTNERSHIPS.

Written by `seip demo` (dashboard/demo/, seed {seed!r}); the same bytes on every run.
Every school, URN (9xxxxx, far above any URN DfE has issued), pupil reference,
referral, placement, exclusion and payment here is invented. Only the county totals are
real: they are Leicestershire's published DfE figures for state-funded secondary schools,
2019/20 to 2024/25 (2024/25 exclusions estimated from England's change, as DfE has not yet
published them by LA). See docs/demo-data.md for every calibration target and assumption.
Data as at {as_at}.
"""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render() -> dict[str, bytes]:
    """Every demo file's name and bytes: one CSV per contract table, plus README.txt."""
    return dict(_rendered())


@cache
def _rendered() -> tuple[tuple[str, bytes], ...]:
    rows = simulate()
    files: dict[str, bytes] = {}
    for name in LOAD_ORDER:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        columns = TABLES[name].column_names
        writer.writerow(columns)
        for row in rows[name]:
            writer.writerow([_cell(row[c]) for c in columns])
        files[f"{name}.csv"] = buf.getvalue().encode("utf-8")
    files["README.txt"] = README_TEXT.format(seed=SEED, as_at=DATA_AS_AT.isoformat()).encode("utf-8")
    return tuple(files.items())


def _write_if_changed(path: Path, data: bytes) -> None:
    # Unchanged files are left alone (same mtime), and a changed one is swapped in whole,
    # so two processes writing the demo at once never leave a half-written file.
    if path.is_file() and path.read_bytes() == data:
        return
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_exports(folder: Path) -> list[Path]:
    """Write the synthetic export CSVs and README.txt into `folder`; return their paths.

    Deterministic: the same bytes on every run. The CSVs come first, in load order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in render().items():
        path = folder / name
        _write_if_changed(path, data)
        paths.append(path)
    return paths


def fingerprint(paths: list[Path]) -> str:
    """sha256 over the names and bytes of `paths`, in the order given."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode("utf-8") + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()
