"""Every chart in three views (Chart / Table / Download), with its source and "data as at".

The table is exactly the chart's data. Suppressed values are shown as `c` with the DfE
footnote, in the table and in the download alike, never as a number.
"""

from __future__ import annotations

import copy
import html
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard import auth
from dashboard.charts import screen, theme
from dashboard.components import data, notes
from dashboard.disclosure import suppressed_meaning
from dashboard.formula_safety import csv_bytes, xlsx_bytes


def suppressed_note() -> str:
    """The note under a table with a `c` in it, worded from the setting SEIP_SUPPRESS_MAX."""
    return f"c = suppressed: {suppressed_meaning()}, is not shown so that no pupil can be identified."


SYMBOLS_NOTE = "DfE symbols: x = not available, z = not applicable, low = rounds to 0 but is not 0, : = not published."


def display_table(table: pd.DataFrame) -> tuple[pd.DataFrame, bool, bool]:
    """The table as people see it, whether any value is suppressed, and whether any DfE
    symbol stands in for a value.

    A boolean column `suppressed` marks the row's `value`; a column `<name>_suppressed`
    marks `<name>`. Marked cells become `c`; the marker columns are dropped. A column
    `value_symbol` (DfE's own `x`, `z`, `low`, ...) fills the missing values it explains.
    """
    shown = table.copy()
    symbols = False
    if "value_symbol" in shown.columns:
        explained = shown["value"].isna() & shown["value_symbol"].notna()
        symbols = bool(explained.any())
        if symbols:
            shown["value"] = [
                (symbol if why else _as_text(v))
                for v, why, symbol in zip(shown["value"], explained, shown["value_symbol"], strict=True)
            ]
        shown = shown.drop(columns="value_symbol")
    markers = [c for c in shown.columns if c == "suppressed" or c.endswith("_suppressed")]
    any_suppressed = False
    for marker in markers:
        target = "value" if marker == "suppressed" else marker.removesuffix("_suppressed")
        flags = shown[marker].fillna(False).astype(bool)
        if target in shown.columns and flags.any():
            any_suppressed = True
            # a column mixing `c` with numbers cannot go to Arrow: show it all as text
            shown[target] = [("c" if hidden else _as_text(v)) for v, hidden in zip(shown[target], flags, strict=True)]
    return shown.drop(columns=markers), any_suppressed, symbols


def column_label(column: str, labels: dict[str, str]) -> str:
    """A table column as people say it: the metric dictionary's label for a metric id, else the
    words of the name with its unit ('referred_pct' -> 'Referred (%)', 'cost_gbp' -> 'Cost (£)')."""
    if column in labels:
        return labels[column]
    for suffix, unit in (("_pct", " (%)"), ("_gbp", " (£)")):
        if column.endswith(suffix):
            return theme.label(column.removesuffix(suffix)) + unit
    return theme.label(column)


def column_config(shown: pd.DataFrame) -> dict:
    """Labels for every column, and numbers rounded for reading (the download keeps them whole)."""
    catalogue = data.catalogue()
    labels = dict(zip(catalogue["metric"], catalogue["label"], strict=True))
    decimals = dict(zip(catalogue["metric"], catalogue["decimals"], strict=True))
    config = {}
    for column in shown.columns:
        label = column_label(column, labels)
        values = shown[column]
        if pd.api.types.is_float_dtype(values):
            whole = values.dropna().astype(float).map(float.is_integer).all()
            places = 0 if whole else int(decimals.get(column, 1 if column.endswith("_pct") else 2))
            config[column] = st.column_config.NumberColumn(label, format=f"%.{places}f")
        else:
            config[column] = st.column_config.Column(label)
    return config


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, (int, float)) and float(value).is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def caption_text(caption: str, source: str, as_of: str) -> str:
    """The line under every chart: the summary sentence, then source and data date."""
    parts = [caption.strip()] if caption else []
    parts.append(f"Source: {source}. Data as at {as_of}.")
    return " ".join(parts)


class _Drawn(BaseFigure):
    """A figure already turned into the dict the browser is sent (`screen.for_screen`), handed to
    `st.plotly_chart`, which would otherwise deep-copy every figure into a dict on every rerun
    (most of a page's server time when a chart has hundreds of traces). Only `to_dict` is ever
    asked of it."""

    def __init__(self, spec: dict):  # no BaseFigure.__init__: nothing is validated again
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


# Figures and tables from data.chart are shared and never change: what is drawn from them is
# worked out once per object, not on every rerun.
_specs = data.PerObject()  # figure -> its dict for the browser
_tables = data.PerObject()  # table -> (table as shown, any suppressed, any DfE symbol, column config)
_alts = data.PerObject()  # figure -> its text alternative


def _drawn(fig: go.Figure) -> _Drawn:
    spec = _specs.get(fig)
    if spec is None:
        spec = _specs.put(fig, screen.for_screen(fig.to_dict()))
    return _Drawn(spec)


ALT_MAX = 220
_KINDS = {
    "bar": "bar",
    "funnel": "funnel",
    "box": "box plot",
    "histogram": "histogram",
    "heatmap": "heat map",
    "waterfall": "waterfall",
}


