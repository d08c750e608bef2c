"""The synthetic flag cannot be spoofed (issue 9, item 9): `seip demo` imports only what it
generated and the reference files it knows by name and SHA-256; a partnership table planted in
data/reference/ (or a known name with other content) is left out with a warning, never stored
as synthetic data that would be served without sign-in."""

from __future__ import annotations

import hashlib
import shutil

from dashboard import auth, demo, settings, warehouse

# A "real" partnership table an attacker (or a mistaken copy) drops beside the DfE files.
PLANTED = "partnership_code,partnership_name,kind\r\nREAL1,Real Partnership,partnership\r\n"


def test_every_known_reference_file_is_shipped_with_its_hash():
    known, ignored = demo.reference_files(settings.REFERENCE_DIR)
    assert [p.name for p in known] == list(demo.REFERENCE_FILES) and ignored == []
    for path in known:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == demo.REFERENCE_FILES[path.name]


def test_a_planted_table_is_ignored_with_a_warning_and_never_stored(tmp_path, monkeypatch):
    refs = tmp_path / "reference"
    shutil.copytree(settings.REFERENCE_DIR, refs)
    (refs / "partnerships.csv").write_text(PLANTED, encoding="utf-8")
    # a known name whose content was swapped for a partnership table
    (refs / "lait_data_dictionary.csv").write_text(PLANTED, encoding="utf-8")
    (refs / "schools.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    monkeypatch.setattr(settings, "REFERENCE_DIR", refs)
    db = tmp_path / "seip.duckdb"

    result = demo.build_demo(db, tmp_path / "exports")

    ignored = [(p.severity, p.file, p.rule) for p in result.problems if p.rule == "demo_file_ignored"]
    assert ignored == [
        ("warning", "lait_data_dictionary.csv", "demo_file_ignored"),
        ("warning", "partnerships.csv", "demo_file_ignored"),
        ("warning", "schools.xlsx", "demo_file_ignored"),
    ]
    assert "content differs" in result.problems[0].message
    assert result.ok and result.changed, result.summary()
    con = warehouse.open_read_only(db)
    try:
        codes = {r[0] for r in con.execute("select partnership_code from partnerships").fetchall()}
    finally:
        con.close()
    assert "REAL1" not in codes and codes
    assert auth.is_synthetic(db)
