"""A one-component app for AppTest: sign-in, then the pupil-level list for the school or
partnership named in the URL (as the School view and partnership pages call it), or the
audit section (`?show=audit`)."""

import streamlit as st

from dashboard import auth
from dashboard.components import signin

viewer = auth.require_viewer()
params = st.query_params
if params.get("show") == "audit":
    signin.audit_section(viewer)
else:
    school = params.get("school")
    signin.pupil_list(viewer, urn=int(school) if school else None, partnership=params.get("partnership"),
                      academic_year=params.get("year"), key="pupils")
