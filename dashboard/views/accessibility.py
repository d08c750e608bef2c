"""Accessibility statement: how accessible is this dashboard, and what do I do if I cannot use part of it?

In the GOV.UK model for public-sector websites (Public Sector Bodies Accessibility
Regulations 2018): how accessible it is, what is not and why, how to report a problem, the
enforcement procedure, and how and when it was tested. How it was tested is written up in
docs/accessibility.md; the problems listed here are the ones found there.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import data, page
from dashboard.views.support import contact_line

TESTED_ON = "2 December 2026"
AXE_VERSION = "4.14.1"

# Each problem: what people meet, and the WCAG 2.2 success criterion it fails.
KNOWN_PROBLEMS = (
    (
        "The charts are drawn by a charting library that cannot be operated by keyboard: the "
        "details shown when a pointer hovers over a bar or point are not reachable by keyboard "
        "or screen reader. Every chart has a short text alternative, a sentence saying what it "
        "shows, and its exact figures in the Table view and as CSV and Excel downloads.",
        "1.1.1 Non-text content, 2.1.1 Keyboard",
    ),
    (
        "Tables are drawn on a canvas by Streamlit. They can be moved through with the arrow "
        "keys and are read by screen readers as a grid, but some screen readers announce cells "
        "without their column heading, the focus inside a table is not shown with the "
        "dashboard's focus ring, and Tab passes through a few cells before leaving a table. The "
        "CSV and Excel downloads hold the same figures.",
        "1.3.1 Info and relationships, 2.4.7 Focus visible",
    ),
    (
        "The small trend lines in the headline cards are pictures without a text alternative of "
        "their own; screen readers skip them, and the figures for each year are written under "
        "each card.",
        "1.1.1 Non-text content (met by the text beside them)",
    ),
    (
        'Streamlit shows "Running..." while a page redraws but does not announce it to '
        "screen readers, and does not move the focus when a new page opens.",
        "4.1.3 Status messages",
    ),
    (
        "Where a warehouse holds more than six partnerships (a region's), the exclusion rate charts "
        "draw each partnership as a thin light-blue line (1.8 to 1 against white) behind the "
        "darker line of all partnerships together. Each is named when pointed at, and every "
        "partnership's figures are in the Table view.",
        "1.4.11 Non-text contrast",
    ),
    (
        "The page sets its language to British English with a script after it loads; before "
        "that, and with scripts off, it says only English (Streamlit's own page).",
        "3.1.1 Language of page",
    ),
)

# Not a WCAG failure, but people should know before they need it.
BEFORE_SIGN_IN = (
    "Where the dashboard asks you to sign in, this statement and the support page open "
    "only after signing in, because the sign-in form comes before every page."
)


def render() -> None:
    """Draw the page."""
    page.header(
        "Accessibility statement", "How accessible is this dashboard, and what do I do if I cannot use part of it?"
    )
    email = data.settings().support_email
    st.markdown(
        "This statement applies to SEIP Insight, the dashboard for secondary education and "
        "inclusion partnerships run by the local authority. We want as many people as possible "
        "to be able to use it. For example, you should be able to:\n\n"
        "- zoom in up to 400% without the text spilling off the screen;\n"
        "- reach and use every filter, tab, button and link with a keyboard alone, and see "
        "where you are;\n"
        "- read every chart's figures as a table, and download them as CSV or Excel;\n"
        "- use the dashboard with a screen reader;\n"
        "- turn off animation by asking your device for reduced motion.\n\n"
        "[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device "
        "easier to use if you have a disability."
    )

    st.header("How accessible this dashboard is", anchor=False)
    st.markdown(
        "We know some parts are not fully accessible:\n\n"
        + "\n".join(f"- {problem}" for problem, _ in KNOWN_PROBLEMS)
        + f"\n- {BEFORE_SIGN_IN}"
    )

    st.header("Feedback and contact information", anchor=False)
    st.markdown(
        "If you need information on this dashboard in a different format, such as "
        "accessible PDF, large print or a spreadsheet, or you find a problem not listed "
        "here:"
    )
    st.markdown(contact_line(email))

    st.header("Enforcement procedure", anchor=False)
    st.markdown(
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public "
        "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 "
        "(the 'accessibility regulations'). If you are not happy with how we respond to your "
        "complaint, [contact the Equality Advisory and Support Service (EASS)]"
        "(https://www.equalityadvisoryservice.com/)."
    )

    st.header("Technical information about this dashboard's accessibility", anchor=False)
    st.markdown(
        "The local authority is committed to making its websites accessible, in accordance with "
        "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
        "Regulations 2018.\n\n"
        "**Compliance status.** This dashboard is partially compliant with the [Web Content "
        "Accessibility Guidelines version 2.2](https://www.w3.org/TR/WCAG22/) AA standard, due "
        "to the non-compliances listed below."
    )
    st.subheader("Non-accessible content", anchor=False)
    st.markdown(
        "The content listed below is non-accessible for the following reasons; most "
        "of it comes from Streamlit, the framework the dashboard is built on, and we "
        "cannot change it ourselves.\n\n"
        + "\n".join(
            f"- {problem} This fails WCAG 2.2 success criterion {criterion}." for problem, criterion in KNOWN_PROBLEMS
        )
    )

    st.header("What we are doing to improve accessibility", anchor=False)
    st.markdown(
        "Every change to the dashboard is checked automatically: a test opens every page as each "
        "kind of user (commissioner, partnership chair, headteacher, governor) on a desktop and "
        "a phone screen, opens every tab, expander and form a person can open, and fails if "
        f"axe-core {AXE_VERSION} finds any serious or critical WCAG 2.2 A or AA problem. We "
        "report the problems above to Streamlit and will remove them as it fixes them."
    )

    st.header("Preparation of this accessibility statement", anchor=False)
    st.markdown(
        f"This statement was prepared on {TESTED_ON}. It was last reviewed on {TESTED_ON}.\n\n"
        f"The dashboard was last tested on {TESTED_ON} against the WCAG 2.2 AA standard, by the "
        f"team that builds it, on every page including Policy impact, this statement and Support:\n\n"
        f"- automatically with axe-core {AXE_VERSION} in Chromium, as each kind of user at 1280 and "
        "390 pixels wide, with every tab, expander, toggle, slider and drop-down open (no serious "
        "or critical problem), and with Lighthouse (every page scored 100 of 100);\n"
        "- by hand in Chromium with the manual check list kept with the code in "
        "`docs/accessibility-checklist.md`: keyboard only (including the upload, notes, alert "
        "rules and commentary forms), the visible focus, 320 pixels wide (400% zoom), text "
        "spacing, forced colours and reduced motion.\n\n"
        "It has not yet been tested with a screen reader (NVDA, JAWS or VoiceOver) or by "
        "disabled users; that is planned before the service goes live."
    )


if __name__ == "__main__":
    render()
