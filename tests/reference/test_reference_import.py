"""`seip import` (the import engine) on the shipped DfE files: recognised by header, all or nothing."""

from __future__ import annotations

import duckdb
import pandas as pd
from reference_helpers import FIXTURE_2023_24, LA_CODES, LAIT, SHIPPED, write_csv

from dashboard import warehouse
from dashboard.cli import main
from dashboard.load import import_paths

REF_TABLES = (
    "ref_exclusions_geography",
    "ref_exclusions_national",
    "ref_lait",
    "ref_lait_dictionary",
    "ref_statistical_neighbours",
    "ref_la_codes",
)


def counts(db):
    con = warehouse.open_read_only(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in (*REF_TABLES, "fct_dfe_area_year")}
    finally:
        con.close()


def test_import_paths_loads_every_shipped_file(tmp_path):
    db = tmp_path / "w.duckdb"
    result = import_paths(list(SHIPPED), db)
    assert result.ok, [p.as_text() for p in result.problems]
    # rows stored: LAIT's 16 measures of 641,070 rows read, ten neighbours per LA and model, 158 LAs
    assert result.rows == {
        "exclusions_by_geography": 11000,
        "exclusions_national": 76,
        "lait": 25160,
        "lait_dictionary": 448,
        "statistical_neighbours": 3140,
        "la_codes": 158,
    }
    first = counts(db)
    assert (first["ref_exclusions_geography"], first["ref_lait"], first["ref_statistical_neighbours"]) == (
        11000,
        25160,
        3140,
    )
    assert first["fct_dfe_area_year"] > 0
    again = import_paths(list(SHIPPED), db)
    assert again.ok
    assert counts(db) == first


def test_a_bad_dfe_file_refuses_the_whole_import(tmp_path):
    db = tmp_path / "w.duckdb"
    assert import_paths(list(SHIPPED), db).ok
    before = counts(db)
    bad = write_csv(
        tmp_path / "lait_update.csv",
        "short_desc,data_item,years,area,value,la_number,region\n"
        "SecFSM,,2026,Leicestershire,eighteen,855,East Midlands\n",
    )
    result = import_paths([FIXTURE_2023_24, bad], db)
    assert not result.ok
    assert [(p.file, p.row, p.column, p.rule) for p in result.errors] == [
        ("lait_update.csv", 2, "value", "bad_dfe_value")
    ]
    assert counts(db) == before  # the good fixture was not stored either


def test_seip_import_command(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert main(["import", "--db", str(db), str(FIXTURE_2023_24)]) == 0
    assert "exclusions_by_geography 10" in capsys.readouterr().out
    assert counts(db)["ref_exclusions_geography"] == 10


def test_a_file_that_is_neither_a_partnership_table_nor_a_dfe_file_is_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    notes = write_csv(tmp_path / "notes.csv", "foo,bar\n1,2\n")
    other = tmp_path / "other.parquet"
    duckdb.connect().execute(f"copy (select 1 as a) to '{other}' (format parquet)")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    sheet = tmp_path / "minutes.xlsx"
    pd.DataFrame({"item": ["minutes"]}).to_excel(sheet, sheet_name="Notes", index=False)
    result = import_paths([notes, other, broken, sheet], db)
    assert not result.ok
    assert [(p.file, p.rule) for p in result.errors] == [
        ("notes.csv", "unrecognised_file"),
        ("other.parquet", "unrecognised_file"),
        ("broken.parquet", "bad_parquet"),
        ("minutes.xlsx", "unrecognised_file"),
    ]
    assert "not a recognised DfE file" in result.errors[0].message
    assert "LAIT" in result.errors[1].message
    assert not db.exists()


def test_seip_import_reads_the_national_files_by_content(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    renamed = tmp_path / "lait download.parquet"
    renamed.write_bytes(LAIT.read_bytes())
    assert main(["import", "--db", str(db), str(renamed), str(LA_CODES)]) == 0
    assert "lait 25,160" in capsys.readouterr().out
    assert counts(db)["ref_lait"] == 25160 and counts(db)["ref_la_codes"] == 158
    log = (
        warehouse.open_read_only(db)
        .execute("select rows_read, rows_stored from import_log where file_name = 'lait download.parquet'")
        .fetchall()
    )
    assert log == [(641070, 25160)]
