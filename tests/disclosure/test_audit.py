"""The disclosure audit on hand-made publications with known attacks (the four routes of the
security review, issue 9): the auditor recovers each hidden value before protection, exactly as
the attack did, and `protect` hides the fewest cells that leave every range wide enough."""

from __future__ import annotations

import pytest

from dashboard import disclosure_audit
from dashboard.disclosure_audit import Publication, audit, key, protect

Y = "2021/22"
PEX = "permanent_exclusions"


def ranges(findings):
    return {f.cell: (round(f.low, 6), round(f.high, 6)) for f in findings}


def school(i):
    return key(PEX, Y, f"school:{i}")


def route_1() -> Publication:
    # NWL 2021/22 permanent exclusions: the partnership's 7 is shown, seven schools show c and one
    # shows 0, so each c is exactly 1 (a hidden count is at least 1). SOU shows 13, the LA 20.
    pub = Publication(threshold=4)
    for i in range(7):
        pub.cell(school(i), 1, hidden=True)
    pub.cell(school(7), 0, hidden=False)
    for area, value in (("NWL", 7), ("SOU", 13), ("ALL", 20)):
        pub.cell(key(PEX, Y, area), value, hidden=False)
    pub.relate(key(PEX, Y, "NWL"), [school(i) for i in range(8)], "school_view")
    pub.relate(key(PEX, Y, "ALL"), [key(PEX, Y, "NWL"), key(PEX, Y, "SOU")], "across_pages")
    return pub


def test_route_1_a_school_against_its_partnership():
    pub = route_1()
    found = ranges(audit(pub))
    assert found == {school(i): (1, 1) for i in range(7)}  # the attack: each c is exactly 1
    # protection: NWL's 7 would still follow from 20 - 13, so SOU goes too; then NWL lies in
    # 7..19 and each school in 1..13
    assert protect(pub) == {key(PEX, Y, "NWL"), key(PEX, Y, "SOU")}
    assert audit(pub) == []


def test_what_the_rounds_leave_exposed_has_every_count_tied_to_it_hidden():
    # one round hides NWL's 7 (the smallest shown count beside the schools), but 20 - 13 still
    # gives it, so each c is still 1. What the rounds leave (at a region's scale a school sits in
    # some 90 similar-schools groups) has every count a reader sees in a relation reachable from
    # it through hidden cells hidden: the school's 0, SOU's 13 and the LA's 20
    pub = route_1()
    hidden = protect(pub, max_rounds=1)
    assert hidden == {key(PEX, Y, "NWL"), school(7), key(PEX, Y, "SOU"), key(PEX, Y, "ALL")}
    assert audit(pub) == []


def test_route_2_similar_fsm_groups():
    # a group of four schools: its rate with its 3,430 pupils gives 30 referrals; three members
    # show 11, 7 and 9, so the fourth's c is 3
    pub = Publication(threshold=4)
    members = [key("referrals", Y, f"school:{i}") for i in range(4)]
    for k, value, hidden in zip(members, (11, 7, 9, 3), (False, False, False, True), strict=True):
        pub.cell(k, value, hidden)
    group = key("referrals", Y, "similar:1")
    pub.cell(group, 30, hidden=False)
    pub.relate(group, members, "similar_fsm")
    assert ranges(audit(pub)) == {members[3]: (3, 3)}
    assert ranges(audit(pub, routes=["school_view"])) == {}  # found by the similar-FSM route alone
    # hiding the smallest other member (7) leaves 3 + 7 = 10: the c lies in 1..9
    assert protect(pub) == {members[1]}
    assert audit(pub) == []


def test_route_3_secondary_suppression_undone_across_pages():
    # Overview: A (4) is hidden and B (5) hidden as the second cell; C 11 and the LA 20 shown.
    # The School view's "Its partnership" rate for B, times B's pupils, gives B's 5 back, and
    # then A = 20 - 11 - 5 = 4.
    pub = Publication(threshold=4)
    for area, value, hidden in (("A", 4, True), ("B", 5, True), ("C", 11, False), ("ALL", 20, False)):
        pub.cell(key(PEX, Y, area), value, hidden)
    pub.relate(key(PEX, Y, "ALL"), [key(PEX, Y, a) for a in "ABC"], "across_pages")
    assert audit(pub) == []  # on the Overview alone the pair hides each other: A in 1..8
    pub.cell(key(PEX, Y, "schools:B"), 5, hidden=False)
    pub.relate(key(PEX, Y, "B"), [key(PEX, Y, "schools:B")], "school_view")
    assert ranges(audit(pub)) == {key(PEX, Y, "A"): (4, 4)}
    assert audit(pub, routes=["across_pages"]) == [] and audit(pub, routes=["school_view"]) == []
    # hiding C's 11 as well: A + C = 20 - 5, so A lies in 1..14
    assert protect(pub) == {key(PEX, Y, "C")}
    assert audit(pub) == []


