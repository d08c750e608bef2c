"""The disclosure audit: can a governor work out a hidden count from everything shown to them?

For one academic year, everything the gate gives a governor (the metrics, every chart query for
every partnership filter, every school's counts and every School view's groups) is gathered as
**cells** (a pupil count: measure, year, area, breakdown) that are shown or hidden, and the
**relations** between them that a reader knows: the parts of a breakdown add up to its total,
the schools of a partnership to the partnership, the partnerships to the la_total, the members
of a similar-FSM group to the group, a journey's links into and out of each stage. A cell shown
on any page is known on every page. A rate shown with its pupils is taken to publish its count
(pupils on roll are not secret; at 2 decimals per 100 pupils the rounding hides under one
pupil below 10,000 pupils), so only counts are modelled.

For each hidden count of 1 to the threshold (and each count never shown, such as a journey
stage's total, that is that small), linear programming (HiGHS, through the interface scipy
carries; `scipy.optimize.linprog` where it has none) finds the smallest and largest value it can
take, one programme per set of hidden cells that relations join, given every shown cell, every
relation and each hidden cell's floor (1 where its count is at least 1, which is stronger than
what a reader knows; 0 otherwise). Counts are relaxed from integers to reals, which can only widen a range,
so the integer range lies within it; the rule below is checked against the relaxed range. A
cell is **exposed** unless its range reaches above the threshold, to threshold + 1 at least (its
protection interval, after tau-Argus, runs from its value to threshold + 1): the reader can then
tell neither its value nor whether it is small. The lower end is not required to reach 1,
because the floors add up (a total of two hidden counts is at least 2) with knowledge a reader
does not have.

`protect` chooses the secondary suppression: after the gate's rules, while any cell is exposed,
hide the smallest shown count above 0 in a relation with it, and audit again.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashboard.metrics import LA_TOTAL

if TYPE_CHECKING:  # numpy and pandas load where the audit runs: reading its kept cells needs neither
    import pandas as pd

Key = tuple  # (measure, academic_year, area, ((breakdown column, value), ...))

# Routes of the security review (issue 9), by which relations they use.
ROUTES = {
    "school_view": "a school against its partnership (School view)",
    "similar_fsm": "similar-FSM school groups",
    "across_pages": "totals across pages (partnerships and the la_total, a chart against its card)",
    "within_page": "flows and categories within one page (journey, breakdowns)",
}

# How each chart query's rows are keyed: the columns that break its counts down.
BREAKDOWN_COLUMNS = {
    "exclusions_reasons": ("reason",),
    "exclusions_referred_vs_population": ("characteristic", "group_name"),
    "exclusions_referral_journey": ("step", "source", "target"),
    "placements_by_provider_type": ("provider_type",),
    "placements_outcomes": ("provider_type", "outcome"),
    "placements_durations": ("provider_type", "duration"),
    "placements_providers": ("provider_type", "provider_name"),
    "placements_trend": ("provider_type",),
    "value_for_money_outcomes": (),
}
# A column that is another query's total under a different name.
SAME_AS = {("exclusions_referred_vs_population", "all_referred_pupils"): "referred_pupils"}
# (rows grouped by, the total's breakdown columns): each group adds up to that total.
ADDS_UP = {
    "exclusions_reasons": [((), ())],
    "exclusions_referred_vs_population": [(("characteristic",), ())],
    "placements_by_provider_type": [((), ())],
    "placements_outcomes": [(("provider_type",), ("provider_type",))],
    "placements_durations": [(("provider_type",), ("provider_type",))],
    "placements_providers": [(("provider_type",), ("provider_type",))],
    "placements_trend": [((), ())],
}
SUCCESSFUL = ("reintegrated", "sustained_to_end_y11")  # value_for_money_outcomes.sql
# Chart queries run once per partnership even when gathering for all: the journey keeps the
# placements of its referrals by `in (select ...)` over the partnership's referrals, which
# DuckDB's lateral join multiplies by every partnership (over 20 GB at 900 partnerships).
ONE_BY_ONE = ("exclusions_referral_journey",)


def key(measure: str, year: str, area: str, **breakdown: object) -> Key:
    """A cell's identity: the same count on two pages is one cell."""
    return (measure, year, area, tuple(sorted((k, str(v)) for k, v in breakdown.items())))


