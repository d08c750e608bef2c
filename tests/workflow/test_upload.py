"""Upload in the browser, its data layer: what is taken, the screener, the import through the
same atomic swap as `seip import`, who may do it, that the files are never left on disk."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from app_driver import open_page, words

from dashboard import audit, upload, warehouse
from dashboard.access import NotPermitted, Viewer
from dashboard.settings import SettingError, Settings
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


def test_a_bad_export_fails_the_screener_and_changes_nothing(small_copy, tmp_path, monkeypatch):
    # this test's own temporary folder: another test process's uploads come and go in the shared one
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
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


CHRIS = Viewer("chris", "chair", "NTH")
NTH_SCHOOLS = {"100001", "100002"}
NTH_REFERRALS = {"R01", "R02", "R05"}  # the referrals at North's two schools


def north_export() -> list[upload.Upload]:
    """The metrics_small export cut to North Partnership's rows (what its chair holds)."""
    keep = {
        "partnerships": lambda r: r["partnership_code"] == "NTH",
        "funding": lambda r: r["partnership_code"] == "NTH",
        "schools": lambda r: r["partnership_code"] == "NTH",
        "school_census": lambda r: r["urn"] in NTH_SCHOOLS,
        "referrals": lambda r: r["urn"] in NTH_SCHOOLS,
        "exclusions": lambda r: r["urn"] in NTH_SCHOOLS,
        "placements": lambda r: r["referral_id"] in NTH_REFERRALS,
    }
    return export(**{table: _rows_where(table, wanted) for table, wanted in keep.items()})


