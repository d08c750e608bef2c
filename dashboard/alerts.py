"""Alerts: rules a commissioner sets (on the Data page, kept in the store, or in the settings
file named by SEIP_ALERTS_FILE) that say when a figure crosses a line that matters.

A rule is a metric and a comparison: above England, above the upper quartile of the
partnerships, worse than last year by more than X (in the metric's own unit; "worse" follows
its polarity), below Y, above Y. Each partnership and the LA total is checked, for every
year. Rules are evaluated on the gate's output (`access.metrics` for the viewer), so an
alert is only ever raised on a figure that viewer may see, and a suppressed value never
raises one or is compared with. A new import gives a new warehouse version, and every
reader evaluates the rules on it: the alerts are those of the data in force.

The settings file is YAML:

    alerts:
      - {metric: pex_rate, comparison: above_england}
      - {metric: reintegration_rate, comparison: below, threshold: 40}
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard import audit, store
from dashboard.access import NotPermitted, Viewer

if TYPE_CHECKING:
    import pandas as pd

ALERTS_FILE_SETTING = "SEIP_ALERTS_FILE"
COMPARISONS = {
    "above_england": "above England",
    "above_upper_quartile": "above the upper quartile of the partnerships",
    "worse_than_last_year_by": "worse than the year before by more than {threshold}",
    "below": "below {threshold}",
    "above": "above {threshold}",
}
NEEDS_THRESHOLD = ("worse_than_last_year_by", "below", "above")
CHECKED_AREAS = ("partnership", "la_total")


class RuleError(ValueError):
    """A rule that cannot be used as written (unknown metric or comparison, missing threshold)."""


@dataclass(frozen=True)
class Rule:
    """One alert rule; `id` is None for a rule from the settings file."""

    metric: str
    comparison: str
    threshold: float | None = None
    id: int | None = None
    source: str = "store"

    def describe(self, label: str, unit: str = "", decimals: int = 2) -> str:
        """The rule in words: 'Permanent exclusion rate (per 100 pupils) above England'."""
        from dashboard.charts.theme import format_value

        shown = "" if self.threshold is None else format_value(self.threshold, unit, decimals)
        return f"{label} {COMPARISONS[self.comparison].format(threshold=shown)}"


@dataclass(frozen=True)
class Alert:
    """A rule that fires for one area in one year, with the figure and what it was compared with."""

    metric: str
    label: str
    academic_year: str
    area_type: str
    area_code: str
    area_name: str
    value: float
    compared_with: float | None
    rule: str
    shown: str

    def as_dict(self) -> dict:
        """The alert as plain values (for JSON)."""
        return asdict(self)


def check_rule(metric: str, comparison: str, threshold: object = None) -> Rule:
    """A rule, checked against the metric dictionary. Raises RuleError."""
    from dashboard.metrics import catalogue

    known = catalogue()
    if metric not in known:
        raise RuleError(f"no metric {metric!r} in the metric dictionary (queries/metrics.yml)")
    if comparison not in COMPARISONS:
        raise RuleError(f"comparison {comparison!r} is not one of {', '.join(COMPARISONS)}")
    if comparison in NEEDS_THRESHOLD:
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise RuleError(f"the comparison {comparison} needs a number as its threshold") from None
        if threshold != threshold:
            raise RuleError(f"the comparison {comparison} needs a number as its threshold")
    else:
        threshold = None
    if comparison == "worse_than_last_year_by" and known[metric].polarity == "neutral":
        raise RuleError(f"{metric} is neither better nor worse when it rises: use above or below")
    return Rule(metric, comparison, threshold)


def add_rule(
    db_path: Path, viewer: Viewer, metric: str, comparison: str, threshold: object = None, *, now: float | None = None
) -> int:
    """Save a rule set by a commissioner; return its id. NotPermitted for anyone else, RuleError."""
    if viewer.role != "commissioner":
        raise NotPermitted("only a commissioner sets alert rules")
    rule = check_rule(metric, comparison, threshold)
    now = time.time() if now is None else now
    with store.for_warehouse(db_path).transaction() as tx:
        rule_id = int(
            tx.one(
                """insert into alert_rules (metric, comparison, threshold, author, created_at)
                                values (?, ?, ?, ?, ?) returning id""",
                (rule.metric, rule.comparison, rule.threshold, viewer.name, store.utc_text(now)),
            )["id"]
        )
        audit.write(
            db_path,
            user=viewer.name,
            role=viewer.role,
            scope=viewer.scope,
            action="alert_rule_added",
            detail=f"rule {rule_id}: {rule.metric} {rule.comparison} {rule.threshold or ''}".strip(),
            now=now,
            tx=tx,
        )
    return rule_id


def remove_rule(db_path: Path, viewer: Viewer, rule_id: int, *, now: float | None = None) -> None:
    """Remove a stored rule. NotPermitted for anyone but a commissioner; RuleError when there is none."""
    if viewer.role != "commissioner":
        raise NotPermitted("only a commissioner removes alert rules")
    now = time.time() if now is None else now
    with store.for_warehouse(db_path).transaction() as tx:
        if not tx.execute("delete from alert_rules where id = ?", (int(rule_id),)):
            raise RuleError(f"there is no alert rule {rule_id}")
        audit.write(
            db_path,
            user=viewer.name,
            role=viewer.role,
            scope=viewer.scope,
            action="alert_rule_removed",
            detail=f"rule {rule_id}",
            now=now,
            tx=tx,
        )


def rules(db_path: Path) -> list[Rule]:
    """Every rule: the settings file's (SEIP_ALERTS_FILE), then the store's. RuleError for a bad file."""
    found = _file_rules()
    for row in store.for_warehouse(db_path).rows(
        "select id, metric, comparison, threshold from alert_rules order by id"
    ):
        found.append(Rule(row["metric"], row["comparison"], row["threshold"], int(row["id"])))
    return found


def _file_rules() -> list[Rule]:
    path = os.environ.get(ALERTS_FILE_SETTING, "").strip()
    if not path:
        return []
    import yaml

    try:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise RuleError(f"{ALERTS_FILE_SETTING}={path}: cannot read it ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{ALERTS_FILE_SETTING}={path}: not YAML ({exc})") from None
    entries = loaded.get("alerts") if isinstance(loaded, dict) else None
    if not isinstance(entries, list):
        raise RuleError(f"{ALERTS_FILE_SETTING}={path}: expected a list under 'alerts:'")
    out = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise RuleError(f"{path}: alert {i} is not a mapping of metric, comparison, threshold")
        try:
            rule = check_rule(str(entry.get("metric")), str(entry.get("comparison")), entry.get("threshold"))
        except RuleError as exc:
            raise RuleError(f"{path}: alert {i}: {exc}") from None
        out.append(Rule(rule.metric, rule.comparison, rule.threshold, source="file"))
    return out


def evaluate(frame: pd.DataFrame, rule_list: list[Rule], year: str | None = None) -> list[Alert]:
    """The alerts that `rule_list` raise on `frame` (the gate's metrics frame for one viewer),
    in `year` or every year. Suppressed or missing figures neither fire nor are compared with."""
    from dashboard.charts.overview import previous_year
    from dashboard.charts.theme import format_value
    from dashboard.metrics import catalogue

    known = catalogue()
    visible = frame[~frame["suppressed"].astype(bool) & frame["value"].notna()]
    alerts: list[Alert] = []
    for rule in rule_list:
        info = known[rule.metric]
        rows = visible[visible["metric"] == rule.metric]
        years = sorted(rows["academic_year"].unique()) if year is None else [year]
        described = rule.describe(info.label, info.unit, info.decimals)
        for y in years:
            now = rows[rows["academic_year"] == y]
            for row in now[now["area_type"].isin(CHECKED_AREAS)].itertuples():
                against = _comparator(rule, rows, row, y, info.polarity, previous_year)
                if against is _NO_COMPARATOR:
                    continue
                if _fires(rule, float(row.value), against, info.polarity):
                    shown = format_value(float(row.value), info.unit, info.decimals)
                    if against is not None:
                        shown += f" (against {format_value(against, info.unit, info.decimals)})"
                    alerts.append(
                        Alert(
                            rule.metric,
                            info.label,
                            y,
                            row.area_type,
                            row.area_code,
                            row.area_name,
                            float(row.value),
                            against,
                            described,
                            shown,
                        )
                    )
    return sorted(alerts, key=lambda a: (a.academic_year, a.area_type != "la_total", a.area_name, a.metric))


_NO_COMPARATOR = object()


def _comparator(rule: Rule, rows, row, year: str, polarity: str, previous_year) -> object:
    """What the figure is compared with (None for a fixed threshold), or _NO_COMPARATOR when
    that is missing or hidden from this viewer."""
    if rule.comparison in ("below", "above"):
        return None
    if rule.comparison == "above_england":
        england = rows[(rows["academic_year"] == year) & (rows["area_type"] == "england")]
        return float(england["value"].iloc[0]) if not england.empty else _NO_COMPARATOR
    if rule.comparison == "above_upper_quartile":
        if row.area_type != "partnership":
            return _NO_COMPARATOR
        partnerships = rows[(rows["academic_year"] == year) & (rows["area_type"] == "partnership")]["value"]
        return float(partnerships.quantile(0.75)) if len(partnerships) >= 2 else _NO_COMPARATOR
    before = rows[
        (rows["academic_year"] == previous_year(year))
        & (rows["area_type"] == row.area_type)
        & (rows["area_code"] == row.area_code)
    ]
    return float(before["value"].iloc[0]) if not before.empty else _NO_COMPARATOR


def _fires(rule: Rule, value: float, against: float | None, polarity: str) -> bool:
    if rule.comparison == "below":
        return value < rule.threshold
    if rule.comparison == "above":
        return value > rule.threshold
    if rule.comparison in ("above_england", "above_upper_quartile"):
        return value > against
    worse_by = value - against if polarity == "lower_is_better" else against - value
    return worse_by > rule.threshold


def for_viewer(con, viewer: Viewer, settings, year: str | None = None) -> tuple[str | None, list[Alert]]:
    """The year asked for (or the latest with partnership figures) and the alerts `viewer` may
    see in it, on the warehouse `con`. Raises metrics.UsageError for a year without partnership
    figures."""
    from dashboard import access
    from dashboard.metrics import UsageError, no_data_for

    frame = access.metrics(con, viewer, settings)
    years = sorted(frame.loc[frame["area_type"].isin(CHECKED_AREAS), "academic_year"].dropna().unique())
    if year is None:
        year = years[-1] if years else None
    elif year not in years:  # a year mistyped for a scheduler must not read as "no alerts"
        raise UsageError(no_data_for(year, years))
    return year, ([] if year is None else evaluate(frame, rules(settings.db_path), year))


def alerts_command(args, settings) -> int:
    """`seip alerts [--year Y] [--role ROLE] [--format text|json]`: what fires on the data in
    force (the latest year by default), for a scheduler to mail. Exit 0; 2 for a malformed year,
    a year without partnership data or a bad rule file."""
    import json
    import sys

    from dashboard import warehouse
    from dashboard.metrics import UsageError, normalise_year

    con = warehouse.open_read_only(settings.db_path)
    try:
        try:
            year, found = for_viewer(
                con,
                Viewer(name="seip alerts", role=args.role),
                settings,
                None if args.year is None else normalise_year(args.year),
            )
        except (RuleError, UsageError) as exc:
            print(f"seip alerts: {exc}", file=sys.stderr)
            return 2
        version = dict(con.execute("select key, value from meta").fetchall()).get("version")
    finally:
        con.close()
    if args.format == "json":
        print(
            json.dumps(
                {
                    "academic_year": year,
                    "role": args.role,
                    "data_version": version,
                    "alerts": [a.as_dict() for a in found],
                },
                indent=1,
            )
        )
        return 0
    if not found:
        print(f"no alerts for {year or 'any year'}")
    for a in found:
        print(f"{a.academic_year}\t{a.area_name}\t{a.shown}\t{a.rule}")
    return 0