@dataclass
class Publication:
    """Cells (true values; which are hidden) and the relations a reader knows between them."""

    threshold: int
    values: dict[Key, float] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    shown_somewhere: set[Key] = field(default_factory=set)
    # (total, parts, sense, route): sum(parts) `sense` total, sense one of "=", "<=", ">="
    relations: list[tuple[Key, tuple[Key, ...], str, str]] = field(default_factory=list)
    _known: dict = field(default_factory=dict)  # (total, route) -> the parts of its relations
    _index: tuple = (-1, {})

    def cell(self, k: Key, value: float, hidden: bool) -> None:
        """A count published as a value or as `c`; shown anywhere means known everywhere."""
        import pandas as pd

        if value is None or pd.isna(value):
            return
        self.values[k] = float(value)
        if hidden:
            self.hidden.add(k)
        else:
            self.shown_somewhere.add(k)

    def unpublished(self, k: Key, value: float) -> None:
        """A count no page shows (a stage's total), which relations still constrain."""
        if k not in self.values:
            self.values[k] = float(value)
            self.hidden.add(k)

    def relate(self, total: Key, parts: Iterable[Key], route: str) -> None:
        """The `parts` add up to `total` (or, where the true values say so, at most or at least)."""
        parts = tuple(dict.fromkeys(p for p in parts if p != total and p in self.values))
        if not parts:
            return
        if total not in self.values:
            self.unpublished(total, sum(self.values[p] for p in parts))
        # the same relation twice is known once: compared as sets, only with those of the same total
        same = self._known.setdefault((total, route), [])
        if any(len(p) == len(parts) and frozenset(p) == frozenset(parts) for p in same):
            return
        same.append(parts)
        summed, whole = sum(self.values[p] for p in parts), self.values[total]
        sense = "=" if abs(summed - whole) < 1e-9 else "<=" if summed < whole else ">="
        self.relations.append((total, parts, sense, route))

    def index(self) -> dict[Key, list[int]]:
        """Each cell's relations (as their total or a part), by their place in `relations`."""
        if self._index[0] != len(self.relations):  # relations are only ever added
            found: dict[Key, list[int]] = defaultdict(list)
            for i, (total, parts, _, _) in enumerate(self.relations):
                for k in (total, *parts):
                    found[k].append(i)
            self._index = (len(self.relations), found)
        return self._index[1]

    def secret(self) -> set[Key]:
        """The hidden cells: published as `c` and shown nowhere, or never published."""
        return self.hidden - self.shown_somewhere

    def sensitive(self) -> set[Key]:
        """The hidden counts from 1 to the threshold: the cells to protect."""
        return {k for k in self.secret() if 1 <= self.values[k] <= self.threshold}


@dataclass(frozen=True)
class Finding:
    """A hidden count and the range a reader can narrow it to."""

    cell: Key
    value: float
    low: float
    high: float
    routes: tuple[str, ...]


def _floor(pub: Publication, k: Key) -> float:
    return 1.0 if pub.values[k] >= 1 else 0.0


def audit(
    pub: Publication, routes: Iterable[str] | None = None, cells: Iterable[Key] | None = None, *, lows: bool = True
) -> list[Finding]:
    """Every sensitive cell (of `cells`, when given) whose feasible range does not reach its
    protection interval's top, threshold + 1, using only the relations of `routes` (all when None).
    Without `lows`, the bottom of each range is not worked out (a finding's `low` is NaN)."""
    wanted = set(ROUTES) if routes is None else set(routes)
    secret = pub.secret()
    relations, relations_of = pub.relations, pub.index()
    sensitive = pub.sensitive() if cells is None else pub.sensitive() & set(cells)
    findings = []
    top = pub.threshold + 1 - 1e-6  # the rule needs the top of the range; the bottom is for the report
    placed: set[Key] = set()
    for start in sorted(sensitive, key=repr):
        if start in placed:
            continue
        # its component: the hidden cells joined to it by relations (of the routes) they are both in
        rows, reached, todo = set(), {start}, [start]
        while todo:
            for i in relations_of.get(todo.pop(), ()):
                if i in rows or relations[i][3] not in wanted:
                    continue
                rows.add(i)
                for k in (relations[i][0], *relations[i][1]):
                    if k in secret and k not in reached:
                        reached.add(k)
                        todo.append(k)
        placed |= reached
        if not rows:
            continue  # in no relation: nothing narrows it
        rows = sorted(rows)
        component = list(dict.fromkeys(k for i in rows for k in (relations[i][0], *relations[i][1]) if k in secret))
        used = tuple(sorted({relations[i][3] for i in rows}))
        for cells, constraints in _pieces(pub, component, [_constraint(pub, relations[i], secret) for i in rows]):
            targets = [k for k in cells if k in sensitive]
            if targets:
                findings += _ranges(pub, cells, constraints, targets, top, lows, used)
    return findings


# A component of more hidden cells than this is solved in pieces where it is joined only
# through relations of many hidden cells (`_pieces`): at 150 authorities one relation (every
# partnership's permanent exclusions adding up to the total of all) joined 9,805 cells.
SPLIT_ABOVE = 1000
JOINING = 50  # hidden cells in a relation that may join pieces


def _constraint(pub: Publication, relation: tuple, secret: set[Key]) -> tuple[dict[Key, float], str, float]:
    """A relation as (coefficients by hidden cell, sense, right-hand side): sum(parts) - total,
    its shown cells moved to the right, `sense` the right-hand side."""
    total, parts, sense, _ = relation
    coeffs: dict[Key, float] = defaultdict(float)
    constant = 0.0
    for k, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
        if k in secret:
            coeffs[k] += sign
        else:
            constant += sign * pub.values[k]
    return coeffs, sense, -constant


