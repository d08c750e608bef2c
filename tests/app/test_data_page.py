"""The Data and definitions page in AppTest on the demo warehouse: the dictionary, sources and import log."""

from __future__ import annotations

from app_driver import open_page, words

from dashboard.metrics import catalogue


def test_data_page_lists_the_dictionary_sources_and_import_log(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "data")
    assert not at.exception
    dictionary = at.dataframe[0].value
    assert len(dictionary) == len(catalogue())
    assert set(dictionary["polarity"]) <= {"lower is better", "higher is better", "neither"}
    log = next(t.value for t in at.dataframe if "file_name" in t.value.columns)
    assert "referrals.csv" in set(log["file_name"])
    text = words(at)
    assert "This warehouse holds synthetic data." in text
    assert "Open Government Licence v3.0" in text
    assert "2025-07-18" in text
