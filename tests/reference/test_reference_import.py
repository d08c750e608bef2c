"""`seip import` (the import engine) on the shipped DfE files: recognised by header, all or nothing."""

from __future__ import annotations

import duckdb
from reference_helpers import FIXTURE_2023_24, SHIPPED, write_csv

from dashboard.cli import main
from dashboard.ingest.importer import import_paths

REF_TABLES = ("ref_exclusions_geography", "ref_exclusions_national", "ref_lait", "ref_statistical_neighbours")


def counts(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (*REF_TABLES, "fct_dfe_area_year")}
    finally:
        con.close()


def test_import_paths_loads_every_shipped_file(tmp_path):
    db = tmp_path / "w.duckdb"
    result = import_paths(list(SHIPPED), db)
    assert result.ok, [p.as_text() for p in result.problems]
    assert result.rows == {"exclusions_by_geography": 1692, "exclusions_national": 76,
                           "lait": 3996, "statistical_neighbours": 20}
    first = counts(db)
    assert first["ref_exclusions_geography"] == 1692 and first["ref_lait"] == 3996
    assert first["fct_dfe_area_year"] > 0
    again = import_paths(list(SHIPPED), db)
    assert again.ok
    assert counts(db) == first


def test_a_bad_dfe_file_refuses_the_whole_import(tmp_path):
    db = tmp_path / "w.duckdb"
    assert import_paths(list(SHIPPED), db).ok
    before = counts(db)
    bad = write_csv(tmp_path / "lait_update.csv",
                    "short_desc,data_item,years,area,value,la_number,region\n"
                    "SecFSM,,2026,Leicestershire,eighteen,855,East Midlands\n")
    result = import_paths([FIXTURE_2023_24, bad], db)
    assert not result.ok
    assert [(p.file, p.row, p.column, p.rule) for p in result.errors] == [
        ("lait_update.csv", 2, "value", "bad_dfe_value")]
    assert counts(db) == before  # the good fixture was not stored either


def test_seip_import_command(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert main(["import", "--db", str(db), str(FIXTURE_2023_24)]) == 0
    assert "exclusions_by_geography 10" in capsys.readouterr().out
    assert counts(db)["ref_exclusions_geography"] == 10