def _pieces(pub: Publication, component: list[Key], constraints: list) -> list[tuple[list[Key], list]]:
    """The component as pieces, each solved on its own: [(cells, constraints)].

    A large component is split through its joining relations (`JOINING` hidden cells or more)
    into the pieces its other relations make. A piece's share of a joining relation (a.x over
    its cells in it) must then lie where the other pieces' shares can make up the rest, each
    other piece moving its share anywhere in its range (two linear programmes) where it is in
    that one joining relation: exactly the whole's ranges. A piece in k joining relations (a
    partnership's placements ended and reintegrated, each adding up to the total of all) moves
    each share by at most 1/k of its range along that relation, its other shares held at their
    true values: a box inside what it can reach, so ranges may come out narrower than the
    whole's, never wider, and no count is passed as safe that is not."""
    whole = [(component, constraints)]
    if len(component) <= SPLIT_ABOVE:
        return whole
    joining = [c for c in constraints if len(c[0]) >= JOINING]
    inner = [c for c in constraints if len(c[0]) < JOINING]
    if not joining:
        return whole
    root = {k: k for k in component}

    def find(k: Key) -> Key:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    for coeffs, _, _ in inner:
        first, *rest = coeffs
        for k in rest:
            root[find(k)] = find(first)
    cells_of: dict[Key, list[Key]] = defaultdict(list)
    for k in component:
        cells_of[find(k)].append(k)
    inner_of: dict[Key, list] = defaultdict(list)
    for c in inner:
        inner_of[find(next(iter(c[0])))].append(c)
    # each piece's share of each joining relation it is in, and the share's true value
    share: dict[Key, dict[int, dict[Key, float]]] = defaultdict(lambda: defaultdict(dict))
    for j, (coeffs, _, _) in enumerate(joining):
        for k, a in coeffs.items():
            share[find(k)][j][k] = a
    true = {g: {j: _value(pub, c) for j, c in shares.items()} for g, shares in share.items()}
    # how far each piece's share can move down and up, and those moves added up per relation
    moves: dict[Key, dict[int, tuple[float, float]]] = {}
    totals = [[0.0, 0, 0.0, 0, 0.0] for _ in joining]  # down, infinite downs, up, infinite ups, true
    for g, shares in share.items():
        moves[g] = {}
        for j in shares:
            held = [(shares[i], "=", true[g][i]) for i in shares if i != j]
            lo, hi = _span(pub, cells_of[g], [*inner_of[g], *held], shares[j])
            t, k = true[g][j], len(shares)
            down, up = (t - lo) / k, (hi - t) / k
            moves[g][j] = (down, up)
            total = totals[j]
            total[0], total[1] = _add(total[0], total[1], down)
            total[2], total[3] = _add(total[2], total[3], up)
            total[4] += t
    pieces = []
    for g, cells in cells_of.items():
        rows = list(inner_of[g])
        for j, (down, up) in moves[g].items():
            _, sense, b = joining[j]
            all_down, infinite_down, all_up, infinite_up, all_true = totals[j]
            others_down = _without(all_down, infinite_down, down)
            others_up = _without(all_up, infinite_up, up)
            rest = b - (all_true - true[g][j])  # what the others' true shares leave this one
            if sense in ("=", "<=") and others_down < math.inf:
                rows.append((share[g][j], "<=", rest + others_down))
            if sense in ("=", ">=") and others_up < math.inf:
                rows.append((share[g][j], ">=", rest - others_up))
        pieces.append((cells, rows))
    return pieces


def _value(pub: Publication, coeffs: dict[Key, float]) -> float:
    return sum(a * pub.values[k] for k, a in coeffs.items())


def _add(finite_sum: float, infinite: int, move: float) -> tuple[float, int]:
    """A sum of moves kept as its finite part and how many are without end, with `move` added."""
    return (finite_sum, infinite + 1) if move == math.inf else (finite_sum + move, infinite)


def _without(finite_sum: float, infinite: int, mine: float) -> float:
    """That sum less `mine`: without end while another move is."""
    if infinite - (mine == math.inf):
        return math.inf
    return finite_sum - (0.0 if mine == math.inf else mine)


def _span(pub: Publication, cells: list[Key], constraints: list, coeffs: dict[Key, float]) -> tuple[float, float]:
    """The lowest and highest a.x can take over the cells' own constraints and floors."""
    if not constraints:  # one cell on its own: from its floor up, times its coefficient
        a, floor = coeffs[cells[0]], _floor(pub, cells[0])
        return (a * floor, math.inf) if a > 0 else (-math.inf, a * floor)
    programme, _ = _programme(pub, cells, constraints, coeffs)
    hi, _ = programme.extreme(len(cells), highest=True)
    lo, _ = programme.extreme(len(cells), highest=False)
    return (-math.inf if lo is None else lo), hi


def _programme(
    pub: Publication, cells: list[Key], constraints: list, coeffs: dict[Key, float] | None = None
) -> tuple[_Programme, dict[Key, int]]:
    """The linear programme of `cells` under `constraints`, each cell at least its floor, and each
    cell's column; with `coeffs`, one column more, the last, equal to a.x."""
    index = {k: i for i, k in enumerate(cells)}
    rows = [({index[k]: a for k, a in c.items()}, sense, b) for c, sense, b in constraints]
    floors = [_floor(pub, k) for k in cells]
    if coeffs is not None:
        rows.append(({**{index[k]: a for k, a in coeffs.items()}, len(cells): -1.0}, "=", 0.0))
        floors.append(-math.inf)
    return _Programme(len(floors), rows, floors), index


