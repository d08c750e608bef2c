"""The county figures the demo is calibrated to, read from data/calibration/."""

from __future__ import annotations

import pytest

from dashboard.demo import calibration
from dashboard.demo.calibration import CalibrationError, CountyYear

HEADER = "academic_year,pupils,fsm,sen_support,ehcp,permanent_exclusions,suspensions,suspended_pupils\n"


def test_the_shipped_file_holds_the_published_figures():
    # docs/demo-data.md, "Calibration targets": the first and last year, by hand
    county = calibration.read(calibration.CALIBRATION_FILE)
    assert list(county) == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    assert county["2019/20"] == CountyYear(42593, 4239, 4290, 799, 13, 2034, 1197)
    assert county["2024/25"] == CountyYear(44590, 7690, 6156, 1294, 53, 8897, 2996)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "county.csv"
    path.write_text(HEADER.replace(",ehcp", "") + "2019/20,1,1,1,1,1,1\n", encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"county\.csv: row 1 \(the header\) lacks the column\(s\) ehcp$"):
        calibration.read(path)


@pytest.mark.parametrize("value", ["", "2,034", "-3", "12.5"])
def test_a_value_that_is_not_a_count_names_its_row_and_column(tmp_path, value):
    path = tmp_path / "county.csv"
    path.write_text(
        HEADER + "2019/20,42593,4239,4290,799,13,2034,1197\n" + f'2020/21,43272,5143,4780,888,6,"{value}",1403\n',
        encoding="utf-8",
    )
    with pytest.raises(CalibrationError, match=r"county\.csv: row 3, column suspensions: .* is not a whole number"):
        calibration.read(path)
