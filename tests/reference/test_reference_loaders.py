"""The DfE reference loaders on the real shipped files, values checked against the CSVs by hand."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dashboard.ingest import reference

from reference_helpers import FIXTURE_2023_24, GEOGRAPHY, LAIT, NATIONAL, NEIGHBOURS, SHIPPED, header_of, read

SECONDARY = "state_funded_secondary"


def one(frame, **where):
    """The single row of `frame` matching every column=value in `where`."""
    mask = True
    for col, value in where.items():
        mask = mask & (frame[col] == value)
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows match {where}"
    return rows.iloc[0]


def is_null(value) -> bool:
    return value is None or bool(pd.isna(value))


# ---------------------------------------------------------------- recognition

@pytest.mark.parametrize(("path", "kind"), [
    (GEOGRAPHY, "exclusions_by_geography"),
    (NATIONAL, "exclusions_national"),
    (LAIT, "lait"),
    (NEIGHBOURS, "statistical_neighbours"),
    (FIXTURE_2023_24, "exclusions_by_geography"),
])
def test_each_file_is_recognised_by_its_header(path, kind):
    assert reference.recognise(header_of(path)) == kind
    assert read(path).kind == kind


def test_recognition_ignores_case_spaces_and_the_file_name(tmp_path):
    header = ["Short Desc", " YEARS ", "Area", "Value", "LA-Number"]
    assert reference.recognise(header) == "lait"
    renamed = tmp_path / "schools_export_final.csv"
    renamed.write_bytes(LAIT.read_bytes())
    assert read(renamed).kind == "lait"


@pytest.mark.parametrize("header", [
    ["urn", "school_name", "partnership_code"],
    ["time_period", "geographic_level", "headcount", "perm_excl"],  # exclusions-like, but no school type
    [],
])
def test_an_unknown_header_returns_none(tmp_path, header):
    path = tmp_path / "x.csv"
    path.write_text(",".join(header) + "\n1,2,3\n", encoding="utf-8")
    assert reference.recognise(header) is None
    assert reference.read(path, header) is None


# ---------------------------------------------------------------- row counts

def test_row_counts_per_kind(shipped):
    # README: 68 national + 68 East Midlands + 1,556 LA rows; 76; 3,996; 20.
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    assert shipped["exclusions_by_geography"].rows == len(geography) == 1692
    assert geography["area_type"].value_counts().to_dict() == {
        "local_authority": 1556, "england": 68, "region": 68}
    assert shipped["exclusions_national"].rows == len(shipped["exclusions_national"].frames["ref_exclusions_national"]) == 76
    assert shipped["lait"].rows == len(shipped["lait"].frames["ref_lait"]) == 3996
    assert shipped["statistical_neighbours"].rows == 20
    for ref in shipped.values():
        assert ref.problems == []


def test_school_types_have_one_spelling_in_every_layout(shipped):
    expected = {"total", "state_funded_primary", SECONDARY, "special"}
    assert set(shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]["school_type"]) == expected
    assert set(shipped["exclusions_national"].frames["ref_exclusions_national"]["school_type"]) == expected
    fixture = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    assert set(fixture["school_type"]) == expected


# ---------------------------------------------------------------- spot values

def test_england_2022_23_secondary_matches_the_release(shipped):
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    row = one(geography, area_type="england", academic_year="2022/23", school_type=SECONDARY)
    assert row["area_code"] == "E92000001"
    assert row["headcount"] == 3630171
    assert row["perm_excl"] == 8054
    assert row["perm_excl_rate"] == 0.22186  # 8054 / 3630171 * 100 = 0.221862...
    assert row["suspension"] == 685930
    assert row["susp_rate"] == 18.89525  # 685930 / 3630171 * 100 = 18.8952...
    assert is_null(row["perm_excl_rate_symbol"])


def test_leicestershire_rows_keep_old_and_new_codes(shipped):
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    row = one(geography, old_la_code="855", academic_year="2022/23", school_type=SECONDARY)
    assert (row["new_la_code"], row["area_code"], row["area_name"]) == ("E10000018", "E10000018", "Leicestershire")
    assert (row["region_code"], row["region_name"]) == ("E12000004", "East Midlands")
    # CSV: 46 schools, 44237 pupils, 56 PEX (56 / 44237 * 100 = 0.12659), 7672 suspensions (17.34295).
    assert (row["num_schools"], row["headcount"], row["perm_excl"]) == (46, 44237, 56)
    assert (row["perm_excl_rate"], row["suspension"], row["susp_rate"]) == (0.12659, 7672, 17.34295)
    older = one(geography, old_la_code="855", academic_year="2015/16", school_type=SECONDARY)
    assert (older["headcount"], older["perm_excl"], older["perm_excl_rate"]) == (42482, 16, 0.03766)


def test_east_midlands_region_row(shipped):
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    row = one(geography, area_type="region", academic_year="2021/22", school_type=SECONDARY)
    assert (row["area_code"], row["area_name"]) == ("E12000004", "East Midlands")
    assert (row["headcount"], row["perm_excl"], row["perm_excl_rate"]) == (309253, 458, 0.1481)
    assert is_null(row["old_la_code"])


def test_a_z_is_kept_as_null_with_its_symbol_never_zero(shipped):
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    # Central Bedfordshire 2008/09: headcount 0 (a real zero), rates `z` (not applicable).
    row = one(geography, old_la_code="823", academic_year="2008/09", school_type=SECONDARY)
    assert row["headcount"] == 0 and is_null(row["headcount_symbol"])
    assert row["perm_excl"] == 58
    for rate in ("perm_excl_rate", "susp_rate", "one_plus_susp_rate"):
        assert is_null(row[rate]), rate
        assert row[f"{rate}_symbol"] == "z"
    assert (geography["perm_excl_rate_symbol"] == "z").sum() == 8


def test_fractional_national_counts_stay_as_published(shipped):
    geography = shipped["exclusions_by_geography"].frames["ref_exclusions_geography"]
    row = one(geography, area_type="england", academic_year="2009/10", school_type="total")
    assert row["perm_excl"] == 5741.02


def test_national_file_extends_england_to_2024_25(shipped):
    national = shipped["exclusions_national"].frames["ref_exclusions_national"]
    assert sorted(national["academic_year"].unique())[-1] == "2024/25"
    row = one(national, academic_year="2024/25", school_type=SECONDARY)
    # 8291 / 3671427 * 100 = 0.22582
    assert (row["area_code"], row["headcount"], row["perm_excl"], row["perm_excl_rate"]) == (
        "E92000001", 3671427, 8291, 0.22582)


def test_lait_dash_is_null_with_symbol(shipped):
    lait = shipped["lait"].frames["ref_lait"]
    row = one(lait, measure="SecPermEx", old_la_code="928", academic_year="2022/23")
    assert row["area_type"] == "local_authority" and row["area_name"] == "Northamptonshire"
    assert is_null(row["value"]) and row["value_symbol"] == "-"
    assert (lait["value_symbol"] == "-").sum() == 244  # grep -c ',-,' on the file


def test_lait_census_year_2025_is_academic_year_2024_25(shipped):
    lait = shipped["lait"].frames["ref_lait"]
    row = one(lait, measure="SecFSM", old_la_code="855", years="2025")
    assert (row["academic_year"], row["census_year"], row["value"]) == ("2024/25", 2025, 17.2)
    exclusion = one(lait, measure="SecPermEx", old_la_code="855", years="2023/24")
    assert exclusion["academic_year"] == "2023/24" and is_null(exclusion["census_year"])
    assert exclusion["value"] == 0.13274


def test_lait_float_noise_is_removed_and_matches_the_geography_file(shipped):
    lait = shipped["lait"].frames["ref_lait"]
    # CSV: 17.399999999999999 (East Midlands SecFSM 2021) and 0.12659000000000001.
    assert one(lait, measure="SecFSM", area_type="region", years="2021")["value"] == 17.4
    assert one(lait, measure="SecPermEx", old_la_code="855", years="2022/23")["value"] == 0.12659


def test_lait_areas_get_codes(shipped):
    lait = shipped["lait"].frames["ref_lait"]
    england = one(lait, measure="SecFSM", area_type="england", years="2025")
    assert (england["area_code"], england["value"]) == ("E92000001", 25.8)
    region = one(lait, measure="SecFSM", area_type="region", years="2025")
    assert (region["area_code"], region["area_name"], region["value"]) == ("E12000004", "East Midlands", 25)
    somerset = one(lait, measure="SecFSM", old_la_code="933", years="2025")
    assert is_null(somerset["area_code"]) and somerset["value"] == 22.4


def test_statistical_neighbours(shipped):
    sn = shipped["statistical_neighbours"].frames["ref_statistical_neighbours"]
    assert sorted(sn["sn_model"].unique()) == ["CSSNBT April 2021 (LGR version)", "CSSNBT May 2025"]
    first = one(sn, sn_model="CSSNBT May 2025", rank=1)
    assert (first["focus_old_la_code"], first["sn_old_la_code"], first["sn_la_name"]) == ("855", "916", "Gloucestershire")
    assert str(first["model_date"]) == "2025-05-01"
    somerset = one(sn, sn_model="CSSNBT May 2025", sn_old_la_code="933")
    assert (somerset["rank"], somerset["sn_new_la_code"]) == (7, "E10000027")


# ---------------------------------------------------------------- the 2023/24 layout

def test_education_phase_fixture_loads_into_the_same_shape():
    ref = read(FIXTURE_2023_24)
    geography = read(GEOGRAPHY).frames["ref_exclusions_geography"]
    frame = ref.frames["ref_exclusions_geography"]
    assert list(frame.columns) == list(geography.columns)
    assert list(frame.dtypes) == list(geography.dtypes)
    assert ref.problems == []
    assert ref.rows == len(frame) == 10  # 11 lines after the header, one of them blank
    england = one(frame, area_type="england", school_type=SECONDARY)
    assert (england["academic_year"], england["headcount"], england["perm_excl"], england["perm_excl_rate"]) == (
        "2023/24", 3669933, 9298, 0.25336)  # 9298 / 3669933 * 100 = 0.25336
    special = one(frame, area_type="england", school_type="special")  # spelt `Special` in the file
    assert special["headcount"] == 160420
    somerset = one(frame, old_la_code="933", academic_year="2023/24")
    assert (somerset["new_la_code"], somerset["area_code"]) == ("E06000066", "E06000066")


def test_fixture_symbols_are_kept(tmp_path):
    frame = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    rutland = one(frame, old_la_code="857")
    assert rutland["headcount"] == 2500
    expected = {"perm_excl": "c", "perm_excl_rate": "c", "suspension": "low", "susp_rate": "low",
                "one_plus_susp": "u", "one_plus_susp_rate": ":"}
    for measure, symbol in expected.items():
        assert is_null(rutland[measure]), measure
        assert rutland[f"{measure}_symbol"] == symbol


def test_fixture_row_numbers_count_the_blank_line():
    frame = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    # header = row 1, eight data rows = rows 2-8, blank = row 9, Rutland = row 10.
    assert one(frame, old_la_code="857")["source_row"] == 10


# ---------------------------------------------------------------- store

def _store_all(con, refs):
    for stmt in reference.DDL:
        con.execute(stmt)
    return [reference.store(con, ref) for ref in refs]


def _counts(con):
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("ref_exclusions_geography", "ref_exclusions_national", "ref_lait", "ref_statistical_neighbours")}


def test_storing_again_changes_nothing():
    con = duckdb.connect()
    refs = [read(p) for p in SHIPPED]
    assert _store_all(con, refs) == [1692, 76, 3996, 20]
    before = con.execute("select * from ref_lait order by source_row").df()
    assert _store_all(con, refs) == [1692, 76, 3996, 20]
    assert _counts(con) == {"ref_exclusions_geography": 1692, "ref_exclusions_national": 76,
                            "ref_lait": 3996, "ref_statistical_neighbours": 20}
    after = con.execute("select * from ref_lait order by source_row").df()
    assert before.equals(after)


def test_stored_symbols_and_numbers_round_trip():
    con = duckdb.connect()
    _store_all(con, [read(GEOGRAPHY)])
    row = con.execute("""
        select headcount, perm_excl_rate, perm_excl_rate_symbol from ref_exclusions_geography
        where old_la_code = '823' and academic_year = '2008/09' and school_type = 'state_funded_secondary'
    """).fetchone()
    assert row == (0.0, None, "z")


def test_a_newer_release_replaces_the_years_and_areas_it_covers():
    con = duckdb.connect()
    _store_all(con, [read(GEOGRAPHY), read(FIXTURE_2023_24)])
    # The fixture repeats Somerset 2022/23 (old code 933) under its new code: it replaces the
    # stored row rather than adding one, so 1692 + 10 - 1 rows remain.
    assert _counts(con)["ref_exclusions_geography"] == 1701
    rows = con.execute("""
        select new_la_code, file_name from ref_exclusions_geography
        where old_la_code = '933' and academic_year = '2022/23' and school_type = 'state_funded_secondary'
    """).fetchall()
    assert rows == [("E06000066", FIXTURE_2023_24.name)]
    other_years = con.execute("""
        select count(*) from ref_exclusions_geography where old_la_code = '933' and new_la_code = 'E10000027'
    """).fetchone()[0]
    # 17 years x 4 school types, less the 2022/23 secondary row the fixture replaced.
    assert other_years == 17 * 4 - 1


def test_store_of_an_empty_file_stores_nothing(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text("sn_model,focus_old_la_code,rank,sn_old_la_code\n", encoding="utf-8")
    ref = read(path)
    con = duckdb.connect()
    assert (ref.rows, _store_all(con, [ref])) == (0, [0])
