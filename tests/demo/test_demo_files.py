"""The demo generator on its own: helpers, determinism, and files that pass the import checks."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from dashboard import demo
from dashboard.demo import simulate, write
from dashboard.ingest.contract import LOAD_ORDER, TABLES
from dashboard.load import check_paths


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo_exports")
    return folder, demo.write_exports(folder)


def test_apportion_splits_by_largest_remainder():
    # 10 over three equal weights: 3.33 each -> floors 3,3,3 leave 1, which goes to the first tie.
    assert simulate.apportion(10, [1, 1, 1]) == [4, 3, 3]
    # 7 over 0.5/0.25/0.25: 3.5, 1.75, 1.75 -> floors 3,1,1 leave 2, for the two .75 remainders.
    assert simulate.apportion(7, [0.5, 0.25, 0.25]) == [3, 2, 2]
    assert simulate.apportion(0, [2, 5]) == [0, 0]


def test_money_is_plain_pounds_and_pence():
    assert simulate.money(123450) == "1234.50"
    assert simulate.money(5) == "0.05"
    assert simulate.money(-500050) == "-5000.50"


def test_year_of_follows_the_academic_year():
    assert simulate.year_of(date(2023, 8, 31)) == "2022/23"
    assert simulate.year_of(date(2023, 9, 1)) == "2023/24"
    assert simulate.year_of(date(2025, 7, 18)) == "2024/25"


def test_school_days_are_term_weekdays_without_covid_closures():
    days = simulate.school_days("2019/20")
    assert days[0] == date(2019, 9, 4)
    assert all(d.weekday() < 5 for d in days)
    # Schools closed to most pupils from 23 March 2020 to the end of that summer term.
    assert not [d for d in days if date(2020, 3, 23) <= d <= date(2020, 7, 17)]
    assert date(2020, 3, 20) in days
    # October half term 2019 is the week of Monday 28 October.
    assert date(2019, 10, 28) not in days and date(2019, 10, 25) in days
    assert simulate.school_days("2024/25")[-1] == simulate.DATA_AS_AT


def test_two_runs_write_byte_identical_files(tmp_path, exports):
    first, paths = exports
    again = demo.write_exports(tmp_path)
    assert [p.name for p in again] == [p.name for p in paths]
    for a, b in zip(paths, again):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_rewriting_an_unchanged_folder_leaves_the_files_alone(tmp_path):
    paths = demo.write_exports(tmp_path)
    stamps = [p.stat().st_mtime_ns for p in paths]
    (tmp_path / "schools.csv").write_text("damaged", encoding="utf-8")
    demo.write_exports(tmp_path)
    assert [p.stat().st_mtime_ns for p in paths if p.name != "schools.csv"] == [
        s for p, s in zip(paths, stamps) if p.name != "schools.csv"
    ]
    assert (tmp_path / "schools.csv").read_bytes() == write.render()["schools.csv"]


def test_a_file_where_the_folder_should_be_is_refused(tmp_path):
    blocker = tmp_path / "demo"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(FileExistsError):
        demo.write_exports(blocker)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_file_that_cannot_be_replaced_leaves_no_temporary_copy(tmp_path):
    (tmp_path / "schools.csv").mkdir()  # a folder where a CSV should go: os.replace fails
    with pytest.raises(OSError):
        demo.write_exports(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partnerships.csv", "schools.csv"]


def test_one_csv_per_contract_table_with_contract_headers(exports):
    folder, paths = exports
    assert [p.name for p in paths] == [f"{t}.csv" for t in LOAD_ORDER] + ["README.txt"]
    for name in LOAD_ORDER:
        text = (folder / f"{name}.csv").read_text(encoding="utf-8")
        header = next(csv.reader(io.StringIO(text)))
        assert tuple(header) == TABLES[name].column_names
        assert "\r" not in text


def test_the_folder_says_synthetic(exports):
    folder, _ = exports
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert readme.startswith("SYNTHETIC DEMO DATA")
    assert "2025-07-18" in readme


def test_values_are_written_as_the_contract_spells_them(exports):
    folder, _ = exports
    rows = list(csv.DictReader((folder / "placements.csv").open(encoding="utf-8")))
    assert all(len(r["start_date"]) == 10 and r["start_date"][4] == "-" for r in rows)
    assert all(r["cost_gbp"].replace(".", "", 1).isdigit() and r["cost_gbp"][-3] == "." for r in rows)
    referrals = list(csv.DictReader((folder / "referrals.csv").open(encoding="utf-8")))
    assert {r["fsm"] for r in referrals} == {"Y", "N"}
    assert all(r["pupil_ref"].startswith("P") and len(r["pupil_ref"]) == 7 for r in referrals)
    exclusions = list(csv.DictReader((folder / "exclusions.csv").open(encoding="utf-8")))
    days = {r["days"] for r in exclusions if r["type"] == "suspension"}
    assert days == {"0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"}
    assert {r["days"] for r in exclusions if r["type"] == "permanent"} == {""}


def test_exports_pass_every_import_check(exports, tmp_path):
    _, paths = exports
    result = check_paths([p for p in paths if p.suffix == ".csv"], tmp_path / "none.duckdb")
    assert result.problems == []
    assert result.rows["schools"] == 46
