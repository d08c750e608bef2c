"""Upload in the browser: the same checks as `seip validate` shown as a screener, then, as a
second explicit step and only when nothing failed, the same all-or-nothing import as
`seip import` (`ingest.importer.import_paths`: a new warehouse swapped in atomically, so other
sessions keep reading the old one until the swap and then see the new data).

Uploaded files are held in the session's memory; they touch the disk only inside a private
temporary folder (mode 0700) made for one check or one import and removed straight after.
Only a commissioner uploads. Every check and import is audited.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dashboard import audit
from dashboard.access import NotPermitted, Viewer
from dashboard.ingest.importer import ImportResult, check_paths, import_paths
from dashboard.ingest.problems import Problem
from dashboard.settings import ROOT

ALLOWED_SUFFIXES = (".csv", ".xlsx")
MAX_FILES = 20
MAX_FILE_MB = 50
MAX_TOTAL_MB = 200
RESULTS = ("PASS", "WARN", "FAIL")


class UploadRefused(ValueError):
    """Files that are not taken at all (type, size, number, name); the message says why."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the user's computer gave it, and its bytes."""

    name: str
    data: bytes


def may_upload(viewer: Viewer) -> bool:
    """Whether `viewer` may upload data: a commissioner only."""
    return viewer.role == "commissioner"


def accept(files: list[Upload]) -> list[Upload]:
    """The files, checked for number, type, size and name. Raises UploadRefused saying which and why."""
    if not files:
        raise UploadRefused("choose at least one file: the export's CSV files or its Excel workbook")
    if len(files) > MAX_FILES:
        raise UploadRefused(f"{len(files)} files: an export has at most {MAX_FILES} (one per table)")
    total = 0
    names = set()
    for f in files:
        name = Path(f.name.replace("\\", "/")).name
        if name != f.name or not re.fullmatch(r"[\w .()+-]{1,120}", name) or name.startswith("."):
            raise UploadRefused(f"{f.name[:80]!r}: a file name of letters, digits, spaces and . _ - ( ) + only")
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            raise UploadRefused(f"{name}: only .csv and .xlsx files are taken (save an .xls or .ods as .xlsx)")
        if len(f.data) > MAX_FILE_MB * 1024 * 1024:
            raise UploadRefused(f"{name}: {len(f.data) / 1024 / 1024:.0f} MB, over the {MAX_FILE_MB} MB a file may be")
        if name.lower() in names:
            raise UploadRefused(f"{name}: the same file name twice")
        names.add(name.lower())
        total += len(f.data)
    if total > MAX_TOTAL_MB * 1024 * 1024:
        raise UploadRefused(f"{total / 1024 / 1024:.0f} MB in all, over the {MAX_TOTAL_MB} MB an upload may be")
    return files


@contextlib.contextmanager
def staged(files: list[Upload]) -> Iterator[Path]:
    """A private temporary folder holding `files`, removed when the block ends (whatever happens)."""
    folder = Path(tempfile.mkdtemp(prefix="seip-upload-"))  # mkdtemp makes it 0700
    try:
        for f in files:
            fd = os.open(folder / f.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(f.data)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check(db_path: Path, viewer: Viewer, files: list[Upload], *, now: float | None = None) -> ImportResult:
    """Run every import check on `files` (as `seip validate`); change nothing but the audit log.

    Raises NotPermitted for a viewer who may not upload, UploadRefused for files not taken.
    """
    _allowed(viewer)
    accept(files)
    with staged(files) as folder:
        result = check_paths([folder], db_path)
    _audit(db_path, viewer, "upload_checked", files, result, now)
    return result


def import_files(db_path: Path, viewer: Viewer, files: list[Upload], *, now: float | None = None) -> ImportResult:
    """Import `files` all or nothing, through the same checks and atomic swap as `seip import`.

    The checks run again on the warehouse as it is at the swap, so an import refused here
    leaves it untouched. Raises NotPermitted, UploadRefused as `check` does.
    """
    _allowed(viewer)
    accept(files)
    with staged(files) as folder:
        result = import_paths([folder], db_path)
    _audit(db_path, viewer, "upload_imported" if result.changed else "upload_refused", files, result, now)
    return result


def screener(problems: list[Problem]) -> list[dict]:
    """Every import rule with its result (PASS, WARN or FAIL) and how many problems it found,
    in the order docs/import-rules.md explains them, then any rule the docs do not list."""
    found: dict[str, list[Problem]] = {}
    for p in problems:
        found.setdefault(p.rule, []).append(p)
    rows = []
    for rule, meaning in rule_meanings().items():
        hits = found.pop(rule, [])
        result = "FAIL" if any(p.severity == "error" for p in hits) else "WARN" if hits else "PASS"
        rows.append({"rule": rule, "result": result, "problems": len(hits), "what it checks": meaning})
    for rule, hits in found.items():
        result = "FAIL" if any(p.severity == "error" for p in hits) else "WARN"
        rows.append({"rule": rule, "result": result, "problems": len(hits), "what it checks": hits[0].message})
    return rows


def problem_rows(problems: list[Problem]) -> list[dict]:
    """Every problem as the screener lists it: file, row (as the user sees it), column, value, message."""
    return [
        {
            "result": "FAIL" if p.severity == "error" else "WARN",
            "file": p.file,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "rule": p.rule,
            "message": p.message,
        }
        for p in problems
    ]


@cache
def rule_meanings() -> dict[str, str]:
    """Each rule id and what it means, from the tables of docs/import-rules.md (a test keeps
    those tables to exactly the rules the import reports)."""
    text = (ROOT / "docs" / "import-rules.md").read_text(encoding="utf-8")
    section = text[text.index("## Errors and warnings") :]
    section = section[: section.index("\n## ", 5)]
    return {m.group(1): _plain(m.group(2)) for m in re.finditer(r"^\| `([a-z_]+)` \| (.*?) \|$", section, re.M)}


def _plain(markdown: str) -> str:
    return markdown.replace("`", "").replace("**", "")


def _allowed(viewer: Viewer) -> None:
    if not may_upload(viewer):
        raise NotPermitted("only a commissioner uploads data")


def _audit(
    db_path: Path, viewer: Viewer, action: str, files: list[Upload], result: ImportResult, now: float | None
) -> None:
    detail = (
        f"{', '.join(f.name for f in files)} ({sum(len(f.data) for f in files):,} bytes): "
        f"{len(result.errors)} error(s), {len(result.warnings)} warning(s)"
    )
    audit.write(
        db_path,
        user=viewer.name,
        role=viewer.role,
        scope=viewer.scope,
        action=action,
        detail=detail,
        now=time.time() if now is None else now,
    )