def _ranges(
    pub: Publication, cells: list[Key], constraints: list, targets: list[Key], top: float, lows: bool, used: tuple
) -> list[Finding]:
    """The findings among `targets`: each one's highest value over the cells' constraints, and
    its lowest when it does not reach `top` (with `lows`)."""
    programme, index = _programme(pub, cells, constraints)
    # a target is safe once any feasible point puts it at the top or above (its maximum is at
    # least that): each solution found for one target clears every other it reaches
    findings, safe = [], set()
    for k in targets:
        if k in safe:
            continue
        hi, point = programme.extreme(index[k], highest=True)
        if point is not None:
            safe.update(t for t in targets if point[index[t]] >= top)
        if hi < top:
            lo, _ = programme.extreme(index[k], highest=False) if lows else (float("nan"), None)
            findings.append(Finding(k, pub.values[k], _floor(pub, k) if lo is None else lo, hi, used))
    return findings


class _Programme:
    """The linear programme of one component: `constraints` (coefficients by column, "=", "<="
    or ">=", right-hand side) over `columns` reals, each at least its floor; `extreme` finds the
    highest or lowest value one column can take (HiGHS; the basis of each solve starts the next)."""

    def __init__(self, columns: int, constraints: list, floors: list[float]) -> None:
        import numpy as np

        self.columns, self.constraints, self.floors = columns, constraints, floors
        self.highs = _highs()
        if self.highs is None:
            return
        from scipy.optimize._highspy import _core

        infinity = _core.kHighsInf
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = columns, len(constraints)
        lp.col_cost_ = np.zeros(columns)
        lp.col_lower_ = np.asarray(floors, dtype=np.float64)
        lp.col_upper_ = np.full(columns, infinity)
        lp.row_lower_ = np.asarray([-infinity if s == "<=" else b for _, s, b in constraints], dtype=np.float64)
        lp.row_upper_ = np.asarray([infinity if s == ">=" else b for _, s, b in constraints], dtype=np.float64)
        lp.a_matrix_.format_ = _core.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.cumsum([0] + [len(c) for c, _, _ in constraints]).astype(np.int32)
        lp.a_matrix_.index_ = np.asarray([i for c, _, _ in constraints for i in c], dtype=np.int32)
        lp.a_matrix_.value_ = np.asarray([v for c, _, _ in constraints for v in c.values()], dtype=np.float64)
        self.highs.passModel(lp)
        self.costed: int | None = None
        self.optimal = _core.HighsModelStatus.kOptimal

    def extreme(self, column: int, *, highest: bool):
        """(the highest or lowest value of `column`, or None when not found (inf for the highest),
        a feasible point reaching it or None)."""
        import numpy as np

        if self.highs is None:
            return self._by_linprog(column, highest)
        if self.costed is not None:
            self.highs.changeColCost(self.costed, 0.0)
        self.highs.changeColCost(column, -1.0 if highest else 1.0)
        self.costed = column
        self.highs.run()
        if self.highs.getModelStatus() != self.optimal:
            return (float("inf") if highest else None), None
        value = self.highs.getInfo().objective_function_value
        return (-value if highest else value), np.asarray(self.highs.getSolution().col_value)

    def _by_linprog(self, column: int, highest: bool):
        # scipy's linprog (the same HiGHS) where scipy does not carry HiGHS's own interface
        import numpy as np
        from scipy.optimize import linprog

        def matrix(senses: tuple[str, ...], flip: str | None) -> tuple:
            chosen = [(c, b) for c, s, b in self.constraints if s in senses]
            if not chosen:
                return None, None
            a = np.zeros((len(chosen), self.columns))
            for row, (c, _) in enumerate(chosen):
                for i, v in c.items():
                    a[row, i] = v
            signs = np.asarray([-1.0 if s == flip else 1.0 for _, s, _ in self.constraints if s in senses])
            return a * signs[:, None], [b * sign for (_, b), sign in zip(chosen, signs, strict=True)]

        a_eq, b_eq = matrix(("=",), None)
        a_ub, b_ub = matrix(("<=", ">="), ">=")
        c = np.zeros(self.columns)
        c[column] = -1.0 if highest else 1.0
        found = linprog(
            c, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=[(f, None) for f in self.floors], method="highs"
        )
        if found.status != 0:
            return (float("inf") if highest else None), None
        return (-found.fun if highest else found.fun), found.x


