"""The report buttons in the app: every page offers its PDF and the workbook, the Data page the
whole pack; pressing one makes the file for the viewer and records it in the audit log."""

from __future__ import annotations

import io

import openpyxl
import pytest
from app_driver import open_page
from report_helpers import pdf_text

from dashboard import audit
from dashboard.access import Viewer
from dashboard.components import report_downloads
from dashboard.settings import Settings


def _labels(at) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", ["overview", "policy_impact", "exclusions", "placements", "funding", "value_for_money", "benchmarks"]
)
def test_every_page_offers_its_pdf_and_the_workbook(demo_db, monkeypatch, page):
    at = open_page(demo_db, monkeypatch, page)
    assert not at.exception
    assert {"Download this page as PDF", "Download the workbook"} <= set(_labels(at))


@pytest.mark.slow
def test_the_data_page_offers_the_whole_pack(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, "data")
    assert not at.exception
    assert {"Download the whole pack as PDF", "Download the workbook"} <= set(_labels(at))


def test_pressing_a_button_makes_that_pages_pdf_for_the_viewer_and_audits_it(report_db, tmp_path):
    viewer = Viewer(name="ann@example.org", role="governor", scope="STH")
    content = report_downloads.make(
        viewer, Settings.from_env(report_db), "STH", "2023/24", "pdf", ("exclusions",), "the exclusions page"
    )
    path = tmp_path / "page.pdf"
    path.write_bytes(content)
    text = " ".join(pdf_text(path).split())
    assert "Exclusion avoidance" in text and "Are we keeping pupils in school?" in text
    assert "What do we buy, and what does it achieve?" not in text  # the placements page is not this page
    entry = audit.entries(report_db, user="ann@example.org", action="report", limit=1).iloc[0]
    assert (entry["role"], entry["scope"]) == ("governor", "STH")
    assert entry["detail"].startswith(
        "pdf report, South Partnership (STH), 2023/24: downloaded from the exclusions page ("
    )


def test_the_workbook_button_makes_the_whole_workbook(report_db):
    viewer = Viewer(name="bob@example.org", role="commissioner")
    content = report_downloads.make(
        viewer, Settings.from_env(report_db), "ALL", "2023/24", "xlsx", None, "the Data page"
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb["Cover"]["A1"].value == "SEIP Insight report pack: All partnerships, 2023/24"
    assert {"Reasons", "Spend by provider type", "Funding streams", "Cost per result"} <= set(wb.sheetnames)
