"""Every figure of metrics.md, from the SQL under queries/, described by queries/metrics.yml.

`compute_rows` runs the metric queries with the settings (pupil weight, LA code) and the filters
bound in SQL; it applies no viewer's control. Pages, downloads, reports and `seip metrics` get
metric values only through the gate (`dashboard.access.metrics` / `metric_rows`), which applies a
governor's disclosure control.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import duckdb
import yaml

from dashboard import warehouse
from dashboard.ingest import parse
from dashboard.settings import QUERIES_DIR, Settings

if TYPE_CHECKING:
    import pandas as pd

CATALOGUE_PATH = QUERIES_DIR / "metrics.yml"

UNITS = ("count", "percent", "rate_per_100", "gbp", "gbp_per_pupil")
POLARITIES = ("lower_is_better", "higher_is_better", "neutral")
# Area types in the order output lists them.
AREA_TYPES = ("partnership", "la_total", "local_authority", "region", "england", "sn_median")
# the la_total's area code: asked for as a partnership, it means all partnerships together alone
LA_TOTAL = "ALL"
PAYLOAD_FIELDS = ("metric", "academic_year", "area_type", "area_code", "value", "suppressed")
FRAME_COLUMNS = (
    "metric",
    "academic_year",
    "area_type",
    "area_code",
    "area_name",
    "value",
    "suppressed",
    "value_symbol",
)
# For aggregates only the governor's view differs (cli.md); any other name is refused.
UNRESTRICTED_ROLES = ("commissioner", "chair", "head")


class CatalogueError(ValueError):
    """queries/metrics.yml is missing a field or has a value the product cannot use."""


class UsageError(ValueError):
    """A metrics request names a role, year or partnership that cannot be answered (CLI exit 2)."""


@dataclass(frozen=True)
class MetricDef:
    """One metric of the dictionary: how to label, format, judge and explain it."""

    id: str
    label: str
    unit: str
    decimals: int
    polarity: str
    definition: str
    source: str
    caveats: str
    areas: tuple[str, ...]
    pupil_count: bool
    depends_on: tuple[str, ...]

    def info(self) -> dict:
        """The entry as the chart builders, cards and sentences take it: polarity in their words
        (lower / higher / neutral, where the dictionary says lower_is_better / higher_is_better)."""
        return {
            "metric": self.id,
            "label": self.label,
            "unit": self.unit,
            "decimals": self.decimals,
            "polarity": {"lower_is_better": "lower", "higher_is_better": "higher"}.get(self.polarity, "neutral"),
            "definition": self.definition,
            "source": self.source,
            "caveats": self.caveats,
        }


def load_catalogue(text: str) -> dict[str, MetricDef]:
    """Parse and check a metric dictionary in the metrics.yml format.

    Raises CatalogueError naming the metric and field at fault.
    """
    data = yaml.safe_load(text) or {}
    entries = data.get("metrics")
    if not isinstance(entries, dict) or not entries:
        raise CatalogueError("the metric dictionary has no `metrics:` mapping")
    fields = (
        "label",
        "unit",
        "decimals",
        "polarity",
        "definition",
        "source",
        "caveats",
        "areas",
        "pupil_count",
        "depends_on",
    )
    found: dict[str, MetricDef] = {}
    for mid, entry in entries.items():
        missing = [f for f in fields if f not in (entry or {})]
        if missing:
            raise CatalogueError(f"metric {mid!r} lacks {', '.join(missing)}")
        if entry["unit"] not in UNITS:
            raise CatalogueError(f"metric {mid!r}: unit {entry['unit']!r} is not one of {', '.join(UNITS)}")
        if entry["polarity"] not in POLARITIES:
            raise CatalogueError(
                f"metric {mid!r}: polarity {entry['polarity']!r} is not one of {', '.join(POLARITIES)}"
            )
        if not isinstance(entry["decimals"], int) or isinstance(entry["decimals"], bool) or entry["decimals"] < 0:
            raise CatalogueError(f"metric {mid!r}: decimals must be a whole number >= 0")
        if not isinstance(entry["pupil_count"], bool):
            raise CatalogueError(f"metric {mid!r}: pupil_count must be true or false")
        bad_areas = set(entry["areas"] or ()) - set(AREA_TYPES)
        if not entry["areas"] or bad_areas:
            raise CatalogueError(f"metric {mid!r}: areas must be some of {', '.join(AREA_TYPES)}")
        found[mid] = MetricDef(
            id=mid,
            label=str(entry["label"]),
            unit=entry["unit"],
            decimals=entry["decimals"],
            polarity=entry["polarity"],
            definition=str(entry["definition"]),
            source=str(entry["source"]),
            caveats=str(entry["caveats"] or ""),
            areas=tuple(entry["areas"]),
            pupil_count=entry["pupil_count"],
            depends_on=tuple(entry["depends_on"] or ()),
        )
    for m in found.values():
        unknown = set(m.depends_on) - found.keys()
        if unknown:
            raise CatalogueError(f"metric {m.id!r} depends on unknown metric(s) {', '.join(sorted(unknown))}")
    return found


@cache
def catalogue() -> dict[str, MetricDef]:
    """The metric dictionary (queries/metrics.yml), by metric id, in its file order."""
    return load_catalogue(CATALOGUE_PATH.read_text(encoding="utf-8"))


def data_as_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """ISO date of the latest pupil event date in the partnership data; None when there is none."""
    rows = warehouse.run_records(con, "data_as_of")
    value = rows[0]["data_as_of"] if rows else None
    return None if value is None else value.isoformat()


def partnership_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The partnership and MAT group codes in the warehouse, sorted."""
    return [r["partnership_code"] for r in warehouse.run_records(con, "partnership_codes")]