def test_route_4_flows_and_categories_within_one_page():
    # the journey: 10 referrals reached a decision X and leave it by three links: 8 shown and two
    # c; a stage's inflow equals its outflow, so the two c add up to 2 and each is 1
    pub = Publication(threshold=4)
    node = key("referrals", Y, "ALL", stage="2:X")
    pub.cell(key("referrals", Y, "ALL", step=1, source="referred", target="X"), 10, hidden=False)
    links = [key("referrals", Y, "ALL", step=2, source="X", target=t) for t in ("p", "q", "r")]
    for k, value, hidden in zip(links, (8, 1, 1), (False, True, True), strict=True):
        pub.cell(k, value, hidden)
    pub.relate(node, [key("referrals", Y, "ALL", step=1, source="referred", target="X")], "within_page")
    pub.relate(node, links, "within_page")
    assert ranges(audit(pub)) == {links[1]: (1, 1), links[2]: (1, 1)}
    # hiding the 8 as well: the three add up to 10, so each c lies in 1..8
    assert protect(pub) == {links[0]}
    assert audit(pub) == []


def test_a_range_reaching_the_threshold_but_not_above_is_exposed():
    # two c adding up to 5 (1 and 4): each lies in 1..4, so a reader knows both are small
    pub = Publication(threshold=4)
    parts = [key(PEX, Y, "A"), key(PEX, Y, "B")]
    pub.cell(parts[0], 1, True)
    pub.cell(parts[1], 4, True)
    pub.cell(key(PEX, Y, "ALL"), 5, False)
    pub.relate(key(PEX, Y, "ALL"), parts, "across_pages")
    assert ranges(audit(pub)) == {parts[0]: (1, 4), parts[1]: (1, 4)}
    assert protect(pub) == {key(PEX, Y, "ALL")}
    assert audit(pub) == []


def test_a_cell_shown_on_any_page_is_known_on_every_page():
    pub = Publication(threshold=4)
    pub.cell(key(PEX, Y, "A"), 3, hidden=True)
    pub.cell(key(PEX, Y, "A"), 3, hidden=False)  # shown elsewhere
    assert pub.sensitive() == set()


@pytest.mark.parametrize("sense,parts,expected", [("=", (3, 4), "="), ("<=", (3, 2), "<="), (">=", (5, 4), ">=")])
def test_relations_take_the_sense_the_true_values_have(sense, parts, expected):
    # distinct pupils do not add up exactly: a partnership's referred pupils can be fewer than its schools'
    pub = Publication(threshold=4)
    pub.cell(key(PEX, Y, "T"), 7, False)
    for i, v in enumerate(parts):
        pub.cell(key(PEX, Y, f"p{i}"), v, True)
    pub.relate(key(PEX, Y, "T"), [key(PEX, Y, f"p{i}") for i in range(len(parts))], "within_page")
    assert pub.relations[0][2] == expected


def test_without_lows_the_same_cells_are_found_and_no_bottom_is_worked_out():
    import math

    pub = route_1()
    with_lows, without = audit(pub), audit(pub, lows=False)
    assert [(f.cell, f.high) for f in with_lows] == [(f.cell, f.high) for f in without]
    assert without and all(math.isnan(f.low) for f in without)