def alt_text(fig: go.Figure, title: str = "") -> str:
    """What the chart draws, in at most ALT_MAX characters: its kind, its axes and its series
    ('Bar chart of 6 bars, per 100 pupils across. One series: England.'). The title says the
    measure and the caption the finding, so neither is repeated: series named in `title` are left out."""
    kinds, names = [], []
    for trace in fig.data:
        if trace.type == "scatter":
            mode = trace.mode or "lines"
            kind = "point" if "lines" not in mode else "line and point" if "markers" in mode else "line"
        else:
            kind = _KINDS.get(trace.type, trace.type)
        if kind not in kinds:
            kinds.append(kind)
        if (
            trace.name
            and trace.showlegend is not False
            and trace.name not in names
            and str(trace.name).lower() not in title.lower()
        ):
            names.append(str(trace.name))
    if not kinds:
        note = " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations if a.text)
        return _shorten(f"No chart: {note}" if note else "No chart: there is nothing to draw.")
    # a title broken over lines for a phone reads as one line
    x, y = ((axis.title.text or "").replace("<br>", " ") for axis in (fig.layout.xaxis, fig.layout.yaxis))
    sideways = any(getattr(t, "orientation", None) == "h" for t in fig.data)
    axes = []
    if x:
        axes.append(f"{x} {'across' if sideways or not y else 'along the bottom'}")
    if y:
        axes.append(f"{y} {'down the side' if not sideways else 'down'}")
    bars = max(
        (
            len(t.y if t.orientation == "h" else t.x)
            for t in fig.data
            if t.type == "bar" and (t.y if t.orientation == "h" else t.x) is not None
        ),
        default=0,
    )
    text = (
        f"{' and '.join(kinds).capitalize()} chart"
        + (f" of {bars} bars" if bars else "")
        + (f", {', '.join(axes)}" if axes else "")
        + "."
    )
    if names:
        shown = names[:4]
        more = f" and {len(names) - 4} more" if len(names) > 4 else ""
        text += f" {'Series' if len(names) > 1 else 'One series'}: {', '.join(shown)}{more}."
    return _shorten(text)


def _shorten(text: str) -> str:
    return text if len(text) <= ALT_MAX else text[: ALT_MAX - 1].rsplit(" ", 1)[0] + "…"


def _record_download(key: str) -> None:
    auth.record(data.viewer(), "download", key)


VIEWS = ("Chart", "Table", "Download")


def views_key(key: str) -> str:
    """The session-state key of chart `key`'s tabs: its value is the open tab's label."""
    return f"views-{key}"


# A fragment: opening a tab reruns this panel alone, not the page. The tabs say which one is open
# (on_change="rerun"), and only the open one's content is drawn: the browser spent most of a
# page's CPU building the grids of hidden Table tabs. The chart is drawn whatever is open, so
# going back to it draws nothing again and its text alternative stays for page.accessibility().
@st.fragment
def chart_panel(
    fig: go.Figure, table: pd.DataFrame, *, title: str, caption: str, source: str, key: str, alt: str | None = None
) -> None:
    """Show `fig` under `title` with tabs Chart / Table / Download and a caption.

    `caption` says in words what the chart shows (its finding). `alt` is the chart's short text
    alternative, at most ALT_MAX characters, read by screen readers in place of the drawing;
    by default `alt_text(fig, title)`. `key` names the chart (unique on the page) and its download
    files. The Table and Download tabs are drawn only while open (`views_key(key)` holds the open one).
    """
    if alt is None:
        alt = _alts.get(fig) or _alts.put(fig, alt_text(fig, title))
    if len(alt) > ALT_MAX or alt.strip().lower() == title.strip().lower():
        raise ValueError(
            f"the alternative text of chart {key!r} must be at most {ALT_MAX} characters and not its title: {alt!r}"
        )
    held = _tables.get(table)
    if held is None:
        shown, suppressed, symbols = display_table(table)
        held = _tables.put(table, (shown, suppressed, symbols, column_config(shown)))
    shown, suppressed, symbols, columns = held
    fig, chart_notes = notes.on_chart(fig)
    # h2: the page title is the one h1, and headings must not skip a level
    st.header(title, anchor=False)
    chart_tab, table_tab, download_tab = st.tabs(VIEWS, key=views_key(key), on_change="rerun")
    with chart_tab:
        # page.accessibility() names the chart with this and hides the paragraph itself
        st.html(f'<p class="seip-alt" data-chart="chart-{html.escape(key)}">{html.escape(alt)}</p>')
        # theme=None: the figure carries the whole look (screen.for_screen), and plotly draws it once
        st.plotly_chart(
            _drawn(fig),
            key=f"chart-{key}",
            width="stretch",
            theme=None,
            config={"displayModeBar": False, "responsive": True},
        )
        notes.add_beside_chart(fig, key)
    if table_tab.open:
        with table_tab:
            st.dataframe(
                shown, hide_index=True, width="stretch", key=f"table-{key}", column_config=copy.deepcopy(columns)
            )  # Streamlit may fill in what it is given
            notes.listed(chart_notes, key)
    if download_tab.open:
        with download_tab:
            st.write("The table behind this chart, as shown (suppressed values as `c`).")
            st.download_button(
                "Download CSV",
                partial(csv_bytes, shown),
                file_name=f"{key}.csv",
                mime="text/csv",
                key=f"csv-{key}",
                on_click=_record_download,
                args=(f"{key}.csv",),
            )
            st.download_button(
                "Download Excel (XLSX)",
                partial(xlsx_bytes, shown, key),
                file_name=f"{key}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"xlsx-{key}",
                on_click=_record_download,
                args=(f"{key}.xlsx",),
            )
    note = caption_text(caption, source, data.data_as_of())
    if suppressed:
        note += " " + suppressed_note()
    if symbols:
        note += " " + SYMBOLS_NOTE
    st.caption(note)