def _highs():
    """A silent HiGHS solver from the interface scipy carries, or None where it does not."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:
        return None
    if _HIGHS_INTERFACE is False:
        return None
    highs = _core._Highs()
    highs.setOptionValue("output_flag", False)
    return highs


_HIGHS_INTERFACE = True  # False: solve with scipy's linprog alone (the tests compare the two)


def exposed_by_route(pub: Publication) -> dict[str, int]:
    """How many hidden counts a reader recovers with each route's relations alone; for the
    route across pages, those needing relations between pages (with all the others); and all."""
    found = {route: len(audit(pub, routes=[route])) for route in ROUTES}
    everything = {f.cell for f in audit(pub)}
    within_pages = {f.cell for f in audit(pub, routes=[r for r in ROUTES if r != "across_pages"])}
    found["across_pages"] = max(found["across_pages"], len(everything - within_pages))
    found["all"] = len(everything)
    return found


def protect(pub: Publication, max_rounds: int = 50) -> set[Key]:
    """Secondary suppression chosen by the audit: while a cell is exposed, hide the smallest
    shown count above 0 in a relation with it (or, failing that, with its component), and
    audit again; a cell still exposed after `max_rounds` has every count tied to it hidden
    (`_tied`). Returns the cells hidden (`pub` is changed in place)."""
    added: set[Key] = set()
    exposed = None
    relations_of = pub.index()
    for _ in range(max_rounds):
        # hiding a cell only widens every range (its true value stays feasible), so a cell that
        # passed stays safe: each round audits again only the cells exposed in the round before
        findings = audit(pub, cells=exposed, lows=False)  # which cells, not how far: no bottoms
        exposed = [f.cell for f in findings]
        if not findings:
            return added
        secret = pub.secret()
        chosen: set[Key] = set()
        seen_in: dict = {}
        for finding in findings:
            candidate = _candidate(pub, finding.cell, secret, relations_of, seen_in)
            if candidate is not None:
                chosen.add(candidate)
        if not chosen:
            break
        _hide(pub, chosen)
        added |= chosen
    # Not cleared one count at a time within the rounds (a school in some 90 similar-schools
    # groups at a region's scale): hide every shown count the exposed cells are tied to, through
    # the hidden cells between, until no cell is exposed. More is hidden than the fewest needed,
    # but a governor never reads a small number back.
    for _ in range(max_rounds):
        findings = audit(pub, cells=exposed, lows=False)
        exposed = [f.cell for f in findings]
        chosen = set().union(*(_tied(pub, cell, relations_of) for cell in exposed))
        if not chosen:
            return added
        _hide(pub, chosen)
        added |= chosen
    return added


def _hide(pub: Publication, cells: set[Key]) -> None:
    for k in cells:
        pub.hidden.add(k)
        pub.shown_somewhere.discard(k)


def _tied(pub: Publication, cell: Key, relations_of: dict) -> set[Key]:
    """Every count a reader sees in a relation reachable from `cell` through hidden cells."""
    seen, frontier, shown = {cell}, [cell], set()
    while frontier:
        for i in relations_of.get(frontier.pop(), ()):
            total, parts, _, _ = pub.relations[i]
            for k in (total, *parts):
                if k in pub.shown_somewhere:
                    shown.add(k)
                elif k not in seen:
                    seen.add(k)
                    frontier.append(k)
    return shown


def _candidate(pub: Publication, cell: Key, secret: set[Key], relations_of: dict, seen_in: dict) -> Key | None:
    """The smallest shown count above 0 (by value, then repr) in the relations of `cell`, widening
    through hidden cells until one is found; None when there is none. `relations_of`: each cell's
    relations by their place in `pub.relations`; `seen_in` keeps, for the round's `secret`, each
    relation's smallest such count and its hidden cells."""
    seen, frontier = {cell}, {cell}
    while frontier:
        best, touched = None, {i for k in frontier for i in relations_of.get(k, ())}
        for i in touched:
            if i not in seen_in:
                total, parts, _, _ = pub.relations[i]
                members = (total, *parts)
                shown = [(pub.values[k], repr(k), k) for k in members if k not in secret and pub.values[k] > 0]
                seen_in[i] = (min(shown) if shown else None, [k for k in members if k in secret])
            smallest = seen_in[i][0]
            if smallest is not None and (best is None or smallest < best):
                best = smallest
        if best is not None:
            return best[2]
        frontier = {k for i in touched for k in seen_in[i][1] if k not in seen}
        seen |= frontier
    return None


def cells_of_query(
    name: str, frame: pd.DataFrame, year: str, area: str, counts: Iterable[str]
) -> list[tuple[object, str, Key]]:
    """(row index, column, cell) for each pupil count in a chart query's rows run for `year`
    and `area` (a partnership code, or ALL for every partnership)."""
    columns = BREAKDOWN_COLUMNS.get(name, ())
    at = {c: i for i, c in enumerate(frame.columns)}
    out = []
    for index, row in zip(frame.index, frame.values):  # each row's values as `iterrows` gives them
        row_year = str(row[at["academic_year"]]) if name == "placements_trend" else year
        dims = {c: row[at[c]] for c in columns}
        for column in counts:
            if (name, column) in SAME_AS:
                out.append((index, column, key(SAME_AS[(name, column)], row_year, area)))
            else:
                out.append((index, column, key(column, row_year, area, **dims)))
    return out


