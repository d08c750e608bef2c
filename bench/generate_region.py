"""Write the partnership exports of N county-sized local authorities, for the import benches.

Synthetic: not real pupils, schools or partnerships. Each authority gets its own folder of the
seven contract CSVs (export-format.md): 6 partnerships/MAT groups, 46 schools, six academic
years (2019/20 to 2024/25), about 3,000 referrals, 1,800 placements and 47,000 exclusions, so
150 authorities hold about 7 M exclusions and 450 k referrals, like a region or a national
service. Keys are unique across authorities, so the folders import together, and each
authority's partnerships carry an `la_code` of their own (100 + its number; not a real LA's).

The demo's simulator (`dashboard.demo`) builds one fixed county in Python row by row (seconds per
county, one county only); this one draws whole columns with numpy from a fixed seed, so 150
authorities take about a minute. To exercise the tolerances at scale, every third authority
writes UK dates and money with pound signs and thousands separators, and every fifth writes
its headers as people type them (`Pupil Ref`).

    .venv/bin/python bench/generate_region.py --authorities 150 --out /tmp/region150
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.ingest.contract import LOAD_ORDER, REASONS, TABLES

SEED = 14
YEARS = range(2019, 2025)  # academic years 2019/20 to 2024/25, by their first calendar year
PARTNERSHIPS = 6
SCHOOLS = 46
# About 47,000 exclusions and 3,000 referrals per authority over six years: 7.0 M and 450 k at 150.
EXCLUSIONS_PER_PUPIL = 0.128
REFERRALS_PER_PUPIL = 0.0081
PERMANENT_SHARE = 0.002
DECISIONS = ("in_school_support", "outreach", "managed_move", "ap_placement", "dual_registration", "no_further_action")
DECISION_WEIGHTS = (0.25, 0.2, 0.15, 0.2, 0.1, 0.1)
PLACED = {"outreach": "outreach", "managed_move": "managed_move", "ap_placement": None, "dual_registration": None}
AP_TYPES = ("partnership_ap", "registered_ap", "unregistered_ap", "fe_college", "special_school")
OUTCOMES = ("reintegrated", "sustained_to_end_y11", "moved_to_special", "permanently_excluded", "left_area", "other")
STREAMS = ("core_grant", "core_grant", "core_grant", "school_contribution", "development")


def _school_days(rng: np.random.Generator, first_year: np.ndarray) -> np.ndarray:
    """A weekday in term (September to July) of the academic year starting in `first_year`."""
    start = (first_year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + np.timedelta64(243, "D")
    day = start + rng.integers(0, 320, len(first_year)).astype("timedelta64[D]")
    weekday = (day.astype(np.int64) + 3) % 7  # 0 = Monday
    return day + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")


def _dates(days: np.ndarray, uk: bool) -> pa.Array:
    values = pa.array(days, type=pa.date32())
    return pc.strftime(values, "%d/%m/%Y" if uk else "%Y-%m-%d")


def _money(pence: np.ndarray, uk: bool) -> list[str]:
    return [f"£{p / 100:,.2f}" if uk else f"{p / 100:.2f}" for p in pence.tolist()]


def _years(first: np.ndarray) -> list[str]:
    return [f"{y}/{(y + 1) % 100:02d}" for y in first.tolist()]


def _yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "Y", "N")


def authority(k: int, seed: int = SEED) -> dict[str, dict[str, object]]:
    """Every table of authority `k` as columns of text, in contract column order."""
    rng = np.random.default_rng([seed, k])
    uk = k % 3 == 0
    tag = f"L{k:03d}"
    codes = [f"{tag}P{i}" for i in range(PARTNERSHIPS)]
    tables: dict[str, dict[str, object]] = {}
    tables["partnerships"] = {
        "partnership_code": codes,
        "partnership_name": [f"Authority {k} partnership {i + 1}" for i in range(PARTNERSHIPS)],
        "kind": ["mat_group" if i >= 4 else "partnership" for i in range(PARTNERSHIPS)],
        "la_code": [f"{100 + k}"] * PARTNERSHIPS,  # a 3-digit code of its own (not a real LA's)
    }
    urns = 200000 + k * SCHOOLS + np.arange(SCHOOLS)
    school_group = np.arange(SCHOOLS) % PARTNERSHIPS
    tables["schools"] = {
        "urn": urns,
        "school_name": [f"School {u}" for u in urns.tolist()],
        "partnership_code": [codes[g] for g in school_group.tolist()],
        "trust_name": ["" if i % 4 == 3 else f"Trust {tag}-{i % 5}" for i in range(SCHOOLS)],
        "district": [f"District {i % 7}" for i in range(SCHOOLS)],
    }

    # Census: one row per school and year; rolls drift a little year to year.
    year_of_row = np.repeat(np.array(YEARS), SCHOOLS)
    urn_of_row = np.tile(urns, len(YEARS))
    base_roll = rng.integers(550, 1650, SCHOOLS)
    roll = (np.tile(base_roll, len(YEARS)) * rng.uniform(0.95, 1.05, len(year_of_row))).astype(int)
    fsm_share = np.tile(rng.uniform(0.08, 0.38, SCHOOLS), len(YEARS))
    tables["school_census"] = {
        "academic_year": _years(year_of_row),
        "urn": urn_of_row,
        "pupils_on_roll": roll,
        "fsm_eligible": (roll * fsm_share).astype(int),
        "sen_support": (roll * rng.uniform(0.08, 0.16, len(roll))).astype(int),
        "ehcp": (roll * rng.uniform(0.01, 0.04, len(roll))).astype(int),
    }

    # Funding: per partnership and year, three termly core grant payments, a schools'
    # contribution and a development grant.
    f_year = np.repeat(np.array(YEARS), PARTNERSHIPS * len(STREAMS))
    f_group = np.tile(np.repeat(np.arange(PARTNERSHIPS), len(STREAMS)), len(YEARS))
    f_stream = np.tile(np.array(STREAMS), PARTNERSHIPS * len(YEARS))
    f_pence = rng.integers(2_000_000, 20_000_000, len(f_year))
    tables["funding"] = {
        "academic_year": _years(f_year),
        "partnership_code": [codes[g] for g in f_group.tolist()],
        "stream": f_stream,
        "amount_gbp": _money(f_pence, uk),
        "paid_date": _dates(_school_days(rng, f_year), uk),
        "note": ["" for _ in f_year],
    }

    # Pupils: each school-year's exclusions and referrals fall on a pool of its pupils, so
    # some pupils are suspended more than once and a referred pupil is often a suspended one.
    pupils_per_school = base_roll * 2
    pupil_start = np.concatenate([[0], np.cumsum(pupils_per_school)[:-1]])

    def pupils_of(school_index: np.ndarray) -> np.ndarray:
        picked = pupil_start[school_index] + (rng.random(len(school_index)) * pupils_per_school[school_index] * 0.2)
        return picked.astype(np.int64)

    def pupil_refs(numbers: np.ndarray) -> list[str]:
        return [f"{tag}-{n:06d}" for n in numbers.tolist()]

    x_counts = rng.poisson(roll * EXCLUSIONS_PER_PUPIL * (0.5 + fsm_share * 3))
    x_row = np.repeat(np.arange(len(roll)), x_counts)
    x_school = x_row % SCHOOLS
    n_x = len(x_row)
    permanent = rng.random(n_x) < PERMANENT_SHARE
    half_days = rng.choice(np.arange(1, 11), n_x, p=[0.3, 0.25, 0.15, 0.1, 0.06, 0.05, 0.03, 0.03, 0.02, 0.01])
    days_text = np.array(["", "0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"])
    tables["exclusions"] = {
        "exclusion_id": [f"{tag}X{i:07d}" for i in range(n_x)],
        "pupil_ref": pupil_refs(pupils_of(x_school)),
        "urn": urns[x_school],
        "start_date": _dates(_school_days(rng, year_of_row[x_row]), uk),
        "type": np.where(permanent, "permanent", "suspension"),
        "days": days_text[np.where(permanent, 0, half_days)],
        "reason": np.array(REASONS)[rng.integers(0, len(REASONS), n_x)],
    }

    r_counts = rng.poisson(roll * REFERRALS_PER_PUPIL * (0.5 + fsm_share * 3))
    r_row = np.repeat(np.arange(len(roll)), r_counts)
    r_school = r_row % SCHOOLS
    n_r = len(r_row)
    referred = _school_days(rng, year_of_row[r_row])
    panel = referred + rng.integers(5, 25, n_r).astype("timedelta64[D]")
    decision = np.array(DECISIONS)[rng.choice(len(DECISIONS), n_r, p=DECISION_WEIGHTS)]
    r_pupils = pupil_refs(pupils_of(r_school))
    r_ids = [f"{tag}R{i:06d}" for i in range(n_r)]
    tables["referrals"] = {
        "referral_id": r_ids,
        "pupil_ref": r_pupils,
        "urn": urns[r_school],
        "referral_date": _dates(referred, uk),
        "year_group": rng.choice(np.arange(7, 12), n_r, p=[0.1, 0.17, 0.26, 0.3, 0.17]),
        "sex": np.array(("F", "M", "X"))[rng.choice(3, n_r, p=[0.3, 0.68, 0.02])],
        "fsm": _yes_no(rng.random(n_r) < 0.45),
        "sen_status": np.array(("N", "K", "E"))[rng.choice(3, n_r, p=[0.55, 0.35, 0.1])],
        "looked_after": _yes_no(rng.random(n_r) < 0.06),
        "reason": np.array(REASONS)[rng.integers(0, len(REASONS), n_r)],
        "panel_date": _dates(panel, uk),
        "decision": decision,
    }

    # Placements: one for every referral the panel placed or supported outside school.
    placed = np.flatnonzero(np.isin(decision, list(PLACED)))
    n_p = len(placed)
    start = panel[placed] + rng.integers(0, 15, n_p).astype("timedelta64[D]")
    weeks = rng.integers(6, 31, n_p)
    end = start + (weeks * 7).astype("timedelta64[D]")
    # Placements of the last year that run past the data's end are still going.
    ongoing = end > np.datetime64("2025-07-18")
    provider_type = np.array([PLACED[d] or "" for d in decision[placed]], dtype=object)
    ap = provider_type == ""
    provider_type[ap] = np.array(AP_TYPES)[rng.integers(0, len(AP_TYPES), int(ap.sum()))]
    sessions = rng.integers(2, 11, n_p)
    cost_pence = sessions * weeks * rng.integers(4_000, 9_000, n_p)
    end_text = _dates(end, uk).to_numpy(zero_copy_only=False)
    tables["placements"] = {
        "placement_id": [f"{tag}PL{i:06d}" for i in range(n_p)],
        "referral_id": [r_ids[i] for i in placed.tolist()],
        "pupil_ref": [r_pupils[i] for i in placed.tolist()],
        "provider_name": [f"Provider {tag}-{t}" for t in rng.integers(0, 12, n_p).tolist()],
        "provider_type": provider_type.astype(str),
        "start_date": _dates(start, uk),
        "end_date": np.where(ongoing, "", end_text),
        "sessions_per_week": sessions,
        "cost_gbp": _money(cost_pence, uk),
        "outcome": np.where(ongoing, "ongoing", np.array(OUTCOMES)[rng.integers(0, len(OUTCOMES), n_p)]),
    }
    return tables


def _text(values: object) -> pa.Array:
    text = pa.array(values).cast(pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _header(name: str, k: int) -> str:
    """Every fifth authority types its headers as people do: `Pupil Ref` for `pupil_ref`."""
    return name.replace("_", " ").title() if k % 5 == 0 else name


def write_authority(folder: Path, k: int, seed: int = SEED) -> dict[str, int]:
    """Write authority `k`'s seven CSVs into `folder`; return the rows written per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, columns in authority(k, seed).items():
        order = TABLES[name].column_names
        # An empty cell is written empty, as Excel writes it, not as `""`.
        table = pa.table({_header(c, k): _text(columns[c]) for c in order})
        # DuckDB quotes a cell only when it must (`"£1,234.50"`), as Excel does.
        duckdb.from_arrow(table).write_csv(str(folder / f"{name}.csv"))
        counts[name] = table.num_rows
    return counts


def write_region(out: Path, authorities: int, seed: int = SEED) -> dict[str, int]:
    """Write `authorities` folders (`la000`, `la001`, ...) under `out`; return total rows per table."""
    totals = dict.fromkeys(LOAD_ORDER, 0)
    for k in range(authorities):
        for name, n in write_authority(out / f"la{k:03d}", k, seed).items():
            totals[name] += n
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    totals = write_region(args.out, args.authorities, args.seed)
    print(", ".join(f"{name} {n:,}" for name, n in totals.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
