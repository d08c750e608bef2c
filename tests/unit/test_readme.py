"""The README's table of `seip` commands against the parser the command really has."""

from __future__ import annotations

from pathlib import Path

from dashboard.cli import build_parser

README = Path(__file__).parents[2] / "README.md"


def _subcommand(name: str):
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    return choices[name]


def test_the_report_row_names_every_option_and_the_la_wide_pack():
    row = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `seip report"))
    options = [
        flag
        for action in _subcommand("report")._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag not in ("--help", "--db")  # --db is said once for every command
    ]
    # the parser's options were found (test_report_cli holds the help to them)
    assert len(options) == 8 and "--all-partnerships" in options
    assert [flag for flag in options if flag not in row] == []
    # ALL, the one value --partnership takes besides a code, is said in words beside --all-partnerships
    assert "`--partnership ALL` writes the LA-wide pack" in row
    assert row.index("`--partnership ALL`") < row.index("`--all-partnerships --out-dir DIR`")


def test_every_command_has_its_row():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `seip ")]
    assert len(commands) == 9
    assert [name for name in commands if not any(row.startswith(f"| `seip {name}") for row in rows)] == []
