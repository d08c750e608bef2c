"""Mixed encodings and links (issue 9, item 11): a CSV that turns from UTF-8 into another
encoding is refused with the line; a link in an export folder, or anything resolving outside
it, is refused unread, so nothing of the file it points at appears in any message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ingest_helpers import located, sha, table_rows, write_csv, write_export

from dashboard.load import check_paths, import_paths

HEADER = b"urn,school_name,partnership_code\r\n"


def test_a_csv_that_turns_from_utf8_to_windows_1252_is_refused_with_the_line(clean_db, tmp_path):
    before = sha(clean_db)
    path = tmp_path / "schools.csv"
    # line 2 is UTF-8 (é as two bytes), line 3 Windows-1252 (é as one byte): either reading garbles one
    path.write_bytes(HEADER + "120001,Hill School Café,HB\r\n".encode() + "120002,Vale Café,MAT1\r\n".encode("cp1252"))
    result = import_paths([path], clean_db)
    assert located(result) == [("error", "schools", 3, None, "mixed_encoding")]
    assert "line 3" in result.problems[0].message
    assert not result.ok and sha(clean_db) == before


def test_windows_1252_first_then_utf8_is_refused_at_the_first_bad_line(clean_db, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(HEADER + "120001,Hill Café,HB\r\n".encode("cp1252") + "120002,Vale Café,MAT1\r\n".encode())
    assert located(check_paths([path], clean_db)) == [("error", "schools", 2, None, "mixed_encoding")]


def test_a_utf8_file_with_a_byte_order_mark_and_a_bad_line_names_it(clean_db, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER + b"120001,Hill School,HB\r\n120002,Vale\xe9,MAT1\r\n")
    assert located(check_paths([path], clean_db)) == [("error", "schools", 3, None, "mixed_encoding")]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_file_in_one_encoding_still_imports(clean_db, tmp_path, encoding):
    rows = table_rows("schools")
    rows[1][1] = "Hill School Café £"
    result = import_paths([write_csv(tmp_path / "schools.csv", rows, encoding=encoding)], clean_db)
    assert result.ok and not result.problems


def _passwd_words() -> set[str]:
    text = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace")
    return {w for line in text.splitlines() for w in line.split(":") if len(w) > 3}


@pytest.mark.parametrize("name", ["schools.csv", "notes.txt", "export.xlsx", "passwd.csv"])
def test_a_link_in_an_export_folder_is_refused_unread(clean_db, tmp_path, name):
    before = sha(clean_db)
    folder = write_export(tmp_path / "export", {"partnerships": table_rows("partnerships")})
    (folder / name).symlink_to("/etc/passwd")
    result = import_paths([folder], clean_db)
    assert [(p.severity, p.file, p.rule) for p in result.problems] == [("error", name, "link_refused")]
    report = "\n".join(p.as_text() for p in result.problems) + result.summary()
    assert not {w for w in _passwd_words() if w in report}
    assert "root:" not in report and not result.ok and sha(clean_db) == before


def test_a_link_given_by_name_is_refused_unread(clean_db, tmp_path):
    link = tmp_path / "schools.csv"
    link.symlink_to("/etc/passwd")
    assert located(check_paths([link], clean_db)) == [("error", "schools", None, None, "link_refused")]


def test_a_link_to_a_file_in_the_same_folder_is_refused_too(clean_db, tmp_path):
    folder = write_export(tmp_path / "export", {"partnerships": table_rows("partnerships")})
    (folder / "schools.csv").symlink_to(write_csv(tmp_path / "elsewhere" / "schools.csv", table_rows("schools")))
    assert located(check_paths([folder], clean_db)) == [("error", "schools", None, None, "link_refused")]


def test_a_linked_folder_given_by_name_is_read(clean_db, tmp_path):
    """The folder the user names may itself be a link: its files are inside it."""
    folder = write_export(tmp_path / "export", {"partnerships": table_rows("partnerships")})
    os.symlink(folder, tmp_path / "latest")
    result = check_paths([tmp_path / "latest"], clean_db)
    assert result.ok and not result.problems
