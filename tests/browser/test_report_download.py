"""The report buttons in a real browser: the PDF is made on the server when pressed and downloads."""

from __future__ import annotations

import subprocess

import pytest
from harness import visit


@pytest.mark.browser
def test_download_this_page_as_pdf(served, browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        visit(page, served, "exclusion-avoidance", query="?year=2023/24")
        # the file is made when pressed (kaleido draws every chart): allow for a cold Chromium
        with page.expect_download(timeout=300_000) as download:
            page.get_by_role("button", name="Download this page as PDF").click()
        assert download.value.suggested_filename == "seip-report-ALL-2023-24-commissioner-exclusions.pdf"
        path = tmp_path / "page.pdf"
        download.value.save_as(path)
    finally:
        context.close()
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "Exclusion avoidance" in text and "All partnerships" in text
    assert "Synthetic data." in text
