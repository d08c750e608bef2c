"""Notes on the charts: who may write them (enforced in the data layer), where they show,
that a re-import keeps them, that their text is never markup."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from app_driver import open_page, open_tab, specs, words

from dashboard import audit, notes
from dashboard.access import NotPermitted, Viewer
from dashboard.charts import notes as note_marks
from dashboard.charts import theme
from dashboard.load import import_paths
from tests.conftest import METRICS_SMALL

LENA = Viewer("lena", "commissioner")
CHRIS = Viewer("chris", "chair", "NTH")
HANA = Viewer("hana", "head", "100001")
GWEN = Viewer("gwen", "governor", "NTH")


def test_the_leicestershire_milestones_come_once_and_stay_removed(small_copy):
    shipped = notes.all_notes(small_copy)
    assert [(n.academic_year, n.title, n.scope_kind) for n in shipped] == [
        ("2010/11", "Partnerships begin", "la"),
        ("2010/11", "The PRU closes", "la"),
    ]
    notes.remove_note(small_copy, LENA, shipped[1].id, now=1.0)
    assert [n.title for n in notes.all_notes(small_copy)] == ["Partnerships begin"]
    # another authority gets none
    assert notes.all_notes(small_copy.with_name("other.duckdb"), la_code="916") == []


def test_commissioner_and_own_chair_write_governor_and_head_never(small_copy):
    notes.add_note(
        small_copy,
        LENA,
        title="New formula",
        body="Funding now 60% pupils, 40% FSM.",
        academic_year="2023-24",
        now=10.0,
    )
    notes.add_note(
        small_copy,
        CHRIS,
        title="New panel chair",
        body="A new chair from January.",
        scope_kind="partnership",
        scope_code="NTH",
        on_date="15/01/2024",
        now=11.0,
    )
    notes.add_note(
        small_copy,
        CHRIS,
        title="Joined NTH",
        body="North Academy joined.",
        scope_kind="school",
        scope_code="100002",
        school_partnership="NTH",
        academic_year="2022/23",
        now=12.0,
    )
    with pytest.raises(NotPermitted, match="outside their own partnership"):
        notes.add_note(
            small_copy, CHRIS, title="x", body="y", scope_kind="partnership", scope_code="STH", academic_year="2023/24"
        )
    with pytest.raises(NotPermitted, match="outside their own partnership"):
        notes.add_note(small_copy, CHRIS, title="x", body="y", academic_year="2023/24")  # the LA
    for viewer in (GWEN, HANA):
        with pytest.raises(NotPermitted, match=f"a {viewer.role} may not write notes"):
            notes.add_note(
                small_copy,
                viewer,
                title="x",
                body="y",
                scope_kind="partnership",
                scope_code="NTH",
                academic_year="2023/24",
            )
    written = [n for n in notes.all_notes(small_copy) if n.academic_year != "2010/11"]
    assert [(n.academic_year, n.on_date, n.title, n.scope_label, n.author) for n in written] == [
        ("2022/23", None, "Joined NTH", "school 100002", "chris"),
        ("2023/24", None, "New formula", "the LA", "lena"),
        ("2023/24", "2024-01-15", "New panel chair", "partnership NTH", "chris"),
    ]
    with pytest.raises(NotPermitted):
        notes.remove_note(small_copy, GWEN, written[1].id)
    log = audit.entries(small_copy, action="note_added")
    assert log["user"].tolist() == ["chris", "chris", "lena"]
    assert "New panel chair" in log["detail"].iloc[1]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"title": "", "body": "y", "academic_year": "2023/24"}, "title of 1 to 120"),
        ({"title": "x", "body": " ", "academic_year": "2023/24"}, "sentence of 1 to 1000"),
        ({"title": "x", "body": "y"}, r"an academic year \(like 2023/24\) or a date"),
        ({"title": "x", "body": "y", "academic_year": "2023/25"}, "runs over two calendar years"),
        ({"title": "x", "body": "y", "on_date": "31/02/2024"}, "date"),
        ({"title": "x", "body": "y", "academic_year": "2023/24", "scope_kind": "region"}, "scope is one of"),
        ({"title": "x", "body": "y", "academic_year": "2023/24", "scope_kind": "school"}, "needs the school's code"),
    ],
)
def test_malformed_notes_are_refused_with_a_reason(small_copy, fields, says):
    with pytest.raises(notes.NoteError, match=says):
        notes.add_note(small_copy, LENA, **fields)
    assert audit.entries(small_copy, action="note_added").empty


def test_a_reimport_keeps_the_notes(small_copy):
    notes.add_note(small_copy, LENA, title="Kept", body="Survives the import.", academic_year="2023/24")
    result = import_paths([METRICS_SMALL, *sorted((METRICS_SMALL / "reference").glob("*.csv"))], small_copy)
    assert result.ok
    assert "Kept" in [n.title for n in notes.all_notes(small_copy)]


def _trend() -> go.Figure:
    fig = go.Figure(go.Scatter(x=["2022/23", "2023/24"], y=[0.1, 0.2], name="NTH"))
    fig.add_trace(go.Scatter(x=["2022/23", "2023/24"], y=[0.15, 0.12], name="England"))
    return theme.style(fig)  # as every chart is


def test_markers_sit_on_the_notes_years_with_the_note_as_hover_text():
    note = notes.Note(1, "2023/24", None, "<script>alert(1)</script>", "A & B", "la", None, "lena", "")
    elsewhere = notes.Note(2, "2019/20", None, "Too early", "x", "la", None, "lena", "")
    fig = note_marks.with_notes(_trend(), [note, elsewhere])
    marker = fig.data[-1]
    assert marker.name == "Note" and list(marker.x) == ["2023/24"]
    assert marker.hovertext[0].startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b> (the LA, 2023/24)<br>A &amp; B")
    assert [s.x0 for s in fig.layout.shapes] == ["2023/24"]
    # the legend that now names "Note" sits above the plot (every chart's does), clear of the year labels
    assert (fig.layout.legend.y, fig.layout.legend.yanchor) == (1.02, "bottom")
    # the cached figure is never changed; a chart that is not over years gets nothing
    assert len(_trend().data) == 2 and note_marks.with_notes(_trend(), [elsewhere]).data == _trend().data
    bars = go.Figure(go.Bar(x=["NTH", "STH"], y=[1, 2]))
    assert note_marks.trend_years(bars) == [] and note_marks.with_notes(bars, [note]) is bars


def test_notes_show_on_trend_charts_and_under_their_tables(demo_copy, monkeypatch):
    notes.add_note(
        demo_copy, LENA, title="<b>Bold</b> claim", body="<script>alert('x')</script>", academic_year="2021/22"
    )
    at = open_page(demo_copy, monkeypatch, "benchmarks", role="governor")
    assert not at.exception
    marked = [f for f in specs(at) if any(t.get("name") == "Note" for t in f["data"])]
    assert marked, "no trend chart on Benchmarks shows the notes"
    hover = " ".join(" ".join(t["hovertext"]) for f in marked for t in f["data"] if t.get("name") == "Note")
    assert "Partnerships begin" in hover and "&lt;b&gt;Bold&lt;/b&gt; claim" in hover
    assert "<script>" not in hover
    listed = [
        df.value for df in open_tab(at, "Table").dataframe if "title" in df.value.columns and "note" in df.value.columns
    ]
    assert any("<b>Bold</b> claim" in df["title"].tolist() for df in listed)


def test_a_governor_reads_notes_on_the_data_page_but_has_no_form(demo_copy, monkeypatch):
    notes.add_note(demo_copy, LENA, title="Formula change", body="From April.", academic_year="2023/24")
    at = open_page(demo_copy, monkeypatch, "data", role="governor")
    assert not at.exception
    listed = [df.value for df in at.dataframe if "title" in df.value.columns]
    assert "Formula change" in listed[0]["title"].tolist()
    assert not [b for b in at.button if "note" in str(b.label).lower()]
    assert "Commissioners, and partnership chairs for their own partnership, add notes." in words(at)


def test_a_commissioner_adds_a_note_on_the_data_page(demo_copy, monkeypatch):
    at = open_page(demo_copy, monkeypatch, "data")
    at.text_input(key="note-year").input("2022/23")
    at.text_input(key="note-title").input("Outreach team starts")
    at.text_area(key="note-body").input("The LA funds an outreach team.")
    at.button[[b.label for b in at.button].index("Add the note")].click()
    at.run()
    assert not at.exception
    assert "The note is saved" in words(at)
    assert "Outreach team starts" in [n.title for n in notes.all_notes(demo_copy)]


def _chart_note_form(at, chart: str) -> tuple[list, object]:
    """The note control beside chart `chart`: its widgets by field, and its "Add the note" button."""
    fields = {
        w.key.removeprefix(f"chart-note-{chart}-"): w
        for w in [*at.text_input, *at.text_area, *at.selectbox]
        if w.key and w.key.startswith(f"chart-note-{chart}-")
    }
    charts = [
        w.key.removeprefix("chart-note-").removesuffix("-title")
        for w in at.text_input
        if w.key and w.key.startswith("chart-note-") and w.key.endswith("-title")
    ]
    buttons = [b for b in at.button if b.label == "Add the note"]
    return fields, buttons[charts.index(chart)]


def _add_beside(at, db, chart: str, title: str, **typed: str) -> list[notes.Note]:
    """Fill in the note control beside `chart` (field -> text), add the note, and return the
    stored notes titled `title`."""
    fields, add = _chart_note_form(at, chart)
    for field, text in {"title": title, **typed}.items():
        if field == "year":
            fields[field].set_value(text)
        else:
            fields[field].input(text)
    add.click()
    at.run()
    assert not at.exception
    return [n for n in notes.all_notes(db) if n.title == title]


def test_a_commissioner_adds_a_note_beside_a_trend_chart(demo_copy, monkeypatch):
    at = open_page(demo_copy, monkeypatch, "exclusions")
    years = _chart_note_form(at, "pex-rate-over-time")[0]["year"].options
    assert (
        years == sorted(years, reverse=True)
        and at.selectbox(key="chart-note-pex-rate-over-time-year").value == years[0]
    )
    assert "**About:** The whole LA" in words(at)
    saved = _add_beside(
        at,
        demo_copy,
        "pex-rate-over-time",
        "New panel chair",
        year="2019/20",
        body="The panel meets weekly from January.",
    )
    assert "The note is saved: its marker is on the chart." in words(at)
    assert [(n.academic_year, n.scope_kind, n.scope_code, n.author) for n in saved] == [
        ("2019/20", "la", None, "demo visitor")
    ]
    hover = " ".join(
        " ".join(t.get("hovertext") or []) for f in specs(at) for t in f["data"] if t.get("name") == "Note"
    )
    assert "New panel chair" in hover


def test_a_chair_adds_a_note_beside_their_partnerships_chart_only(demo_copy, monkeypatch):
    # all partnerships chosen: the chart is the LA's, which a chair may not write about
    at = open_page(demo_copy, monkeypatch, "exclusions", role="chair", view_as_chair_scope="NWL")
    assert not [w for w in at.text_input if w.key and w.key.startswith("chart-note-")]
    at.selectbox(key="partnership").set_value("Charnwood Inclusion Partnership").run()
    assert not [w for w in at.text_input if w.key and w.key.startswith("chart-note-")]
    at.selectbox(key="partnership").set_value("North West Leicestershire Partnership").run()
    assert "**About:** North West Leicestershire Partnership" in words(at)
    saved = _add_beside(
        at,
        demo_copy,
        "pex-rate-over-time",
        "School joins",
        body="Ashby School joins the partnership.",
        date="03/09/2022",
    )
    assert [(n.academic_year, n.on_date, n.scope_kind, n.scope_code) for n in saved] == [
        ("2022/23", "2022-09-03", "partnership", "NWL")
    ]


def test_a_governor_has_no_note_control_beside_a_chart_and_the_data_layer_refuses(demo_copy, monkeypatch):
    at = open_page(demo_copy, monkeypatch, "exclusions", role="governor")
    assert not at.exception and specs(at)
    assert not [w for w in at.text_input if w.key and w.key.startswith("chart-note-")]
    assert "Add a note to this chart" not in str(at.get("popover"))
    with pytest.raises(NotPermitted):
        notes.add_note(
            demo_copy, GWEN, title="t", body="b", scope_kind="partnership", scope_code="NTH", academic_year="2022/23"
        )
