"""SEIP Insight: the router. Page config, sign-in, the synthetic-data banner, navigation.

Run with `seip serve` or `streamlit run dashboard/app.py`; the warehouse is `SEIP_DB`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.components import launch, page, run_times, signin
from dashboard.settings import Settings

PAGES = Path(__file__).parent / "views"
# a file of our own: for a Material icon the browser fetched the favicon from Google's font
# servers on every visit (a third party told of each visit, and an error where it cannot reach it)
FAVICON = Path(__file__).parent / "favicon.png"

st.set_page_config(page_title="Sign in – SEIP Insight", page_icon=FAVICON, layout="wide", initial_sidebar_state="auto")
page.accessibility()

overview = st.Page(PAGES / "overview.py", title="Overview", url_path="overview", icon=":material/dashboard:")


def home() -> None:
    """`/` opens the Overview at its own address, keeping the filters in the URL: Streamlit
    drops the query string of whichever page sits at `/`, so no real page lives there."""
    st.switch_page(overview, query_params=st.query_params.to_dict())


pages = [
    st.Page(home, title="SEIP Insight", url_path="home", default=True, visibility="hidden"),
    overview,
    st.Page(
        PAGES / "policy_impact.py", title="Policy impact", url_path="policy-impact", icon=":material/trending_down:"
    ),
    st.Page(
        PAGES / "exclusions.py", title="Exclusion avoidance", url_path="exclusion-avoidance", icon=":material/shield:"
    ),
    st.Page(
        PAGES / "placements.py", title="Placements and costs", url_path="placements-and-costs", icon=":material/school:"
    ),
    st.Page(
        PAGES / "funding.py",
        title="Funding and deprivation",
        url_path="funding-and-deprivation",
        icon=":material/payments:",
    ),
    st.Page(
        PAGES / "value_for_money.py", title="Value for money", url_path="value-for-money", icon=":material/balance:"
    ),
    st.Page(PAGES / "benchmarks.py", title="Benchmarks", url_path="benchmarks", icon=":material/leaderboard:"),
    st.Page(PAGES / "school.py", title="School view", url_path="school-view", icon=":material/location_city:"),
    st.Page(
        PAGES / "data.py", title="Data and definitions", url_path="data-and-definitions", icon=":material/menu_book:"
    ),
]
# linked from every page's footer rather than listed in the navigation
statement = st.Page(
    PAGES / "accessibility.py", title="Accessibility statement", url_path="accessibility", visibility="hidden"
)
support = st.Page(PAGES / "support.py", title="Support and feedback", url_path="support", visibility="hidden")
pages += [statement, support]

settings = Settings.from_env()
with run_times.timed(settings.run_times) as run:
    st.session_state["viewer"] = signin.require_viewer(settings)
    current = st.navigation(pages)
    run["page"] = current.url_path or "home"  # the default page sits at `/`
    signin.resume_wanted_page(pages, current)  # after the sign-in form, the page first asked for

    page.document_title(current.title)
    page.synthetic_banner()  # reads the warehouse: a new version's audit is started first
    if st.session_state["viewer"].role == "governor" and current not in (statement, support) and launch.audit_pending():
        page.figures_being_checked(current.title)
    else:
        current.run()
    page.footer(statement, support)
