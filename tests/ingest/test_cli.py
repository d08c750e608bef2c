"""`seip import` and `seip validate` as a user runs them: real processes, output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import sha, table_rows, write_csv, write_export

SEIP = str(Path(sys.executable).with_name("seip"))


def seip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([SEIP, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def bad_placements(tmp_path) -> Path:
    rows = table_rows("placements")
    rows[1][rows[0].index("end_date")] = "03/02/2023"
    return write_csv(tmp_path / "bad" / "placements.csv", rows)


def test_validate_json_is_the_shape_cli_md_gives(clean_db, bad_placements):
    before = sha(clean_db)
    done = seip("validate", "--db", str(clean_db), "--format", "json", str(bad_placements.parent))
    assert done.returncode == 1
    assert json.loads(done.stdout) == [
        {
            "severity": "error",
            "table": "placements",
            "file": "placements.csv",
            "row": 2,
            "column": "end_date",
            "value": "03/02/2023",
            "rule": "end_date_not_before_start",
            "message": "the end date is before the start date (01/11/2023)",
        }
    ]
    assert sha(clean_db) == before


def test_a_file_level_problem_has_null_row_and_column_in_json(clean_db, tmp_path):
    path = write_csv(tmp_path / "schools.csv", [["urn", "partnership_code"], ["120009", "HB"]])
    done = seip("validate", "--db", str(clean_db), "--format", "json", str(path))
    [problem] = json.loads(done.stdout)
    assert (problem["row"], problem["column"], problem["rule"]) == (None, "school_name", "missing_column")


def test_validate_a_clean_export_exits_0(clean_db, tmp_path):
    done = seip("validate", "--db", str(clean_db), "--format", "json", str(write_export(tmp_path / "e")))
    assert (done.returncode, json.loads(done.stdout)) == (0, [])
    done = seip("validate", "--db", str(clean_db), str(tmp_path / "e"))
    assert done.returncode == 0
    assert "0 error(s), 0 warning(s): the export would import cleanly" in done.stdout


def test_import_refused_exits_1_and_says_nothing_changed(clean_db, bad_placements):
    before = sha(clean_db)
    done = seip("import", "--db", str(clean_db), str(bad_placements))
    assert done.returncode == 1
    assert "placements.csv, row 2, column end_date" in done.stderr
    assert "The import was refused: the warehouse was not changed." in done.stdout
    assert sha(clean_db) == before


def test_import_exits_0_and_summarises(tmp_path):
    db = tmp_path / "seip.duckdb"
    done = seip("import", "--db", str(db), str(write_export(tmp_path / "e")))
    assert done.returncode == 0, done.stderr
    assert (
        "Rows stored: partnerships 2, schools 2, school_census 2, funding 3, referrals 2, placements 1, "
        "exclusions 2. 0 error(s), 0 warning(s). The warehouse was updated." in done.stdout
    )


def test_import_json_prints_only_the_problems(tmp_path):
    folder = write_export(tmp_path / "e")
    (folder / "notes.txt").write_text("x")
    done = seip("import", "--db", str(tmp_path / "seip.duckdb"), "--format", "json", str(folder))
    assert done.returncode == 0
    assert [p["rule"] for p in json.loads(done.stdout)] == ["unknown_file"]


@pytest.mark.parametrize("args", [("import",), ("validate",), ("validate", "--format", "xml", "x.csv")])
def test_wrong_usage_exits_2(args):
    assert seip(*args).returncode == 2
