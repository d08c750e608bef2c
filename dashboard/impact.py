"""The policy's effect from published DfE data (../shared/spec/policy-impact.md): pure functions.

The panel is one row per area and academic year for one measure (`queries/charts/impact_panel.sql`):
area_type ('england' | 'la'), area_code (old 3-digit LA code; 'E92000001' for England),
area_name, academic_year ('2010/11'), value (the measure, per 100 pupils), pupils (state-funded
secondary headcount, null where not published) and is_neighbour (one of the LA's statistical
neighbours, latest model). Nothing here imports streamlit: the CLI and the page share it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from dashboard.formula_safety import neutralise_frame
from dashboard.settings import check_academic_year

# The ridge penalty of the synthetic-control fit. With only a handful of pre-period years and
# about 140 donors, many weightings fit the pre-period equally well; a small penalty on
# sum(w^2) picks the one that spreads weight most evenly, so the weights are unique. 1e-6 is
# about 1% of the squared error of a fit that misses every pre-year of a permanent exclusion
# rate (about 0.1 per 100) by 0.01: it breaks ties without trading away fit.
LAMBDA = 1e-6
MIN_PRE_YEARS = 3
MIN_DONORS = 2
WEIGHT_SHOWN = 0.001
DONOR_POOLS = ("all", "neighbours")
MEASURES = ("pex_rate", "suspension_rate")
COMPARATORS = ("synthetic", "sn_median", "england")
ENGLAND = "E92000001"


class TooLittleData(ValueError):
    """The published data cannot support the estimate (too few years or donors); the message says why."""


def fit_weights(treated: np.ndarray, donors: np.ndarray, lam: float = LAMBDA) -> np.ndarray:
    """Synthetic-control weights: w >= 0, sum(w) = 1, minimising ||treated - donors @ w||^2 + lam ||w||^2.

    `treated` is the pre-period series (T), `donors` the donors' pre-period series (T x J).
    The penalty is written as J extra rows sqrt(lam) * I, and sum(w) = 1 as one more row
    weighted so heavily that it holds to about 1e-12, which makes the whole problem a
    non-negative least-squares one: scipy's `nnls` (Lawson-Hanson, an exact active-set
    method) solves it in about a millisecond for 140 donors, where SLSQP took seconds on the
    nearly singular Hessian of a 4-year pre-period. The tiny remainder is divided out.
    """
    n = donors.shape[1]
    heavy = 1e4 * max(1.0, float(np.abs(donors).max()), float(np.abs(treated).max()))
    a = np.vstack([donors, math.sqrt(lam) * np.eye(n), np.full((1, n), heavy)])
    b = np.concatenate([treated, np.zeros(n), [heavy]])
    w, _ = nnls(a, b, maxiter=50 * n)
    return w / w.sum()


def _rmspe(gaps: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(gaps)))) if len(gaps) else math.nan


@dataclass(frozen=True)
class Fit:
    """One synthetic-control fit: the weights, the synthetic series over the window and its fit."""

    weights: np.ndarray
    synthetic: np.ndarray
    gap: np.ndarray
    pre_rmspe: float
    post_rmspe: float

    @property
    def ratio(self) -> float:
        """post_rmspe / pre_rmspe (infinite when the pre-period fit is exact)."""
        if self.pre_rmspe == 0:
            return math.inf if self.post_rmspe > 0 else 0.0
        return self.post_rmspe / self.pre_rmspe


def synthetic_fit(treated: np.ndarray, donors: np.ndarray, n_pre: int, lam: float = LAMBDA) -> Fit:
    """Fit on the first `n_pre` years of `treated` (T) and `donors` (T x J); the synthetic
    series and gaps cover all T years."""
    w = fit_weights(treated[:n_pre], donors[:n_pre], lam)
    synthetic = donors @ w
    gap = treated - synthetic
    return Fit(w, synthetic, gap, _rmspe(gap[:n_pre]), _rmspe(gap[n_pre:]))


def placebo_fits(donors: np.ndarray, n_pre: int, lam: float = LAMBDA) -> list[Fit]:
    """The same fit for every donor as if it were treated, its donors being all the other donors."""
    return [synthetic_fit(donors[:, j], np.delete(donors, j, axis=1), n_pre, lam) for j in range(donors.shape[1])]


def placebo_inference(ratio: float, placebo_ratios: list[float]) -> tuple[float, int]:
    """(placebo_p_value, placebo_rank) of the treated LA's post/pre RMSPE ratio among the donors'.

    p = (1 + donors whose ratio >= the LA's) / (1 + donors); rank 1 = the largest ratio.
    """
    ratios = np.asarray(placebo_ratios, dtype=float)
    p_value = (1 + int(np.sum(ratios >= ratio))) / (1 + len(ratios))
    rank = 1 + int(np.sum(ratios > ratio))
    return p_value, rank


def difference_in_differences(pre_gaps: np.ndarray, post_gaps: np.ndarray) -> float | None:
    """mean(post gaps) - mean(pre gaps), over the years with a gap (NaN: none); None when either has none."""
    if np.isnan(pre_gaps).all() or np.isnan(post_gaps).all():
        return None
    return float(np.nanmean(post_gaps) - np.nanmean(pre_gaps))


def exclusions_avoided(pupils: np.ndarray, comparator: np.ndarray, la: np.ndarray) -> float:
    """sum over the years given of pupils * (comparator - la) / 100, leaving out years without a
    headcount or a comparator value (NaN)."""
    return float(np.nansum(pupils * (comparator - la) / 100))


@dataclass(frozen=True)
class Impact:
    """The whole estimate for one LA, measure, start year and donor pool."""

    la_code: str
    la_name: str
    measure: str
    start: str
    pre_years: list[str]
    post_years: list[str]
    series: pd.DataFrame  # academic_year, la, england, sn_median, synthetic, pupils, gap_england, gap_sn, gap_sc
    did: dict
    synthetic_control: dict
    exclusions_avoided: dict
    placebos: pd.DataFrame  # la_code, la_name, academic_year, gap, pre_rmspe, post_rmspe, ratio

    def payload(self) -> dict:
        """The `seip impact --format json` document (unrounded; missing values as null)."""
        series = [
            {k: _plain(v) for k, v in row.items()}
            for row in self.series[["academic_year", "la", "england", "sn_median", "synthetic", "pupils"]].to_dict(
                "records"
            )
        ]
        return {
            "la_code": self.la_code,
            "la_name": self.la_name,
            "measure": self.measure,
            "start": self.start,
            "pre_years": self.pre_years,
            "post_years": self.post_years,
            "series": series,
            "did": self.did,
            "synthetic_control": self.synthetic_control,
            "exclusions_avoided": self.exclusions_avoided,
        }

    def table(self) -> pd.DataFrame:
        """One row per academic year: the series and its gaps (the CSV form)."""
        return self.series.copy()


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


@dataclass(frozen=True)
class _Prepared:
    la_name: str
    years: list[str]
    series: pd.DataFrame  # indexed by academic_year: la, england, sn_median, pupils
    donor_codes: list[str]
    donor_names: list[str]
    donors: np.ndarray  # years x donors
    # the series' columns as arrays over `years`, missing values NaN: what each start year's
    # estimate is worked out from (pandas' own arithmetic cost 25 ms an estimate, numpy's 0.1 ms)
    la: np.ndarray
    england: np.ndarray
    sn_median: np.ndarray
    pupils: np.ndarray

    def avoided(self, synthetic: np.ndarray, n_pre: int) -> dict[str, float]:
        """Exclusions avoided from the start on (the years after the first `n_pre`), against each comparator."""
        against = {"synthetic": synthetic, "sn_median": self.sn_median, "england": self.england}
        post = slice(n_pre, None)
        return {c: exclusions_avoided(self.pupils[post], against[c][post], self.la[post]) for c in COMPARATORS}

    def did(self, comparator: np.ndarray, n_pre: int) -> float | None:
        """The difference in differences of the LA's gap to `comparator` (an array over `years`)."""
        gap = self.la - comparator
        return difference_in_differences(gap[:n_pre], gap[n_pre:])


def _prepare(panel: pd.DataFrame, la_code: str, measure: str, donor_pool: str) -> _Prepared:
    if donor_pool not in DONOR_POOLS:
        raise ValueError(f"donor pool {donor_pool!r} must be one of {', '.join(DONOR_POOLS)}")
    las = panel[panel["area_type"] == "la"]
    own = las[(las["area_code"] == la_code) & las["value"].notna()].sort_values("academic_year")
    if own.empty:
        raise TooLittleData(
            f"DfE publishes no {measure} for LA {la_code} in the warehouse: "
            "check SEIP_LA_CODE and that the national DfE files are imported."
        )
    years = own["academic_year"].tolist()
    england = panel[panel["area_type"] == "england"].set_index("academic_year")["value"]
    neighbours = las[las["is_neighbour"].fillna(False).astype(bool) & (las["area_code"] != la_code)]
    sn_median = neighbours.dropna(subset=["value"]).groupby("academic_year")["value"].median()
    own = own.set_index("academic_year")
    series = pd.DataFrame(
        {
            "la": own["value"].astype(float),
            "england": england.reindex(years).astype(float),
            "sn_median": sn_median.reindex(years).astype(float),
            "pupils": own["pupils"].astype("Float64").reindex(years),
        },
        index=years,
    )
    pool = las[las["area_code"] != la_code]
    if donor_pool == "neighbours":
        pool = pool[pool["is_neighbour"].fillna(False).astype(bool)]
    wide = pool.pivot_table(index="academic_year", columns="area_code", values="value", aggfunc="first")
    wide = wide.reindex(years).dropna(axis=1)  # a donor needs every year of the window
    names = pool.drop_duplicates("area_code", keep="last").set_index("area_code")["area_name"]
    codes = sorted(wide.columns, key=lambda c: (len(c), c))
    return _Prepared(
        str(own["area_name"].iloc[-1]),
        years,
        series,
        codes,
        [str(names.get(c, c)) for c in codes],
        wide[codes].to_numpy(dtype=float),
        *(series[c].to_numpy(dtype=float, na_value=np.nan) for c in ("la", "england", "sn_median", "pupils")),
    )


def _check_donors(prep: _Prepared, la_code: str, measure: str, donor_pool: str) -> None:
    if len(prep.donor_codes) < MIN_DONORS:
        raise TooLittleData(
            f"Too few comparison authorities for {prep.la_name} ({la_code}): {len(prep.donor_codes)} "
            f"{'statistical neighbour' if donor_pool == 'neighbours' else 'LA'}(s) publish {measure} in every "
            f"year from {prep.years[0]} to {prep.years[-1]}; at least {MIN_DONORS} are needed."
        )


def _split(years: list[str], start: str, la_code: str, la_name: str, measure: str) -> tuple[list[str], list[str]]:
    pre = [y for y in years if y < start]
    post = [y for y in years if y >= start]
    if len(pre) < MIN_PRE_YEARS or not post:
        span = f"{years[0]} to {years[-1]}"
        raise TooLittleData(
            f"Too little data to estimate the policy's effect for {la_name} ({la_code}) from {start}: "
            f"DfE publishes its {measure} for {span}, which gives {len(pre)} year(s) before {start} "
            f"(at least {MIN_PRE_YEARS} are needed) and {len(post)} from {start} on (at least 1). "
            "Choose another start year."
        )
    return pre, post


def estimate(
    panel: pd.DataFrame,
    la_code: str,
    measure: str,
    start: str,
    donor_pool: str = "all",
    placebos: bool = True,
    lam: float = LAMBDA,
) -> Impact:
    """Gaps, differences in differences, synthetic control, placebo inference and exclusions
    avoided for `la_code` from `start` on (policy-impact.md).

    Raises TooLittleData (fewer than 3 pre-period years, no post-period year, fewer than 2
    donors) and ValueError for a malformed start year or donor pool.
    """
    return _estimate(
        _prepare(panel, la_code, measure, donor_pool),
        la_code,
        measure,
        check_academic_year(start),
        donor_pool,
        placebos,
        lam,
    )


def _estimate(
    prep: _Prepared, la_code: str, measure: str, start: str, donor_pool: str, placebos: bool, lam: float
) -> Impact:
    pre, post = _split(prep.years, start, la_code, prep.la_name, measure)
    _check_donors(prep, la_code, measure, donor_pool)
    series = prep.series.copy()
    n_pre = len(pre)  # the years are in order: the pre-period is the first n_pre
    fit = synthetic_fit(prep.la, prep.donors, n_pre, lam)
    series["synthetic"] = fit.synthetic
    series["gap_england"] = series["la"] - series["england"]
    series["gap_sn"] = series["la"] - series["sn_median"]
    series["gap_sc"] = fit.gap

    placebo_rows: list[dict] = []
    p_value, rank = None, None
    if placebos:
        fits = placebo_fits(prep.donors, n_pre, lam)
        p_value, rank = placebo_inference(fit.ratio, [f.ratio for f in fits])
        for code, name, f in zip(prep.donor_codes, prep.donor_names, fits):
            placebo_rows += [
                {
                    "la_code": code,
                    "la_name": name,
                    "academic_year": y,
                    "gap": float(g),
                    "pre_rmspe": f.pre_rmspe,
                    "post_rmspe": f.post_rmspe,
                    "ratio": f.ratio,
                }
                for y, g in zip(prep.years, f.gap)
            ]
    order = np.argsort(-fit.weights, kind="stable")
    weights = [
        {"la_code": prep.donor_codes[i], "la_name": prep.donor_names[i], "weight": float(fit.weights[i])}
        for i in order
        if fit.weights[i] > WEIGHT_SHOWN
    ]
    avoided: dict = prep.avoided(fit.synthetic, n_pre)
    avoided["years_without_headcount"] = [y for y in post if pd.isna(series.at[y, "pupils"])]
    table = series.rename_axis("academic_year").reset_index()
    table["pupils"] = table["pupils"].astype("Int64")
    return Impact(
        la_code=la_code,
        la_name=prep.la_name,
        measure=measure,
        start=start,
        pre_years=pre,
        post_years=post,
        series=table[
            ["academic_year", "la", "england", "sn_median", "synthetic", "pupils", "gap_england", "gap_sn", "gap_sc"]
        ],
        did={"england": prep.did(prep.england, n_pre), "sn_median": prep.did(prep.sn_median, n_pre)},
        synthetic_control={
            "donor_pool": donor_pool,
            "donors": len(prep.donor_codes),
            "lambda": lam,
            "weights": weights,
            "pre_rmspe": fit.pre_rmspe,
            "post_rmspe": fit.post_rmspe,
            "mean_post_gap": float(np.mean(fit.gap[n_pre:])),
            "placebo_p_value": p_value,
            "placebo_rank": rank,
        },
        exclusions_avoided=avoided,
        placebos=pd.DataFrame(
            placebo_rows, columns=["la_code", "la_name", "academic_year", "gap", "pre_rmspe", "post_rmspe", "ratio"]
        ),
    )


def by_start(
    panel: pd.DataFrame, la_code: str, measure: str, donor_pool: str = "all", lam: float = LAMBDA
) -> pd.DataFrame:
    """The estimate for every start year the data allows (at least 3 years before, 1 from it on),
    without placebos: start, exclusions_avoided (against the synthetic control), mean_post_gap,
    did_sn, pre_rmspe."""
    prep = _prepare(panel, la_code, measure, donor_pool)
    _check_donors(prep, la_code, measure, donor_pool)
    rows = []
    # the start year years[n] leaves n years before it: the same figures as `estimate` gives
    for n_pre, start in enumerate(prep.years[MIN_PRE_YEARS:], start=MIN_PRE_YEARS):
        fit = synthetic_fit(prep.la, prep.donors, n_pre, lam)
        rows.append(
            {
                "start": start,
                "exclusions_avoided": prep.avoided(fit.synthetic, n_pre)["synthetic"],
                "mean_post_gap": float(np.mean(fit.gap[n_pre:])),
                "did_sn": prep.did(prep.sn_median, n_pre),
                "pre_rmspe": fit.pre_rmspe,
            }
        )
    return pd.DataFrame(rows, columns=["start", "exclusions_avoided", "mean_post_gap", "did_sn", "pre_rmspe"])


def read_panel(con, settings, measure: str) -> pd.DataFrame:
    """The panel for the LA in the settings (`queries/charts/impact_panel.sql`), read through the gate.

    DfE's published figures hold no pupil counts, so every role sees the same panel."""
    from dashboard import access

    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r} must be one of {', '.join(MEASURES)}")
    viewer = access.Viewer(name="policy impact", role="commissioner")
    return access.fetch(
        con, viewer, settings, "impact_panel", la_code=settings.la_code, measure=measure, sn_model=settings.sn_model
    )