def add_query(
    pub: Publication, name: str, raw: pd.DataFrame, governed: pd.DataFrame, year: str, area: str, counts: Iterable[str]
) -> None:
    """A chart query's cells for `year` and `area` (raw rows for the true values, the governor's
    rows from the gate for what is hidden), and the relations within its rows."""
    from dashboard.disclosure import flags

    counts = tuple(counts)
    if name == "placements_trend":
        keep = raw["academic_year"].astype(str) == year
        raw, governed = raw[keep], governed[keep]
    cells = cells_of_query(name, raw, year, area, counts)
    hidden = {column: dict(zip(governed.index, flags(governed, column).to_numpy())) for column in counts}
    values = {column: dict(zip(raw.index, raw[column].to_numpy(dtype=object))) for column in counts}
    for index, column, k in cells:
        pub.cell(k, values[column][index], bool(hidden[column][index]))
    by_row = {(index, column): k for index, column, k in cells}
    for grouped_by, total_columns in ADDS_UP.get(name, []):
        groups = [raw] if not grouped_by else [g for _, g in raw.groupby(list(grouped_by), sort=False)]
        for group in (g for g in groups if not g.empty):
            for column in counts:
                if (name, column) in SAME_AS:
                    continue
                first = group.iloc[0]
                total = key(column, year, area, **{c: first[c] for c in total_columns})
                pub.relate(total, [by_row[(i, column)] for i in group.index], "within_page")
    if name == "exclusions_referral_journey":
        _journey(pub, raw, by_row, year, area)
    if name == "placements_outcomes":
        for index, row in raw.iterrows():
            if row["outcome"] == "reintegrated":  # the reintegrated outcome is the reintegrated count
                pub.relate(
                    key("placements_reintegrated", year, area, provider_type=row["provider_type"]),
                    [by_row[(index, "placements_ended")]],
                    "within_page",
                )
        pub.relate(
            key("successful_outcomes", year, area),
            [by_row[(i, "placements_ended")] for i in raw.index if raw.at[i, "outcome"] in SUCCESSFUL],
            "across_pages",
        )


def _journey(pub: Publication, raw: pd.DataFrame, by_row: dict, year: str, area: str) -> None:
    # a stage's referrals come in by its links from the step before and leave by its links to the next
    def stage(step: int, node: str) -> Key:
        return key("referrals", year, area) if step == 1 else key("referrals", year, area, stage=f"{step}:{node}")

    for (step, target), group in raw.groupby(["step", "target"], sort=False):
        pub.relate(stage(int(step) + 1, target), [by_row[(i, "referrals")] for i in group.index], "within_page")
    for (step, source), group in raw.groupby(["step", "source"], sort=False):
        pub.relate(stage(int(step), source), [by_row[(i, "referrals")] for i in group.index], "within_page")


def add_metrics(pub: Publication, raw: pd.DataFrame, governed: pd.DataFrame, year: str, catalogue) -> None:
    """The pupil-count metrics of partnerships and the la_total, and partnerships adding up to it."""
    counts = [m for m, d in catalogue.items() if d.pupil_count]
    shown = governed.set_index(["metric", "area_type", "area_code"])["suppressed"]
    rows = raw[
        (raw["academic_year"] == year) & raw["metric"].isin(counts) & raw["area_type"].isin(["partnership", "la_total"])
    ]
    for row in rows.itertuples():
        pub.cell(
            key(row.metric, year, row.area_code),
            row.value,
            bool(shown.get((row.metric, row.area_type, row.area_code), True)),
        )
    for metric in counts:
        part = rows[(rows["metric"] == metric) & (rows["area_type"] == "partnership")]
        pub.relate(key(metric, year, LA_TOTAL), [key(metric, year, c) for c in part["area_code"]], "across_pages")


def school_area(urn: object) -> str:
    return f"school:{int(urn)}"


def add_schools(
    pub: Publication,
    raw: pd.DataFrame,
    governed: pd.DataFrame,
    year: str,
    counts: Iterable[str],
    groups: dict[int, pd.DataFrame],
    members: dict[int, dict[str, pd.DataFrame]],
) -> None:
    """Each school's counts in `year` (school_year_summary through the gate), each School view's
    groups (`groups`: urn -> the gate's school_comparison rows; `members`: urn -> group -> rows),
    schools adding up to their partnership and to their similar-FSM group."""
    from dashboard.disclosure import flags

    this_year = raw["academic_year"] == year
    hidden = {column: flags(governed, column) for column in counts}
    for index in raw.index[this_year]:
        for column in counts:
            pub.cell(
                key(column, year, school_area(raw.at[index, "urn"])),
                raw.at[index, column],
                bool(hidden[column].at[index]),
            )
    for urn, table in groups.items():
        by_group = table.set_index("group")
        code = members[urn]["partnership"]["partnership_code"].iloc[0] if len(members[urn]["partnership"]) else None
        for group, area, route in (
            ("partnership", f"schools:{code}", "school_view"),
            ("similar_schools", f"similar:{urn}", "similar_fsm"),
        ):
            rows = members[urn][group]
            if rows.empty:
                continue
            for column in counts:
                k = key(column, year, area)
                pub.cell(k, by_group.at[group, column], bool(flags(by_group.loc[[group]], column).iloc[0]))
                pub.relate(k, [key(column, year, school_area(u)) for u in rows["urn"]], route)
                if group == "partnership":
                    pub.relate(key(column, year, code), [k], "school_view")


# ---------------------------------------------------------------- gathering what a governor sees


