"""The report buttons: "Download this page as PDF" and "Download the workbook" on every page, for
the filters chosen and the viewer's role; the whole pack on the Data and definitions page.

A report takes seconds to make (every chart drawn by kaleido), so nothing is made while the
page draws: Streamlit calls the function given as the button's data when it is pressed. That
function runs outside the page's script, so it takes the viewer, settings and filters with it
and opens its own read-only connection. Each report made is recorded in the audit log.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import warehouse
from dashboard.access import Viewer
from dashboard.components import data
from dashboard.metrics import LA_TOTAL
from dashboard.settings import Settings

# the report pack reads the pages' own wording (pages import this module): imported when used
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make(
    viewer: Viewer, settings: Settings, partnership: str, year: str, fmt: str, pages: tuple[str, ...] | None, where: str
) -> bytes:
    """The report file's bytes for `viewer` (made when the button is pressed), audited as a
    download from `where`."""
    from dashboard.reports import run

    con = warehouse.open_read_only(settings.db_path)
    try:
        return run.report(
            con,
            viewer,
            settings,
            partnership=partnership,
            year=year,
            fmt=fmt,
            pages=pages,
            destination=f"downloaded from {where}",
        )[1]
    finally:
        con.close()


def offer(year: str | None, partnership: str | None, *, page: str | None, key: str) -> None:
    """The two buttons for `year` and `partnership` (a code; None for all partnerships).

    `page` is the page's key in `reports.pack.SECTIONS` (the PDF holds that page's section),
    "overview" for the headline figures alone, or None for the whole pack (PDF and workbook).
    """
    if year is None:
        return
    viewer, settings = data.viewer(), data.settings()
    code = partnership or LA_TOTAL
    stem = f"seip-report-{code}-{year.replace('/', '-')}-{viewer.role}"
    if page is None:
        pdf_label, pages, pdf_name, where = "Download the whole pack as PDF", None, f"{stem}.pdf", "the Data page"
    else:
        pages = () if page == "overview" else (page,)
        pdf_label, pdf_name, where = "Download this page as PDF", f"{stem}-{page}.pdf", f"the {page} page"
    common = {"viewer": viewer, "settings": settings, "partnership": code, "year": year}
    left, right = st.columns(2)
    with left:
        st.download_button(
            pdf_label,
            partial(make, **common, fmt="pdf", pages=pages, where=where),
            file_name=pdf_name,
            mime=PDF_MIME,
            key=f"report-pdf-{key}",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            help="A4, tagged for screen readers; takes a few seconds to make",
        )
    with right:
        st.download_button(
            "Download the workbook",
            partial(make, **common, fmt="xlsx", pages=None, where=where),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            key=f"report-xlsx-{key}",
            on_click="ignore",
            icon=":material/table_view:",
            help="Every table of the pack, one per sheet, for the filters chosen",
        )