def for_settings(settings, *, measure: str = "pex_rate", start: str | None = None, donor_pool: str = "all") -> Impact:
    """The estimate for the LA in the settings, from the warehouse opened read-only (`seip impact`).

    `start` defaults to SEIP_POLICY_START. Raises FileNotFoundError without a warehouse and
    TooLittleData as `estimate` does."""
    from dashboard import warehouse

    con = warehouse.open_read_only(settings.db_path)
    try:
        panel = read_panel(con, settings, measure)
    finally:
        con.close()
    return estimate(panel, settings.la_code, measure, start or settings.policy_start, donor_pool)


def table_csv(result: Impact) -> str:
    """`seip impact --format csv`: one row per academic year, the series and its gaps; null is an empty cell."""
    return neutralise_frame(result.table()).to_csv(index=False, lineterminator="\n")


MILESTONE_COLUMNS = ("la_code", "from_year", "to_year", "arrangement")


class MilestoneError(ValueError):
    """The milestones file has a row the product cannot use; the message names file, row and column."""


def _milestone_problem(row: dict[str, str]) -> tuple[str, str] | None:
    if not (row["la_code"].isdigit() and len(row["la_code"]) == 3):
        return "la_code", "is not a 3-digit DfE LA code such as 855"
    for column in ("from_year", "to_year"):
        if row[column] or column == "from_year":
            try:
                check_academic_year(row[column])
            except ValueError:
                return column, "is not an academic year such as 2010/11"
    if row["to_year"] and row["to_year"] < row["from_year"]:
        return "to_year", f"comes before from_year {row['from_year']}"
    if not row["arrangement"]:
        return "arrangement", "is empty: say what the arrangement was"
    return None


def read_milestones(path: str | Path, la_code: str) -> pd.DataFrame:
    """The periods of `la_code`'s arrangements from the milestones file (data/reference/policy_milestones.csv):
    la_code, from_year, to_year (blank while it lasts), arrangement. No file means no periods.

    Raises MilestoneError naming the file, row (as a spreadsheet counts it, header = 1) and column."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(MILESTONE_COLUMNS))
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in MILESTONE_COLUMNS if c not in table.columns]
    if missing:
        raise MilestoneError(
            f"{path.name}: missing column(s) {', '.join(missing)}; expected {', '.join(MILESTONE_COLUMNS)}"
        )
    table = table[list(MILESTONE_COLUMNS)].apply(lambda c: c.str.strip())
    for i, row in enumerate(table.to_dict("records"), start=2):
        problem = _milestone_problem(row)
        if problem:
            column, why = problem
            raise MilestoneError(f"{path.name}, row {i}, column {column}: {row[column]!r} {why}")
    return table[table["la_code"] == la_code].reset_index(drop=True)
