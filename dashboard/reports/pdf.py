"""A report pack as a tagged PDF for a board meeting (weasyprint, PDF/UA-1).

A4 with page numbers; a cover (partnership, year, who it is for, data as at, the synthetic
label); a one-page summary of the headline figures with their sentences, as on the Overview;
one section per dashboard page, each chart an image with its alt text, its table beneath,
caption and source; the symbols explained where they occur; definitions; sources and
licences. Headings are headings, tables are tables and images carry alt text in the PDF's
structure tree, so a screen reader can read it; the fonts are embedded.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date
from html import escape

import pandas as pd

from dashboard import metrics as metrics_module
from dashboard.charts import theme
from dashboard.components.chart_panel import column_label, display_table
from dashboard.components.kpi import delta_text
from dashboard.reports import images, notes, typeset
from dashboard.reports.pack import Pack, Panel, Section
from dashboard.reports.typeset import CHART_URL

# the image is drawn WIDTH px wide and shown CONTENT_MM wide; tall charts are shown narrower
CONTENT_MM = 170
MAX_IMAGE_MM = 215
# a table of one figure by year and one other column reads better with the years across, up to this many
WIDE_YEARS = 10
# a longer history (DfE's from 2006/07) is cut to its latest years in print: the chart above shows
# every year, and the workbook's table holds them all
PRINTED_YEARS = 5
# a table this short is never split over two pages (one row left under its caption at a page's foot)
WHOLE_TABLE_ROWS = 12

CSS = f"""
@page {{
  size: A4; margin: 18mm 20mm 20mm 20mm;
  @bottom-left {{ font-size: 8pt; color: {theme.NEUTRAL}; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: {theme.NEUTRAL}; }}
}}
html {{ font-family: "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35; color: {theme.INK}; }}
h1, h2, h3 {{ color: {theme.PALETTE[0]}; line-height: 1.2; }}
h1 {{ font-size: 24pt; margin: 0 0 8mm; }}
h2 {{ font-size: 16pt; margin: 0 0 3mm; break-after: avoid; }}
h3 {{ font-size: 11.5pt; margin: 7mm 0 2mm; break-after: avoid; }}
.cover {{ page: cover; padding-top: 35mm; }}
.cover dl {{ font-size: 12pt; display: grid; grid-template-columns: 42mm auto; row-gap: 3mm; }}
.cover dt {{ font-weight: bold; }}
.cover dd {{ margin: 0; }}
.synthetic {{ border: 2pt solid {theme.PALETTE[3]}; padding: 3mm 4mm; margin: 8mm 0; font-size: 11pt; }}
.contents ol {{ padding-left: 5mm; }}
.contents a {{ color: inherit; text-decoration: none; }}
.contents a::after {{ content: leader('.') target-counter(attr(href), page); }}
section.page {{ break-before: page; }}
.question {{ font-style: italic; margin: 0 0 4mm; }}
.cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }}
.card {{ border: 0.75pt solid {theme.GREY_LIGHT}; border-left: 3pt solid {theme.PALETTE[0]}; padding: 2.5mm 3.5mm;
         break-inside: avoid; }}