def region(threshold: int) -> Publication:
    # three partnerships of a region add up to its 20 with a fourth's shown 14, so the hidden three
    # hold 6 between them (P1 2, P2 3, P4 1). P1 is its school s1 (hidden 1) and a shown 1; P2 is
    # s3 (hidden 2) and a shown 1. Every hidden count is at least 1, so P1 and P2 are at least 2
    # each and P4 at least 1: P1 and P2 lie in 2..3, P4 in 1..2, s1 and s3 in 1..2.
    pub = Publication(threshold=threshold)
    for area, value, hidden in (
        ("P1", 2, True),
        ("P2", 3, True),
        ("P4", 1, True),
        ("P3", 14, False),
        ("ALL", 20, False),
        ("s1", 1, True),
        ("s2", 1, False),
        ("s3", 2, True),
        ("s4", 1, False),
    ):
        pub.cell(key(PEX, Y, area), value, hidden=hidden)
    pub.relate(key(PEX, Y, "ALL"), [key(PEX, Y, p) for p in ("P1", "P2", "P3", "P4")], "across_pages")
    pub.relate(key(PEX, Y, "P1"), [key(PEX, Y, "s1"), key(PEX, Y, "s2")], "school_view")
    pub.relate(key(PEX, Y, "P2"), [key(PEX, Y, "s3"), key(PEX, Y, "s4")], "school_view")
    return pub


@pytest.mark.parametrize("split", [False, True])
def test_a_large_component_solved_in_pieces_has_the_ranges_of_the_whole(monkeypatch, split):
    # in pieces: {P1, s1}, {P2, s3} and {P4}, joined only by the region's relation (3 hidden cells)
    if split:
        monkeypatch.setattr(disclosure_audit, "SPLIT_ABOVE", 2)
        monkeypatch.setattr(disclosure_audit, "JOINING", 3)
    pub = region(threshold=4)
    secret = pub.secret()
    component = sorted(secret, key=repr)
    pieces = disclosure_audit._pieces(
        pub, component, [disclosure_audit._constraint(pub, r, secret) for r in pub.relations]
    )
    assert sorted(sorted(k[2] for k in cells) for cells, _ in pieces) == (
        [["P1", "s1"], ["P2", "s3"], ["P4"]] if split else [["P1", "P2", "P4", "s1", "s3"]]
    )
    c = {area: key(PEX, Y, area) for area in ("P1", "P2", "P4", "s1", "s3")}
    # threshold 4 (safe from 5 up): every one is exposed
    assert ranges(audit(pub)) == {
        c["P1"]: (2, 3),
        c["P2"]: (2, 3),
        c["P4"]: (1, 2),
        c["s1"]: (1, 2),
        c["s3"]: (1, 2),
    }
    # threshold 2 (safe from 3 up): P1 reaches 3; P2's 3 is not small
    assert ranges(audit(region(threshold=2))) == {c["P4"]: (1, 2), c["s1"]: (1, 2), c["s3"]: (1, 2)}


def test_pieces_in_two_joining_relations_get_ranges_inside_the_wholes(monkeypatch):
    # every relation joins (2 hidden cells or more): P1 is in the region's relation and in its own
    # schools' one, and so is P2; each moves its share of one only with its share of the other
    # held (by half its range: here none), so P1 and P2 let nothing move through them. By hand:
    # P1 = 2 (it can only go up if P2 or P4 goes down; neither may), P2 in 2..3 (its school s3 goes
    # down to 1), P4 = 1, s1 = P1 - 1 = 1, s3 = P2 (held) - 1 = 2. Narrower than the whole's, never wider.
    whole = ranges(audit(region(threshold=4)))
    monkeypatch.setattr(disclosure_audit, "SPLIT_ABOVE", 2)
    monkeypatch.setattr(disclosure_audit, "JOINING", 2)
    split = ranges(audit(region(threshold=4)))
    c = {area: key(PEX, Y, area) for area in ("P1", "P2", "P4", "s1", "s3")}
    assert split == {c["P1"]: (2, 2), c["P2"]: (2, 3), c["P4"]: (1, 1), c["s1"]: (1, 1), c["s3"]: (2, 2)}
    assert all(whole[k][0] <= low and high <= whole[k][1] for k, (low, high) in split.items())


def test_a_metric_cell_is_a_partnerships_or_the_la_totals_without_a_breakdown():
    cell = disclosure_audit.metric_cell
    assert cell(key("suspensions", "2022/23", "NTH"))
    assert cell(key("suspensions", "2022/23", "ALL"))
    assert not cell(key("suspensions", "2022/23", "NTH", reason="verbal_pupil"))
    assert not cell(key("suspensions", "2022/23", disclosure_audit.school_area(100001)))
    assert not cell(key("referrals", "2022/23", disclosure_audit.school_group_area("partnership", 100001, "NTH")))
