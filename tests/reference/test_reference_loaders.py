"""The DfE reference loaders on the real shipped files, values checked against the published files by hand."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from reference_helpers import (
    DICTIONARY,
    FIXTURE_2023_24,
    GEOGRAPHY,
    LA_CODES,
    LAIT,
    NATIONAL,
    SHIPPED,
    SN_2021,
    SN_2025,
    header_of,
    read,
)

from dashboard import load, schema
from dashboard.ingest import reference

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


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (GEOGRAPHY, "exclusions_by_geography"),
        (NATIONAL, "exclusions_national"),
        (DICTIONARY, "lait_dictionary"),
        (FIXTURE_2023_24, "exclusions_by_geography"),
    ],
)
def test_each_csv_is_recognised_by_its_header(path, kind):
    assert reference.recognise(header_of(path)) == kind
    assert read(path).kind == kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (LAIT, "lait"),
        (SN_2025, "statistical_neighbours"),
        (SN_2021, "statistical_neighbours"),
        (LA_CODES, "la_codes"),
    ],
)
def test_each_parquet_and_workbook_is_recognised_by_its_content(path, kind, tmp_path):
    renamed = tmp_path / f"export_final{path.suffix}"
    renamed.write_bytes(path.read_bytes())
    # the neighbour workbook names its model only in its file name
    assert read(path if kind == "statistical_neighbours" else renamed).kind == kind


def test_recognition_ignores_case_spaces_and_the_file_name(tmp_path):
    header = ["Short Desc", " YEARS ", "Area", "Value", "LA-Number"]
    assert reference.recognise(header) == "lait"
    renamed = tmp_path / "schools_export_final.csv"
    renamed.write_bytes(GEOGRAPHY.read_bytes())
    assert read(renamed).kind == "exclusions_by_geography"


def test_the_geography_file_starts_with_a_bom_and_its_first_column_is_still_found():
    assert GEOGRAPHY.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert header_of(GEOGRAPHY)[0] == "time_identifier"


@pytest.mark.parametrize(
    "header",
    [
        ["urn", "school_name", "partnership_code"],
        ["time_period", "geographic_level", "headcount", "perm_excl"],  # exclusions-like, but no school type
        [],
    ],
)
def test_an_unknown_header_returns_none(tmp_path, header):
    path = tmp_path / "x.csv"
    path.write_text(",".join(header) + "\n1,2,3\n", encoding="utf-8")
    assert reference.recognise(header) is None
    assert reference.read(path, header) is None


def test_an_unknown_parquet_file_or_workbook_returns_none(tmp_path):
    path = tmp_path / "other.parquet"
    duckdb.sql(f"copy (select 1 as a, 'x' as b) to '{path}' (format parquet)")
    assert reference.read_parquet(path) is None
    assert reference.read_workbook("notes.xlsx", {"Sheet1": pd.DataFrame([["sent in July", ""], ["", ""]])}) is None


# ---------------------------------------------------------------- row counts


def test_row_counts_per_file(shipped):
    # README (national/): 11,000 rows; 641,070 LAIT rows, 25,160 of them the 16 measures SEIP
    # loads; 163 LAs in each neighbour workbook, of which 158 (2025) and 156 (2021: Cumberland
    # and Westmorland and Furness show `-`) have ten neighbours; 158 LAs in the code list
    # (171 rows less England, the 11 regions and `England (discontinued)`).
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    assert shipped[GEOGRAPHY.name].rows == len(geography) == 11000
    assert geography["area_type"].value_counts().to_dict() == {"local_authority": 10252, "region": 680, "england": 68}
    assert shipped[NATIONAL.name].rows == len(shipped[NATIONAL.name].frames["ref_exclusions_national"]) == 76
    assert shipped[LAIT.name].rows == 641070
    assert len(shipped[LAIT.name].frames["ref_lait"]) == 25160
    assert len(shipped[SN_2025.name].frames["ref_statistical_neighbours"]) == 1580
    assert len(shipped[SN_2021.name].frames["ref_statistical_neighbours"]) == 1560
    assert len(shipped[LA_CODES.name].frames["ref_la_codes"]) == 158
    assert len(shipped[DICTIONARY.name].frames["ref_lait_dictionary"]) == 448
    for ref in shipped.values():
        assert ref.problems == []


def test_school_types_have_one_spelling_in_every_layout(shipped):
    expected = {"total", "state_funded_primary", SECONDARY, "special"}
    assert set(shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]["school_type"]) == expected
    assert set(shipped[NATIONAL.name].frames["ref_exclusions_national"]["school_type"]) == expected
    fixture = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    assert set(fixture["school_type"]) == expected


# ---------------------------------------------------------------- spot values


def test_england_2022_23_secondary_matches_the_release(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    row = one(geography, area_type="england", academic_year="2022/23", school_type=SECONDARY)
    assert row["area_code"] == "E92000001"
    assert row["headcount"] == 3630171
    assert row["perm_excl"] == 8054
    assert row["perm_excl_rate"] == 0.22186  # 8054 / 3630171 * 100 = 0.221862...
    assert row["suspension"] == 685930
    assert row["susp_rate"] == 18.89525  # 685930 / 3630171 * 100 = 18.8952...
    assert is_null(row["perm_excl_rate_symbol"])


def test_leicestershire_rows_keep_old_and_new_codes(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    row = one(geography, old_la_code="855", academic_year="2022/23", school_type=SECONDARY)
    assert (row["new_la_code"], row["area_code"], row["area_name"]) == ("E10000018", "E10000018", "Leicestershire")
    assert (row["region_code"], row["region_name"]) == ("E12000004", "East Midlands")
    # CSV: 46 schools, 44237 pupils, 56 PEX (56 / 44237 * 100 = 0.12659), 7672 suspensions (17.34295).
    assert (row["num_schools"], row["headcount"], row["perm_excl"]) == (46, 44237, 56)
    assert (row["perm_excl_rate"], row["suspension"], row["susp_rate"]) == (0.12659, 7672, 17.34295)
    older = one(geography, old_la_code="855", academic_year="2015/16", school_type=SECONDARY)
    assert (older["headcount"], older["perm_excl"], older["perm_excl_rate"]) == (42482, 16, 0.03766)
    # the year the partnerships began: 22 / 45098 * 100 = 0.04878
    policy_start = one(geography, old_la_code="855", academic_year="2010/11", school_type=SECONDARY)
    assert (policy_start["headcount"], policy_start["perm_excl"], policy_start["perm_excl_rate"]) == (
        45098,
        22,
        0.04878,
    )


def test_east_midlands_region_row(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    row = one(geography, area_type="region", area_code="E12000004", academic_year="2021/22", school_type=SECONDARY)
    assert (row["area_code"], row["area_name"]) == ("E12000004", "East Midlands")
    assert (row["headcount"], row["perm_excl"], row["perm_excl_rate"]) == (309253, 458, 0.1481)
    assert is_null(row["old_la_code"])


def test_a_z_is_kept_as_null_with_its_symbol_never_zero(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    # Central Bedfordshire 2008/09: headcount 0 (a real zero), rates `z` (not applicable).
    row = one(geography, old_la_code="823", academic_year="2008/09", school_type=SECONDARY)
    assert row["headcount"] == 0 and is_null(row["headcount_symbol"])
    assert row["perm_excl"] == 58
    for rate in ("perm_excl_rate", "susp_rate", "one_plus_susp_rate"):
        assert is_null(row[rate]), rate
        assert row[f"{rate}_symbol"] == "z"
    # grep -c ',z,': the four 2009 unitaries x four school types
    assert (geography["perm_excl_rate_symbol"] == "z").sum() == 16


def test_an_la_abolished_before_new_codes_has_none(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    # Cheshire (875), abolished in 2009, is published with new_la_code `x`
    row = one(geography, old_la_code="875", academic_year="2008/09", school_type=SECONDARY)
    assert is_null(row["new_la_code"]) and is_null(row["area_code"]) and row["area_name"] == "Cheshire"


def test_fractional_national_counts_stay_as_published(shipped):
    geography = shipped[GEOGRAPHY.name].frames["ref_exclusions_geography"]
    row = one(geography, area_type="england", academic_year="2009/10", school_type="total")
    assert row["perm_excl"] == 5741.02


def test_national_file_extends_england_to_2024_25(shipped):
    national = shipped[NATIONAL.name].frames["ref_exclusions_national"]
    assert sorted(national["academic_year"].unique())[-1] == "2024/25"
    row = one(national, academic_year="2024/25", school_type=SECONDARY)
    # 8291 / 3671427 * 100 = 0.22582
    assert (row["area_code"], row["headcount"], row["perm_excl"], row["perm_excl_rate"]) == (
        "E92000001",
        3671427,
        8291,
        0.22582,
    )


def test_lait_dash_is_null_with_symbol(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    row = one(lait, measure="SecPermEx", old_la_code="928", academic_year="2022/23")
    assert row["area_type"] == "local_authority" and row["area_name"] == "Northamptonshire"
    assert is_null(row["value"]) and row["value_symbol"] == "-"
    # DuckDB over the parquet file: 1,260 of the 25,160 rows of the 16 measures are `-`
    assert (lait["value_symbol"] == "-").sum() == 1260


def test_lait_census_year_2025_is_academic_year_2024_25(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    row = one(lait, measure="SecFSM", old_la_code="855", years="2025")
    assert (row["academic_year"], row["census_year"], row["value"]) == ("2024/25", 2025, 17.2)
    exclusion = one(lait, measure="SecPermEx", old_la_code="855", years="2023/24")
    assert exclusion["academic_year"] == "2023/24" and is_null(exclusion["census_year"])
    assert exclusion["value"] == 0.13274


def test_lait_float_noise_is_removed_and_matches_the_geography_file(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    # parquet: 17.399999999999999 (East Midlands SecFSM 2021) and 0.12659000000000001.
    assert one(lait, measure="SecFSM", area_code="E12000004", years="2021")["value"] == 17.4
    assert one(lait, measure="SecPermEx", old_la_code="855", years="2022/23")["value"] == 0.12659


def test_lait_areas_get_codes(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    england = one(lait, measure="SecFSM", area_type="england", years="2025")
    assert (england["area_code"], england["value"]) == ("E92000001", 25.8)
    region = one(lait, measure="SecFSM", area_name="East Midlands", years="2025")
    assert (region["area_type"], region["area_code"], region["value"]) == ("region", "E12000004", 25)
    somerset = one(lait, measure="SecFSM", old_la_code="933", years="2025")
    assert is_null(somerset["area_code"]) and somerset["value"] == 22.4
    # LAIT's London halves are the regions the exclusions files call Inner and Outer London
    inner = one(lait, measure="SecPermEx", area_name="London (Inner)", years="2023/24")
    assert (inner["area_type"], inner["area_code"]) == ("region", "E13000001")
    assert set(lait["area_type"]) == {"england", "region", "local_authority"}


def test_lait_2023_24_gives_the_years_the_geography_file_lacks(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    assert one(lait, measure="SecPermEx", old_la_code="855", years="2023/24")["value"] == 0.13274
    # Somerset, found by its old code 933 although its new code changed in April 2023
    assert one(lait, measure="SecPermEx", old_la_code="933", years="2023/24")["value"] == 0.34921
    # Cumbria (909) was split in April 2023: `-` for 909, values for Cumberland (942)
    assert one(lait, measure="SecPermEx", old_la_code="909", years="2023/24")["value_symbol"] == "-"
    assert one(lait, measure="SecPermEx", old_la_code="942", years="2023/24")["value"] == 0.39361
    assert set(lait["measure"]) == set(reference.LAIT_MEASURES)


def test_lait_rows_are_numbered_as_in_the_parquet_file(shipped):
    lait = shipped[LAIT.name].frames["ref_lait"]
    row = one(lait, measure="SecPermEx", old_la_code="855", years="2023/24")
    # DuckDB: the 1-based position of that record in the file
    position = (
        duckdb.connect()
        .execute(f"""
        select file_row_number + 1 from read_parquet('{LAIT}', file_row_number = true)
        where "Short Desc" = 'SecPermEx' and "LA Number" = 855 and "Years" = '2023/24'
    """)
        .fetchone()[0]
    )
    assert row["source_row"] == position


def test_statistical_neighbour_workbooks(shipped):
    latest = shipped[SN_2025.name].frames["ref_statistical_neighbours"]
    assert set(latest["sn_model"]) == {"CSSNBT May 2025"}
    assert {str(d) for d in latest["model_date"]} == {"2025-05-01"}
    # sn_may_2025.xlsx, row 75: 855 Leicestershire, SN1 916 Very close ... SN7 933 ... SN10 891
    leics = latest[latest["focus_old_la_code"] == "855"].sort_values("rank")
    assert list(leics["sn_old_la_code"]) == ["916", "803", "937", "802", "850", "865", "933", "938", "811", "891"]
    assert list(leics["rank"]) == list(range(1, 11))
    first = leics.iloc[0]
    assert (first["focus_la_name"], first["closeness"], first["source_row"]) == ("Leicestershire", "Very close", 75)
    # row 66: Kent's ten
    kent = latest[latest["focus_old_la_code"] == "886"].sort_values("rank")
    assert list(kent["sn_old_la_code"]) == ["881", "845", "878", "303", "935", "926", "891", "938", "822", "933"]
    older = shipped[SN_2021.name].frames["ref_statistical_neighbours"]
    assert set(older["sn_model"]) == {"CSSNBT April 2021"}
    assert one(older, focus_old_la_code="855", rank=1)["sn_old_la_code"] == "803"
    # Cumberland (942) has `-` for every neighbour in the 2021 model: no rows, no error
    assert not (older["focus_old_la_code"] == "942").any()
    # the abolished LAs DfE lists below `Old SNs:` keep their neighbours
    assert len(latest[latest["focus_old_la_code"] == "928"]) == 10


def test_a_neighbour_workbook_must_name_its_model_in_its_file_name(tmp_path):
    renamed = tmp_path / "neighbours.xlsx"
    renamed.write_bytes(SN_2025.read_bytes())
    ref = read(renamed)
    assert [(p.severity, p.rule) for p in ref.problems] == [("error", "sn_model_date")]
    assert ref.frames["ref_statistical_neighbours"].empty


def test_la_code_list(shipped):
    codes = shipped[LA_CODES.name].frames["ref_la_codes"]
    assert tuple(one(codes, old_la_code="855")[["la_name", "region_name", "region_code", "la_type"]]) == (
        "Leicestershire",
        "East Midlands",
        "E12000004",
        "SC",
    )
    assert tuple(one(codes, old_la_code="942")[["la_name", "la_type"]]) == ("Cumberland", "UA")
    assert one(codes, old_la_code="201")["region_code"] == "E13000001"  # City of London, Inner London
    assert not codes["old_la_code"].isin(["970", "983", "1000"]).any()


def test_lait_dictionary_gives_polarity_decimals_and_next_update(shipped):
    dictionary = shipped[DICTIONARY.name].frames["ref_lait_dictionary"]
    pex = one(dictionary, measure="SecPermEx")
    assert (pex["title"], pex["polarity"], pex["decimals"], pex["year_type"]) == (
        "Secondary Permanent Exclusions",
        "Low",
        2,
        "Academic Year",
    )
    # Excel day numbers (1 = 1 Jan 1900): 45658 is 1 Jan 2025, so 45839 = 1 Jul 2025 (+181 days) and
    # 46232 = 29 Jul 2026 (46023 = 1 Jan 2026, +209 days)
    assert (str(pex["last_update"]), str(pex["next_update"])) == ("2025-07-01", "2026-07-29")
    assert pex["description"].startswith("Permanent exclusion refers to a pupil")
    fsm = one(dictionary, measure="SecFSM")
    # 46174 = 1 Jan 2026 + 151 days
    assert is_null(fsm["polarity"]) and is_null(fsm["decimals"]) and str(fsm["next_update"]) == "2026-06-01"
    # a next update that is not a date is kept as LAIT wrote it
    assert "Discontinued" in set(dictionary["next_update_note"].dropna())


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
        "2023/24",
        3669933,
        9298,
        0.25336,
    )  # 9298 / 3669933 * 100 = 0.25336
    special = one(frame, area_type="england", school_type="special")  # spelt `Special` in the file
    assert special["headcount"] == 160420
    somerset = one(frame, old_la_code="933", academic_year="2023/24")
    assert (somerset["new_la_code"], somerset["area_code"]) == ("E06000066", "E06000066")


def test_fixture_symbols_are_kept(tmp_path):
    frame = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    rutland = one(frame, old_la_code="857")
    assert rutland["headcount"] == 2500
    expected = {
        "perm_excl": "c",
        "perm_excl_rate": "c",
        "suspension": "low",
        "susp_rate": "low",
        "one_plus_susp": "u",
        "one_plus_susp_rate": ":",
    }
    for measure, symbol in expected.items():
        assert is_null(rutland[measure]), measure
        assert rutland[f"{measure}_symbol"] == symbol


def test_fixture_row_numbers_count_the_blank_line():
    frame = read(FIXTURE_2023_24).frames["ref_exclusions_geography"]
    # header = row 1, eight data rows = rows 2-8, blank = row 9, Rutland = row 10.
    assert one(frame, old_la_code="857")["source_row"] == 10


# ---------------------------------------------------------------- store


def _store_all(con, refs):
    for stmt in schema.REFERENCE_DDL:
        con.execute(stmt)
    return [load.store_reference(con, ref) for ref in refs]


def _counts(con):
    return {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]
        for t in (
            "ref_exclusions_geography",
            "ref_exclusions_national",
            "ref_lait",
            "ref_lait_dictionary",
            "ref_statistical_neighbours",
            "ref_la_codes",
        )
    }


def test_storing_again_changes_nothing():
    con = duckdb.connect()
    refs = [read(p) for p in SHIPPED]
    stored = [11000, 76, 25160, 448, 1580, 1560, 158]
    assert _store_all(con, refs) == stored
    before = con.execute("select * from ref_lait order by source_row").df()
    assert _store_all(con, refs) == stored
    assert _counts(con) == {
        "ref_exclusions_geography": 11000,
        "ref_exclusions_national": 76,
        "ref_lait": 25160,
        "ref_lait_dictionary": 448,
        "ref_statistical_neighbours": 3140,
        "ref_la_codes": 158,
    }
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
    # stored row rather than adding one, so 11000 + 10 - 1 rows remain.
    assert _counts(con)["ref_exclusions_geography"] == 11009
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
