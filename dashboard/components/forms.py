"""What every form that writes to the store does with a refusal: say it, keep the page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def saved(what: str, save: Callable[[], object], refusals: tuple[type[Exception], ...]) -> bool:
    """Run `save`; when it raises one of `refusals`, show 'The <what> was not saved: <why>' and
    return False (True when it was saved)."""
    try:
        save()
    except refusals as exc:
        st.error(f"The {what} was not saved: {exc}", icon=":material/error:")
        return False
    return True
