"""The garbage collector runs less often while a report is made, and as before once none is."""

from __future__ import annotations

import gc
import threading

import pytest

from dashboard.reports import collector, run


@pytest.fixture(autouse=True)
def default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_inside_a_report_the_collector_waits_for_ten_thousand_new_objects_then_as_before():
    with collector.less_often():
        assert gc.get_threshold() == (10_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_threshold_someone_else_set_is_the_one_put_back():
    gc.set_threshold(2_000, 5, 7)
    with collector.less_often():
        assert gc.get_threshold() == (10_000, 5, 7)
    assert gc.get_threshold() == (2_000, 5, 7)


def test_put_back_when_the_report_fails():
    with pytest.raises(RuntimeError), collector.less_often():
        raise RuntimeError("a report that failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_two_reports_at_once_put_it_back_only_when_the_last_ends():
    first_inside, second_done, first_done = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector.less_often():
            first_inside.set()
            second_done.wait(5)
            seen["while the first goes on"] = gc.get_threshold()
        first_done.set()

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with collector.less_often():  # a second report, in this thread, ends before the first
        pass
    second_done.set()
    first_done.wait(5)
    thread.join(5)
    assert seen["while the first goes on"] == (10_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_making_workbooks_holds_it_from_the_first_pack_built_to_the_last_file_given(report_db, monkeypatch):
    from dashboard import access, warehouse
    from dashboard.reports import pack
    from dashboard.settings import Settings

    seen = []
    real_write = run.workbook.write

    def write(built, buffer):  # the real writer, watched
        seen.append(gc.get_threshold()[0])
        real_write(built, buffer)

    def watched(section_builder):
        def build_section(reader):
            seen.append(gc.get_threshold()[0])
            return section_builder(reader)

        return build_section

    monkeypatch.setattr(run.workbook, "write", write)
    monkeypatch.setitem(pack.SECTIONS, "exclusions", watched(pack.SECTIONS["exclusions"]))
    con = warehouse.open_read_only(report_db)
    try:
        viewer, settings = access.Viewer("t", "governor", "STH"), Settings(db_path=report_db)
        built = pack.build(con, viewer, settings, partnership="STH", year="2023/24", pages=("exclusions",))
        assert gc.get_threshold() == (700, 10, 10)  # the build ended
        files = list(run.rendered(iter([built, built]), "xlsx", 2))
    finally:
        con.close()
    assert [content[:2] for _, content in files] == [b"PK", b"PK"]  # two real workbooks (zip files)
    assert seen == [10_000, 10_000, 10_000]  # the section built, then each workbook written
    assert gc.get_threshold() == (700, 10, 10)


def test_a_layout_worker_collects_less_often_for_its_life():
    collector.collect_less_often()
    assert gc.get_threshold() == (10_000, 10, 10)
