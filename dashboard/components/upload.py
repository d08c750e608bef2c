"""The Data page's upload: choose files, see the screener, then import (commissioners; chairs
for their own partnership's tables where the setting SEIP_CHAIRS_UPLOAD allows)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import upload
from dashboard.components import data, launch
from dashboard.formula_safety import csv_bytes

_RESULT_ICONS = {"PASS": "✅ PASS", "WARN": "⚠️ WARN", "FAIL": "❌ FAIL"}


def _fingerprint(files: list[upload.Upload]) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + hashlib.sha256(f.data).digest())
    return digest.hexdigest()


def section() -> None:
    """Upload new exports: the screener first, then the import as a second step (no FAIL allowed)."""
    viewer = data.viewer()
    chairs_upload = data.settings().chairs_upload
    if not upload.may_upload(viewer, chairs_upload):
        return
    db_path = data.settings().db_path
    st.header("Bring in new data", anchor=False)
    if viewer.role == "chair":
        st.info(
            f"As chair of {viewer.scope} you may upload your own partnership's tables only: a row of "
            "another partnership's school, referral or funding fails the check, and DfE files are "
            "brought in by the local authority.",
            icon=":material/info:",
        )
    st.markdown(
        "Upload a partnership export (its tables' CSV files, or one Excel workbook with a sheet per "
        "table) or DfE files. First the files are checked, exactly as `seip validate` checks them; "
        "then, if no check failed, **Import** replaces the data for everyone in one step. "
        f"At most {upload.MAX_FILES} files, {upload.MAX_FILE_MB} MB each, {upload.MAX_TOTAL_MB} MB in all; "
        "`.csv` and `.xlsx` only. The files are not kept."
    )
    chosen = st.file_uploader("Export files", type=["csv", "xlsx"], accept_multiple_files=True, key="upload-files")
    files = [upload.Upload(f.name, f.getvalue()) for f in chosen or []]
    if not files:
        st.session_state.pop("upload-checked", None)
        return
    fingerprint = _fingerprint(files)
    if st.button("Check these files", key="upload-check", type="primary"):
        try:
            st.session_state["upload-checked"] = (
                fingerprint,
                upload.check(db_path, viewer, files, chairs_upload=chairs_upload),
            )
        except upload.UploadRefused as exc:
            st.error(f"These files were not taken: {exc}", icon=":material/block:")
            return
    checked = st.session_state.get("upload-checked")
    if checked is None or checked[0] != fingerprint:
        return
    result = checked[1]
    _screener(result)
    if not result.ok:
        st.error(
            f"{len(result.errors)} problem(s) must be put right before these files can be imported; "
            "nothing was changed.",
            icon=":material/error:",
        )
        return
    if st.button("Import these files", key="upload-import", type="primary"):
        with st.spinner("Importing: everyone keeps seeing the current data until the new data is ready"):
            done = upload.import_files(db_path, viewer, files, chairs_upload=chairs_upload)
        st.session_state.pop("upload-checked", None)
        if done.changed:
            launch.work_out_audit_ahead()  # the new data's disclosure audit, before a governor asks
            st.success(f"Imported. {done.summary()}", icon=":material/check_circle:")
        else:
            st.error(f"The import was refused: {done.summary()}", icon=":material/error:")
            _screener(done)


def _screener(result) -> None:
    """The screener: each rule PASS / WARN / FAIL, then every problem, downloadable as CSV."""
    rules = pd.DataFrame(upload.screener(result.problems))
    failed, warned = (rules["result"] == "FAIL").sum(), (rules["result"] == "WARN").sum()
    st.subheader("Screener", anchor=False)
    st.markdown(f"**{len(rules) - failed - warned} rules pass, {warned} warn, {failed} fail.** {result.summary()}")
    shown = rules.assign(result=rules["result"].map(_RESULT_ICONS))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="upload-screener",
        column_config={"what it checks": st.column_config.TextColumn(width="large")},
    )
    if result.problems:
        problems = pd.DataFrame(upload.problem_rows(result.problems))
        st.markdown(f"**Every problem ({len(problems)})**: the row is as you see it in Excel (the header is row 1).")
        st.dataframe(problems, hide_index=True, width="stretch", key="upload-problems")
        st.download_button(
            "Download the problems (CSV)",
            csv_bytes(problems),
            file_name="upload-problems.csv",
            mime="text/csv",
            key="upload-problems-csv",
            icon=":material/download:",
        )
