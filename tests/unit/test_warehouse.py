"""The warehouse file lifecycle and the stored-query runner."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from dashboard import warehouse
from dashboard.warehouse import Query, QueryError


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def fake_queries(monkeypatch):
    qs = {
        "total_for_year": Query(
            "total_for_year", "charts", ("year", "factor"), "select $year as academic_year, 2 * $factor as doubled"
        ),
        "no_params": Query("no_params", "charts", (), "select 41 + 1 as answer"),
    }
    monkeypatch.setattr(warehouse, "queries", lambda: qs)
    return qs


def test_run_binds_named_parameters(fake_queries):
    con = duckdb.connect()
    df = warehouse.run(con, "total_for_year", year="2023/24", factor=21)
    assert df.to_dict("records") == [{"academic_year": "2023/24", "doubled": 42}]
    assert warehouse.run(con, "no_params")["answer"].tolist() == [42]


@pytest.mark.parametrize(
    "params, missing, unknown",
    [
        ({"year": "2023/24"}, "['factor']", "[]"),
        ({"year": "2023/24", "factor": 1, "school": 1}, "[]", "['school']"),
    ],
)
def test_run_refuses_missing_and_unknown_parameters(fake_queries, params, missing, unknown):
    with pytest.raises(QueryError) as err:
        warehouse.run(duckdb.connect(), "total_for_year", **params)
    assert f"missing: {missing}, unknown: {unknown}" in str(err.value)


def test_run_refuses_an_unknown_query(fake_queries):
    with pytest.raises(QueryError, match="no query named 'nope'"):
        warehouse.run(duckdb.connect(), "nope")


def test_every_stored_query_declares_only_parameters_it_uses():
    for q in warehouse.queries().values():
        body = "\n".join(line for line in q.sql.splitlines() if not line.lstrip().startswith("--"))
        for p in q.params:
            assert f"${p}" in body, f"{q.name} declares ${p} but never uses it"


def test_build_order_puts_each_query_after_those_it_names():
    a = Query("stg_a", "staging", (), "select 1 as x")
    b = Query("fct_b", "marts", (), "select * from stg_a")
    c = Query("fct_c", "marts", (), "select * from fct_b join stg_a using (x)")
    assert [q.name for q in warehouse._build_order([c, b, a])] == ["stg_a", "fct_b", "fct_c"]


def test_build_order_refuses_a_cycle():
    a = Query("fct_a", "marts", (), "select * from fct_b")
    b = Query("fct_b", "marts", (), "select * from fct_a")
    with pytest.raises(QueryError, match="cycle"):
        warehouse._build_order([a, b])


def test_rewrite_creates_the_schema_and_changes_the_version(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    first = warehouse.version(db)
    with warehouse.rewrite(db) as con:
        con.execute("insert into partnerships values ('HB', 'Hinckley', 'partnership', null)")
    assert warehouse.version(db) != first
    con = warehouse.open_read_only(db)
    assert con.execute("select count(*) from partnerships").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_rewrite_that_fails_leaves_the_file_exactly_as_it_was(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    before = _sha(db)
    with pytest.raises(RuntimeError):
        with warehouse.rewrite(db) as con:
            con.execute("insert into partnerships values ('HB', 'Hinckley', 'partnership', null)")
            raise RuntimeError("half-way")
    assert _sha(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


@pytest.mark.parametrize("fresh", [False, True])
def test_open_read_only_names_the_missing_file(tmp_path, fresh):
    with pytest.raises(FileNotFoundError, match="absent.duckdb: run `seip demo`"):
        warehouse.open_read_only(tmp_path / "absent.duckdb", fresh=fresh)


def test_a_fresh_connection_sees_the_file_an_import_swapped_in(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    held = warehouse.open_read_only(db)  # as the dashboard holds one open between reruns
    try:
        with warehouse.rewrite(db) as con:
            con.execute("insert into partnerships values ('HB', 'Hinckley', 'partnership', null)")
        # a second plain connection is handed the database already open: the file before the swap
        with warehouse.open_read_only(db) as stale:
            assert stale.execute("select count(*) from partnerships").fetchone() == (0,)
        with warehouse.open_read_only(db, fresh=True) as con:
            assert con.execute("select count(*) from partnerships").fetchone() == (1,)
            with pytest.raises(duckdb.Error, match="read-only"):
                con.execute("insert into partnerships values ('LE', 'Leicester', 'partnership', null)")
    finally:
        held.close()


def test_staging_and_intermediate_are_views_and_marts_tables_also_in_an_older_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.rewrite(db) as con:
        con.execute("insert into partnerships values ('HB', 'Hinckley', 'partnership', null)")
    # as an older import left it: staging as a table, and the table of a model that no longer exists
    with duckdb.connect(str(db)) as con:
        con.execute("drop view stg_seip__partnerships")
        con.execute("create table stg_seip__partnerships as select 'OLD' as partnership_code")
        con.execute("create table fct_renamed_away as select 1 as x")
    with warehouse.rewrite(db) as con:
        con.execute("insert into partnerships values ('LE', 'Leicester', 'partnership', null)")
    with warehouse.open_read_only(db, fresh=True) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables").fetchall())
        assert con.execute("select partnership_code from stg_seip__partnerships order by 1").fetchall() == [
            ("HB",),
            ("LE",),
        ]
        assert con.execute("select partnership_code from dim_partnerships order by 1").fetchall() == [
            ("HB",),
            ("LE",),
        ]
    built = {q.name: q.layer for q in warehouse.queries().values() if q.layer in warehouse.BUILT_LAYERS}
    assert {n: kinds[n] for n in built} == {
        n: "BASE TABLE" if layer == "marts" else "VIEW" for n, layer in built.items()
    }
    assert "fct_renamed_away" not in kinds


def test_query_headers_declare_pupil_counts_and_the_groups_they_add_up_within():
    qs = warehouse.queries()
    journey = qs["exclusions_referral_journey"]
    assert journey.pupil_counts == ("referrals",) and journey.add_up_within == ("step", "source")
    assert qs["exclusions_reasons"].add_up_within == ()  # all rows together
    # each year's provider types add up to that year's placements started, a card on the page
    assert qs["placements_trend"].add_up_within == ("academic_year",)
    assert qs["partnership_codes"].pupil_counts == ()


def test_a_warehouse_built_by_an_older_version_is_rebuilt_once(tmp_path):
    db = tmp_path / "w.duckdb"
    assert warehouse.upgrade(db) is False  # nothing there: nothing to rebuild
    with warehouse.rewrite(db) as con:
        con.execute("insert into partnerships values ('HB', 'Hinckley', 'partnership', null)")
    assert warehouse.upgrade(db) is False  # built by this version
    # as a version before `la_code` left it: no such column, marts without it, another token
    with duckdb.connect(str(db)) as con:
        con.execute("drop view stg_seip__partnerships cascade")
        con.execute("alter table partnerships drop column la_code")
        con.execute("create or replace table dim_partnerships as select 'HB' as partnership_code")
        con.execute("update meta set value = 'older' where key = 'built_by'")
    before = warehouse.version(db)
    assert warehouse.upgrade(db) is True
    assert warehouse.version(db) != before
    with warehouse.open_read_only(db, fresh=True) as con:
        assert con.execute("select partnership_code, la_code from partnerships").fetchall() == [("HB", None)]
        assert con.execute("select partnership_code, kind, la_code from dim_partnerships").fetchall() == [
            ("HB", "partnership", None)
        ]
        assert con.execute("select value from meta where key = 'built_by'").fetchone() == (warehouse.build_token(),)
    assert warehouse.upgrade(db) is False


def test_a_command_reading_a_warehouse_from_an_older_version_rebuilds_it_first(metrics_db, tmp_path, capsys):
    import shutil

    from dashboard import cli

    db = tmp_path / "seip.duckdb"
    shutil.copyfile(metrics_db, db)
    with duckdb.connect(str(db)) as con:  # as a version before `la_code` left it
        con.execute("drop view stg_seip__partnerships cascade")
        con.execute("alter table partnerships drop column la_code")
        con.execute("update meta set value = 'older' where key = 'built_by'")
    assert cli.main(["metrics", "--db", str(db), "--format", "json"]) == 0
    assert f"rebuilt {db}" in capsys.readouterr().err
    with warehouse.open_read_only(db, fresh=True) as con:
        assert con.execute("select count(*) from dim_schools where la_code is null").fetchone()[0] > 0
    assert cli.main(["metrics", "--db", str(db), "--format", "json"]) == 0
    assert "rebuilt" not in capsys.readouterr().err  # once
