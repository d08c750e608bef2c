"""What a chart's table and download show: `c` for suppressed values, DfE symbols as symbols."""

import numpy as np
import pandas as pd

from dashboard.components.chart_panel import caption_text, display_table
from dashboard.formula_safety import csv_bytes, xlsx_bytes


def test_suppressed_values_become_c_and_markers_go():
    table = pd.DataFrame(
        {
            "area": ["North", "South"],
            "value": [0.12, np.nan],
            "suppressed": [False, True],
            "referrals": [10.0, np.nan],
            "referrals_suppressed": [False, True],
        }
    )
    shown, suppressed, symbols = display_table(table)
    assert list(shown.columns) == ["area", "value", "referrals"]
    # a column mixing c with numbers goes to Arrow as text
    assert shown["value"].tolist() == ["0.12", "c"]
    assert shown["referrals"].tolist() == ["10", "c"]
    assert suppressed and not symbols


def test_dfe_symbols_fill_the_values_they_explain():
    table = pd.DataFrame(
        {
            "area": ["A", "B", "C"],
            "value": [0.2, np.nan, np.nan],
            "suppressed": [False, False, False],
            "value_symbol": [None, "z", None],
        }
    )
    shown, suppressed, symbols = display_table(table)
    assert "value_symbol" not in shown.columns
    # missing without a reason stays blank, never 0
    assert shown["value"].tolist() == ["0.20", "z", ""]
    assert symbols and not suppressed


def test_nothing_marked_nothing_changed():
    table = pd.DataFrame({"reason": ["theft"], "referrals": [7]})
    shown, suppressed, symbols = display_table(table)
    assert shown.equals(table) and not suppressed and not symbols


def test_downloads_carry_the_c():
    shown, _, _ = display_table(pd.DataFrame({"area": ["South"], "value": [np.nan], "suppressed": [True]}))
    assert csv_bytes(shown).decode("utf-8-sig").splitlines() == ["area,value", "South,c"]
    workbook = xlsx_bytes(shown, "pex-rate")
    assert workbook[:2] == b"PK"  # a zip container, as every xlsx is
    back = pd.read_excel(__import__("io").BytesIO(workbook), engine="calamine")
    assert back["value"].tolist() == ["c"]


def test_caption_has_source_and_date():
    assert caption_text("Rates fell.", "DfE", "2025-07-18") == ("Rates fell. Source: DfE. Data as at 2025-07-18.")
    assert caption_text("", "DfE", "not known") == "Source: DfE. Data as at not known."


def test_column_labels_use_the_metric_dictionary_then_the_words_of_the_name():
    from dashboard.components.chart_panel import column_label

    labels = {"pex_rate": "Permanent exclusion rate (per 100 pupils)"}
    assert column_label("pex_rate", labels) == "Permanent exclusion rate (per 100 pupils)"
    assert column_label("referred_pct", labels) == "Referred (%)"
    assert column_label("cost_gbp", labels) == "Cost (£)"
    assert column_label("group_name", labels) == "Group name"
