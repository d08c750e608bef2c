"""A one-component app for AppTest: sign-in, then the pupil-level list for the school or
partnership named in the URL (as the School view and partnership pages call it), or the
audit section (`?show=audit`); `?forge=1` hands the list a viewer nobody signed in as."""

import streamlit as st

from dashboard.access import Viewer
from dashboard.components import signin
from dashboard.settings import Settings

viewer = signin.require_viewer(Settings.from_env())
params = st.query_params
if params.get("show") == "audit":
    signin.audit_section(viewer)
else:
    school = params.get("school")
    if params.get("forge"):
        # what a careless page might do: hand in a viewer the session never signed in as
        viewer = Viewer(name="forged", role="commissioner")
    signin.pupil_list(
        viewer,
        urn=int(school) if school else None,
        partnership=params.get("partnership"),
        academic_year=params.get("year"),
        key="pupils",
    )
