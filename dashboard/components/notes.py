"""Notes beside the charts: markers on every trend chart (through the chart panel), the list
under a chart's table, a control beside a trend chart to add one about that chart, and the
Data page's section to read, add and remove them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import notes
from dashboard.charts import notes as note_marks
from dashboard.components import data, filters, forms, signin


@st.cache_data(ttl=10, show_spinner=False)
def _all(db_path: str, la_code: str) -> list[notes.Note]:
    # a short life: another session's new note shows within seconds; this session's at once (clear())
    from pathlib import Path

    return notes.all_notes(Path(db_path), la_code)


def current() -> list[notes.Note]:
    """Every note (every role reads them all)."""
    s = data.settings()
    return _all(str(s.db_path), s.la_code)


def _context() -> tuple[str | None, str | None]:
    """The partnership code and school URN the page's filters chose (None for none)."""
    school = st.session_state.get("school")
    name = st.session_state.get("partnership")
    code = None
    if name:
        code = next((c for c, n in filters.partnership_names().items() if n == name), None)
    return code, None if school is None else str(school)


# cached figure -> (the notes drawn on it, the figure with them): the same figure object every
# rerun while the notes stand, so the chart panel's per-figure caches keep working
_noted = data.PerObject()


def on_chart(fig: go.Figure) -> tuple[go.Figure, list[notes.Note]]:
    """`fig` with markers for the notes that fall in its years and belong to the page's filters
    (LA notes always), and those notes, for the list under the table."""
    years = set(note_marks.trend_years(fig))
    if not years:
        return fig, []
    partnership, school = _context()
    found = notes.notes_in_years(current(), years, partnership, school)
    held = _noted.get(fig)
    if held is None or held[0] != found:
        held = _noted.put(fig, (found, note_marks.with_notes(fig, found)))
    return held[1], found


def listed(found: list[notes.Note], key: str) -> None:
    """The notes on a chart, under its table, as plain text (never as markup)."""
    if not found:
        return
    st.markdown("**Notes on this chart**")
    st.dataframe(
        pd.DataFrame(
            [
                {"year": n.academic_year, "title": n.title, "note": n.body, "scope": n.scope_label, "by": n.author}
                for n in found
            ]
        ),
        hide_index=True,
        width="stretch",
        key=f"notes-{key}",
    )


def add_beside_chart(fig: go.Figure, key: str) -> None:
    """Beside a trend chart, for a viewer who may write notes about the chart's scope (the page's
    school, else its partnership, else the LA: `notes.may_write`), a control to add one, its
    scope set to the chart's and its year chosen from the chart's. Nothing for anyone else."""
    years = note_marks.trend_years(fig)
    viewer = data.viewer()
    if not years or viewer.role not in ("commissioner", "chair"):
        return
    partnership, school = _context()
    kind, code = ("school", school) if school else ("partnership", partnership) if partnership else ("la", None)
    scopes = _scopes()
    school_partnership = _school_partnership(scopes, kind, code)
    if not notes.may_write(viewer, kind, code, school_partnership):
        return
    label = _index(scopes).get((kind, code or ""), (code, None))[0]
    saved = f"chart-note-{key}-saved"
    if st.session_state.pop(saved, False):
        st.success("The note is saved: its marker is on the chart.", icon=":material/check:")
    with st.popover("Add a note to this chart", icon=":material/edit_note:"):
        with st.form(f"chart-note-{key}", clear_on_submit=True, border=False):
            st.markdown(f"**About:** {label} (every chart of it that covers the note's year shows the note)")
            year = st.selectbox("Academic year", years[::-1], key=f"chart-note-{key}-year")
            day = st.text_input("Date (optional, like 07/03/2024; it sets the year)", key=f"chart-note-{key}-date")
            title = st.text_input("Title", max_chars=notes.MAX_TITLE, key=f"chart-note-{key}-title")
            body = st.text_area(
                "What happened (one or two sentences)", max_chars=notes.MAX_BODY, key=f"chart-note-{key}-body"
            )
            if st.form_submit_button("Add the note") and forms.saved(
                "note",
                lambda: notes.add_note(
                    data.settings().db_path,
                    viewer,
                    title=title,
                    body=body,
                    scope_kind=kind,
                    scope_code=code,
                    academic_year=year,
                    on_date=day or None,
                    school_partnership=school_partnership,
                ),
                (notes.NoteError, notes.NotPermitted),
            ):
                _all.clear()
                st.session_state[saved] = True
                st.rerun()


