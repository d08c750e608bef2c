"""`build_demo` / `seip demo`: imports once, then recognises its own demo and changes nothing."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from dashboard import demo, settings, warehouse
from dashboard.cli import main
from dashboard.ingest.contract import LOAD_ORDER


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(path) -> dict[str, list[tuple]]:
    """Every contract table's rows, sorted, so two warehouses can be compared."""
    con = warehouse.open_read_only(path)
    try:
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in LOAD_ORDER}
    finally:
        con.close()


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "seip.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def test_the_demo_records_its_fingerprint(demo_db, tmp_path):
    generated = demo.write_exports(tmp_path)
    assert [p.name for p in generated] == [f"{t}.csv" for t in LOAD_ORDER] + ["README.txt"]
    references = [settings.REFERENCE_DIR / name for name in demo.REFERENCE_FILES]
    # the national DfE files shipped are part of the demo
    assert all(p.is_file() for p in references)
    assert {
        "exc_nat_region_la_2006-07_to_2022-23.csv",
        "lait_bds_long.parquet",
        "lait_data_dictionary.csv",
        "sn_may_2025.xlsx",
        "sn_april_2021.xlsx",
        "la_code_list.xlsx",
    } <= set(demo.REFERENCE_FILES)
    models = [
        p
        for layer in ("staging", "intermediate", "marts")
        for p in sorted((settings.QUERIES_DIR / layer).glob("*.sql"))
    ]
    assert demo.loaded_fingerprint(demo_db) == demo.fingerprint(generated + references + models)


def test_a_second_run_skips_and_changes_nothing(demo_copy, tmp_path):
    before = sha256(demo_copy)
    result = demo.build_demo(demo_copy, tmp_path / "exports")
    assert isinstance(result, demo.DemoAlreadyLoaded)
    assert result.ok and not result.changed
    assert "already loaded" in result.summary()
    assert sha256(demo_copy) == before


def test_importing_the_same_demo_again_leaves_every_table_as_it_was(demo_db, demo_copy, tmp_path):
    with warehouse.rewrite(demo_copy) as con:
        con.execute("delete from meta where key = ?", [demo.FINGERPRINT_KEY])
    result = demo.build_demo(demo_copy, tmp_path / "exports")
    assert result.ok and result.changed, result.summary()
    assert not isinstance(result, demo.DemoAlreadyLoaded)
    assert contents(demo_copy) == contents(demo_db)
    assert demo.loaded_fingerprint(demo_copy) == demo.loaded_fingerprint(demo_db)


def test_a_refused_import_changes_nothing_and_records_no_fingerprint(tmp_path, monkeypatch):
    refs = tmp_path / "reference"
    refs.mkdir()
    (refs / "notes.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    monkeypatch.setattr(settings, "REFERENCE_DIR", refs)
    monkeypatch.setattr(demo, "REFERENCE_FILES", {"notes.csv": hashlib.sha256(b"foo,bar\n1,2\n").hexdigest()})
    db = tmp_path / "seip.duckdb"
    result = demo.build_demo(db, tmp_path / "exports")
    assert not result.ok
    assert [p.rule for p in result.errors] == ["unrecognised_file"]
    assert not db.exists()
    assert demo.loaded_fingerprint(db) is None


def test_a_warehouse_without_a_meta_table_has_no_fingerprint(tmp_path):
    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).close()
    assert demo.loaded_fingerprint(path) is None


def test_seip_demo_on_a_loaded_warehouse_says_so(demo_copy, capsys):
    assert main(["demo", "--db", str(demo_copy)]) == 0
    assert "already loaded" in capsys.readouterr().out
