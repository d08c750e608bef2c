"""Nothing is ever half-imported: refused, failing half-way, or killed half-way, the old warehouse stays."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ingest_helpers import CLEAN, contents, query, sha, table_rows, write_csv, write_export

from dashboard import load
from dashboard.load import import_paths


def test_a_refused_import_leaves_the_file_byte_identical(clean_db, tmp_path):
    before = sha(clean_db)
    folder = write_export(tmp_path / "export")
    rows = table_rows("exclusions")
    rows[2][rows[0].index("type")] = "expulsion"
    write_csv(folder / "exclusions.csv", rows)
    result = import_paths([folder], clean_db)
    assert not result.ok and not result.changed
    assert "The import was refused" in result.summary()
    assert sha(clean_db) == before


def test_a_refused_first_import_creates_no_warehouse(tmp_path):
    path = write_csv(tmp_path / "schools.csv", table_rows("schools"))
    result = import_paths([path], tmp_path / "db" / "seip.duckdb")
    assert [p.rule for p in result.problems] == ["unknown_reference", "unknown_reference"]
    assert list((tmp_path / "db").iterdir()) == []


def test_an_exception_half_way_leaves_the_file_byte_identical(clean_db, tmp_path, monkeypatch):
    before = sha(clean_db)
    real = load.store_table
    stored = []

    def store_then_fail(con, name, rows):
        real(con, name, rows)
        stored.append(name)
        if len(stored) == 3:
            raise RuntimeError("disk full, say")

    monkeypatch.setattr(load, "store_table", store_then_fail)
    folder = write_export(tmp_path / "export")
    write_csv(folder / "schools.csv", [table_rows("schools")[0], ["120003", "New School", "HB", "", ""]])
    with pytest.raises(RuntimeError, match="disk full"):
        import_paths([folder], clean_db)
    assert stored == ["partnerships", "schools", "school_census"]
    assert sha(clean_db) == before
    assert sorted(p.name for p in clean_db.parent.iterdir()) == ["seip.duckdb"]


def _big_export(folder: Path, n: int) -> Path:
    write_export(
        folder,
        {
            "exclusions": [CLEAN["exclusions"][0]]
            + [
                [f"X{i}", f"P{i % 5000}", "120001" if i % 2 else "120002", "2023-10-02", "suspension", "1", "damage"]
                for i in range(n)
            ]
        },
    )
    return folder


@pytest.mark.parametrize("stage", ["copying_or_checking", "writing"])
def test_a_real_kill_half_way_leaves_the_old_warehouse(clean_db, tmp_path, stage):
    """Start `seip import` in a real process, SIGKILL it while it works, and look at the warehouse."""
    before_sha, before_rows = sha(clean_db), contents(clean_db)
    original_size = clean_db.stat().st_size
    export = _big_export(tmp_path / "big", 100_000)
    seip = Path(sys.executable).with_name("seip")
    proc = subprocess.Popen(
        [str(seip), "import", "--db", str(clean_db), str(export)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    killed_while = None
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            temps = [p for p in clean_db.parent.iterdir() if ".tmp" in p.name]
            sizes = [p.stat().st_size for p in temps if p.exists() and not p.name.endswith(".wal")]
            if temps and (stage == "copying_or_checking" or any(s > original_size for s in sizes)):
                proc.send_signal(signal.SIGKILL)
                killed_while = [p.name for p in temps]
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    assert killed_while, f"the import finished before it could be killed at the {stage} stage"
    assert proc.returncode == -signal.SIGKILL
    assert sha(clean_db) == before_sha
    assert contents(clean_db) == before_rows
    # A killed run leaves its temporary copy; the next write clears it and works.
    assert any(".tmp" in p.name for p in clean_db.parent.iterdir())
    result = import_paths([write_export(tmp_path / "small", {"partnerships": CLEAN["partnerships"]})], clean_db)
    assert result.changed
    assert sorted(p.name for p in clean_db.parent.iterdir()) == ["seip.duckdb"]
    assert query(clean_db, "select count(*) from exclusions") == [(2,)]


def test_two_writers_take_turns_so_neither_change_is_lost(clean_db, tmp_path):
    """A second import waits for the first to swap in, then copies the new file, not the old one."""
    from dashboard import warehouse

    inside, release = threading.Event(), threading.Event()

    def first_writer():
        with warehouse.rewrite(clean_db) as con:
            con.execute("insert into partnerships values ('FIRST', 'First writer', 'partnership', null)")
            inside.set()
            release.wait(30)

    first = threading.Thread(target=first_writer)
    first.start()
    assert inside.wait(30)
    second_done = []
    second = threading.Thread(
        target=lambda: second_done.append(
            import_paths(
                [
                    write_csv(
                        tmp_path / "partnerships.csv", [CLEAN["partnerships"][0], ["SECOND", "Second", "partnership"]]
                    )
                ],
                clean_db,
            )
        )
    )
    second.start()
    second.join(1.0)
    assert second_done == []  # still waiting for the first writer
    release.set()
    first.join(30)
    second.join(60)
    assert second_done[0].changed
    assert query(clean_db, "select partnership_code from partnerships order by 1") == [
        ("FIRST",),
        ("HB",),
        ("MAT1",),
        ("SECOND",),
    ]
