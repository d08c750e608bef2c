"""Who is looking: roles and scopes, applied in the data layer before anything reaches a page.

| role | scope | aggregates | pupil-level rows |
|---|---|---|---|
| commissioner | none (the whole LA) | every partnership | every school |
| chair | a partnership code | every partnership | their partnership's schools |
| head | a school URN | every partnership | their school |
| governor | a URN or a partnership code | every partnership, with disclosure control | never |

Pupil-level rows come only from `pupil_rows`, which binds the viewer's scope into the SQL
(`queries/pupil/*.sql`) itself: a page's filters can narrow what a viewer sees, never widen it.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from dashboard import audit, disclosure, disclosure_audit, warehouse
from dashboard.metrics import LA_TOTAL
from dashboard.settings import Settings

if TYPE_CHECKING:  # pandas loads with the first frame: `seip metrics` reads rows and never needs it
    import pandas as pd

ROLES = ("commissioner", "chair", "head", "governor")
PUPIL_LEVEL_ROLES = ("commissioner", "chair", "head")
PUPIL_KINDS = ("referrals", "placements", "exclusions")


class NotPermitted(PermissionError):
    """The viewer's role or scope does not allow what was asked for."""


class ScopeError(ValueError):
    """A scope that does not fit the role (a chair with a URN, a commissioner with a scope)."""


class UnknownScope(ScopeError):
    """A scope naming a partnership or school that the warehouse does not hold."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in person (or a demo visitor 'viewing as' a role).

    `scope` is a partnership code for a chair, a school URN (as text) for a head, and either
    for a governor; None for a commissioner. Raises ValueError for an unknown role.
    """

    name: str
    role: str = "commissioner"
    scope: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")

    @property
    def sees_pupil_rows(self) -> bool:
        """Whether this role may see any pupil-level rows at all."""
        return self.role in PUPIL_LEVEL_ROLES

    def may_see_pupils_of(self, *, urn: int | None = None, partnership: str | None = None) -> bool:
        """Whether this viewer's scope covers the school `urn` of `partnership` (a page hint only:
        `pupil_rows` enforces the same rule in SQL)."""
        if self.role == "commissioner":
            return True
        if self.role == "chair":
            return partnership is not None and partnership == self.scope
        if self.role == "head":
            return urn is not None and str(urn) == self.scope
        return False


