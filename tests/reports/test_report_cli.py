"""`seip report`: wrong usage exits 2 with a message saying what to change; every report is audited."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_helpers import pdf_text, run_report

from dashboard import audit

GOOD = ("--year", "2023/24", "--role", "governor", "--scope", "STH", "--format", "xlsx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--partnership", "XYZ", *GOOD, "--out", "r.xlsx"),
            "unknown partnership 'XYZ'; the known codes are MAT1, NTH, STH (or ALL)",
        ),
        (
            (
                "--partnership",
                "STH",
                "--year",
                "2030/31",
                "--role",
                "governor",
                "--scope",
                "STH",
                "--format",
                "xlsx",
                "--out",
                "r.xlsx",
            ),
            "there is no partnership data for 2030/31; the years with data are 2022/23, 2023/24, 2024/25",
        ),
        (
            (
                "--partnership",
                "STH",
                "--year",
                "next year",
                "--role",
                "commissioner",
                "--format",
                "xlsx",
                "--out",
                "r.xlsx",
            ),
            "--year 'next year'",
        ),
        (("--partnership", "STH", *GOOD), "--partnership writes one file: give --out PATH"),
        (("--all-partnerships", *GOOD, "--out", "r.xlsx"), "give --out-dir DIR, not --out"),
        ((*GOOD, "--out", "r.xlsx"), "say which partnership: --partnership CODE (or ALL)"),
        (
            ("--partnership", "STH", "--year", "2023/24", "--role", "chair", "--format", "xlsx", "--out", "r.xlsx"),
            "a chair needs a scope: a partnership code",
        ),
        (
            (
                "--partnership",
                "STH",
                "--year",
                "2023/24",
                "--role",
                "governor",
                "--scope",
                "999999",
                "--format",
                "xlsx",
                "--out",
                "r.xlsx",
            ),
            "no school with URN 999999",
        ),
    ],
)
def test_wrong_usage_exits_2_with_a_clear_message(report_db, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert run_report(report_db, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("seip report: ") and message in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_argparse_refuses_an_unknown_role_and_both_partnership_options(report_db, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_report(
            report_db,
            "--partnership",
            "STH",
            "--year",
            "2023/24",
            "--role",
            "mayor",
            "--format",
            "pdf",
            "--out",
            "x.pdf",
        )
    assert exit_.value.code == 2 and "invalid choice: 'mayor'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        run_report(report_db, "--partnership", "STH", "--all-partnerships", *GOOD, "--out-dir", "x")
    assert exit_.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_a_report_is_recorded_in_the_audit_log(report_db, tmp_path, capsys):
    out = tmp_path / "sth.xlsx"
    assert run_report(report_db, "--partnership", "sth", *GOOD, "--out", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out) and out.stat().st_size > 0
    entry = audit.entries(report_db, action="report", limit=1).iloc[0]
    assert (entry["role"], entry["scope"], entry["action"]) == ("governor", "STH", "report")
    assert entry["user"]  # the operating-system user who ran the command
    assert entry["detail"] == (f"xlsx report, South Partnership (STH), 2023/24: {out} ({out.stat().st_size:,} bytes)")


def test_all_partnerships_writes_one_file_each_and_an_audit_entry_each(report_db, tmp_path, capsys):
    before = len(audit.entries(report_db, action="report"))
    assert run_report(report_db, "--all-partnerships", *GOOD, "--out-dir", str(tmp_path / "packs")) == 0
    names = sorted(p.name for p in (tmp_path / "packs").iterdir())
    assert names == [f"seip-report-{code}-2023-24-governor.xlsx" for code in ("MAT1", "NTH", "STH")]
    # no progress bar when the output is not a terminal: only the paths
    assert capsys.readouterr().out.splitlines() == [
        str(tmp_path / "packs" / n)
        for n in (
            "seip-report-MAT1-2023-24-governor.xlsx",
            "seip-report-NTH-2023-24-governor.xlsx",
            "seip-report-STH-2023-24-governor.xlsx",
        )
    ]
    assert len(audit.entries(report_db, action="report")) == before + 3


def test_all_partnerships_as_pdfs_each_pack_its_own_partnership_in_order(report_db, tmp_path, capsys):
    # several packs are laid out at once in worker processes: each file must hold its own pack
    pdf_args = [a if a != "xlsx" else "pdf" for a in GOOD]
    before = len(audit.entries(report_db, action="report"))
    assert run_report(report_db, "--all-partnerships", *pdf_args, "--out-dir", str(tmp_path)) == 0
    written = capsys.readouterr().out.splitlines()
    codes = ("MAT1", "NTH", "STH")
    assert written == [str(tmp_path / f"seip-report-{code}-2023-24-governor.pdf") for code in codes]
    names = {"MAT1": "Oak Trust Group", "NTH": "North Partnership", "STH": "South Partnership"}
    for code, path in zip(codes, written, strict=True):
        cover = pdf_text(Path(path), 1, 1)
        assert names[code] in cover and all(names[other] not in cover for other in codes if other != code)
    assert len(audit.entries(report_db, action="report")) == before + 3


def test_the_help_names_every_option(capsys):
    from dashboard import cli

    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    text = capsys.readouterr().out
    for option in (
        "--partnership",
        "--all-partnerships",
        "--year",
        "--role",
        "--scope",
        "--format",
        "--out",
        "--out-dir",
        "--db",
    ):
        assert option in text


def _report_in_a_process_of_its_own(report_db, tmp_path, browser: str, *how: str, stalled_after: float = 60):
    # its own process: this one's browser, if a test before started it, would be used
    program = f"import sys; from dashboard.reports import images; images.STALLED_AFTER = {stalled_after}; "
    return subprocess.run(
        [sys.executable, "-c", program + "from dashboard.cli import main; sys.exit(main())"]
        + ["report", "--db", str(report_db), "--year", "2023/24", "--role", "governor", "--scope", "STH"]
        + ["--format", "pdf", *how],
        env={**os.environ, "BROWSER_PATH": browser},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_pdf_without_chromium_says_what_to_install_and_writes_nothing(report_db, tmp_path):
    before = len(audit.entries(report_db, action="report"))
    out = tmp_path / "sth.pdf"
    done = _report_in_a_process_of_its_own(
        report_db, tmp_path, str(tmp_path / "no-chromium-here"), "--partnership", "STH", "--out", str(out)
    )
    assert done.returncode == 1
    assert done.stderr.startswith("seip report: the charts of a PDF are drawn by Chromium, and none was found")
    assert "install Debian's chromium package, or set BROWSER_PATH" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert len(audit.entries(report_db, action="report")) == before


@pytest.mark.parametrize(
    "how", [("--partnership", "STH", "--out", "sth.pdf"), ("--all-partnerships", "--out-dir", "packs")]
)
def test_a_chromium_that_does_not_start_is_said_and_nothing_is_written(report_db, tmp_path, how):
    before = len(audit.entries(report_db, action="report"))
    how = tuple(str(tmp_path / h) if h in ("sth.pdf", "packs") else h for h in how)
    done = _report_in_a_process_of_its_own(report_db, tmp_path, "/bin/false", *how)  # a program that ends at once
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    # between the brackets, choreographer's words for what went wrong
    assert last.startswith("seip report: the charts of a PDF are drawn by Chromium, and it did not start (")
    assert last.endswith("): check that Debian's chromium package runs, or set BROWSER_PATH to one that does")
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    assert len(audit.entries(report_db, action="report")) == before


def test_a_browser_that_never_answers_is_given_up_said_and_killed_and_nothing_is_written(report_db, tmp_path):
    before = len(audit.entries(report_db, action="report"))
    mute = tmp_path / "mute-browser"  # started as Chromium is, it never says a word
    mute.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 600\n")
    mute.chmod(0o755)
    out = tmp_path / "sth.pdf"
    done = _report_in_a_process_of_its_own(
        report_db, tmp_path, str(mute), "--partnership", "STH", "--out", str(out), stalled_after=3
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("seip report: the charts of a PDF are drawn by Chromium, and it finished none of the ")
    assert last.endswith(" asked for in 3 s: it was stopped, and the next report starts it again")
    assert "Traceback" not in done.stderr
    assert not out.exists()
    assert len(audit.entries(report_db, action="report")) == before
    # killed, not left behind (a zombie at most, until the system reaps it: the killed wrapper was its parent)
    mute_pid = (tmp_path / "pid").read_text().strip()
    alive = subprocess.run(["ps", "-o", "stat=", "-p", mute_pid], capture_output=True, text=True).stdout.strip()
    assert alive in ("", "Z")
