"""Support and feedback: who do I ask about the dashboard, its figures or a problem using it?

The contact comes from the SEIP_SUPPORT_EMAIL setting, so each authority running SEIP
Insight gives its own; the accessibility statement sends people here too.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import data, page

NO_CONTACT = (
    "No support contact has been set up for this dashboard yet. Whoever runs it sets "
    "one with the `SEIP_SUPPORT_EMAIL` setting; until then, ask the person at the "
    "local authority who gave you access."
)


def contact_line(email: str) -> str:
    """How to reach support, in words, or the notice that nobody has been named."""
    if not email:
        return NO_CONTACT
    return f"E-mail [{email}](mailto:{email}). We aim to reply within 5 working days."


def render() -> None:
    """Draw the page."""
    page.header("Support and feedback", "Who do I ask about the dashboard, its figures or a problem using it?")
    email = data.settings().support_email
    st.header("Contact us", anchor=False)
    if email:
        st.markdown(contact_line(email))
    else:
        st.info(contact_line(email), icon=":material/info:")
    st.markdown(
        "Write to us about:\n\n"
        "- a figure that looks wrong, or one you cannot find;\n"
        "- a problem signing in, or seeing a school or partnership you should (or should not) see;\n"
        "- anything on the dashboard you cannot use, read or reach, for example with a screen "
        "reader, a keyboard or the page zoomed in (see the accessibility statement);\n"
        "- an idea that would make the dashboard more useful to you."
    )
    st.header("What to tell us", anchor=False)
    st.markdown(
        "The page you were on and the filters you had chosen (copying the address from the "
        "browser gives both), what you expected to see and what you saw. Do not send names or "
        "other details of pupils: the dashboard never needs them."
    )
    st.header("Questions about access", anchor=False)
    st.markdown(
        "Accounts and roles (commissioner, partnership chair, headteacher, governor) are given "
        "by the local authority's SEIP commissioner. Governors see aggregate figures only, with "
        "small numbers shown as `c`; this is deliberate and cannot be changed on request."
    )


if __name__ == "__main__":
    render()