.card h3 {{ margin: 0 0 1.5mm; font-size: 10pt; }}
.card .value {{ font-size: 18pt; font-weight: bold; margin: 0; }}
.card .change {{ margin: 0.5mm 0; font-weight: bold; }}
.good {{ color: {theme.GOOD}; }} .bad {{ color: {theme.BAD}; }} .same {{ color: {theme.NEUTRAL}; }}
.card .sentence {{ margin: 1.5mm 0 0; font-size: 9pt; }}
.panel {{ margin-bottom: 6mm; }}
figure {{ margin: 0; break-inside: avoid; }}
figure img {{ display: block; margin: 0 auto 1mm; }}
figcaption, .source, .symbols {{ font-size: 8.5pt; color: #333; margin: 1mm 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8pt; margin: 2mm 0; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; font-size: 8.5pt; padding-bottom: 1mm; }}
th, td {{ border-bottom: 0.5pt solid {theme.GREY_LIGHT}; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }}
th {{ border-bottom: 1pt solid {theme.PALETTE[0]}; }}
td.number, th.number {{ text-align: right; }}
thead {{ display: table-header-group; }}
.whole {{ break-inside: avoid; }}
tr {{ break-inside: avoid; }}
.note {{ font-size: 9pt; }}
.commentary {{ border-left: 3pt solid {theme.PALETTE[1]}; padding: 1mm 0 1mm 4mm; margin: 5mm 0 0;
               break-inside: avoid; }}
.commentary h3 {{ margin: 0 0 1.5mm; }}
.commentary p, .commentary li {{ margin: 0 0 1.5mm; }}
.commentary .by {{ font-size: 8.5pt; color: #333; }}
dl.definitions dt {{ font-weight: bold; margin-top: 3mm; break-after: avoid; }}
dl.definitions dd {{ margin: 0.5mm 0 0 0; }}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _number_like(text: str) -> bool:
    return bool(text) and (
        text in ("c", "–", "x", "z", "low")
        or text.lstrip("-£").replace(",", "").replace(".", "").replace("%", "").isdigit()
    )


def _as_text(value: object) -> str:
    if value == "":
        return "–"  # a missing value in a column the page turned to text
    if isinstance(value, float) and not value.is_integer():
        return theme.format_value(value, "", 2)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)


def _large(values: pd.Series) -> bool:
    numbers = [abs(v) for v in values if isinstance(v, (int, float)) and v == v]
    return bool(numbers) and max(numbers) >= 1000


def _latest_years(shown: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The rows of the latest PRINTED_YEARS years of a table over more than WIDE_YEARS years, and a
    sentence saying so ('' when the table is kept whole)."""
    if "academic_year" not in shown.columns:
        return shown, ""
    years = sorted(shown["academic_year"].astype(str).unique())
    if len(years) <= WIDE_YEARS:
        return shown, ""
    kept = years[-PRINTED_YEARS:]
    return (
        shown[shown["academic_year"].astype(str).isin(kept)],
        f"The latest {PRINTED_YEARS} years, {kept[0]} to {kept[-1]}; the chart shows every year from "
        f"{years[0]}, and the workbook's table holds them all.",
    )


def _year_notes(shown: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """A `note` column that says something about a year (the COVID years) taken out of the table
    and said once under it, so the table can have its years across."""
    if "note" not in shown.columns or "academic_year" not in shown.columns:
        return shown, ""
    said = shown[["academic_year", "note"]].drop_duplicates()
    if said["academic_year"].duplicated().any():
        return shown, ""  # the note is about a row, not a year
    by_note: dict[str, list[str]] = {}
    for year, note in zip(said["academic_year"], said["note"], strict=True):
        if note not in ("–", "") and note == note:
            by_note.setdefault(str(note), []).append(str(year))
    text = " ".join(f"{' and '.join(years)}: {note}." for note, years in by_note.items())
    return shown.drop(columns="note"), text


def _years_across(shown: pd.DataFrame, labels: dict[str, str]) -> tuple[list[str], list[list[str]]] | None:
    """(area, academic_year, value)-shaped tables with the years as columns; None for any other shape."""
    if len(shown.columns) != 3 or "academic_year" not in shown.columns:
        return None
    row_key, value = [c for c in shown.columns if c != "academic_year"]
    years = sorted(shown["academic_year"].unique())
    if len(years) > WIDE_YEARS or shown[row_key].map(lambda v: isinstance(v, (int, float))).any():
        return None
    cells = {(r, y): v for r, y, v in zip(shown[row_key], shown["academic_year"], shown[value], strict=True)}
    keys = list(dict.fromkeys(shown[row_key]))
    header = [f"{column_label(row_key, labels)}: {column_label(value, labels).lower()} by year", *years]
    return header, [[str(k), *(_as_text(cells.get((k, y), "–")) for y in years)] for k in keys]


def html_table(table: pd.DataFrame, caption: str) -> str:
    """A chart table as the page's Table view shows it (`c` for suppressed, labelled columns), in HTML;
    a figure by year and area has the years across; a long history keeps its latest years, said
    in a line under the table."""
    shown, _, _ = display_table(table)
    labels = {m.id: m.label for m in metrics_module.catalogue().values()}
    shown = shown.astype(object).where(shown.notna(), "–")
    shown, cut = _latest_years(shown)
    narrow, year_notes = _year_notes(shown)
    wide = _years_across(narrow, labels)
    if wide is None:
        header = [column_label(c, labels) for c in shown.columns]
        # money of a thousand pounds or more is read to the pound: pence on millions only crowd a table
        pounds = [str(c).endswith("_gbp") and _large(shown[c]) for c in shown.columns]
        text = [
            [_as_text(round(v) if whole and isinstance(v, float) else v) for v, whole in zip(row, pounds, strict=True)]
            for row in shown.itertuples(index=False)
        ]
        year_notes = ""
    else:
        header, text = wide
    numeric = [bool(text) and all(_number_like(row[i]) for row in text) for i in range(len(header))]
    head = "".join(
        f'<th scope="col"{" class=number" if numeric[i] else ""}>{_e(label)}</th>' for i, label in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=number' if numeric[i] else ''}>{_e(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in text
    )
    said = " ".join(t for t in (cut, year_notes) if t)
    printed = f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if len(text) <= WHOLE_TABLE_ROWS:  # the caption with it: weasyprint moves a table's rows without it
        printed = f'<div class="whole">{printed}</div>'
    return printed + (f'<p class="symbols">{_e(said)}</p>' if said else "")


def _symbols_line(found: set[str]) -> str:
    if not found:
        return ""
    meaning = notes.symbols()
    said = "; ".join(f"{s} = {meaning.get(s, 'see Symbols at the end')}" for s in sorted(found))
    return f'<p class="symbols">Symbols in this table: {_e(said)}.</p>'


def _panel(panel: Panel, as_of: str) -> str:
    parts = [f'<div class="panel"><h3 id="{_e(panel.key)}">{_e(panel.title)}</h3>']
    if panel.fig is not None:
        pixels_high = images.height(panel.fig)
        width_mm = min(CONTENT_MM, MAX_IMAGE_MM * images.WIDTH / pixels_high)
        parts.append(
            f'<figure><img src="{CHART_URL}{_e(panel.key)}" alt="{_e(panel.alt)}" style="width:{width_mm:.0f}mm">'
            f"<figcaption>{_e(panel.caption)}</figcaption></figure>"
        )
    else:
        parts.append(f"<p class=note>{_e(panel.caption)}</p>")
    if panel.table.empty:
        parts.append("<p class=note>There is no data behind this chart for this selection.</p>")
    else:
        parts.append(html_table(panel.table, f"Table: {panel.title}"))
    parts.append(_symbols_line(notes.symbols_in(panel.table)))
    if panel.notes:
        parts.append(
            html_table(
                notes.notes_table(panel.notes), "Notes on this chart (each a triangle and a dotted line at its year)"
            )
        )
    parts.append(f'<p class="source">Source: {_e(panel.source)}. Data as at {_e(as_of)}.</p></div>')
    return "".join(parts)


def _change_class(h) -> str:
    if h.delta is None or round(h.delta, h.decimals) == 0 or h.polarity not in ("lower", "higher"):
        return "same"
    return "good" if (h.delta < 0) == (h.polarity == "lower") else "bad"


def _cards(headlines) -> str:
    cards = []
    for h in headlines:
        change = delta_text(h)
        cards.append(
            f'<div class="card"><h3>{_e(h.label)}</h3>'
            f'<p class="value">{_e(h.show(h.value, suppressed=h.suppressed))}</p>'
            + (f'<p class="change {_change_class(h)}">{_e(change)}</p>' if change else "")
            + f'<p class="sentence">{_e(h.sentence)}</p></div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _key_figures(section: Section) -> str:
    if not section.key_figures:
        return ""
    rows = "".join(
        f"<tr><th scope=row>{_e(h.label)}</th><td class=number>{_e(h.show(h.value, suppressed=h.suppressed))}</td>"
        f"<td class=number>{_e(h.show(h.previous))}</td><td>{_e(delta_text(h) or '–')}</td></tr>"
        for h in section.key_figures
    )
    return (
        f"<table><caption>Key figures, as at the top of the page</caption><thead><tr><th scope=col>Figure</th>"
        f"<th scope=col class=number>{_e(section.key_figures[0].year)}</th>"
        f"<th scope=col class=number>{_e(section.key_figures[0].previous_year)}</th>"
        f"<th scope=col>Change</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _commentary(pack: Pack) -> str:
    """The partnership's commentary for the year, as text (never as markup), with who wrote it."""
    if not pack.commentary:
        return ""
    parts, items = [], []
    for kind, text in notes.commentary_blocks(pack.commentary["markdown"]):
        if kind == "item":
            items.append(f"<li>{_e(text)}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        parts.append(f"<p><strong>{_e(text)}</strong></p>" if kind == "heading" else f"<p>{_e(text)}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return (
        f'<div class="commentary"><h3>Commentary from the partnership, {_e(pack.year)}</h3>{"".join(parts)}'
        f'<p class="by">Written by {_e(pack.commentary["author"])}, {_e(pack.commentary["updated_at"])} UTC.</p>'
        "</div>"
    )


def html(pack: Pack) -> str:
    """The pack as one HTML document (what weasyprint lays out); each chart's image is at
    CHART_URL + its panel's key."""
    who = pack.viewer.role.capitalize() + (f" (scope {pack.viewer.scope})" if pack.viewer.scope else "")
    title = f"SEIP Insight report: {pack.partnership_name}, {pack.year}"
    running = f"SEIP Insight · {pack.partnership_name} · {pack.year} · for a {pack.viewer.role}" + (
        " · SYNTHETIC DATA" if pack.synthetic else ""
    )
    # the footer's words go in as a CSS string: quotes and backslashes escaped, markup impossible
    footer = running.replace("\\", "\\\\").replace('"', '\\"').replace("<", "")
    out = [
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="author" content="SEIP Insight"><meta name="description" content="{_e(title)}">'
        f'<style>{CSS} @page {{ @bottom-left {{ content: "{footer}"; }} }} '
        "@page cover { @bottom-left { content: none; } }</style></head><body>",
        f'<section class="cover"><h1>{_e(pack.partnership_name)}<br>{_e(pack.year)}</h1>'
        "<dl>"
        f"<dt>Report</dt><dd>SEIP Insight board pack</dd>"
        f"<dt>Partnership</dt><dd>{_e(pack.partnership_name)}"
        f"{'' if pack.partnership is None else f' ({_e(pack.partnership)})'}</dd>"
        f"<dt>Academic year</dt><dd>{_e(pack.year)} (1 September to 31 August)</dd>"
        f"<dt>Prepared for</dt><dd>{_e(who)}: figures as this role's dashboard pages show them</dd>"
        f"<dt>Data as at</dt><dd>{_e(pack.data_as_of)}</dd>"
        f"<dt>Produced</dt><dd>{date.today().isoformat()}</dd></dl>",
    ]
    if pack.synthetic:
        out.append(
            f'<p class="synthetic"><strong>Synthetic data.</strong> '
            f"{_e(notes.SYNTHETIC_LABEL.removeprefix('Synthetic data. '))}</p>"
        )
    contents = [("summary", "Summary: the headline figures")]
    contents += [(f"section-{i}", s.title) for i, s in enumerate(pack.sections)]
    if pack.notes:
        contents.append(("notes", "Notes on the charts"))
    contents += [("definitions", "Definitions of the figures"), ("sources", "Sources, licences and symbols")]
    out.append(
        '<nav class="contents"><h2>Contents</h2><ol>'
        + "".join(f'<li><a href="#{k}">{_e(t)}</a></li>' for k, t in contents)
        + "</ol></nav></section>"
    )

    out.append(
        f'<section class="page"><h2 id="summary">Summary: {_e(pack.partnership_name)}, {_e(pack.year)}</h2>'
        f'<p class="question">How are we doing this year? Each figure against last year, England and the '
        f"statistical neighbours, as on the Overview page. Green is a change for the better, red for the "
        f"worse.</p>{_cards(pack.headlines)}"
    )
    if any(h.suppressed for h in pack.headlines):
        out.append(f'<p class="symbols">{_e(notes.suppressed_note())}</p>')
    out.append(_commentary(pack))
    out.append("</section>")

    for i, section in enumerate(pack.sections):
        out.append(
            f'<section class="page"><h2 id="section-{i}">{_e(section.title)}</h2>'
            f'<p class="question">{_e(section.question)}</p>{_key_figures(section)}'
        )
        out += [f"<p class=note>{_e(text)}</p>" for text in section.notes]
        out += [_panel(p, pack.data_as_of) for p in section.panels]
        out.append("</section>")

    if pack.notes:
        out.append(
            '<section class="page"><h2 id="notes">Notes on the charts</h2>'
            '<p class="question">What happened when, as written by the authority and the partnership: each is '
            "marked on the trend charts of its year and listed under their tables.</p>"
            + html_table(notes.notes_table(pack.notes), f"Notes for {pack.partnership_name}")
            + "</section>"
        )
    out.append(
        '<section class="page"><h2 id="definitions">Definitions of the figures</h2>'
        '<p class="question">From the metric dictionary, as on the Data and definitions page.</p>'
        '<dl class="definitions">'
    )
    for row in notes.definitions(pack.metrics_used).itertuples(index=False):
        out.append(
            f"<dt>{_e(row.metric)}</dt><dd>{_e(row.definition)} ({_e(row.polarity)}.) "
            f"Source: {_e(row.source)}." + ("" if row.caveats == "none" else f" Caveats: {_e(row.caveats)}") + "</dd>"
        )
    out.append("</dl></section>")
    sources = notes.sources()
    out.append(
        '<section class="page"><h2 id="sources">Sources, licences and symbols</h2>'
        + html_table(sources.rename(columns=str.capitalize), "Sources and licences")
        + html_table(pd.DataFrame(list(notes.symbols().items()), columns=["Symbol", "Meaning"]), "Symbols")
        + f'<p class="note">{_e(notes.suppressed_note())}</p></section></body></html>'
    )
    return "".join(out)


def draw(pack: Pack) -> dict[str, Future[bytes]]:
    """The pack's charts being drawn (kaleido, on the other core), begun as it was built
    (`pack.build(drawn=True)`) or now: panel key -> its image to come. `render` waits for each
    where the layout places it."""
    panels = [p for s in pack.sections for p in s.panels]
    if all(p.key in pack.drawings for p in panels if p.fig is not None):
        return pack.drawings
    return images.draw_charts(panels)


def render(pack: Pack, drawings: dict[str, Future[bytes]] | None = None) -> bytes:
    """The pack as the bytes of a tagged (PDF/UA-1) A4 PDF; `drawings` as `draw(pack)` gives them
    (started now when not given)."""
    return typeset.typeset(html(pack), drawings or draw(pack))
