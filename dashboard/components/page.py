"""Page furniture every page shares: the heading with the question it answers, the
synthetic-data banner, the words shown when there is nothing to show, the footer, and the
accessibility fixes Streamlit's theme options cannot make (docs/accessibility.md)."""

from __future__ import annotations

import streamlit as st

from dashboard.components import data, launch, permalink

SYNTHETIC_BANNER = (
    "**Synthetic data.** Every partnership, school and pupil figure on this "
    "dashboard is made up for demonstration; only the England, regional and "
    "statistical-neighbour figures are real DfE data."
)
SERVICE = "SEIP Insight"

# What the theme (dashboard/.streamlit/config.toml) cannot say: a visible focus ring of 3 px
# in the GSS dark blue on every control; a slider's least and greatest values always shown
# (Streamlit fades them in on hover or focus and out again over half a second, and half-faded
# they are #ddd on white, 1.4 to 1); footer links that look like links; animations and
# transitions off for people who ask for less motion; in forced colours (Windows High Contrast),
# where the browser drops background colours, a slider's track and thumb and the chosen tab drawn
# with borders, as Streamlit draws all three with backgrounds only; the chart alternatives kept
# for screen readers but off screen (.seip-alt, taking no gap in the page's column).
_STYLE = """
<style>
:focus-visible { outline: 3px solid #12436D !important; outline-offset: 2px !important; }
[data-testid=stSliderTickBar] { opacity: 1 !important; transition: none !important; }
.st-key-seip-footer a p { color: #12436D; text-decoration: underline; }
[data-testid=stSkipToContent]:focus { outline: 3px solid #12436D; background: #FFFFFF; color: #0B0C0C; }
.seip-alt, [data-testid=stElementContainer]:has(.seip-alt), .st-key-seip-furniture,
[data-testid=stLayoutWrapper]:has(> .st-key-seip-furniture) {
  position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip-path: inset(50%); white-space: nowrap; }
@media (forced-colors: active) {
  [data-testid=stSlider] [role=group] > div > div:first-child { border: 1px solid CanvasText; }
  [data-testid=stSlider] [role=group] > div > div:has(input[type=range]) {
    forced-color-adjust: none; background: Highlight; border: 2px solid CanvasText; }
  [data-testid=stTab][aria-selected=true] { border-bottom: 3px solid Highlight; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important;
                           transition-duration: 0.01ms !important; scroll-behavior: auto !important; }
}
</style>
"""

# The document's language (Streamlit's page says only "en"); the headline cards' sparklines
# hidden from screen readers, which would read their points as "x: 0; y: 0.03" (the figures
# are in words beside them); each chart named by its alternative text. Streamlit redraws
# elements at will, so one observer keeps these true for the life of the tab.
_SCRIPT = """
<script>
(() => {
  const fix = () => {
    const root = document.documentElement;
    if (root.lang !== "en-GB") root.lang = "en-GB";
    document.querySelectorAll("[data-testid=stMetricChart]:not([aria-hidden])")
      .forEach(chart => chart.setAttribute("aria-hidden", "true"));
    document.querySelectorAll(".seip-alt[data-chart]").forEach(alt => {
      const chart = document.querySelector(`.st-key-${alt.dataset.chart} .js-plotly-plot`);
      if (!chart || chart.getAttribute("aria-label") === alt.textContent) return;
      chart.setAttribute("role", "img");
      chart.setAttribute("aria-label", alt.textContent);
      alt.setAttribute("aria-hidden", "true");
    });
  };
  fix();
  if (!window.seipAccessibility) {
    window.seipAccessibility = new MutationObserver(fix);
    window.seipAccessibility.observe(document.body, {childList: true, subtree: true});
  }
})();
</script>
"""


def accessibility() -> None:
    """The styles and the small script above, on every page and on the sign-in form."""
    st.html(_STYLE)
    with st.container(key="seip-furniture"):
        st.html(_SCRIPT, unsafe_allow_javascript=True)


def document_title(title: str) -> None:
    """Name the browser tab after the page, so each page has its own title."""
    st.set_page_config(page_title=f"{title} – {SERVICE}")


def header(title: str, question: str) -> None:
    """The page title and, under it, the question the page answers."""
    st.title(title, anchor=False)
    st.markdown(f"*{question}*")
    permalink.show()


def synthetic_banner() -> None:
    """A warning banner when the warehouse holds the synthetic demo data."""
    if data.is_synthetic():
        st.warning(SYNTHETIC_BANNER, icon=":material/science:")


def figures_being_checked(title: str) -> None:
    """What a governor sees while the server checks their figures for small numbers after the
    data changed (`launch.audit_pending`): the page opens by itself once they are ready."""
    st.title(title, anchor=False)
    st.info(
        "Figures for governors are being checked for small numbers, as they are each time the data "
        "changes: seconds for one local authority, some minutes for a region. This page opens by "
        "itself when they are ready.",
        icon=":material/hourglass_top:",
    )

    @st.fragment(run_every=2)
    def ready() -> None:
        if not launch.audit_pending():
            st.rerun()

    ready()


def no_data(what: str) -> None:
    """Say in words that there is no data for the filters chosen."""
    st.info(what, icon=":material/info:")


def footer(accessibility_page: st.Page, support_page: st.Page) -> None:
    """Links to the accessibility statement and to support, under every page."""
    st.divider()
    with st.container(horizontal=True, key="seip-footer"):
        st.page_link(accessibility_page, label="Accessibility statement")
        st.page_link(support_page, label="Support and feedback")
