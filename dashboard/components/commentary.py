"""The chair's commentary on the Overview: shown to everyone for the chosen partnership and
year; a box to write it for its chair (or a commissioner)."""

from __future__ import annotations

import streamlit as st

from dashboard import commentary
from dashboard.components import data, forms


def show(partnership: str | None, partnership_name: str, year: str) -> None:
    """The commentary for `partnership` in `year` (nothing for all partnerships together)."""
    if partnership is None:
        return
    db_path = data.settings().db_path
    viewer = data.viewer()
    found = commentary.commentary(db_path, partnership, year)
    if found:
        with st.container(border=True):
            st.markdown(f"**Commentary from the partnership, {year}**")
            st.markdown(found["markdown"])
            st.caption(f"Written by {found['author']}, {found['updated_at']} UTC.")
    if not commentary.may_write(viewer, partnership):
        return
    with st.expander(f"Write the commentary for {partnership_name}, {year}"):
        with st.form(f"commentary-{partnership}-{year}"):
            text = st.text_area(
                "Commentary (Markdown: **bold**, lists, links; no HTML)",
                value=commentary.written(db_path, partnership, year),
                max_chars=commentary.MAX_LENGTH,
                height=180,
                key="commentary-text",
            )
            if st.form_submit_button("Save the commentary") and forms.saved(
                "commentary",
                lambda: commentary.save(db_path, viewer, partnership, year, text),
                (commentary.CommentaryError, commentary.NotPermitted),
            ):
                st.rerun()
