"""Pure chart builders, memoised: building a plotly figure costs tens of milliseconds, and a
page with six charts would spend most of its run on them. Results are keyed on the builder
and the hash of its arguments (DataFrames included), so new data builds new figures.

`st.cache_resource`, not `cache_data`: unpickling a plotly figure re-validates it and costs as
much as building it. The cached figure and table are shared, so callers must not change them
(`chart_panel` copies the table and only reads the figure)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st


@st.cache_resource(max_entries=512, show_spinner=False)
def _built(_builder: Callable[..., Any], name: str, args: tuple, kwargs: dict) -> Any:
    # functions cannot be hashed: the builder's full name stands for it in the key
    return _builder(*args, **kwargs)


def built(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`builder(*args, **kwargs)`, computed once per distinct arguments and then served from cache.

    `builder` must be pure (a function of its arguments only), as every `dashboard.charts` builder is.
    """
    return _built(builder, f"{builder.__module__}.{builder.__qualname__}", args, kwargs)
