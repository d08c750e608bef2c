"""Page furniture every page shares: the heading with the question it answers, the
synthetic-data banner and the words shown when there is nothing to show."""

from __future__ import annotations

import streamlit as st

from dashboard.components import data

SYNTHETIC_BANNER = ("**Synthetic data.** Every partnership, school and pupil figure on this "
                    "dashboard is made up for demonstration; only the England, regional and "
                    "statistical-neighbour figures are real DfE data.")


def header(title: str, question: str) -> None:
    """The page title and, under it, the question the page answers."""
    st.title(title, anchor=False)
    st.markdown(f"*{question}*")


def synthetic_banner() -> None:
    """A warning banner when the warehouse holds the synthetic demo data."""
    if data.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon=":material/science:")


def no_data(what: str) -> None:
    """Say in words that there is no data for the filters chosen."""
    st.info(what, icon=":material/info:")
