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
stage's total, that is that small), linear programming (`scipy.optimize.linprog`, HiGHS) finds
the smallest and largest value it can take given every shown cell, every relation and each
hidden cell's floor (1 where its count is at least 1, which is stronger than what a reader
knows; 0 otherwise). Counts are relaxed from integers to reals, which can only widen a range,
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
    _known: set = field(default_factory=set)

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
        if (total, frozenset(parts), route) in self._known:
            return
        self._known.add((total, frozenset(parts), route))
        summed, whole = sum(self.values[p] for p in parts), self.values[total]
        sense = "=" if abs(summed - whole) < 1e-9 else "<=" if summed < whole else ">="
        self.relations.append((total, parts, sense, route))

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


def audit(pub: Publication, routes: Iterable[str] | None = None, cells: Iterable[Key] | None = None) -> list[Finding]:
    """Every sensitive cell (of `cells`, when given) whose feasible range does not reach its
    protection interval's top, threshold + 1, using only the relations of `routes` (all when None)."""
    import numpy as np
    from scipy.optimize import linprog

    wanted = set(ROUTES) if routes is None else set(routes)
    secret = pub.secret()
    relations = [r for r in pub.relations if r[3] in wanted and (r[0] in secret or secret & set(r[1]))]
    # components: hidden cells joined by a relation they are both in
    parent: dict[Key, Key] = {}

    def find(k: Key) -> Key:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    by_cell: dict[Key, list[int]] = defaultdict(list)
    for i, (total, parts, _, _) in enumerate(relations):
        hidden_here = [k for k in (total, *parts) if k in secret]
        for k in hidden_here:
            by_cell[k].append(i)
        for k in hidden_here[1:]:
            parent[find(k)] = find(hidden_here[0])
    members: dict[Key, list[Key]] = defaultdict(list)
    for k in by_cell:
        members[find(k)].append(k)

    findings = []
    sensitive = pub.sensitive() if cells is None else pub.sensitive() & set(cells)
    for component in members.values():
        targets = [k for k in component if k in sensitive]
        if not targets:
            continue
        index = {k: i for i, k in enumerate(component)}
        rows = sorted({i for k in component for i in by_cell[k]})
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for i in rows:
            total, parts, sense, _ = relations[i]
            coeffs = np.zeros(len(component))
            constant = 0.0  # sum(parts) - total = coeffs . x + constant
            for k, sign in [(p, 1.0) for p in parts] + [(total, -1.0)]:
                if k in index:
                    coeffs[index[k]] += sign
                else:
                    constant += sign * pub.values[k]
            if sense == "=":
                a_eq.append(coeffs)
                b_eq.append(-constant)
            elif sense == "<=":
                a_ub.append(coeffs)
                b_ub.append(-constant)
            else:
                a_ub.append(-coeffs)
                b_ub.append(constant)
        bounds = [(_floor(pub, k), None) for k in component]
        problem = {
            "A_eq": np.array(a_eq) if a_eq else None,
            "b_eq": b_eq or None,
            "A_ub": np.array(a_ub) if a_ub else None,
            "b_ub": b_ub or None,
            "bounds": bounds,
            "method": "highs",
        }
        used = tuple(sorted({relations[i][3] for i in rows}))
        for k in targets:
            c = np.zeros(len(component))
            c[index[k]] = 1.0
            high = linprog(-c, **problem)
            hi = -high.fun if high.status == 0 else float("inf")
            if hi < pub.threshold + 1 - 1e-6:  # the rule needs the top; the bottom is for the report
                low = linprog(c, **problem)
                findings.append(Finding(k, pub.values[k], low.fun if low.status == 0 else _floor(pub, k), hi, used))
    return findings


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
    audit again. Returns the cells hidden (`pub` is changed in place)."""
    added: set[Key] = set()
    exposed = None
    for _ in range(max_rounds):
        # hiding a cell only widens every range (its true value stays feasible), so a cell that
        # passed stays safe: each round audits again only the cells exposed in the round before
        findings = audit(pub, cells=exposed)
        exposed = [f.cell for f in findings]
        if not findings:
            return added
        secret = pub.secret()
        chosen: set[Key] = set()
        for finding in findings:
            candidates = _candidates(pub, finding.cell, secret)
            if candidates:
                chosen.add(min(candidates, key=lambda k: (pub.values[k], repr(k))))
        if not chosen:
            break  # nothing left to hide beside them: reported by the next audit
        for k in chosen:
            pub.hidden.add(k)
            pub.shown_somewhere.discard(k)
        added |= chosen
    return added


def _candidates(pub: Publication, cell: Key, secret: set[Key]) -> list[Key]:
    """Shown counts above 0 in the relations of `cell`, widening through hidden cells until some are found."""
    seen, frontier = {cell}, [cell]
    while frontier:
        found, reached = [], []
        for total, parts, _, _ in pub.relations:
            members = (total, *parts)
            if not any(k in frontier for k in members):
                continue
            found += [k for k in members if k not in secret and pub.values[k] > 0]
            reached += [k for k in members if k in secret and k not in seen]
        if found:
            return found
        seen.update(reached)
        frontier = reached
    return []


def cells_of_query(
    name: str, frame: pd.DataFrame, year: str, area: str, counts: Iterable[str]
) -> list[tuple[object, str, Key]]:
    """(row index, column, cell) for each pupil count in a chart query's rows run for `year`
    and `area` (a partnership code, or ALL for every partnership)."""
    columns = BREAKDOWN_COLUMNS.get(name, ())
    out = []
    for index, row in frame.iterrows():
        row_year = str(row["academic_year"]) if name == "placements_trend" else year
        for column in counts:
            measure = SAME_AS.get((name, column), column)
            dims = {} if (name, column) in SAME_AS else {c: row[c] for c in columns}
            out.append((index, column, key(measure, row_year, area, **dims)))
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
    hidden = {column: flags(governed, column) for column in counts}
    for index, column, k in cells:
        pub.cell(k, raw.at[index, column], bool(hidden[column].at[index]))
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
    By default as the gate's rules leave it (what `protect` starts from); with `final`, exactly
    as the gate serves it, the audit's own secondary suppression included."""
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
    areas = [(LA_TOTAL, None)] + [(c, c) for c in metrics.partnership_codes(con)]
    for name in BREAKDOWN_COLUMNS:
        query = warehouse.queries()[name]
        for area, code in areas:
            params = {p: year if p == "year" else code for p in query.params}
            raw = warehouse.run(con, name, **params)
            shown = (
                access.fetch(con, governor, settings, name, **params)
                if final
                else access.governed_by_rules(con, settings, name, raw, params)
            )
            add_query(pub, name, raw, shown, year, area, query.pupil_counts)
    summary = warehouse.run(con, access.SCHOOL_SUMMARY)
    controlled = (
        access.fetch(con, governor, settings, access.SCHOOL_SUMMARY)
        if final
        else access.governed_by_rules(con, settings, access.SCHOOL_SUMMARY, summary, {})
    )
    groups, members = {}, {}
    for urn in summary.loc[summary["academic_year"] == year, "urn"].unique():
        urn = int(urn)
        members[urn] = school_groups.members(summary, urn, year)
        groups[urn] = (
            access.fetch(con, governor, settings, "school_comparison", urn=urn, year=year)
            if final
            else access.school_groups_by_rules(summary, controlled, urn, year, settings)
        )
    add_schools(pub, summary, controlled, year, school_groups.COUNTS, groups, members)
    return pub


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
