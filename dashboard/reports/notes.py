"""The words every pack carries: symbols, sources and licences, the synthetic-data label and the
metric definitions, taken from where the dashboard keeps them (the Data and definitions page,
the chart panel, the metric dictionary) rather than written a second time; the notes on the
charts and the partnership's commentary as plain text."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from dashboard import metrics as metrics_module
from dashboard.components import chart_panel
from dashboard.components.page import SYNTHETIC_BANNER
from dashboard.disclosure import suppressed_meaning
from dashboard.views import data as data_page

SYNTHETIC_LABEL = SYNTHETIC_BANNER.replace("**", "")
suppressed_note = chart_panel.suppressed_note
# GSS writes its symbols in square brackets in spreadsheets; the PDF writes them as the pages do.
WORKBOOK_SYMBOLS = {"c": "[c]", "x": "[x]", "z": "[z]", "low": "[low]"}
POLARITY_WORDS = {"lower_is_better": "lower is better", "higher_is_better": "higher is better", "neutral": "neither"}


def _markdown_rows(table: str) -> list[list[str]]:
    lines = [line.strip() for line in table.strip().splitlines() if line.strip().startswith("|")]
    rows = [[cell.strip().strip("`*") for cell in line.strip("|").split("|")] for line in lines]
    return [row for row in rows[2:]]  # after the header and its --- line


def sources() -> pd.DataFrame:
    """Sources and licences as the Data and definitions page lists them: source, what it gives, licence."""
    return pd.DataFrame(_markdown_rows(data_page.SOURCES), columns=["source", "what it gives", "licence"])


def symbols() -> dict[str, str]:
    """Symbol -> meaning, as the Data and definitions page lists them."""
    return dict(_markdown_rows(data_page.SYMBOLS.format(suppressed=suppressed_meaning())))


def definitions(metric_ids: tuple[str, ...]) -> pd.DataFrame:
    """The metric dictionary's entries for `metric_ids`: label, definition, polarity, source, caveats."""
    cat = metrics_module.catalogue()
    return pd.DataFrame(
        [
            {
                "metric": cat[m].label,
                "definition": cat[m].definition,
                "polarity": POLARITY_WORDS.get(cat[m].polarity, cat[m].polarity),
                "source": cat[m].source,
                "caveats": cat[m].caveats or "none",
            }
            for m in metric_ids
            if m in cat
        ]
    )


def symbols_in(table: pd.DataFrame) -> set[str]:
    """The symbols a chart table will show: `c` where a marker column is set, DfE's own where
    `value_symbol` explains a missing value."""
    found = set()
    markers = [c for c in table.columns if c == "suppressed" or c.endswith("_suppressed")]
    if any(table[c].fillna(False).astype(bool).any() for c in markers):
        found.add("c")
    if "value_symbol" in table.columns:
        explained = table["value"].isna() & table["value_symbol"].notna()
        found |= set(table.loc[explained, "value_symbol"].astype(str))
    return found


def notes_table(found: Sequence) -> pd.DataFrame:
    """Notes on the charts as the list under a chart's table shows them: year, title, note, scope, by."""
    return pd.DataFrame(
        [
            {"year": n.academic_year, "title": n.title, "note": n.body, "scope": n.scope_label, "by": n.author}
            for n in found
        ],
        columns=["year", "title", "note", "scope", "by"],
    )


_HEADING = re.compile(r"^#{1,6}\s+")
_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*([^)\s]*)[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|`)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


def _plain(line: str) -> str:
    line = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", line)
    line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), line)
    # commentary.sanitise wrote & and < as entities for a Markdown renderer; here they are text again
    return _ESCAPED.sub(r"\1", line).replace("&lt;", "<").replace("&amp;", "&")


def commentary_blocks(markdown: str) -> list[tuple[str, str]]:
    """The sanitised commentary as plain text blocks, ('heading' | 'paragraph' | 'item', text), never markup:
    Markdown's headings, emphasis and links become their words (a link's address in brackets)."""
    blocks: list[tuple[str, str]] = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            blocks.append(("break", ""))
        elif _ITEM.match(line):
            blocks.append(("item", _plain(_ITEM.sub("", line))))
        elif blocks and blocks[-1][0] == "paragraph" and not _HEADING.match(line):
            blocks[-1] = ("paragraph", f"{blocks[-1][1]} {_plain(line)}")
        elif _HEADING.match(line):
            blocks.append(("heading", _plain(_HEADING.sub("", line))))
        else:
            blocks.append(("paragraph", _plain(line)))
    return [b for b in blocks if b[0] != "break"]