def _rows_where(table: str, wanted) -> str:
    lines = (METRICS_SMALL / f"{table}.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    return "\n".join([lines[0], *(line for line in lines[1:] if wanted(dict(zip(header, line.split(",")))))]) + "\n"


def not_own(result) -> list[tuple[str, int, str, str]]:
    return sorted(
        (p.file, p.row, p.column, p.value)
        for p in result.problems
        if p.rule == upload.NOT_OWN and p.severity == "error"
    )


def test_a_chair_may_not_upload_while_the_setting_is_off(small_copy):
    assert not upload.may_upload(CHRIS) and upload.may_upload(CHRIS, chairs_upload=True)
    with pytest.raises(NotPermitted, match="SEIP_CHAIRS_UPLOAD is off"):
        upload.check(small_copy, CHRIS, north_export())
    with pytest.raises(NotPermitted, match="SEIP_CHAIRS_UPLOAD is off"):
        upload.import_files(small_copy, CHRIS, north_export())
    assert audit.entries(small_copy).empty


@pytest.mark.parametrize("viewer", [Viewer("hana", "head", "100001"), Viewer("gwen", "governor", "NTH")])
def test_the_chairs_setting_lets_no_head_or_governor_upload(small_copy, viewer):
    assert not upload.may_upload(viewer, chairs_upload=True)
    with pytest.raises(NotPermitted):
        upload.check(small_copy, viewer, north_export(), chairs_upload=True)


def test_with_the_setting_a_chair_imports_their_own_partnerships_rows(small_copy):
    version = warehouse.version(small_copy)
    checked = upload.check(small_copy, CHRIS, north_export(), chairs_upload=True, now=1.0)
    assert checked.ok and not_own(checked) == []
    # by hand: North's 1 partnership, 2 schools, 6 census rows, 5 funding rows, 3 referrals,
    # 3 placements (PL01, PL03, PL07), 10 exclusions (X01, X06-X11, S01, S02, S04)
    assert checked.rows == {
        "partnerships": 1,
        "schools": 2,
        "school_census": 6,
        "funding": 5,
        "referrals": 3,
        "placements": 3,
        "exclusions": 10,
    }
    done = upload.import_files(small_copy, CHRIS, north_export(), chairs_upload=True, now=2.0)
    assert done.changed and warehouse.version(small_copy) != version
    log = audit.entries(small_copy)
    assert log["action"].tolist() == ["upload_imported", "upload_checked"] and set(log["user"]) == {"chris"}


def test_a_chair_uploading_other_partnerships_rows_is_refused_row_by_row(small_copy):
    before = sha(small_copy)
    result = upload.check(small_copy, CHRIS, export(), chairs_upload=True, now=1.0)
    assert not result.ok
    found = not_own(result)
    # by hand from tests/fixtures/metrics_small: every row of South (STH) and Oak (MAT1)
    assert [f for f in found if f[0] in {"partnerships.csv", "schools.csv", "placements.csv"}] == [
        ("partnerships.csv", 3, "partnership_code", "STH"),
        ("partnerships.csv", 4, "partnership_code", "MAT1"),
        ("placements.csv", 3, "referral_id", "R03"),
        ("placements.csv", 5, "referral_id", "R06"),
        ("placements.csv", 6, "referral_id", "R07"),
        ("placements.csv", 7, "referral_id", "R04"),
        ("schools.csv", 4, "partnership_code", "STH"),
        ("schools.csv", 5, "partnership_code", "MAT1"),
    ]
    by_file = {name: sum(1 for f in found if f[0] == name) for name in {f[0] for f in found}}
    assert by_file == {
        "partnerships.csv": 2,
        "schools.csv": 2,
        "placements.csv": 4,
        "school_census.csv": 6,
        "funding.csv": 7,
        "referrals.csv": 6,
        "exclusions.csv": 11,
    }
    message = next(p.message for p in result.problems if p.rule == upload.NOT_OWN)
    assert "belongs to partnership STH" in message and "as chair of NTH" in message
    screener = {r["rule"]: r for r in upload.screener(result.problems)}
    assert screener[upload.NOT_OWN]["result"] == "FAIL" and screener[upload.NOT_OWN]["problems"] == 38
    refused = upload.import_files(small_copy, CHRIS, export(), chairs_upload=True, now=2.0)
    assert not refused.changed and not_own(refused) == found and sha(small_copy) == before
    assert audit.entries(small_copy)["action"].tolist() == ["upload_refused", "upload_checked"]


def test_a_chair_may_not_move_another_partnerships_school_into_their_own(small_copy):
    moved = "urn,school_name,partnership_code,trust_name,district\n100003,South College,NTH,,Harborough\n"
    result = upload.check(small_copy, CHRIS, [upload.Upload("schools.csv", moved.encode())], chairs_upload=True)
    assert not_own(result) == [("schools.csv", 2, "urn", "100003")]
    assert "replaces a stored row of partnership STH" in result.problems[0].message


@pytest.mark.parametrize(("setting", "shown"), [("yes", True), ("no", False)])
def test_the_data_page_offers_a_chair_the_upload_only_with_the_setting(demo_copy, monkeypatch, setting, shown):
    monkeypatch.setenv("SEIP_CHAIRS_UPLOAD", setting)
    at = open_page(demo_copy, monkeypatch, "data", role="chair", view_as_chair_scope="NWL")
    assert not at.exception
    assert ("Bring in new data" in words(at)) is shown
    assert ("As chair of NWL you may upload your own partnership's tables only" in words(at)) is shown


@pytest.mark.parametrize(("value", "on"), [(None, False), ("", False), ("no", False), ("Yes", True), ("1", True)])
def test_the_chairs_upload_setting(monkeypatch, value, on):
    if value is None:
        monkeypatch.delenv("SEIP_CHAIRS_UPLOAD", raising=False)
    else:
        monkeypatch.setenv("SEIP_CHAIRS_UPLOAD", value)
    assert Settings.from_env("x.duckdb").chairs_upload is on


def test_a_chairs_upload_setting_that_is_not_yes_or_no_is_refused(monkeypatch):
    monkeypatch.setenv("SEIP_CHAIRS_UPLOAD", "sometimes")
    with pytest.raises(SettingError, match="SEIP_CHAIRS_UPLOAD='sometimes' must be yes or no"):
        Settings.from_env("x.duckdb")