def gather(con, settings, year: str, *, final: bool = False) -> Publication:
    """Everything the gate gives a governor for `year`: the metrics, each chart query for every
    partnership filter (and all), every school's counts and every school's School view groups.
    By default as the gate's rules leave it (what `protect` starts from), each chart query run
    once for all partnerships and every School view's groups worked out at once, so that a
    region's hundreds of partnerships and thousands of schools take seconds; with `final`,
    exactly as the gate serves it, one request at a time through the gate itself, the audit's
    own secondary suppression included."""
    from dashboard import access, metrics, school_groups, warehouse
    from dashboard.access import Viewer

    governor = Viewer("audit", "governor", None)
    pub = Publication(settings.suppress_max)
    catalogue = metrics.catalogue()
    add_metrics(
        pub,
        metrics.compute(con, settings, year=year),
        access.metrics(con, governor, settings, year=year)
        if final
        else metrics.frame(access.governed_metric_rows(metrics.compute_rows(con, settings, year=year), settings)),
        year,
        catalogue,
    )
    codes = list(metrics.partnership_codes(con))
    areas = [(LA_TOTAL, None)] + [(c, c) for c in codes]
    if final:  # through the gate itself, one request per partnership, School view and year
        for name in BREAKDOWN_COLUMNS:
            query = warehouse.queries()[name]
            for area, code in areas:
                params = {p: year if p == "year" else code for p in query.params}
                shown = access.fetch(con, governor, settings, name, **params)
                add_query(pub, name, warehouse.run(con, name, **params), shown, year, area, query.pupil_counts)
    else:  # each chart query once for all partnerships, under the gate's rules for each
        governed: dict[str, tuple] = {}
        for name in BREAKDOWN_COLUMNS:
            query = warehouse.queries()[name]
            params = {p: year for p in query.params if p == "year"}
            raw = warehouse.run(con, name, **params, partnership=None)
            add_query(
                pub,
                name,
                raw,
                access.governed_by_rules(con, settings, name, raw, {**params, "partnership": None}),
                year,
                LA_TOTAL,
                query.pupil_counts,
            )
            raw, shown = _governed_each(con, settings, name, params, codes, governed)
            rows = raw.groupby(warehouse.EACH, sort=False).indices
            for code in codes:
                at = rows.get(code, [])
                add_query(
                    pub,
                    name,
                    raw.iloc[at].drop(columns=warehouse.EACH),
                    shown.iloc[at].drop(columns=warehouse.EACH),
                    year,
                    code,
                    query.pupil_counts,
                )
    summary = warehouse.run(con, access.SCHOOL_SUMMARY)
    controlled = (
        access.fetch(con, governor, settings, access.SCHOOL_SUMMARY)
        if final
        else access.governed_by_rules(con, settings, access.SCHOOL_SUMMARY, summary, {})
    )
    if not final:
        add_school_groups(pub, summary, controlled, year, school_groups.COUNTS)
        return pub
    groups, members = {}, {}
    for urn in summary.loc[summary["academic_year"] == year, "urn"].unique():
        urn = int(urn)
        members[urn] = school_groups.members(summary, urn, year)
        groups[urn] = access.fetch(con, governor, settings, "school_comparison", urn=urn, year=year)
    add_schools(pub, summary, controlled, year, school_groups.COUNTS, groups, members)
    return pub


def _governed_each(con, settings, name: str, params: dict, codes: list[str], done: dict) -> tuple:
    """Chart query `name` run once for every partnership (`warehouse.run_each`): its rows and a
    governor's rows under the gate's rules (`access.governed_by_rules`) applied to each
    partnership's rows apart, as a request for that partnership alone gets them."""
    import dataclasses

    import pandas as pd

    from dashboard import disclosure, warehouse
    from dashboard.metrics import catalogue

    if name in done:
        return done[name]
    each = warehouse.EACH
    query = warehouse.queries()[name]
    raw = warehouse.run_each(con, name, "partnership", codes, together=name not in ONE_BY_ONE, **params)
    within = None if query.add_up_within is None else (each, *query.add_up_within)
    out = disclosure.control_query(
        raw, dataclasses.replace(query, add_up_within=within), settings.suppress_max, catalogue()
    )
    if name in disclosure.BREAKDOWNS:  # disclosure.control_breakdown, within each partnership
        total_name, column, by, whole_group = disclosure.BREAKDOWNS[name]
        total_params = {p: v for p, v in params.items() if p in warehouse.queries()[total_name].params}
        _, totals = _governed_each(con, settings, total_name, total_params, codes, done)

        def named(frame: pd.DataFrame) -> list[tuple]:  # (partnership, group) of each row
            return list(zip(frame[each], frame[by].astype(object).where(frame[by].notna(), None), strict=True))

        def groups(frame: pd.DataFrame) -> set:
            return set(named(frame[disclosure.flags(frame, column)]))

        hidden = groups(totals) | (groups(out) if whole_group else set())
        rows = pd.Series([g in hidden for g in named(out)], index=out.index, dtype=bool)
        out = out.copy()
        if rows.any():
            disclosure.hide_rows(out, column, rows)
    done[name] = (raw, out)
    return raw, out


