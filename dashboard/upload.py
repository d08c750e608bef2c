"""Upload in the browser: the same checks as `seip validate` shown as a screener, then, as a
second explicit step and only when nothing failed, the same all-or-nothing import as
`seip import` (`load.import_paths`: a new warehouse swapped in atomically, so other
sessions keep reading the old one until the swap and then see the new data).

Uploaded files are held in the session's memory; they touch the disk only inside a private
temporary folder (mode 0700) made for one check or one import and removed straight after.
A commissioner uploads anything; with the setting SEIP_CHAIRS_UPLOAD a partnership chair
uploads their own partnership's tables: every row they send, and every stored row it would
replace, must be their partnership's, or the upload fails with one error per row
(`outside_own_partnership`) and nothing is imported. Every check and import is audited.
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

from dashboard import audit, warehouse
from dashboard.access import NotPermitted, Viewer
from dashboard.ingest import validate
from dashboard.ingest.problems import Problem, error
from dashboard.ingest.read import read_paths
from dashboard.ingest.validate import Row
from dashboard.load import ImportResult, check_paths, import_paths, known_keys
from dashboard.settings import ROOT

ALLOWED_SUFFIXES = (".csv", ".xlsx")
MAX_FILES = 20
MAX_FILE_MB = 50
MAX_TOTAL_MB = 200
RESULTS = ("PASS", "WARN", "FAIL")
NOT_OWN = "outside_own_partnership"


class UploadRefused(ValueError):
    """Files that are not taken at all (type, size, number, name); the message says why."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the user's computer gave it, and its bytes."""

    name: str
    data: bytes


def may_upload(viewer: Viewer, chairs_upload: bool = False) -> bool:
    """Whether `viewer` may upload data: a commissioner; a partnership chair too (their own
    partnership's tables) when `chairs_upload` (the setting SEIP_CHAIRS_UPLOAD) is on."""
    return viewer.role == "commissioner" or (viewer.role == "chair" and bool(viewer.scope) and chairs_upload)


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


def check(
    db_path: Path, viewer: Viewer, files: list[Upload], *, chairs_upload: bool = False, now: float | None = None
) -> ImportResult:
    """Run every import check on `files` (as `seip validate`), and for a chair the check that
    every row is their partnership's; change nothing but the audit log.

    Raises NotPermitted for a viewer who may not upload (`chairs_upload`: the setting
    SEIP_CHAIRS_UPLOAD), UploadRefused for files not taken.
    """
    _allowed(viewer, chairs_upload)
    accept(files)
    with staged(files) as folder:
        result = check_paths([folder], db_path)
        result.problems[:0] = outside_own_partnership(folder, db_path, viewer)
    _audit(db_path, viewer, "upload_checked", files, result, now)
    return result


def import_files(
    db_path: Path, viewer: Viewer, files: list[Upload], *, chairs_upload: bool = False, now: float | None = None
) -> ImportResult:
    """Import `files` all or nothing, through the same checks and atomic swap as `seip import`.

    The checks run again on the warehouse as it is at the swap, so an import refused here
    leaves it untouched; a chair's rows are checked to be their partnership's just before.
    Raises NotPermitted, UploadRefused as `check` does.
    """
    _allowed(viewer, chairs_upload)
    accept(files)
    with staged(files) as folder:
        not_own = outside_own_partnership(folder, db_path, viewer)
        if not_own:
            result = check_paths([folder], db_path)
            result.problems[:0] = not_own
            result.validate_only = False
        else:
            result = import_paths([folder], db_path)
    _audit(db_path, viewer, "upload_imported" if result.changed else "upload_refused", files, result, now)
    return result


