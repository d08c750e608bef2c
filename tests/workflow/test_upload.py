"""Upload in the browser, its data layer: what is taken, the screener, the import through the
same atomic swap as `seip import`, who may do it, that the files are never left on disk."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest

from dashboard import audit, upload, warehouse
from dashboard.access import NotPermitted, Viewer
from tests.conftest import METRICS_SMALL

LENA = Viewer("lena", "commissioner")


def export(**changed: str) -> list[upload.Upload]:
    """The metrics_small export's CSVs as uploads; `changed` replaces a file's text."""
    return [
        upload.Upload(p.name, changed.get(p.stem, p.read_text(encoding="utf-8")).encode())
        for p in sorted(METRICS_SMALL.glob("*.csv"))
    ]


def bad_export() -> list[upload.Upload]:
    """Referral R01's date written month first (13/31/2022 does not exist) and an unknown outcome."""
    text = (METRICS_SMALL / "referrals.csv").read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    header = text[0].split(",")
    cells[header.index("referral_date")] = "10/31/2022"
    text[1] = ",".join(cells)
    return export(referrals="\n".join(text) + "\n")


def leftovers() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).glob("seip-upload-*"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bad_export_fails_the_screener_and_changes_nothing(small_copy):
    before, version = sha(small_copy), warehouse.version(small_copy)
    kept = leftovers()
    result = upload.check(small_copy, LENA, bad_export(), now=1.0)
    assert not result.ok
    problems = upload.problem_rows(result.problems)
    assert {
        "result": "FAIL",
        "file": "referrals.csv",
        "row": 2,
        "column": "referral_date",
        "value": "10/31/2022",
        "rule": "impossible_date",
    }.items() <= problems[0].items()
    screener = {r["rule"]: r for r in upload.screener(result.problems)}
    assert screener["impossible_date"]["result"] == "FAIL" and screener["impossible_date"]["problems"] == 1
    assert screener["bad_year"]["result"] == "PASS" and screener["bad_year"]["problems"] == 0
    assert screener["costly_placement"]["result"] == "PASS"
    assert set(screener) >= set(upload.rule_meanings()) and len(upload.rule_meanings()) > 40
    refused = upload.import_files(small_copy, LENA, bad_export(), now=2.0)
    assert not refused.changed
    assert sha(small_copy) == before and warehouse.version(small_copy) == version
    assert leftovers() == kept  # the private folders are gone
    assert audit.entries(small_copy)["action"].tolist() == ["upload_refused", "upload_checked"]


def test_a_good_export_imports_through_the_atomic_swap(small_copy):
    version = warehouse.version(small_copy)
    checked = upload.check(small_copy, LENA, export(), now=1.0)
    assert checked.ok and not checked.changed
    assert all(r["result"] == "PASS" for r in upload.screener(checked.problems))
    done = upload.import_files(small_copy, LENA, export(), now=2.0)
    assert done.changed and warehouse.version(small_copy) != version
    log = audit.entries(small_copy)
    assert log["action"].tolist() == ["upload_imported", "upload_checked"]
    assert "partnerships.csv" in log["detail"].iloc[0]


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([], "choose at least one file"),
        ([upload.Upload("referrals.xls", b"x")], "only .csv and .xlsx"),
        ([upload.Upload("../../etc/passwd.csv", b"x")], "a file name of letters"),
        ([upload.Upload(".hidden.csv", b"x")], "a file name of letters"),
        ([upload.Upload("a.csv", b"x"), upload.Upload("A.csv", b"y")], "the same file name twice"),
        ([upload.Upload(f"t{i}.csv", b"x") for i in range(21)], "at most 20"),
        ([upload.Upload("big.csv", b"x" * (upload.MAX_FILE_MB * 1024 * 1024 + 1))], "over the 50 MB"),
    ],
)
def test_files_not_taken_say_why(small_copy, files, says):
    with pytest.raises(upload.UploadRefused, match=says):
        upload.check(small_copy, LENA, files)
    assert audit.entries(small_copy).empty


@pytest.mark.parametrize(
    "viewer", [Viewer("chris", "chair", "NTH"), Viewer("hana", "head", "100001"), Viewer("gwen", "governor", "NTH")]
)
def test_only_a_commissioner_uploads(small_copy, viewer):
    with pytest.raises(NotPermitted):
        upload.check(small_copy, viewer, export())
    with pytest.raises(NotPermitted):
        upload.import_files(small_copy, viewer, export())