def scope_options(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every partnership and school a scope can name: scope_kind, scope_code, scope_label, partnership_code."""
    return warehouse.run(con, "scope_options")


def check_scope(con: duckdb.DuckDBPyConnection, role: str, scope: str | None) -> str | None:
    """Return `scope` normalised for `role`, checked against the warehouse.

    Raises ScopeError when the role needs no scope but has one, or needs one but has none or
    one of the wrong kind; UnknownScope when it names a partnership or school the warehouse
    does not hold.
    """
    if role not in ROLES:
        raise ScopeError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    scope = (scope or "").strip() or None
    if role == "commissioner":
        if scope is not None:
            raise ScopeError("a commissioner sees the whole authority and takes no scope")
        return None
    if scope is None:
        wanted = {
            "chair": "a partnership code",
            "head": "a school URN",
            "governor": "a school URN or a partnership code",
        }[role]
        raise ScopeError(f"a {role} needs a scope: {wanted}")
    options = scope_options(con)
    schools = set(options.loc[options["scope_kind"] == "school", "scope_code"])
    partnerships = {c.upper(): c for c in options.loc[options["scope_kind"] == "partnership", "scope_code"]}
    if scope.isdigit():
        if role == "chair":
            raise ScopeError(f"a chair's scope is a partnership code, not a URN ({scope})")
        if scope not in schools:
            raise UnknownScope(f"no school with URN {scope} in the warehouse")
        return scope
    if role == "head":
        raise ScopeError(f"a head's scope is a school URN, not {scope!r}")
    if scope.upper() not in partnerships:
        raise UnknownScope(f"no partnership with code {scope!r} in the warehouse")
    return partnerships[scope.upper()]


def _bound_scope(viewer: Viewer) -> dict[str, object]:
    # Fail closed: a chair or head without a usable scope sees nothing rather than everything.
    if viewer.role == "commissioner":
        return {"scope_partnership": None, "scope_urn": None}
    if viewer.role == "chair" and viewer.scope:
        return {"scope_partnership": viewer.scope, "scope_urn": None}
    if viewer.role == "head" and viewer.scope and viewer.scope.isdigit():
        return {"scope_partnership": None, "scope_urn": int(viewer.scope)}
    raise NotPermitted(
        f"a {viewer.role} may not see pupil-level rows" + ("" if viewer.role == "governor" else " without a scope")
    )


def _db_path(con: duckdb.DuckDBPyConnection) -> str:
    cur = con.cursor()
    try:
        return cur.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()[0]
    finally:
        cur.close()


def pupil_rows(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    kind: str,
    *,
    partnership: str | None = None,
    urn: int | None = None,
    academic_year: str | None = None,
) -> pd.DataFrame:
    """Pupil-level rows of `kind` ('referrals' | 'placements' | 'exclusions') that `viewer` may see.

    The filters narrow the viewer's scope (in SQL, as bound parameters); they never widen it.
    Every call is written to the audit log (who, what kind, which filters, how many rows).
    Raises NotPermitted for a governor (or a scopeless chair/head), ValueError for an unknown kind.
    """
    if kind not in PUPIL_KINDS:
        raise ValueError(f"unknown pupil-level kind {kind!r}; expected one of {', '.join(PUPIL_KINDS)}")
    scope = _bound_scope(viewer)
    rows = warehouse.run(
        con, kind, **scope, partnership=partnership, urn=None if urn is None else int(urn), academic_year=academic_year
    )
    filters = ", ".join(
        f"{k}={v}"
        for k, v in (("partnership", partnership), ("urn", urn), ("academic_year", academic_year))
        if v is not None
    )
    audit.write(
        _db_path(con),
        user=viewer.name,
        role=viewer.role,
        scope=viewer.scope,
        action="pupil_view",
        detail=f"{kind} ({filters or 'no filter'}): {len(rows)} rows",
        now=time.time(),
    )
    return rows


# ---------------------------------------------------------------- the gate for figures

# Figures the gate works out in Python from a query (the School view's groups need the true
# counts of every school before control): name -> the parameters they take.
VIEWS = {"school_comparison": ("urn", "year", "band")}
SCHOOL_SUMMARY = "school_year_summary"
# Layers whose rows are figures for pages: metrics come through `metrics`, pupil rows through
# `pupil_rows`; staging, marts and accounts are not served at all.
SERVED_LAYERS = ("charts", "tests")


def fetch(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, settings: Settings, query_name: str, **params: object
) -> pd.DataFrame:
    """Rows of the stored query `query_name` (or the VIEWS entry) as `viewer` may see them: the
    one way any consumer (pages, downloads, reports, the CLI) reads figures.

    For a governor (`disclosure.control_query`): the pupil counts the query's header declares
    (`-- pupil counts:`) under primary and secondary control within its additive groups
    (`-- counts add up within:`), the figures built on hidden counts hidden, rates rounded to
    their display decimals; a breakdown of another query's totals (`disclosure.BREAKDOWNS`)
    hidden where its total is. The threshold is the setting SEIP_SUPPRESS_MAX. Only chart
    queries and data tests are served (SERVED_LAYERS): pupil rows come through `pupil_rows`,
    which binds the viewer's scope into their SQL, and metrics through `metrics`.

    Raises warehouse.QueryError for an unknown query or bad parameters, NotPermitted for a
    query of another layer, KeyError for a school the School view's groups do not know.
    """
    if query_name in VIEWS:
        return _school_comparison(con, viewer, settings, **params)
    query = warehouse.queries().get(query_name)
    if query is not None and query.layer not in SERVED_LAYERS:
        raise NotPermitted(
            f"{query_name} ({query.layer}) is not served as figures: pupil rows come "
            "through access.pupil_rows, metrics through access.metrics"
        )
    frame = warehouse.run(con, query_name, **params)
    if viewer.role != "governor":
        return frame
    out = governed_by_rules(con, settings, query_name, frame, params)
    if query_name not in disclosure_audit.BREAKDOWN_COLUMNS and query_name != SCHOOL_SUMMARY:
        return out
    if "year" in warehouse.queries()[query_name].params and params.get("year") is None:
        # the audit's cells are a year's: a governor's breakdown over every year is not audited
        raise NotPermitted(f"a governor's {query_name} is for one academic year")
    years = (
        [str(params["year"])]
        if params.get("year") is not None
        else sorted(out["academic_year"].dropna().astype(str).unique())
    )
    hidden = _audited(con, settings, years)
    if query_name == SCHOOL_SUMMARY:
        return _hide_schools(out, hidden)
    area = params.get("partnership") or LA_TOTAL
    out = disclosure_audit.hide_in_query(
        query_name, out, params.get("year"), str(area), warehouse.queries()[query_name].pupil_counts, hidden
    )
    return disclosure.hide_derived(out, disclosure.built_on(warehouse.queries()[query_name].sql))


def governed_by_rules(
    con: duckdb.DuckDBPyConnection, settings: Settings, query_name: str, frame: pd.DataFrame, params: dict[str, object]
) -> pd.DataFrame:
    """A governor's rows of `query_name` (`frame`, run with `params`) under the header's rules."""
    from dashboard.metrics import catalogue

    query = warehouse.queries()[query_name]
    out = disclosure.control_query(frame, query, settings.suppress_max, catalogue())
    if query_name in disclosure.BREAKDOWNS:
        total_name = disclosure.BREAKDOWNS[query_name][0]
        total_params = {p: params.get(p) for p in warehouse.queries()[total_name].params}
        totals = governed_by_rules(
            con, settings, total_name, warehouse.run(con, total_name, **total_params), total_params
        )
        out = disclosure.control_breakdown(out, totals, query_name)
    return out


def school_groups_by_rules(
    summary: pd.DataFrame,
    controlled: pd.DataFrame,
    urn: int,
    year: str,
    settings: Settings,
    hidden: frozenset = frozenset(),
) -> pd.DataFrame:
    """A governor's School view groups of `urn` in `year` from the true `summary` and its
    controlled copy, with the counts in `hidden` (audit cells) hidden too."""
    from dashboard import school_groups

    partnership = summary.loc[summary["urn"] == urn, "partnership_code"]
    code = partnership.iloc[0] if len(partnership) else None
    also = {
        group: {
            c
            for c in school_groups.COUNTS
            if disclosure_audit.key(c, year, disclosure_audit.school_group_area(group, urn, code)) in hidden
        }
        for group in school_groups.GROUPS
    }
    return disclosure.control_school_groups(
        school_groups.figures(summary, urn, year), controlled, urn, year, settings.suppress_max, also_hidden=also
    )


def _school_comparison(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, settings: Settings, *, urn: int, year: str, band: float = 3.0
) -> pd.DataFrame:
    """The School view's groups of `urn` in `year` (`school_groups.figures`), controlled for a governor.

    The audit covers the School view's band of 3 FSM points: a governor gets no other band."""
    from dashboard import school_groups

    summary = warehouse.run(con, SCHOOL_SUMMARY)
    if viewer.role != "governor":
        return school_groups.figures(summary, int(urn), year, float(band))
    if float(band) != 3.0:
        raise NotPermitted("a governor's similar-schools band is 3 percentage points (the audited one)")
    hidden = _audited(con, settings, [year])
    controlled = _hide_schools(governed_by_rules(con, settings, SCHOOL_SUMMARY, summary, {}), hidden)
    return school_groups_by_rules(summary, controlled, int(urn), year, settings, hidden)


def metric_rows(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    settings: Settings,
    *,
    year: str | None = None,
    partnership: str | None = None,
) -> list[dict]:
    """Every metric (`dashboard.metrics.compute_rows`, one dict each) as `viewer` may see it.

    `partnership` is a code (that partnership and the la_total), `ALL` (the la_total alone) or
    None (every partnership); DfE's areas come whatever it is. For a governor: every partnership
    of the years asked for is read, whatever `partnership` asks for, so that a filter cannot undo
    secondary suppression; then the header rules (`governed_metric_rows`) and the counts the
    disclosure audit hides (`disclosure_audit`), with the figures built on them; then the filter.
    Raises metrics.UsageError for an unknown partnership or a malformed year.
    """
    from dashboard import metrics as metrics_module

    if viewer.role != "governor":
        return metrics_module.compute_rows(con, settings, year=year, partnership=partnership)
    year = metrics_module.checked_request(con, year, partnership)
    rows = governed_metric_rows(metrics_module.compute_rows(con, settings, year=year), settings)
    years = sorted({r["academic_year"] for r in rows if r["academic_year"] is not None})
    hidden = {(k[0], k[1], k[2]) for k in _audited(con, settings, years, metric_level=True)}
    rows = disclosure.hide_metric_rows(rows, hidden, metrics_module.catalogue())
    if partnership is not None:
        rows = [r for r in rows if r["area_type"] != "partnership" or r["area_code"] == partnership]
    return rows


def governed_metric_rows(rows: list[dict], settings: Settings) -> list[dict]:
    """A governor's metric rows under the dictionary's rules alone (`disclosure.suppress_rows`:
    primary and secondary control over every partnership, derived figures, rates rounded), before
    the audit: what the disclosure audit starts from."""
    from dashboard.metrics import catalogue

    return disclosure.suppress_rows(rows, settings.suppress_max, catalogue())


def metrics(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    settings: Settings,
    *,
    year: str | None = None,
    partnership: str | None = None,
) -> pd.DataFrame:
    """`metric_rows` as the long DataFrame pages read (`dashboard.metrics.frame`)."""
    from dashboard import metrics as metrics_module

    return metrics_module.frame(metric_rows(con, viewer, settings, year=year, partnership=partnership))


# ---------------------------------------------------------------- the audit's secondary suppression

_AUDITED: dict[tuple, frozenset] = {}
DECIDING_MODULES = ("access", "disclosure", "disclosure_audit", "school_groups", "metrics", "warehouse")
_AUDIT_LOCK = threading.RLock()


def _audited(
    con: duckdb.DuckDBPyConnection, settings: Settings, years: list[str], *, metric_level: bool = False
) -> frozenset:
    """The cells the disclosure audit hides in `years` beyond the header rules
    (`disclosure_audit.pattern`), worked out once per warehouse version, threshold and year: kept
    for the process and in a file beside the warehouse, so later processes start at once.

    `metric_level`: only the metrics' own cells (`disclosure_audit.metric_cell`), all
    `metric_rows` needs, kept in a file of their own: at 150 authorities a twentieth of a year's
    file, whose reading was a third of a governor's `seip metrics`."""
    path = _db_path(con)
    try:
        version = warehouse.version(Path(path))
    except (FileNotFoundError, TypeError, OSError):
        version = None  # an in-memory warehouse: kept for the process only
    hidden: set = set()
    for year in years:
        key = (path, version, settings.suppress_max, str(year), metric_level)
        with _AUDIT_LOCK:
            if key not in _AUDITED:
                if len(_AUDITED) > 64:
                    _AUDITED.clear()
                _AUDITED[key] = _stored_pattern(con, settings, str(year), path, version, metric_level)
            hidden |= _AUDITED[key]
    return frozenset(hidden)


def work_out_audit(settings: Settings) -> None:
    """Work out the disclosure audit's cells of every year the warehouse at `settings.db_path`
    holds and keep them beside it (`_audited`), so that no governor's first page waits for them:
    `seip serve` runs this in a process of its own as it starts. Only the years not kept already
    are worked out (a server restarted on the same warehouse starts none), side by side, each
    in a process of its own, as many at once as this process may use cores.
    Plain processes, not `multiprocessing`: its spawned children run the parent's main script
    again, which under Streamlit is the app. Raises RuntimeError naming the years that failed."""
    import os
    import pickle
    import subprocess
    import sys
    import time

    con = warehouse.open_read_only(settings.db_path)
    try:
        years = _years_not_kept(con, settings)
        if not years:
            return
        workers = min(len(years), len(os.sched_getaffinity(0)))
        if workers <= 1:
            _keep_years(con, settings, years)
            return
    finally:
        con.close()
    waiting, running, failed = list(years), [], []
    while waiting or running:
        while waiting and len(running) < workers:
            year = waiting.pop(0)
            one = subprocess.Popen(
                [sys.executable, "-c", "from dashboard import access; access.work_out_year()", year],
                stdin=subprocess.PIPE,
            )
            try:
                one.stdin.write(pickle.dumps(settings))
                one.stdin.close()
            except BrokenPipeError:  # it ended before reading them: its exit status, below, says how
                pass
            running.append((year, one))
        for year, one in [r for r in running if r[1].poll() is not None]:
            running.remove((year, one))
            if one.returncode != 0:
                failed.append(year)
        time.sleep(0.05)
    if failed:
        raise RuntimeError(f"the disclosure audit of {', '.join(failed)} did not finish")


def work_out_year() -> None:
    """One year's audit (`work_out_audit`'s processes): the year is the argument, the settings
    come pickled on standard input."""
    import pickle
    import sys

    settings = pickle.loads(sys.stdin.buffer.read())
    con = warehouse.open_read_only(settings.db_path)
    try:
        _keep_years(con, settings, [sys.argv[1]])
    finally:
        con.close()


def _keep_years(con: duckdb.DuckDBPyConnection, settings: Settings, years: list[str]) -> None:
    """Both files `audit_kept` looks for, for each of `years`: the whole pattern and the metrics' own cells."""
    _audited(con, settings, years)
    _audited(con, settings, years, metric_level=True)


def audit_kept(settings: Settings) -> bool:
    """True when the audit's cells of every year the warehouse holds are kept beside it, so that
    a new process (a server's, a report's) starts without working them out."""
    con = warehouse.open_read_only(settings.db_path)
    try:
        return not _years_not_kept(con, settings)
    finally:
        con.close()


def _years_not_kept(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """The years the warehouse holds whose two audit files (`_keep_years`) are not both kept."""
    path, version = _db_path(con), warehouse.version(settings.db_path)
    return [
        y
        for y in _years(con, settings)
        if not all(_pattern_file(con, settings, y, path, version, metric_level=m).exists() for m in (False, True))
    ]


def _years(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    from dashboard import metrics as metrics_module

    rows = metrics_module.compute_rows(con, settings)
    return sorted({str(r["academic_year"]) for r in rows if r["academic_year"] is not None})


def _stored_pattern(
    con: duckdb.DuckDBPyConnection, settings: Settings, year: str, path: str, version: str | None, metric_level: bool
) -> frozenset:
    import json

    stored = None if version is None else _pattern_file(con, settings, year, path, version, metric_level=metric_level)
    if stored is not None:
        try:
            return frozenset(disclosure_audit.from_json(json.loads(stored.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            pass
    if metric_level:
        found = frozenset(filter(disclosure_audit.metric_cell, _audited(con, settings, [year])))
    else:
        found = disclosure_audit.pattern(con, settings, year)
    if stored is not None:
        _keep(stored, found, path)
    return found


_WHOLE_AUDIT_FILE = re.compile(r"\.disclosure-[0-9a-f]{16}\.json")  # how earlier releases named the kept audit


def _keep(stored: Path, cells: frozenset, path: str) -> None:
    """Write a year's audit cells to `stored` whole or not at all, and, beside a warehouse, remove
    the files kept for its earlier versions (older than the file itself), for the same year
    and part by other code or another threshold, and any named as releases before 2026-12-03
    named them (the whole audit in one file, `<warehouse>.disclosure-<16 hex>.json`). A
    read-only folder only costs the next process the work again."""
    import hashlib
    import json
    import os

    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        spare = stored.with_name(f"{stored.name}.{os.getpid()}.{hashlib.sha256(path.encode()).hexdigest()[:6]}.tmp")
        spare.write_text(json.dumps(disclosure_audit.to_json(cells)), encoding="utf-8")
        os.replace(spare, stored)
        warehouse_file = Path(path)
        if stored.name.startswith(f"{warehouse_file.name}.disclosure-"):
            built = warehouse_file.stat().st_mtime_ns
            same_part = stored.name.rsplit("-", 1)[0]
            for earlier in warehouse_file.parent.glob(f"{glob_escape(warehouse_file.name)}.disclosure-*.json"):
                if earlier != stored and (
                    earlier.name.startswith(same_part)
                    or earlier.stat().st_mtime_ns < built
                    or _WHOLE_AUDIT_FILE.fullmatch(earlier.name.removeprefix(warehouse_file.name))
                ):
                    earlier.unlink(missing_ok=True)
    except OSError:
        pass


def _pattern_file(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    year: str,
    path: str,
    version: str,
    *,
    metric_level: bool = False,
) -> Path:
    """Where a year's audit cells (or their metric-level part) are kept: beside the warehouse,
    named by its version and the code that decides the cells; for the synthetic demo, whose
    content its fingerprint names, in the user's cache folder by that fingerprint and the code,
    so a rebuilt demo starts at once."""
    import hashlib
    import os

    try:
        fingerprint = con.cursor().execute("select value from meta where key = 'demo_fingerprint'").fetchone()
    except duckdb.Error:
        fingerprint = None
    part = "metrics-" if metric_level else ""
    made_of = f"{_deciding_code()}|{settings.suppress_max}|{year}|{part}"
    if fingerprint is None:
        tag = hashlib.sha256(f"{version}|{made_of}".encode()).hexdigest()[:16]
        return Path(f"{path}.disclosure-{part}{year.replace('/', '-')}-{tag}.json")
    tag = hashlib.sha256(f"{fingerprint[0]}|{made_of}".encode()).hexdigest()
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "seip"
    return folder / f"demo-disclosure-{part}{tag[:24]}.json"


@functools.cache
def _deciding_code() -> str:
    """A digest of the code that decides the audit's cells: the gate, its rules, the metrics and
    the figures' SQL (a warehouse's version or the demo's fingerprint names the data and the
    staging and mart SQL). Read once per process: a new release is a new process."""
    import hashlib

    from dashboard.settings import QUERIES_DIR

    here = Path(__file__).parent
    code = hashlib.sha256()
    for source in sorted(
        [
            *(here / f"{m}.py" for m in DECIDING_MODULES),
            QUERIES_DIR / "metrics.yml",
            *QUERIES_DIR.glob("charts/*.sql"),
            *QUERIES_DIR.glob("metrics/*.sql"),
        ]
    ):
        code.update(source.read_bytes())
    return code.hexdigest()


def _hide_schools(summary: pd.DataFrame, hidden: frozenset) -> pd.DataFrame:
    """A governor's school_year_summary with the audit's school cells hidden."""
    import pandas as pd

    from dashboard import school_groups

    out = summary.copy()
    for column in school_groups.COUNTS:
        rows = [
            disclosure_audit.key(column, str(y), disclosure_audit.school_area(u)) in hidden
            for u, y in zip(out["urn"], out["academic_year"], strict=True)
        ]
        if any(rows):
            disclosure.hide_rows(out, column, pd.Series(rows, index=out.index))
    return out
