"""Every problem a DfE reference file can raise, located by file, row and column."""

from __future__ import annotations

from reference_helpers import GEOGRAPHY, read, write_csv

from dashboard.ingest import reference

GEO_HEADER = (
    "time_identifier,time_period,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,school_type,num_schools,headcount,perm_excl,perm_excl_rate,"
    "suspension,susp_rate,one_plus_susp,one_plus_susp_rate\n"
)
LEICS = "Academic year,{year},Local authority,E92000001,England,E12000004,East Midlands,{old},E10000018,Leicestershire,"
LAIT_CSV_HEADER = "short_desc,data_item,years,area,value,la_number,region"
SECONDARY_2022_23 = "state-funded secondary,46,44237,56,0.12659,7672,17.34295,2837,6.41318\n"
GOOD_LEICS = LEICS.format(year="202223", old="855") + SECONDARY_2022_23


def problems(ref):
    return [(p.severity, p.row, p.column, p.value, p.rule) for p in ref.problems]


def test_a_value_that_is_neither_number_nor_symbol_is_an_error(tmp_path):
    bad = LEICS.format(year="202122", old="855") + "state-funded secondary,46,44k,22,0.04999,4682,10.63873,2181,n/a\n"
    ref = read(write_csv(tmp_path / "exc.csv", GEO_HEADER + GOOD_LEICS + bad))
    assert problems(ref) == [
        ("error", 3, "headcount", "44k", "bad_dfe_value"),
        ("error", 3, "one_plus_susp_rate", "n/a", "bad_dfe_value"),
    ]
    assert ref.problems[0].table == "ref_exclusions_geography" and ref.problems[0].file == "exc.csv"
    # The bad row is not kept; the good one is.
    assert list(ref.frames["ref_exclusions_geography"]["source_row"]) == [2]
    assert ref.rows == 2


def test_a_bad_time_period_is_an_error(tmp_path):
    bad = LEICS.format(year="2022", old="855") + SECONDARY_2022_23
    ref = read(write_csv(tmp_path / "exc.csv", GEO_HEADER + bad))
    assert problems(ref) == [("error", 2, "time_period", "2022", "bad_year")]


def test_an_la_row_needs_a_three_digit_old_code(tmp_path):
    bad = LEICS.format(year="202223", old="85") + SECONDARY_2022_23
    ref = read(write_csv(tmp_path / "exc.csv", GEO_HEADER + bad))
    assert problems(ref) == [("error", 2, "old_la_code", "85", "dfe_bad_la_code")]


def test_a_regional_row_needs_its_region_code(tmp_path):
    bad = "Academic year,202223,Regional,E92000001,England,,East Midlands,,,,Total,1,2,3,4,5,6,7,8\n"
    ref = read(write_csv(tmp_path / "exc.csv", GEO_HEADER + bad))
    assert problems(ref) == [("error", 2, "region_code", "", "dfe_missing_code")]


def test_other_geographic_levels_are_skipped_with_a_warning(tmp_path):
    other = "Academic year,202223,Local authority district,E92000001,England,,,,,,Total,1,2,3,4,5,6,7,8\n"
    ref = read(write_csv(tmp_path / "exc.csv", GEO_HEADER + other + GOOD_LEICS))
    assert problems(ref) == [("warning", 2, "geographic_level", "Local authority district", "dfe_level_skipped")]
    assert len(ref.frames["ref_exclusions_geography"]) == 1


def test_national_file_rows_that_are_not_england_totals_are_skipped_with_a_warning(tmp_path):
    header = (
        "time_period,time_identifier,geographic_level,country_code,country_name,education_phase,"
        "characteristic_group,characteristic,headcount,perm_excl,perm_excl_rate,suspension,susp_rate\n"
    )
    rows = (
        "202324,Academic year,National,E92000001,England,State-funded secondary,Total,Total,"
        "3669933,9298,0.25336,829896,22.61338\n"
        "202324,Academic year,National,E92000001,England,State-funded secondary,Sex,Boys,1,x,x,c,c\n"
    )
    ref = read(write_csv(tmp_path / "nat.csv", header + rows))
    assert ref.kind == "exclusions_national"
    assert problems(ref) == [("warning", None, None, None, "dfe_rows_skipped")]
    frame = ref.frames["ref_exclusions_national"]
    assert list(frame["school_type"]) == ["state_funded_secondary"]
    assert frame["one_plus_susp_symbol"].isna().all()  # the column is absent: missing, with no symbol


def test_lait_bad_years_is_an_error_and_an_unknown_area_a_warning(tmp_path):
    text = (
        "short_desc,data_item,years,area,value,la_number,region\n"
        "SecFSM,,25,Leicestershire,17.2,855,East Midlands\n"
        "SecFSM,,2025,Wales,22.0,NA,NA\n"
        "SecFSM,,2024,Wales,21.0,NA,NA\n"
        "SecFSM,,2025,Rutland,14,857,East Midlands\n"
    )
    ref = read(write_csv(tmp_path / "lait.csv", text))
    assert problems(ref) == [
        ("error", 2, "years", "25", "bad_year"),
        ("warning", 3, "area", "Wales", "lait_area_skipped"),  # once per area, at its first row
    ]
    assert "2 row(s) were skipped" in ref.problems[1].message
    assert list(ref.frames["ref_lait"]["old_la_code"]) == ["857"]


def test_statistical_neighbour_problems(tmp_path):
    text = (
        "sn_model,focus_old_la_code,focus_la_name,rank,sn_old_la_code,sn_new_la_code\n"
        "CSSNBT latest,855,Leicestershire,1,916,E10000013\n"
        "CSSNBT May 2025,855,Leicestershire,first,803,E06000025\n"
        "CSSNBT May 2025,855,Leicestershire,3,93,E10000031\n"
        "CSSNBT May 2025,855,Leicestershire,4,802,E06000024\n"
    )
    ref = read(write_csv(tmp_path / "sn.csv", text))
    assert problems(ref) == [
        ("error", 2, "sn_model", "CSSNBT latest", "sn_model_date"),
        ("error", 3, "rank", "first", "sn_bad_rank"),
        ("error", 4, "sn_old_la_code", "93", "dfe_bad_la_code"),
    ]
    assert list(ref.frames["ref_statistical_neighbours"]["rank"]) == [4]


def test_a_file_that_is_not_utf8_is_an_error(tmp_path):
    path = tmp_path / "lait.csv"
    path.write_bytes(
        "short_desc,data_item,years,area,value,la_number,region\nSecFSM,Caf\u00e9,2025,England,25.8,970,NA\n".encode(
            "cp1252"
        )
    )
    ref = reference.read(path, LAIT_CSV_HEADER.split(","))
    assert ref.kind == "lait"
    assert problems(ref) == [("error", None, None, None, "dfe_encoding")]
    assert ref.rows == 0 and ref.frames["ref_lait"].empty


def test_a_header_that_does_not_match_the_file_is_an_error(tmp_path):
    ref = reference.read(GEOGRAPHY, LAIT_CSV_HEADER.split(","))
    assert problems(ref) == [("error", 1, None, None, "dfe_header_changed")]


def test_blank_lines_above_the_header_keep_file_row_numbers(tmp_path):
    path = write_csv(tmp_path / "exc.csv", "\n" + GEO_HEADER + GOOD_LEICS)
    ref = reference.read(path, GEO_HEADER.strip().split(","))
    # blank line = row 1, header = row 2, Leicestershire = row 3
    assert list(ref.frames["ref_exclusions_geography"]["source_row"]) == [3]