def outside_own_partnership(folder: Path, db_path: Path, viewer: Viewer) -> list[Problem]:
    """For a partnership chair: one error per file or row in `folder` that is not their own
    partnership's (a DfE file; a row of another partnership's school, referral or funding; a
    row that would replace another partnership's stored row). Nothing for anyone else."""
    if viewer.role != "chair":
        return []
    export = read_paths([folder])
    con = warehouse.open_read_only(db_path)
    try:
        with validate.check(export, known_keys(con)) as checked:
            rows = {table: checked.records(table) for table in checked.rows}
        stored = {
            (kind, str(key)): owner
            for kind, key, owner in con.execute(
                """
                select 'school', urn, partnership_code from schools
                union all
                select 'referral', referral_id, schools.partnership_code
                from referrals inner join schools using (urn)
                union all
                select 'placement', placement_id, schools.partnership_code
                from placements inner join referrals using (referral_id) inner join schools using (urn)
                union all
                select 'exclusion', exclusion_id, schools.partnership_code
                from exclusions inner join schools using (urn)
                """
            ).fetchall()
        }
    finally:
        con.close()
    problems = [
        error(
            None,
            source.info.name,
            None,
            None,
            None,
            NOT_OWN,
            f"a partnership chair uploads only their own partnership's tables, not DfE files ({source.ref.kind})",
        )
        for source in export.refs
    ]
    # a school or referral belongs where this upload puts it, else where the warehouse has it
    # (the upload's own schools and referrals rows are checked too)
    owners = dict(stored)
    for r in rows.get("schools", []):
        if r.values["partnership_code"] is not None:
            owners[("school", str(r.values["urn"]))] = r.values["partnership_code"]

    def school_owner(urn: object) -> str | None:
        return owners.get(("school", str(urn)))

    for r in rows.get("referrals", []):
        if school_owner(r.values["urn"]) is not None:
            owners[("referral", str(r.values["referral_id"]))] = school_owner(r.values["urn"])

    def referral_owner(referral_id: object) -> str | None:
        return owners.get(("referral", str(referral_id)))

    # table -> (the column a row's partnership follows from, how), then the stored row its key would replace
    belongs = {
        "partnerships": ("partnership_code", lambda v: v),
        "funding": ("partnership_code", lambda v: v),
        "schools": ("partnership_code", lambda v: v),
        "school_census": ("urn", school_owner),
        "referrals": ("urn", school_owner),
        "exclusions": ("urn", school_owner),
        "placements": ("referral_id", referral_owner),
    }
    replaces = {
        "schools": ("urn", "school"),
        "referrals": ("referral_id", "referral"),
        "placements": ("placement_id", "placement"),
        "exclusions": ("exclusion_id", "exclusion"),
    }
    for table, table_rows in rows.items():
        column, owner_of = belongs[table]
        for row in table_rows:
            found = _not_own(row, column, owner_of(row.values[column]), viewer.scope)
            if found is None and table in replaces:
                key, kind = replaces[table]
                found = _not_own(row, key, stored.get((kind, str(row.values[key]))), viewer.scope, replacing=True)
            if found is not None:
                problems.append(found)
    return problems


def _not_own(row: Row, column: str, owner: str | None, scope: str, *, replacing: bool = False) -> Problem | None:
    """The error for a chair's row whose partnership (`owner`; None: unknown, reported by the
    import's own checks) is not `scope`; None when it is theirs."""
    if owner is None or owner == scope or row.values[column] is None:
        return None
    value = str(row.values[column])
    what = f"replaces a stored row of partnership {owner}" if replacing else f"belongs to partnership {owner}"
    return error(
        row.table,
        row.file,
        row.number,
        column,
        value,
        NOT_OWN,
        f"this row {what}: as chair of {scope} you upload only your own partnership's rows",
    )


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


def _allowed(viewer: Viewer, chairs_upload: bool) -> None:
    if may_upload(viewer, chairs_upload):
        return
    if viewer.role == "chair":
        raise NotPermitted("partnership chairs may not upload data here: the setting SEIP_CHAIRS_UPLOAD is off")
    raise NotPermitted("only a commissioner (or, where the setting allows, a partnership chair) uploads data")


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