# the scope labels (shared per warehouse version) -> every scope a note can have; and those
# scopes -> (kind, code or "") -> (label, partnership code): asked of for every chart on a page
_scopes_of = data.PerObject()
_indexes = data.PerObject()


def _scopes() -> pd.DataFrame:
    """Every scope a note can have: the LA, each partnership, each school (with its partnership)."""
    options = signin.scope_labels(data.settings().db_path)
    scopes = _scopes_of.get(options)
    if scopes is None:
        la = pd.DataFrame(
            [{"scope_kind": "la", "scope_code": None, "scope_label": "The whole LA", "partnership_code": None}]
        )
        scopes = _scopes_of.put(options, pd.concat([la, options], ignore_index=True))
    return scopes


def _index(scopes: pd.DataFrame) -> dict[tuple[str, str], tuple[str, str | None]]:
    index = _indexes.get(scopes)
    if index is None:
        index = {}
        rows = zip(scopes["scope_kind"], scopes["scope_code"], scopes["scope_label"], scopes["partnership_code"])
        for kind, code, label, partnership in rows:
            index.setdefault((kind, "" if pd.isna(code) else code), (label, partnership))
        _indexes.put(scopes, index)
    return index


def _school_partnership(scopes: pd.DataFrame, kind: str, code: str | None) -> str | None:
    found = _index(scopes).get((kind, code or "")) if kind == "school" else None
    return found[1] if found is not None else None


def section() -> None:
    """The Data page's notes: every note for everyone; adding and removing for a commissioner
    or a chair (own partnership), as `dashboard.notes` allows."""
    viewer = data.viewer()
    s = data.settings()
    st.header("Notes on the charts", anchor=False)
    st.markdown(
        "Dated notes explain a change in the figures (a new panel chair, a formula change, a "
        "school joining another partnership). Each shows as a ▼ marker on every trend chart "
        "that covers its year, and in a list under the chart's table."
    )
    everything = current()
    if everything:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "id": n.id,
                        "year": n.academic_year,
                        "date": n.on_date or "",
                        "title": n.title,
                        "note": n.body,
                        "scope": n.scope_label,
                        "by": n.author,
                    }
                    for n in everything
                ]
            ),
            hide_index=True,
            width="stretch",
            key="notes-all",
        )
    else:
        st.caption("No notes yet.")
    scopes = _scopes()
    writable = scopes[
        [
            notes.may_write(viewer, k, c, p)
            for k, c, p in zip(scopes["scope_kind"], scopes["scope_code"], scopes["partnership_code"])
        ]
    ]
    if writable.empty:
        st.caption("Commissioners, and partnership chairs for their own partnership, add notes.")
        return
    with st.form("note-form", clear_on_submit=True):
        st.subheader("Add a note", anchor=False)
        labels = writable["scope_label"].tolist()
        chosen = st.selectbox("About", labels, key="note-scope")
        year = st.text_input("Academic year (like 2023/24), or leave empty and give a date", key="note-year")
        day = st.text_input("Date (optional, like 07/03/2024)", key="note-date")
        title = st.text_input("Title", max_chars=notes.MAX_TITLE, key="note-title")
        body = st.text_area("What happened (one or two sentences)", max_chars=notes.MAX_BODY, key="note-body")
        if st.form_submit_button("Add the note"):
            row = writable[writable["scope_label"] == chosen].iloc[0]
            code = None if pd.isna(row["scope_code"]) else str(row["scope_code"])
            if forms.saved(
                "note",
                lambda: notes.add_note(
                    s.db_path,
                    viewer,
                    title=title,
                    body=body,
                    scope_kind=row["scope_kind"],
                    scope_code=code,
                    academic_year=year or None,
                    on_date=day or None,
                    school_partnership=_school_partnership(scopes, row["scope_kind"], code),
                ),
                (notes.NoteError, notes.NotPermitted),
            ):
                _all.clear()
                st.success("The note is saved; it shows on the charts of its year.", icon=":material/check:")
    removable = [
        n
        for n in everything
        if notes.may_write(viewer, n.scope_kind, n.scope_code, _school_partnership(scopes, n.scope_kind, n.scope_code))
    ]
    if removable:
        with st.expander("Remove a note"):
            gone = st.selectbox(
                "Note",
                removable,
                key="note-remove",
                format_func=lambda n: f"{n.id}: {n.academic_year} {n.title} ({n.scope_label})",
            )
            if st.button("Remove this note", key="note-remove-button"):
                notes.remove_note(
                    s.db_path,
                    viewer,
                    gone.id,
                    school_partnership=_school_partnership(scopes, gone.scope_kind, gone.scope_code),
                )
                _all.clear()
                st.rerun()
