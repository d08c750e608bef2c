"""Helpers for the report tests (not in conftest.py: a whole-suite run has several conftests)."""

from __future__ import annotations

from pathlib import Path

from dashboard import cli

METRICS_SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "metrics_small"
FORMULA_PROVIDER = '=HYPERLINK("http://x","y")'


def run_report(db: Path, *args: str) -> int:
    """`seip report --db DB ARGS...` in this process; returns the exit code."""
    return cli.main(["report", "--db", str(db), *args])


def pdf_text(path: Path, *pages: int) -> str:
    """pdftotext's reading of the PDF (or of the pages `first, last`), in its reading order."""
    import subprocess

    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *span, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_objects(path: Path) -> bytes:
    """Every object of the PDF as text, with its compressed streams (object streams included) inflated."""
    import re
    import zlib

    raw = path.read_bytes()
    found = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            found.append(zlib.decompressobj().decompress(raw[match.end() : match.end() + 4_000_000]))
        except zlib.error:
            continue
    return b"\n".join(found)