def normalise_year(year: str) -> str:
    """An academic year in any spelling the export format accepts, as `2023/24`; UsageError if not one."""
    try:
        return parse.year(year)
    except parse.BadValue as exc:
        raise UsageError(f"--year {year!r}: {exc.message}") from None


def no_data_for(year: str, years: list[str]) -> str:
    """What to say when `year` is not one of `years`, those with partnership data."""
    listed = ", ".join(years) or "none: import an export first"
    return f"there is no partnership data for {year}; the years with data are {listed}"


def check_role(role: str) -> str:
    """`role` when `seip metrics` can answer for it; UsageError naming the roles if not."""
    if role != "governor" and role not in UNRESTRICTED_ROLES:
        raise UsageError(f"unknown role {role!r}: use one of {', '.join((*UNRESTRICTED_ROLES, 'governor'))}")
    return role


def checked_request(con: duckdb.DuckDBPyConnection, year: str | None, partnership: str | None) -> str | None:
    """`year` as `2023/24` (None stays None) once `year` and `partnership` are known to be
    answerable (a partnership code, or LA_TOTAL for all partnerships together); UsageError for
    an unknown partnership code or a malformed year."""
    if year is not None:
        year = normalise_year(year)
    if partnership is not None and partnership != LA_TOTAL:
        known = partnership_codes(con)
        if partnership not in known:
            listed = ", ".join(known) if known else "none: the warehouse holds no partnerships"
            raise UsageError(f"unknown partnership {partnership!r}; the known codes are {listed} (or {LA_TOTAL})")
    return year


def compute_rows(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    year: str | None = None,
    partnership: str | None = None,
) -> list[dict]:
    """Every metric for every area and academic year, one dict each (value None = null), with
    the year and partnership bound in SQL, before any viewer's control (the gate applies it).

    Keys: FRAME_COLUMNS. Areas: every partnership (or only `partnership`, or none when it is
    LA_TOTAL), the la_total `ALL`, and the DfE areas of `settings.la_code`; `suppressed` is True
    only where DfE published `c`.
    Raises UsageError for an unknown partnership code or a malformed year.
    """
    year = checked_request(con, year, partnership)
    rows = warehouse.run_records(
        con, "metrics_area_year", pupil_weight=settings.pupil_weight, year=year, partnership=partnership
    )
    rows += warehouse.run_records(
        con, "metrics_dfe_area_year", la_code=settings.la_code, year=year, sn_model=settings.sn_model
    )
    for row in rows:
        row["value"] = None if row["value"] is None or math.isnan(row["value"]) else float(row["value"])
        row.setdefault("value_symbol", None)
        # DfE's own `c` is a suppressed value too, whoever is looking
        row["suppressed"] = row["value_symbol"] == "c"
    metric_order = {m: i for i, m in enumerate(catalogue())}
    area_order = {a: i for i, a in enumerate(AREA_TYPES)}
    rows.sort(
        key=lambda r: (
            r["academic_year"],
            area_order[r["area_type"]],
            r["area_code"],
            metric_order.get(r["metric"], len(metric_order)),
        )
    )
    return [{c: r[c] for c in FRAME_COLUMNS} for r in rows]


def frame(rows: list[dict]) -> pd.DataFrame:
    """Metric rows (`compute_rows`) as the long DataFrame pages read: value float64 (NaN = null),
    suppressed bool."""
    # imported here, not at the top, so that `seip metrics` answers without pandas
    import pandas as pd

    out = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    out["value"] = out["value"].astype("float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def compute(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    year: str | None = None,
    partnership: str | None = None,
) -> pd.DataFrame:
    """`compute_rows` as a long DataFrame (`frame`), before any viewer's control."""
    return frame(compute_rows(con, settings, year=year, partnership=partnership))


def metrics_payload(
    settings: Settings, *, year: str | None = None, partnership: str | None = None, role: str = "commissioner"
) -> dict:
    """The `seip metrics --format json` document of cli.md, from the warehouse opened read-only,
    through the gate as `role` sees it.

    Raises FileNotFoundError when there is no warehouse, UsageError as `compute_rows` does or
    for an unknown role.
    """
    from dashboard import access

    viewer = access.Viewer("seip metrics", check_role(role))
    con = warehouse.open_read_only(settings.db_path)
    try:
        rows = access.metric_rows(con, viewer, settings, year=year, partnership=partnership)
        as_of = data_as_of(con)
    finally:
        con.close()
    return {"data_as_of": as_of, "role": role, "rows": [{f: r[f] for f in PAYLOAD_FIELDS} for r in rows]}


def payload_csv(payload: dict) -> str:
    """The rows of a metrics payload as CSV (`seip metrics --format csv`): null is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYLOAD_FIELDS)
    for row in payload["rows"]:
        writer.writerow(
            [
                row["metric"],
                row["academic_year"],
                row["area_type"],
                row["area_code"],
                "" if row["value"] is None else repr(float(row["value"])),
                "true" if row["suppressed"] else "false",
            ]
        )
    return out.getvalue()
