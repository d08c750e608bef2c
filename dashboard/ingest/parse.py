"""Value normalisers: turn one cell, as an export spells it, into the contract's value.

Each normaliser takes a raw cell (text from a CSV; text, float, bool or date from an
.xlsx cell) and returns the typed value, or raises `BadValue` carrying the rule id and a
plain-English message. Blank cells never reach them: the validator handles blanks.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")


class BadValue(ValueError):
    """A cell that cannot be read as its column's type; `rule` is the stable rule id."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


_SEPARATORS = re.compile(r"[^a-z0-9]+")


def header(raw: object) -> str:
    """A header, file or sheet name in its canonical form: `Pupil Ref` -> `pupil_ref`.

    Spaces, hyphens, underscores and any other punctuation separate words; dots and
    apostrophes vanish, so that `D.O.B.` is `dob`.
    """
    text = str(raw).replace("\ufeff", "").lower().replace(".", "").replace("'", "")
    return _SEPARATORS.sub("_", text).strip("_")


def is_blank(raw: object) -> bool:
    """True for an empty cell: None, NaN, or text that is only spaces."""
    if raw is None:
        return True
    if isinstance(raw, float):
        return math.isnan(raw)
    if isinstance(raw, str):
        return raw.strip() == ""
    return False


def _integral_float(raw: float) -> str | None:
    """Excel stores every number as a float: 123456.0 is the whole number 123456."""
    if math.isfinite(raw) and raw == int(raw):
        return str(int(raw))
    return None


def text(raw: object) -> str:
    """Free text, trimmed; an Excel number such as 1001.0 reads as `1001`."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        whole = _integral_float(raw)
        return whole if whole is not None else repr(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        return raw.isoformat()[:10] if _is_midnight(raw) else raw.isoformat()
    return str(raw).strip()


_YEAR = re.compile(r"^(\d{4})\s*[/\-]?\s*(\d{2}|\d{4})$")


def year(raw: object) -> str:
    """An academic year in any accepted spelling, returned as `2023/24`."""
    value = text(raw)
    m = _YEAR.match(value)
    if not m:
        raise BadValue("bad_year", "an academic year is written like 2023/24, 2023-24, 202324 or 2023/2024")
    start, end = int(m.group(1)), m.group(2)
    expected = start + 1
    if (len(end) == 2 and int(end) != expected % 100) or (len(end) == 4 and int(end) != expected):
        raise BadValue(
            "bad_year",
            f"an academic year runs over two calendar years: {start} is followed by {expected}, "
            f"so write {start}/{expected % 100:02d}",
        )
    if not 1990 <= start <= 2100:
        raise BadValue("bad_year", "the academic year is outside 1990/91 to 2100/01")
    return f"{start}/{expected % 100:02d}"


def _is_midnight(value: dt.date) -> bool:
    return not isinstance(value, dt.datetime) or value.time() == dt.time(0)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})$")


def date(raw: object) -> dt.date:
    """A date: ISO 2024-03-07, UK 07/03/2024 or 7/3/2024, or an Excel date cell.

    Day first always (US month-first is never assumed); an impossible date is an error.
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise BadValue(
            "bad_date", "a number is not a date: format the cell as a date, or write it as 07/03/2024 or 2024-03-07"
        )
    value = text(raw)
    m = _ISO.match(value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _UK.match(value)
        if not m:
            raise BadValue("bad_date", "a date is written day first, like 07/03/2024, or as 2024-03-07")
        d, mo, y = (int(g) for g in m.groups())
        if len(m.group(3)) != 4:
            raise BadValue("bad_date", "write the year in full (07/03/2024, not 07/03/24)")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        if mo > 12 and d <= 12:
            hint = ": dates are read day first (UK), never month first"
        else:
            hint = ""
        raise BadValue("impossible_date", f"there is no such date (day {d}, month {mo}, year {y}){hint}") from None


_MONEY = re.compile(r"^(-?)\s*£?\s*(-?)\s*(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$")


def money(raw: object) -> Decimal:
    """An amount of money in pounds, pence-exact: 1234.5, 1,234.50, £1,234.50, -£5,000.00."""
    if isinstance(raw, bool):
        raise BadValue("bad_money", "an amount of money is a number of pounds, such as 1234.50")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise BadValue("bad_money", "an amount of money is a number of pounds, such as 1234.50")
        # A float from Excel: its shortest decimal spelling is what the user typed.
        return Decimal(repr(float(raw))).quantize(PENNY)
    value = text(raw).replace(" ", "")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    m = _MONEY.match(value)
    if not m or (m.group(1) and m.group(2)) or not (m.group(3) or m.group(4)):
        raise BadValue("bad_money", "an amount of money is written like 1234.50, 1,234.50 or £1,234.50")
    pence = m.group(4) or ""
    if len(pence.rstrip("0")) > 2:
        raise BadValue("bad_money", "an amount of money has at most two decimal places (pence)")
    try:
        amount = Decimal(f"{m.group(3).replace(',', '') or '0'}.{pence or '0'}").quantize(PENNY)
    except InvalidOperation:
        raise BadValue("bad_money", "an amount of money is written like 1234.50") from None
    if amount >= Decimal("1e12"):
        raise BadValue("bad_money", "the amount is too large to be a real amount of money")
    return -amount if (negative or m.group(1) or m.group(2)) else amount


_TRUE = {"y", "yes", "true", "1", "t"}
_FALSE = {"n", "no", "false", "0", "f"}


def boolean(raw: object) -> bool:
    """A yes/no value: Y/N, Yes/No, TRUE/FALSE, 1/0, in any case, or an Excel TRUE/FALSE cell."""
    if isinstance(raw, bool):
        return raw
    value = text(raw).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValue("bad_bool", "a yes/no value is written Y or N, Yes or No, TRUE or FALSE, 1 or 0")


def code(raw: object, codes: tuple[str, ...]) -> str:
    """One of a code list, matched ignoring case, with spaces and hyphens read as underscores."""
    wanted = header(text(raw))
    for c in codes:
        if c.lower() == wanted:
            return c
    raise BadValue("unknown_code", "this is not one of the allowed codes: " + ", ".join(codes))


_INT = re.compile(r"^[+-]?(\d{1,3}(?:,\d{3})+|\d+)(?:\.0*)?$")


def integer(raw: object) -> int:
    """A whole number: 123, 1,234 or an Excel number such as 123.0."""
    value = _integer(raw)
    if abs(value) > 2**31 - 1:
        raise BadValue("out_of_range", "this number is too large")
    return value


def _integer(raw: object) -> int:
    if isinstance(raw, bool):
        raise BadValue("bad_number", "this should be a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        whole = _integral_float(raw)
        if whole is None:
            raise BadValue("bad_number", "this should be a whole number")
        return int(whole)
    value = text(raw)
    if not _INT.match(value):
        raise BadValue("bad_number", "this should be a whole number")
    return int(value.replace(",", "").split(".")[0])


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")


def number(raw: object) -> float:
    """A number, possibly with decimals: 2.5, 1,234.5 or an Excel number."""
    if isinstance(raw, bool):
        raise BadValue("bad_number", "this should be a number")
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            raise BadValue("bad_number", "this should be a number")
        return float(raw)
    value = text(raw)
    if not value or value in {"+", "-", "."} or not _NUMBER.match(value):
        raise BadValue("bad_number", "this should be a number")
    return float(value.replace(",", ""))
