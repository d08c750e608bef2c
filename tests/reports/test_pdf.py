"""The PDF: the figures `seip metrics --role governor` gives, `c` where they are suppressed, no
pupil reference, tagged for a screen reader (PDF/UA-1) with title, language, headings, tables
and alt text, A4 with page numbers and embedded fonts."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from concurrent.futures import Future

import pytest
from report_helpers import METRICS_SMALL, pdf_objects, pdf_text, run_report

from dashboard import cli
from dashboard.charts import theme
from dashboard.charts.overview import HEADLINE_METRICS
from dashboard.reports import images, typeset
from dashboard.reports.pack import metric_info


@pytest.fixture(scope="module")
def governor_pdf(report_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "sth.pdf"
    assert (
        run_report(
            report_db,
            "--partnership",
            "STH",
            "--year",
            "2023/24",
            "--role",
            "governor",
            "--scope",
            "STH",
            "--format",
            "pdf",
            "--out",
            str(out),
        )
        == 0
    )
    return out


def _governor_metrics(db, capsys, partnership: str) -> dict[str, dict]:
    capsys.readouterr()
    assert (
        cli.main(
            [
                "metrics",
                "--db",
                str(db),
                "--role",
                "governor",
                "--partnership",
                partnership,
                "--year",
                "2023/24",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)["rows"]
    return {r["metric"]: r for r in rows if r["area_code"] == partnership}


def _summary(path) -> str:
    return " ".join(pdf_text(path, 2, 2).split())


def _said(summary: str, label: str) -> str:
    """The sentence a summary card says about the figure `label` (the cards sit two abreast, so
    pdftotext reads them in an order of its own; each sentence starts with the figure's label)."""
    found = re.search(re.escape(label) + r" (?:was|rose|fell) .{0,80}? in 2023/24", summary)
    assert found, label
    return found.group(0)


def test_the_summary_holds_the_figures_seip_metrics_gives_a_governor(governor_pdf, report_db, capsys):
    given = _governor_metrics(report_db, capsys, "STH")
    summary = _summary(governor_pdf)
    for metric in HEADLINE_METRICS:
        info = metric_info(metric)
        row = given[metric]
        if row["suppressed"]:
            assert f"{info['label']} is suppressed (c) for 2023/24" in summary, metric
        elif row["value"] is not None:
            shown = theme.format_value(row["value"], info["unit"], info["decimals"])
            assert _said(summary, info["label"]).endswith(f" {shown} in 2023/24"), metric


def test_hand_checked_figures_and_c_for_a_governor(governor_pdf):
    summary = _summary(governor_pdf)
    # STH 2023/24 in metrics_small: 5 suspensions of 1,200 pupils; £510,000 for 1,200 pupils;
    # 2 permanent exclusions, a small count, so the rate is suppressed. The 5 suspensions are
    # hidden too: the disclosure audit found that, shown with the LA's 7, they give away NTH's
    # and MAT1's hidden 1 + 1 (tests/disclosure), so the gate hides them
    assert "Suspension rate (per 100 pupils) is suppressed (c) for 2023/24" in summary
    assert "Funding per pupil on roll (£) rose from £412.50 in 2022/23 to £425.00 in 2023/24" in summary
    assert "Permanent exclusion rate (per 100 pupils) is suppressed (c) for 2023/24" in summary
    assert "c = suppressed: a count of 1 to 4 pupils" in summary


def test_no_pupil_reference_anywhere(governor_pdf):
    refs = set()
    for name in ("referrals.csv", "placements.csv", "exclusions.csv"):
        with (METRICS_SMALL / name).open(newline="", encoding="utf-8") as f:
            refs |= {row["pupil_ref"] for row in csv.DictReader(f)}
    text = pdf_text(governor_pdf)
    assert refs and not {ref for ref in refs if re.search(rf"\b{re.escape(ref)}\b", text)}


def test_every_section_the_definitions_sources_and_symbols(governor_pdf):
    text = " ".join(pdf_text(governor_pdf).split())
    for heading in (
        "Exclusion avoidance",
        "Placements and costs",
        "Funding and deprivation",
        "Value for money",
        "Benchmarks",
        "Definitions of the figures",
        "Sources, licences and symbols",
    ):
        assert heading in text
    assert "Open Government Licence v3.0" in text
    assert "Symbols in this table: c = suppressed" in text
    # a definition from the metric dictionary
    assert metric_info("avoidance_rate")["definition"].split(".")[0] in text
    assert "Synthetic data" not in text  # metrics_small is not marked synthetic
    assert "Prepared for Governor (scope STH)" in text


def test_a4_numbered_pages_embedded_fonts_and_tagged(governor_pdf):
    info = subprocess.run(["pdfinfo", str(governor_pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:\s+595.\d+ x 841.\d+ pts \(A4\)", info, re.M)
    assert re.search(r"^Title:\s+SEIP Insight report: South Partnership, 2023/24$", info, re.M)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert f"Page {pages} of {pages}" in pdf_text(governor_pdf, pages, pages)
    fonts = subprocess.run(["pdffonts", str(governor_pdf)], check=True, capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(line.split()[-5] == "yes" for line in rows), fonts  # the emb column


def test_the_structure_tree_has_headings_tables_figures_with_alt_text_and_a_language(governor_pdf):
    tree = subprocess.run(["pdfinfo", "-struct", str(governor_pdf)], check=True, capture_output=True, text=True).stdout
    for tag in ("H1", "H2", "H3", "Table", "TH", "TD", "Figure", "Caption"):
        assert re.search(rf"^\s*{tag}\b", tree, re.M), tag
    objects = pdf_objects(governor_pdf)
    assert b"/Lang (en-GB)" in objects
    # alt text with a character outside Latin-1 (£, –) is written as UTF-16 <FEFF...>
    assert len(re.findall(rb"/Alt [(<]", objects)) == tree.count("Figure:") > 10
    assert b"/Alt (Chart: The referral journey, 2023/24." in objects


def test_every_page_renders(governor_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(governor_pdf), str(tmp_path / "page")], check=True)
    info = subprocess.run(["pdfinfo", str(governor_pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert len(list(tmp_path.glob("page-*.png"))) == pages


@pytest.mark.slow
def test_the_demo_pack_is_labelled_synthetic_and_holds_no_demo_pupil_reference(demo_db, tmp_path, capsys):
    out = tmp_path / "demo.pdf"
    assert (
        run_report(
            demo_db,
            "--partnership",
            "ALL",
            "--year",
            "2023/24",
            "--role",
            "governor",
            "--scope",
            "BLT",
            "--format",
            "pdf",
            "--out",
            str(out),
        )
        == 0
    )
    text = pdf_text(out)
    assert "Synthetic data." in " ".join(pdf_text(out, 1, 1).split())
    refs = set()
    for name in ("referrals.csv", "placements.csv", "exclusions.csv"):
        with (demo_db.parent / "exports" / name).open(newline="", encoding="utf-8") as f:
            refs |= {row["pupil_ref"] for row in csv.DictReader(f)}
    assert len(refs) > 100
    words = set(re.findall(r"[A-Za-z0-9-]+", text))
    assert not refs & words
    said = " ".join(text.split())
    # the Policy impact section, from DfE's published rates (real even on the demo), as the page shows it
    assert "Policy impact" in said and "Leicestershire's gap to its synthetic control, against" in said
    assert "Real DfE data." in said
    # the benchmarks' history from 2006/07 printed as its latest 5 years
    assert "The latest 5 years, 2019/20 to 2023/24; the chart shows every year from 2006/07" in said


def test_every_chart_is_embedded_as_the_jpeg_kaleido_drew(governor_pdf):
    # JPEG goes into the PDF as drawn; a PNG would be decoded and compressed again by weasyprint
    listing = subprocess.run(["pdfimages", "-list", str(governor_pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    tree = subprocess.run(["pdfinfo", "-struct", str(governor_pdf)], check=True, capture_output=True, text=True).stdout
    assert rows and len(rows) == tree.count("Figure:")
    assert {row[2] for row in rows} == {"image"} and {row[8] for row in rows} == {"jpeg"}  # type, enc
    assert all(int(row[3]) == 2 * images.WIDTH for row in rows)  # drawn at twice the width, sharp in print


def test_a_report_fetches_nothing_but_its_own_charts():
    import weasyprint

    drawn = Future()
    drawn.set_result(b"")
    charts = typeset._Charts({"one": drawn})
    for url in ("file:///etc/hostname", "https://example.org/x.png", f"{typeset.CHART_URL}two"):
        with pytest.raises(ValueError, match="a report fetches nothing but its own charts"):
            charts.fetch(url)
    document = weasyprint.HTML(string='<img src="file:///etc/hostname" alt="x">', url_fetcher=charts)
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        document.write_pdf()
    # typeset raises what stopped the fetch as itself: an error a caller can catch, not a BaseException
    with pytest.raises(ValueError, match="a report fetches nothing but its own charts, not 'file:///etc/hostname'"):
        typeset.typeset('<img src="file:///etc/hostname" alt="x">', {})


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (18, 67, 109)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_several_packs_are_laid_out_in_worker_processes_each_as_its_own_tagged_pdf(tmp_path):
    drawn = Future()  # a drawing still to come when the job is made: its bytes go to the worker
    jobs = [
        (
            f'<html lang="en"><head><title>Pack {n}</title></head><body><h1>Pack {n}</h1>'
            f'<img src="{typeset.CHART_URL}chart" alt="Chart of pack {n}"></body></html>',
            {"chart": drawn if n == 2 else _jpeg()},
        )
        for n in range(3)
    ]
    drawn.set_result(_jpeg())
    written = list(typeset.typeset_all(iter(jobs), len(jobs)))
    assert len(written) == 3
    for n, content in enumerate(written):  # in the order given, whichever worker finished first
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(content)
        assert pdf_text(path).split() == ["Pack", str(n)]
        info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M) and re.search(rf"^Title:\s+Pack {n}$", info, re.M)
        images_listed = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True)
        assert len(images_listed.stdout.splitlines()[2:]) == 1


def test_a_worker_refuses_to_fetch_anything_else_too():
    jobs = [("<h1>One</h1>", {}), ('<img src="file:///etc/hostname" alt="x">', {})]
    written = typeset.typeset_all(iter(jobs), len(jobs))
    with pytest.raises(ValueError, match="a report fetches nothing but its own charts"):
        list(written)


def test_the_workers_do_not_run_the_callers_main_script(tmp_path, monkeypatch):
    # under a test runner that has run the dashboard's script, or the dashboard itself, __main__
    # is that script: workers that ran it again as they started (multiprocessing's) never started
    import types

    script = tmp_path / "app.py"
    script.write_text("raise SystemExit('the main script ran in a worker')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    jobs = [(f"<h1>Pack {n}</h1>", {}) for n in range(2)]
    assert len(list(typeset.typeset_all(iter(jobs), len(jobs)))) == 2


def test_a_pdfs_charts_are_drawn_as_the_pack_is_built_and_not_again(report_db):
    from dashboard import access, warehouse
    from dashboard.reports import pack, pdf
    from dashboard.settings import Settings

    con = warehouse.open_read_only(report_db)
    try:
        viewer, settings = access.Viewer("t", "governor", "STH"), Settings(db_path=report_db)
        for_pdf = pack.build(con, viewer, settings, partnership="STH", year="2023/24", drawn=True)
        for_workbook = pack.build(con, viewer, settings, partnership="STH", year="2023/24")
    finally:
        con.close()
    charted = [p for s in for_pdf.sections for p in s.panels if p.fig is not None]
    assert len(charted) > 10 and set(for_pdf.drawings) == {p.key for p in charted}
    # each drawing was begun from the chart as the pack holds it, the notes on the charts drawn on it
    assert all(images._drawn[images.key(p.fig)] is for_pdf.drawings[p.key] for p in charted)
    assert pdf.draw(for_pdf) is for_pdf.drawings  # the layout waits for those, nothing drawn twice
    assert all(for_pdf.drawings[p.key].result(timeout=120)[:3] == b"\xff\xd8\xff" for p in charted)  # JPEG
    assert for_workbook.drawings == {}  # a workbook has no images
