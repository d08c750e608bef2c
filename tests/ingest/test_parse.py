"""The value normalisers, one accepted or refused spelling at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dashboard.ingest import parse

REFERRAL_CODES = ("in_school_support", "outreach", "managed_move", "ap_placement")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Pupil Ref", "pupil_ref"),
        (" PUPIL-REF ", "pupil_ref"),
        ("pupil_ref", "pupil_ref"),
        ("\ufeffURN", "urn"),
        ("Academic  Year", "academic_year"),
        ("school - census", "school_census"),
        ("D.O.B.", "dob"),
        ("Amount (GBP)", "amount_gbp"),
        ("Pupil's Ref", "pupils_ref"),
    ],
)
def test_header(raw, expected):
    assert parse.header(raw) == expected


@pytest.mark.parametrize("raw", ["2023/24", "2023-24", "202324", "2023/2024", " 2023 / 24 ", 202324.0])
def test_the_four_year_spellings_mean_2023_24(raw):
    assert parse.year(raw) == "2023/24"


def test_year_across_a_century():
    assert parse.year("1999/00") == "1999/00"
    assert parse.year("1999/2000") == "1999/00"


@pytest.mark.parametrize("raw", ["2023/25", "2023", "23/24", "2023/2025", "FY2023", "1899/00"])
def test_bad_years(raw):
    with pytest.raises(parse.BadValue) as bad:
        parse.year(raw)
    assert bad.value.rule == "bad_year"


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-07",
        "07/03/2024",
        "7/3/2024",
        "07-03-2024",
        "07.03.2024",
        "2024-03-07 00:00:00",
        dt.datetime(2024, 3, 7),
        dt.date(2024, 3, 7),
    ],
)
def test_dates(raw):
    assert parse.date(raw) == dt.date(2024, 3, 7)


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("31/02/2024", "impossible_date"),
        ("29/02/2023", "impossible_date"),
        ("2024-13-01", "impossible_date"),
        ("03/31/2024", "impossible_date"),
        ("7 March 2024", "bad_date"),
        ("07/03/24", "bad_date"),
        (45358.0, "bad_date"),
        ("2024/03/07", "bad_date"),
    ],
)
def test_bad_dates(raw, rule):
    with pytest.raises(parse.BadValue) as bad:
        parse.date(raw)
    assert bad.value.rule == rule


def test_month_first_is_never_assumed():
    # 03/04/2024 is 3 April in the UK; month-first would make it 4 March.
    assert parse.date("03/04/2024") == dt.date(2024, 4, 3)
    with pytest.raises(parse.BadValue, match="never month first"):
        parse.date("04/13/2024")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1234.5", "1234.50"),
        ("1,234.50", "1234.50"),
        ("£1,234.50", "1234.50"),
        ("-£5,000.00", "-5000.00"),
        ("£-5,000.00", "-5000.00"),
        ("(5,000.00)", "-5000.00"),
        ("£ 12", "12.00"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("1,234,567.89", "1234567.89"),
        ("12.300", "12.30"),
        (1234.5, "1234.50"),
        (0.1 + 0.2, "0.30"),
        (7, "7.00"),
    ],
)
def test_money_is_pence_exact(raw, expected):
    assert parse.money(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["12,00", "1.234,50", "£", "abc", "1,23.00", "--5", "-£-5", "12.345", True])
def test_bad_money(raw):
    with pytest.raises(parse.BadValue) as bad:
        parse.money(raw)
    assert bad.value.rule == "bad_money"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Y", True),
        ("n", False),
        ("Yes", True),
        ("NO", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0.0, False),
        (True, True),
        (False, False),
    ],
)
def test_yes_no(raw, expected):
    assert parse.boolean(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "yep"])
def test_bad_yes_no(raw):
    with pytest.raises(parse.BadValue) as bad:
        parse.boolean(raw)
    assert bad.value.rule == "bad_bool"


@pytest.mark.parametrize("raw", ["ap_placement", "AP Placement", "ap-placement", " Ap  Placement ", "AP_PLACEMENT"])
def test_code_spellings(raw):
    assert parse.code(raw, REFERRAL_CODES) == "ap_placement"


def test_upper_case_codes_keep_their_contract_spelling():
    assert parse.code("f", ("F", "M", "X")) == "F"
    assert parse.code("k", ("N", "K", "E")) == "K"


def test_unknown_code_lists_the_allowed_ones():
    with pytest.raises(parse.BadValue, match="in_school_support, outreach") as bad:
        parse.code("exclude", REFERRAL_CODES)
    assert bad.value.rule == "unknown_code"


@pytest.mark.parametrize(
    "raw, expected", [("123", 123), ("1,234", 1234), (" 7 ", 7), (120001.0, 120001), ("120001.0", 120001), ("-1", -1)]
)
def test_integers(raw, expected):
    assert parse.integer(raw) == expected


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("1.5", "bad_number"),
        (1.5, "bad_number"),
        ("nine", "bad_number"),
        ("12,34", "bad_number"),
        ("99999999999", "out_of_range"),
    ],
)
def test_bad_integers(raw, rule):
    with pytest.raises(parse.BadValue) as bad:
        parse.integer(raw)
    assert bad.value.rule == rule


@pytest.mark.parametrize("raw, expected", [("2.5", 2.5), ("1", 1.0), (0.5, 0.5), ("1,000.5", 1000.5)])
def test_numbers(raw, expected):
    assert parse.number(raw) == expected


def test_text_reads_excel_whole_numbers_without_the_point():
    assert parse.text(1001.0) == "1001"
    assert parse.text("  R1 ") == "R1"
