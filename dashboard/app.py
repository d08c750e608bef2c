"""SEIP Insight: the router. Page config, sign-in, the synthetic-data banner, navigation.

Run with `seip serve` or `streamlit run dashboard/app.py`; the warehouse is `SEIP_DB`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.components import page
from dashboard.pages import (
    benchmarks,
    exclusions,
    funding,
    overview,
    placements,
    school,
    value_for_money,
)
from dashboard.pages import data as data_page

st.set_page_config(page_title="SEIP Insight", page_icon=":material/school:", layout="wide",
                   initial_sidebar_state="auto")

viewer = auth.require_viewer()
st.session_state["viewer"] = viewer

pages = [
    st.Page(overview.render, title="Overview", url_path="overview", default=True,
            icon=":material/dashboard:"),
    st.Page(exclusions.render, title="Exclusion avoidance", url_path="exclusion-avoidance",
            icon=":material/shield:"),
    st.Page(placements.render, title="Placements and costs", url_path="placements-and-costs",
            icon=":material/school:"),
    st.Page(funding.render, title="Funding and deprivation", url_path="funding-and-deprivation",
            icon=":material/payments:"),
    st.Page(value_for_money.render, title="Value for money", url_path="value-for-money",
            icon=":material/balance:"),
    st.Page(benchmarks.render, title="Benchmarks", url_path="benchmarks",
            icon=":material/leaderboard:"),
    st.Page(school.render, title="School view", url_path="school-view",
            icon=":material/location_city:"),
    st.Page(data_page.render, title="Data and definitions", url_path="data-and-definitions",
            icon=":material/menu_book:"),
]
current = st.navigation(pages)

page.synthetic_banner()
current.run()
