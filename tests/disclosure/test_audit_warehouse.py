"""The disclosure audit on real warehouses: everything the gate gives a governor for one year.

On the hand-checkable fixture, the gate's header rules alone leave two suspensions recoverable
(a known attack); the audit's secondary suppression closes it. On the demo, the rules leave
hundreds of hidden counts recoverable along the four routes of the security review (issue 9);
through the gate, none is."""

from __future__ import annotations

import math

import pytest

from dashboard import access, warehouse
from dashboard.disclosure_audit import ROUTES, audit, exposed_by_route, gather, key
from dashboard.settings import Settings

GOVERNOR = access.Viewer("g", "governor")


def test_the_fixture_attack_is_found_and_closed(metrics_db):
    con = warehouse.open_read_only(metrics_db)
    settings = Settings(db_path=metrics_db)
    try:
        before = {f.cell: (f.low, f.high) for f in audit(gather(con, settings, "2023/24"))}
        # suspensions 2023/24: NTH 1 and MAT1 1 hidden, STH 5 and the LA's 7 shown: 7 - 5 = 2
        # hidden between two counts of at least 1, so each is exactly 1 (the header rule, "two
        # hidden cells need no second", let it through)
        for code in ("NTH", "MAT1"):
            low, high = before[key("suspensions", "2023/24", code)]
            assert (round(low, 6), round(high, 6)) == (1, 1)
        after = gather(con, settings, "2023/24", final=True)
        assert audit(after) == []
        # the gate now hides STH's 5 as well (the smallest shown count in the relation) and says so
        frame = access.metrics(con, GOVERNOR, settings, year="2023/24").set_index(["metric", "area_code"])
        sth = frame.loc[("suspensions", "STH")]
        assert sth["suppressed"] and math.isnan(sth["value"])
        assert frame.loc[("suspension_rate", "STH"), "suppressed"]
        # a commissioner sees every count
        seen = access.metrics(con, access.Viewer("c", "commissioner"), settings, year="2023/24")
        assert not seen["suppressed"].any()
    finally:
        con.close()


@pytest.mark.slow
def test_the_demo_is_audited_along_the_four_routes(demo_db):
    con = warehouse.open_read_only(demo_db)
    settings = Settings(db_path=demo_db)
    try:
        before = exposed_by_route(gather(con, settings, "2022/23"))
        # the header rules alone leave counts recoverable along every route
        assert all(before[route] > 0 for route in ROUTES), before
        after = gather(con, settings, "2022/23", final=True)
        assert audit(after) == []
    finally:
        con.close()