def add_school_groups(
    pub: Publication,
    summary: pd.DataFrame,
    controlled: pd.DataFrame,
    year: str,
    counts: Iterable[str],
    band: float = 3.0,
) -> None:
    """What `add_schools` adds for every school's School view groups as the gate's rules leave
    them (`access.school_groups_by_rules` with no audit cells), worked out for all the year's
    schools at once: the same cells and relations, in the same order."""
    import numpy as np

    from dashboard import school_groups
    from dashboard.disclosure import flags

    counts = tuple(counts)
    threshold = pub.threshold
    this_year = summary["academic_year"] == year
    rows = summary[this_year]
    hidden = {column: flags(controlled, column)[this_year].to_numpy() for column in counts}
    urns = rows["urn"].to_numpy()
    values = {column: rows[column].to_numpy(dtype=object) for column in counts}
    for i, urn in enumerate(urns):
        for column in counts:
            pub.cell(key(column, year, school_area(urn)), values[column][i], bool(hidden[column][i]))

    def total(part: np.ndarray, column: str) -> float | None:
        # school_groups.figures: the group's sum (null with no value), as Float64
        taken = sums[column][part]
        taken = taken[~np.isnan(taken)]
        return float(taken.sum()) if len(taken) else None

    def small(value: float | None) -> bool:
        # control_school_groups: a group total of 1 to the threshold is hidden, so it is not shown
        return value is not None and threshold > 0 and 1 <= value <= threshold

    sums = {column: rows[column].to_numpy(dtype="float64", na_value=np.nan) for column in counts}
    codes = rows["partnership_code"].to_numpy(dtype=object)
    first_code = summary.drop_duplicates("urn").set_index("urn")["partnership_code"]
    by_code: dict[object, np.ndarray] = {}
    for position, code in enumerate(codes):
        if code is not None and not (isinstance(code, float) and np.isnan(code)):
            by_code.setdefault(code, []).append(position)
    by_code = {code: np.asarray(at) for code, at in by_code.items()}
    fsm = 100.0 * rows["fsm_eligible"] / rows["pupils_on_roll"].where(rows["pupils_on_roll"] > 0)
    fsm = fsm.to_numpy(dtype="float64", na_value=np.nan)
    authorities = school_groups.authority(rows).to_numpy(dtype=object)
    position_of = {}
    for position, urn in enumerate(urns):
        position_of.setdefault(urn, position)
    school_keys = {column: [key(column, year, school_area(u)) for u in urns] for column in counts}
    for urn in dict.fromkeys(urns):
        code = first_code.get(urn)
        partnership = by_code.get(code, np.asarray([], dtype=int))
        mine = fsm[position_of[urn]]
        similar = (
            np.flatnonzero(
                (np.abs(fsm - mine) <= band + 1e-9) & (urns != urn) & (authorities == authorities[position_of[urn]])
            )
            if not np.isnan(mine)
            else np.asarray([], dtype=int)
        )
        for group, part, area, route in (
            ("partnership", partnership, f"schools:{code}", "school_view"),
            ("similar_schools", similar, f"similar:{urn}", "similar_fsm"),
        ):
            if not len(part):
                continue
            for column in counts:
                k = key(column, year, area)
                value = total(part, column)
                if value is not None and not small(value):
                    pub.cell(k, value, False)
                pub.relate(k, [school_keys[column][p] for p in part], route)
                if group == "partnership":
                    pub.relate(key(column, year, code), [k], "school_view")


def pattern(con, settings, year: str) -> frozenset[Key]:
    """The cells the audit hides for `year` beyond the gate's rules (`protect` on `gather`)."""
    return frozenset(protect(gather(con, settings, year)))


def to_json(cells: Iterable[Key]) -> list:
    """Cells as JSON lists (the gate keeps a year's pattern in a file beside the warehouse)."""
    return sorted([m, y, a, [list(d) for d in dims]] for m, y, a, dims in cells)


def from_json(rows: list) -> set[Key]:
    """The cells `to_json` wrote."""
    return {(m, y, a, tuple(tuple(d) for d in dims)) for m, y, a, dims in rows}


# ---------------------------------------------------------------- the gate applies a pattern


def metric_cell(cell: Key) -> bool:
    """True for a metric's own cell: a partnership's or the la_total's (whose codes have no
    colon), without a breakdown; not a School view group's."""
    return not cell[3] and ":" not in cell[2]


def school_group_area(group: str, urn: int, partnership: str | None) -> str:
    """The area of a School view group's cells (its school, its partnership's schools, its similar schools)."""
    return {
        "school": school_area(urn),
        "partnership": f"schools:{partnership}",
        "similar_schools": f"similar:{int(urn)}",
    }[group]


def hide_in_query(
    name: str, frame: pd.DataFrame, year: str | None, area: str, counts: Iterable[str], hidden: Iterable[Key]
) -> pd.DataFrame:
    """`frame` (a governor's rows of chart query `name`) with each count in `hidden` hidden."""
    from dashboard.disclosure import hide_rows

    hidden = set(hidden)
    rows: dict[str, list] = defaultdict(list)
    for index, column, k in cells_of_query(name, frame, year, area, counts):
        if k in hidden:
            rows[column].append(index)
    out = frame.copy()
    for column, index in rows.items():
        hide_rows(out, column, out.index.isin(index))
    return out
