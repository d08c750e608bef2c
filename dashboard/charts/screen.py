"""A figure as the dashboard hands it to the browser: its whole look written into it, so that
plotly draws each chart once.

Streamlit's chart theme (`st.plotly_chart(theme="streamlit")`) merges its look into a figure's
template in the browser, and does so again on a JSON copy once the chart has mounted. plotly.js
takes the copy's template for a new one, and plotly.py's arrays (base64, decoded into new typed
arrays each time) for new data, and draws every chart a second time. Here the template (`theme`'s
`seip`, with Streamlit's look merged over its layout as Streamlit merges it) is written into the
figure's own layout and traces, the arrays become plain lists, and a `datarevision` says the data
is the one already drawn: drawn with `theme=None`, the copy after mounting changes nothing plotly
can see. What is drawn is the same, setting for setting (tests/browser/test_chart_look.py).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re

import numpy as np

_FONT = '"Source Sans", sans-serif'
_GREY = "#808495"
_RULE = "#e6eaf1"

# What Streamlit's chart theme merged into every figure's template (Streamlit 1.67, this app's
# light theme in .streamlit/config.toml, read from the figures drawn in Chromium): the parts a
# chart drawn here can use. Most are beneath what `theme.style` sets in the figure itself.
STREAMLIT_LOOK = {
    "font": {"color": _GREY, "family": _FONT, "size": 12, "weight": 400},
    "title": {
        "font": {"color": "#0B0C0C", "family": _FONT, "size": 16},
        "pad": {"l": 4},
        "x": 0,
        "xanchor": "left",
    },
    "legend": {
        "bordercolor": "transparent",
        "borderwidth": 0,
        "font": {"color": "#262730", "size": 12},
        "title": {"font": {"color": _GREY, "size": 12}, "side": "top"},
        "valign": "top",
    },
    "paper_bgcolor": "#FFFFFF",
    "plot_bgcolor": "#FFFFFF",
    "xaxis": {
        "automargin": True,
        "gridcolor": _RULE,
        "minor": {"gridcolor": _RULE},
        "showgrid": False,
        "tickcolor": _RULE,
        "tickfont": {"color": _GREY, "size": 12},
        "title": {"font": {"color": _GREY, "size": 14}, "standoff": 20},
        "zeroline": False,
        "zerolinecolor": _RULE,
    },
    "yaxis": {
        "automargin": True,
        "gridcolor": _RULE,
        "minor": {"gridcolor": _RULE},
        "tickcolor": _RULE,
        "tickfont": {"color": _GREY, "size": 12},
        "ticklabelposition": "outside",
        "title": {"font": {"color": _GREY, "size": 14}, "standoff": 24},
        "zerolinecolor": _RULE,
    },
    "margin": {"l": 0, "pad": 8, "r": 0},
    "hoverlabel": {
        "bgcolor": "#FFFFFF",
        "bordercolor": "#8A8A8A",
        "font": {"color": _GREY, "family": _FONT, "size": 12},
    },
}

# An axis's settings that plotly takes as turning a part on (its line, its zero line, minor
# ticks) when the figure's own layout gives them, but not when only its template does: from the
# template they are written in only where the figure itself says whether the part is shown.
_SHOWN_BY = {
    "linecolor": "showline",
    "linewidth": "showline",
    "zerolinecolor": "zeroline",
    "zerolinewidth": "zeroline",
    "minor": "minor",
}
# a template's settings for kinds of plot the figure does not have are left out
_OTHER_PLOTS = ("geo", "polar", "scene", "ternary", "mapbox", "map", "smith")
_AXIS = re.compile(r"^([xy])axis\d*$")


def _under(base: dict, over: dict) -> dict:
    """`over`, with a copy of `base` filled in beneath it at every depth (`over`'s own values are
    taken, not copied)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _under(out[key], value)
        else:
            out[key] = value
    return out


def _lists(value):
    """`value` with plotly.py's base64 arrays (`{"dtype": "f8", "bdata": ...}`) as plain lists, a
    missing number as None."""
    if isinstance(value, list):
        return [_lists(v) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("bdata"), str) and set(value) <= {"dtype", "bdata", "shape"}:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
        if value.get("shape"):
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        if array.dtype.kind == "f":
            return np.where(np.isnan(array), None, array.astype(object)).tolist()
        return array.tolist()
    return {k: _lists(v) for k, v in value.items()}


def for_screen(spec: dict) -> dict:
    """`spec` (a figure's `to_dict()`, whose parts the result takes) with no template: the
    template's layout, with Streamlit's look over it, beneath the figure's layout; the template's
    trace defaults beneath each trace (by kind, in turn, as plotly applies them); its arrays as
    lists; a `datarevision` drawn from its data."""
    layout = spec.get("layout") or {}
    template = layout.get("template") or {}
    below = _under(template.get("layout") or {}, STREAMLIT_LOOK)
    axes = {"x": below.pop("xaxis", {}), "y": below.pop("yaxis", {})}
    annotation = below.pop("annotationdefaults", {})
    shape = below.pop("shapedefaults", {})
    for kind in _OTHER_PLOTS:
        if kind not in layout:
            below.pop(kind, None)
    out = _under(below, {k: v for k, v in layout.items() if k != "template" and not _AXIS.match(k)})
    for name in sorted({k for k in layout if _AXIS.match(k)} | {"xaxis", "yaxis"}):
        own = layout.get(name) or {}
        shown = {k: v for k, v in axes[name[0]].items() if k not in _SHOWN_BY or _SHOWN_BY[k] in own}
        out[name] = _under(shown, own)
    if layout.get("annotations"):
        out["annotations"] = [_under(annotation, a) for a in layout["annotations"]]
    if layout.get("shapes"):
        out["shapes"] = [_under(shape, s) for s in layout["shapes"]]
    # Streamlit's theme writes a figure's title in bold
    if (layout.get("title") or {}).get("text"):
        out["title"]["text"] = f"<b>{layout['title']['text']}</b>"
    kinds = template.get("data") or {}
    turns: dict[str, int] = {}
    data = []
    for trace in spec.get("data") or []:
        kind = trace.get("type", "scatter")
        defaults = kinds.get(kind) or []
        turn = turns.get(kind, 0)
        turns[kind] = turn + 1
        if defaults:
            trace = _under({k: v for k, v in defaults[turn % len(defaults)].items() if k != "type"}, trace)
        data.append(_lists(trace))
    # the same data, the same revision: a figure made again from the same data is the same figure
    out["datarevision"] = hashlib.blake2b(json.dumps(data, default=str).encode(), digest_size=8).hexdigest()
    return {**spec, "data": data, "layout": out}
