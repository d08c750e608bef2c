"""The demo's simulator: invented schools, partnerships, pupils and their year-by-year events,
apportioned so that the county adds up to the real one (`calibration.COUNTY`).

Nothing here describes a real pupil or school. Everything below county level (schools,
partnerships, pupils, referrals, placements, money) is invented from a fixed seed; the
stories each partnership tells and every assumption are in docs/demo-data.md.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from dashboard.demo.calibration import COUNTY
from dashboard.ingest.contract import LOAD_ORDER

SEED = "seip-demo-v1"
YEARS = tuple(COUNTY)
FIRST_YEAR = int(YEARS[0][:4])
DATA_AS_AT = date(2025, 7, 18)  # the last day of the 2024/25 summer term

# Referrals to the panels each year, county-wide: assumed, as panel volumes are not published.
PANEL_REFERRALS = {"2019/20": 330, "2020/21": 300, "2021/22": 360, "2022/23": 410, "2023/24": 440, "2024/25": 450}


@dataclass(frozen=True)
class Group:
    """A partnership or MAT group, with the knobs that give it its story."""

    code: str
    name: str
    kind: str
    districts: tuple[str, ...]
    schools: tuple[str, ...]
    trusts: tuple[str, ...]
    deprivation: float  # relative FSM share of its schools
    ap_mix: tuple[tuple[str, float], ...] = (
        ("partnership_ap", 0.35),
        ("registered_ap", 0.18),
        ("unregistered_ap", 0.30),
        ("fe_college", 0.09),
        ("special_school", 0.08),
    )
    unregistered_rate: str = "100.00"
    reintegration_boost: float = 1.0
    decisions: tuple[tuple[str, float], ...] = (
        ("in_school_support", 0.35),
        ("outreach", 0.25),
        ("managed_move", 0.10),
        ("ap_placement", 0.20),
        ("dual_registration", 0.05),
        ("no_further_action", 0.05),
    )


GROUPS = (
    Group(
        "NWL",
        "North West Leicestershire Partnership",
        "partnership",
        ("North West Leicestershire",),
        (
            "Riverside Academy",
            "Coppice Hill College",
            "Ashby Road Community College",
            "Hollybrook Academy",
            "Quarrybank School",
            "Kestrel Rise Academy",
            "Elmstead High School",
            "Foxglove Academy",
        ),
        ("Heathfield Learning Trust", "Coppice Learning Trust"),
        1.25,
    ),
    Group(
        "CHN",
        "Charnwood Inclusion Partnership",
        "partnership",
        ("Charnwood",),
        (
            "Meadowbank Academy",
            "Soarside College",
            "Larchwood High School",
            "Brookvale Community College",
            "Millbrook Academy",
            "Northgate School",
            "Orchard Vale Academy",
            "Thistledown College",
            "Wolds Edge Academy",
            "Greystone School",
        ),
        ("Soarside Learning Trust", "Brookvale Academies Trust"),
        1.30,
        reintegration_boost=1.9,
    ),
    Group(
        "HAB",
        "Hinckley and Bosworth Partnership",
        "partnership",
        ("Hinckley and Bosworth",),
        (
            "Oakfield Academy",
            "Fernhill College",
            "Harefield High School",
            "Pinewood Academy",
            "Fieldgate School",
            "Rosedale Academy",
            "Sandpiper College",
            "Watling Vale Academy",
        ),
        ("Redmoor Learning Trust",),
        1.00,
        ap_mix=(
            ("partnership_ap", 0.08),
            ("registered_ap", 0.12),
            ("unregistered_ap", 0.65),
            ("fe_college", 0.08),
            ("special_school", 0.07),
        ),
        unregistered_rate="140.00",
        decisions=(
            ("in_school_support", 0.28),
            ("outreach", 0.14),
            ("managed_move", 0.08),
            ("ap_placement", 0.38),
            ("dual_registration", 0.07),
            ("no_further_action", 0.05),
        ),
    ),
    Group(
        "SLP",
        "South Leicestershire Partnership",
        "partnership",
        ("Blaby", "Oadby and Wigston", "Harborough"),
        (
            "Lindenfield Academy",
            "Kingsmere School",
            "Ivydene College",
            "Juniper Hill Academy",
            "Welland Edge School",
            "Sence Valley Academy",
            "Greenacre High School",
            "Willowbrook College",
            "Saxon Way Academy",
            "Mill Lane School",
            "Hawthorn Academy",
        ),
        ("Welland Valley Schools Trust", "Saxon Way Learning Trust"),
        0.70,
    ),
    Group(
        "BLT",
        "Brackenwood Learning Trust",
        "mat_group",
        ("Melton", "Charnwood"),
        ("Brackenwood Academy", "Ashcombe Academy", "Wreakside Academy", "Eye Brook Academy", "Cold Harbour Academy"),
        ("Brackenwood Learning Trust",),
        0.90,
    ),
    Group(
        "LAT",
        "Larkspur Academies Trust",
        "mat_group",
        ("Blaby", "Harborough"),
        ("Larkspur Academy", "Bluebell Academy", "Sorrel Academy", "Yarrow Academy"),
        ("Larkspur Academies Trust",),
        0.80,
    ),
)
# The stories (docs/demo-data.md): NWL drifts up in exclusions; HAB's ap_mix, decisions and
# unregistered_rate make it the costly-AP partnership; CHN's reintegration_boost its strength.
DRIFT_GROUP = "NWL"

# Permanent exclusions in the drifting partnership each year; the rest of the county's real
# total goes to the other groups. Rises every year while the county dips in 2020/21 and 2024/25.
DRIFT_PEX = (2, 3, 7, 14, 19, 24)
# Its share of suspensions drifts up too (a weight relative to the other groups' 1.0).
DRIFT_SUSPENSION_WEIGHT = (0.85, 0.95, 1.1, 1.25, 1.4, 1.55)

YEAR_GROUP_WEIGHTS = {7: 0.10, 8: 0.17, 9: 0.26, 10: 0.30, 11: 0.17}
SUSPENSION_REASONS = (
    ("persistent_disruptive", 0.44),
    ("verbal_adult", 0.12),
    ("physical_pupil", 0.13),
    ("verbal_pupil", 0.05),
    ("physical_adult", 0.03),
    ("drug_alcohol", 0.04),
    ("damage", 0.02),
    ("bullying", 0.01),
    ("racist_abuse", 0.01),
    ("abuse_sex_gender", 0.01),
    ("sexual_misconduct", 0.01),
    ("offensive_weapon", 0.01),
    ("theft", 0.005),
    ("abuse_disability", 0.003),
    ("media_technology", 0.01),
    ("wilful_refusal", 0.03),
    ("other", 0.092),
)
PEX_REASONS = (
    ("persistent_disruptive", 0.36),
    ("physical_pupil", 0.14),
    ("physical_adult", 0.09),
    ("drug_alcohol", 0.12),
    ("offensive_weapon", 0.08),
    ("verbal_adult", 0.06),
    ("sexual_misconduct", 0.03),
    ("damage", 0.02),
    ("bullying", 0.02),
    ("other", 0.08),
)
SUSPENSION_DAYS = (
    (0.5, 0.08),
    (1.0, 0.45),
    (1.5, 0.04),
    (2.0, 0.15),
    (2.5, 0.02),
    (3.0, 0.12),
    (3.5, 0.01),
    (4.0, 0.04),
    (4.5, 0.01),
    (5.0, 0.08),
)

# Pounds per half-day session (docs/demo-data.md gives the basis for each).
SESSION_RATE = {
    "partnership_ap": "60.00",
    "registered_ap": "85.00",
    "fe_college": "45.00",
    "special_school": "150.00",
    "outreach": "40.00",
}
MANAGED_MOVE_FEES = ("3000.00", "3500.00", "4000.00", "5000.00")
# Weeks (low, high) and half-day sessions a week (low, high) by provider type.
DURATION_WEEKS = {
    "partnership_ap": (8, 26),
    "registered_ap": (12, 36),
    "unregistered_ap": (12, 40),
    "fe_college": (20, 40),
    "special_school": (20, 40),
    "outreach": (6, 16),
    "managed_move": (6, 12),
}
SESSIONS = {
    "partnership_ap": (6, 10),
    "registered_ap": (6, 10),
    "unregistered_ap": (4, 10),
    "fe_college": (4, 8),
    "special_school": (10, 10),
    "outreach": (1, 3),
    "managed_move": (10, 10),
}
# Chance that an ended placement returns the pupil to mainstream, by provider type.
REINTEGRATION = {
    "outreach": 0.55,
    "managed_move": 0.60,
    "partnership_ap": 0.45,
    "registered_ap": 0.32,
    "unregistered_ap": 0.22,
    "fe_college": 0.15,
    "special_school": 0.05,
}
PROVIDERS = {
    "registered_ap": ("Horizons Registered AP", "Pathways Education Centre", "The Forge AP Academy"),
    "unregistered_ap": (
        "Ace Mentoring CIC",
        "Skills4Life Training",
        "Greenlane Farm Provision",
        "Bluebell Motor Project",
        "Summit Boxing Academy",
    ),
    "fe_college": ("Riverbend College", "North Shire College"),
    "special_school": ("Larchfield School (SEMH)", "Ashgrove Special School"),
}


# ---------------------------------------------------------------- calendar


def _weekdays(start: date, end: date) -> list[date]:
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5]


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(d.weekday())
    return monday, monday + timedelta(4)


@cache
def school_days(year: str, covid_closures: bool = True) -> tuple[date, ...]:
    """Weekdays in term (an approximate county calendar), less the COVID closures unless asked."""
    y = int(year[:4])
    terms = (
        (date(y, 9, 4), date(y, 12, 19)),
        (date(y + 1, 1, 6), date(y + 1, 4, 4)),
        (date(y + 1, 4, 22), date(y + 1, 7, 18)),
    )
    closed = [_week_of(date(y, 10, 28)), _week_of(date(y + 1, 2, 17)), _week_of(date(y + 1, 5, 28))]
    if covid_closures:
        closed += [(date(2020, 3, 23), date(2020, 7, 17)), (date(2021, 1, 5), date(2021, 3, 7))]
    return tuple(d for a, b in terms for d in _weekdays(a, b) if not any(lo <= d <= hi for lo, hi in closed))


def _school_day_on_or_after(days: tuple[date, ...], d: date) -> date | None:
    i = bisect.bisect_left(days, d)
    return days[i] if i < len(days) else None


def year_of(d: date) -> str:
    """The academic year a date belongs to (1 Sep .. 31 Aug)."""
    y = d.year if d.month >= 9 else d.year - 1
    return f"{y}/{(y + 1) % 100:02d}"


# ---------------------------------------------------------------- helpers


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _pick(rng: random.Random, weighted) -> object:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _pence(pounds: str) -> int:
    whole, _, frac = pounds.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def money(pence: int) -> str:
    """Pence as plain pounds, e.g. -500050 -> '-5000.50'."""
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def _weekday_on_or_before(d: date) -> date:
    while d.weekday() >= 5:
        d -= timedelta(1)
    return d


@dataclass
class Pupil:
    """A synthetic pupil who meets exclusions or a panel; what happened to them so far."""

    ref: str
    urn: int
    entry: int  # index into YEARS of the pupil's Y7 year (may be negative)
    sex: str
    fsm: bool
    sen: str
    looked_after: bool
    left: date | None = None
    last_event: date = date(2000, 1, 1)
    referred: list[date] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)

    def year_group(self, yi: int) -> int:
        return 7 + yi - self.entry

    def on_roll(self, yi: int) -> bool:
        return self.left is None and 7 <= self.year_group(yi) <= 11

    def touch(self, d: date) -> None:
        self.last_event = max(self.last_event, d)


# ---------------------------------------------------------------- the generator


class _Demo:
    """Builds every table's rows, year by year, from one seed."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {name: [] for name in LOAD_ORDER}
        self.pupils: list[Pupil] = []
        self.school_group: dict[int, Group] = {}
        self.school_name: dict[int, str] = {}
        self.census: dict[tuple[str, int], dict] = {}
        self.suspended: dict[tuple[int, int], list[Pupil]] = {}  # (yi, urn) -> pupils
        self.referred: dict[tuple[int, int], list[Pupil]] = {}  # (yi, urn) -> pupils
        self.exclusions: list[dict] = []
        self.referrals: list[dict] = []
        self.placements: list[dict] = []
        self.pex_left: dict[tuple[str, str], int] = {}  # (group, year) -> still to place

    def rng(self, stage: str) -> random.Random:
        # One generator per stage, so tuning one stage does not reshuffle the others.
        return random.Random(f"{SEED}:{stage}")

    # -- organisations

    def organisations(self) -> None:
        urn = 900001
        for g in GROUPS:
            # one authority: no la_code needed (docs/import-rules.md)
            self.rows["partnerships"].append(
                {"partnership_code": g.code, "partnership_name": g.name, "kind": g.kind, "la_code": None}
            )
            for i, name in enumerate(g.schools):
                maintained = g.kind == "partnership" and i % 4 == 3
                self.rows["schools"].append(
                    {
                        "urn": urn,
                        "school_name": name,
                        "partnership_code": g.code,
                        "trust_name": "" if maintained else g.trusts[i % len(g.trusts)],
                        "district": g.districts[i % len(g.districts)],
                    }
                )
                self.school_group[urn] = g
                self.school_name[urn] = name
                urn += 1

    @property
    def urns(self) -> list[int]:
        return list(self.school_group)

    # -- census

    def school_census(self) -> None:
        rng = self.rng("census")
        urns = self.urns
        base = [rng.uniform(560, 1620) for _ in urns]
        trend = [rng.uniform(-0.02, 0.03) for _ in urns]
        deprivation = [self.school_group[u].deprivation * rng.uniform(0.7, 1.3) for u in urns]
        need = [rng.uniform(0.85, 1.15) for _ in urns]
        for yi, year in enumerate(YEARS):
            c = COUNTY[year]
            pupils = apportion(c.pupils, [b * (1 + t * yi) for b, t in zip(base, trend)])
            fsm = apportion(c.fsm, [p * d for p, d in zip(pupils, deprivation)])
            sen_w = [p * (0.6 + 0.4 * d) * n for p, d, n in zip(pupils, deprivation, need)]
            sen = apportion(c.sen_support, sen_w)
            ehcp = apportion(c.ehcp, sen_w)
            for i, u in enumerate(urns):
                row = {
                    "academic_year": year,
                    "urn": u,
                    "pupils_on_roll": pupils[i],
                    "fsm_eligible": fsm[i],
                    "sen_support": sen[i],
                    "ehcp": ehcp[i],
                }
                self.census[(year, u)] = row
                self.rows["school_census"].append(row)

    def _risk_weights(self, year: str) -> list[float]:
        """Where events happen: pupils, leaning towards schools with more FSM pupils."""
        c = COUNTY[year]
        county_share = c.fsm / c.pupils
        weights = []
        for u in self.urns:
            row = self.census[(year, u)]
            share = row["fsm_eligible"] / row["pupils_on_roll"]
            weights.append(row["pupils_on_roll"] * (share / county_share) ** 0.7)
        return weights

    # -- pupils

    def new_pupil(self, rng: random.Random, urn: int, yi: int, year_group: int) -> Pupil:
        county = COUNTY[YEARS[yi]]
        # Pupils who meet exclusions and panels are far more often FSM, SEN or looked after.
        sen = _pick(rng, (("E", 0.08), ("K", 0.35), ("N", 0.57)))
        p = Pupil(
            ref=f"P{len(self.pupils) + 1:06d}",
            urn=urn,
            entry=yi - (year_group - 7),
            sex=_pick(rng, (("M", 0.70), ("F", 0.29), ("X", 0.01))),
            fsm=rng.random() < min(0.6, 2.5 * county.fsm / county.pupils),
            sen=sen,
            looked_after=rng.random() < 0.05,
        )
        self.pupils.append(p)
        return p

    # -- suspensions

    def suspensions(self, yi: int, rng: random.Random) -> None:
        year = YEARS[yi]
        c = COUNTY[year]
        days = school_days(year)
        weights = [
            w * (DRIFT_SUSPENSION_WEIGHT[yi] if self.school_group[u].code == DRIFT_GROUP else 1)
            for u, w in zip(self.urns, self._risk_weights(year))
        ]
        for u, n in zip(self.urns, apportion(c.suspensions, weights)):
            if n == 0:
                continue
            k = min(n, max(1, round(n * c.suspended_pupils / c.suspensions)))
            carried = [
                p for p in self.suspended.get((yi - 1, u), []) if p.on_roll(yi) and p.urn == u and rng.random() < 0.45
            ][:k]
            pupils = carried + [
                self.new_pupil(rng, u, yi, _pick(rng, YEAR_GROUP_WEIGHTS.items())) for _ in range(k - len(carried))
            ]
            intensity = [rng.expovariate(1.0) for _ in pupils]
            counts = [1] * k
            for i in rng.choices(range(k), intensity, k=n - k):
                counts[i] += 1
            for p, m in zip(pupils, counts):
                for d in sorted(rng.sample(days, min(m, len(days)))):
                    self.exclusions.append(
                        {
                            "pupil_ref": p.ref,
                            "urn": u,
                            "start_date": d,
                            "type": "suspension",
                            "days": _pick(rng, SUSPENSION_DAYS),
                            "reason": self._reason(rng, SUSPENSION_REASONS, year),
                        }
                    )
                    p.touch(d)
            self.suspended[(yi, u)] = pupils

    @staticmethod
    def _reason(rng: random.Random, weighted, year: str) -> str:
        reason = _pick(rng, weighted)
        # DfE added "wilful and repeated transgression" as a reason only from 2023/24.
        if reason == "wilful_refusal" and year < "2023/24":
            return "persistent_disruptive"
        return reason

    # -- referrals and placements

    def referrals_for(self, yi: int, rng: random.Random) -> None:
        year = YEARS[yi]
        days = [d for d in school_days(year) if d <= date(int(year[:4]) + 1, 6, 20)]
        # Panels kept meeting (online) while schools were closed to most pupils.
        panel_days = school_days(year, covid_closures=False)
        schools = rng.choices(self.urns, self._risk_weights(year), k=PANEL_REFERRALS[year])
        dates = sorted(rng.choice(days) for _ in schools)
        for u, d in zip(schools, dates):
            pupil = self._referred_pupil(rng, yi, u, d)
            target = d + timedelta(rng.randint(7, 28))
            panel = _school_day_on_or_after(panel_days, target) or _weekday_on_or_before(target)
            decision = _pick(rng, self.school_group[pupil.urn].decisions)
            referral = {
                "referral_id": f"R{len(self.referrals) + 1:06d}",
                "pupil_ref": pupil.ref,
                "urn": pupil.urn,
                "referral_date": d,
                "year_group": pupil.year_group(yi),
                "sex": pupil.sex,
                "fsm": pupil.fsm,
                "sen_status": pupil.sen,
                "looked_after": pupil.looked_after,
                "reason": self._reason(rng, SUSPENSION_REASONS, year),
                "panel_date": panel,
                "decision": decision,
            }
            self.referrals.append(referral)
            pupil.referred.append(d)
            pupil.touch(panel)
            self.referred.setdefault((yi, pupil.urn), []).append(pupil)
            self._placement(rng, yi, pupil, referral)

    def _referred_pupil(self, rng: random.Random, yi: int, urn: int, d: date) -> Pupil:
        late = d >= date(int(YEARS[yi][:4]) + 1, 4, 1)  # Y11s are not referred in their last term

        def eligible(p: Pupil) -> bool:
            return (
                p.on_roll(yi)
                and p.urn == urn
                and not (late and p.year_group(yi) == 11)
                and all(abs((d - r).days) > 56 for r in p.referred)
            )

        if rng.random() < 0.12:
            earlier = [p for k in ((yi - 1, urn), (yi, urn)) for p in self.referred.get(k, []) if eligible(p)]
            if earlier:
                return rng.choice(earlier)
        weights = {g: w for g, w in YEAR_GROUP_WEIGHTS.items() if not (late and g == 11)}
        year_group = _pick(rng, weights.items())
        if rng.random() < 0.6:
            suspended = [
                p
                for p in self.suspended.get((yi, urn), [])
                if eligible(p) and p.year_group(yi) == year_group and not p.referred
            ]
            if suspended:
                return rng.choice(suspended)
        return self.new_pupil(rng, urn, yi, year_group)

    def _provider_type(self, rng: random.Random, pupil: Pupil, yi: int, decision: str) -> str | None:
        group = self.school_group[pupil.urn]
        if decision == "outreach" or (decision == "in_school_support" and rng.random() < 0.25):
            return "outreach"
        if decision == "managed_move":
            return "managed_move"
        if decision == "dual_registration":
            return "partnership_ap" if rng.random() < 0.6 else "registered_ap"
        if decision == "ap_placement":
            kind = _pick(rng, group.ap_mix)
            if kind == "fe_college" and pupil.year_group(yi) < 10:
                return "partnership_ap"
            if kind == "special_school" and pupil.sen == "N":
                return "registered_ap"
            return kind
        return None

    def _placement(self, rng: random.Random, yi: int, pupil: Pupil, referral: dict) -> None:
        kind = self._provider_type(rng, pupil, yi, referral["decision"])
        if kind is None:
            return
        group = self.school_group[pupil.urn]
        panel = referral["panel_date"]
        start = _school_day_on_or_after(school_days(YEARS[yi]), panel + timedelta(rng.randint(3, 14))) or panel
        weeks = rng.randint(*DURATION_WEEKS[kind])
        sessions = rng.randint(*SESSIONS[kind])
        if referral["decision"] == "dual_registration":
            sessions = rng.randint(2, 6)
        end = _weekday_on_or_before(start + timedelta(7 * weeks - 3))
        leaves = date(FIRST_YEAR + yi + 11 - pupil.year_group(yi) + 1, 6, 27)  # end of Y11
        to_end_y11 = end >= leaves
        if to_end_y11:
            end = leaves
            weeks = max(1, math.ceil((end - start).days / 7))

        if kind == "managed_move":
            cost = _pence(rng.choice(MANAGED_MOVE_FEES))
            peers = [u for u, g in self.school_group.items() if g is group and u != pupil.urn]
            receiving = rng.choice(peers)
            provider = self.school_name[receiving]
        else:
            rate = group.unregistered_rate if kind == "unregistered_ap" else SESSION_RATE[kind]
            cost = _pence(rate) * sessions * weeks
            receiving = None
            provider = {
                "partnership_ap": f"{group.name} Learning Centre",
                "outreach": f"{group.name} Outreach Team",
            }.get(kind) or rng.choice(PROVIDERS[kind])

        if start >= date(2025, 4, 22) or end > DATA_AS_AT:
            outcome, end_date = "ongoing", None
        else:
            outcome, end_date = self._outcome(rng, kind, group, pupil, end, to_end_y11), end
        placement = {
            "placement_id": f"PL{len(self.placements) + 1:06d}",
            "referral_id": referral["referral_id"],
            "pupil_ref": pupil.ref,
            "provider_name": provider,
            "provider_type": kind,
            "start_date": start,
            "end_date": end_date,
            "sessions_per_week": sessions,
            "cost_gbp": money(cost),
            "outcome": outcome,
        }
        self.placements.append(placement)
        pupil.placements.append(placement)
        pupil.touch(end_date or DATA_AS_AT)
        if outcome == "permanently_excluded":
            self.exclusions.append(
                {
                    "pupil_ref": pupil.ref,
                    "urn": pupil.urn,
                    "start_date": end,
                    "type": "permanent",
                    "days": None,
                    "reason": self._reason(rng, PEX_REASONS, year_of(end)),
                }
            )
        if outcome in ("permanently_excluded", "moved_to_special", "left_area"):
            pupil.left = end
        if kind == "managed_move" and outcome == "reintegrated":
            pupil.urn = receiving

    def _outcome(self, rng: random.Random, kind: str, group: Group, pupil: Pupil, end: date, to_end_y11: bool) -> str:
        budget = (group.code, year_of(end))
        if rng.random() < 0.025 and pupil.last_event <= end and self.pex_left.get(budget, 0) > 0:
            self.pex_left[budget] -= 1
            return "permanently_excluded"
        if to_end_y11:
            return "sustained_to_end_y11"
        if rng.random() < min(0.95, REINTEGRATION[kind] * group.reintegration_boost):
            return "reintegrated"
        if kind == "special_school" or (pupil.sen != "N" and rng.random() < 0.25):
            return "moved_to_special"
        return _pick(rng, (("left_area", 0.25), ("other", 0.75)))

    # -- permanent exclusions

    def pex_targets(self) -> None:
        """Permanent exclusions each group may have each year: the real county total, split."""
        for year, drift in zip(YEARS, DRIFT_PEX):
            rest = [g for g in GROUPS if g.code != DRIFT_GROUP]
            weights = [
                g.deprivation
                * sum(self.census[(year, u)]["pupils_on_roll"] for u, h in self.school_group.items() if h is g)
                for g in rest
            ]
            split = apportion(COUNTY[year].permanent_exclusions - drift, weights)
            self.pex_left[(DRIFT_GROUP, year)] = drift
            for g, n in zip(rest, split):
                self.pex_left[(g.code, year)] = n

    def permanent_exclusions(self, yi: int, rng: random.Random) -> None:
        year = YEARS[yi]
        days = school_days(year)
        for g in GROUPS:
            urns = [u for u in self.urns if self.school_group[u] is g]
            need = self.pex_left[(g.code, year)]
            referred = [p for u in urns for k in ((yi - 1, u), (yi, u)) for p in self.referred.get(k, [])]
            suspended = [p for u in urns for p in self.suspended.get((yi, u), [])]
            # About 40% of the rest are pupils the panel already knew; the others had only suspensions.
            placed = 0
            for pool, quota in ((referred, round(need * 0.4)), (suspended, need)):
                rng.shuffle(pool)
                for p in pool:
                    if placed >= quota:
                        break
                    if not p.on_roll(yi) or any(pl["end_date"] is None for pl in p.placements):
                        continue
                    later = [d for d in days if d > p.last_event]
                    if not later:
                        continue
                    d = rng.choice(later[:40])
                    self.exclusions.append(
                        {
                            "pupil_ref": p.ref,
                            "urn": p.urn,
                            "start_date": d,
                            "type": "permanent",
                            "days": None,
                            "reason": self._reason(rng, PEX_REASONS, year),
                        }
                    )
                    p.left = d
                    p.touch(d)
                    placed += 1
            self.pex_left[(g.code, year)] = need - placed

    # -- funding

    def funding(self) -> None:
        rng = self.rng("funding")
        for year in YEARS:
            y = int(year[:4])
            pupils = {g.code: 0 for g in GROUPS}
            fsm = {g.code: 0 for g in GROUPS}
            for u, g in self.school_group.items():
                pupils[g.code] += self.census[(year, u)]["pupils_on_roll"]
                fsm[g.code] += self.census[(year, u)]["fsm_eligible"]
            total_p, total_f = sum(pupils.values()), sum(fsm.values())
            grant = 300_000_000  # £3.0m core grant, in pence
            shares = apportion(grant, [0.5 * pupils[g.code] / total_p + 0.5 * fsm[g.code] / total_f for g in GROUPS])
            ehcp_referrals = {g.code: 0 for g in GROUPS}
            for r in self.referrals:
                if year_of(r["referral_date"]) == year and r["sen_status"] == "E":
                    ehcp_referrals[self.school_group[r["urn"]].code] += 1
            for g, share in zip(GROUPS, shares):
                third = share // 3
                for paid, amount in (
                    (date(y, 9, 15), third),
                    (date(y + 1, 1, 15), third),
                    (date(y + 1, 4, 25), share - 2 * third),
                ):
                    self._pay(
                        year,
                        g.code,
                        "core_grant",
                        amount,
                        paid,
                        "High Needs core grant, termly instalment (formula share)",
                    )
                self._pay(
                    year,
                    g.code,
                    "school_contribution",
                    (25 if g.kind == "partnership" else 30) * 100 * pupils[g.code],
                    date(y, 10, 1),
                    "schools' per-pupil contribution",
                )
                if ehcp_referrals[g.code]:
                    self._pay(
                        year,
                        g.code,
                        "ehcp_top_up",
                        450_000 * ehcp_referrals[g.code],
                        date(y + 1, 3, 31),
                        "top-up for referred pupils with an EHC plan",
                    )
                if year == "2021/22" or rng.random() < 0.15:
                    self._pay(
                        year,
                        g.code,
                        "development",
                        1_500_000,
                        date(y + 1, 2, 1),
                        "development fund: re-engagement and staff training",
                    )
        for year, code, stream, pence, note in (
            (
                "2020/21",
                "SLP",
                "adjustment",
                -1_840_000,
                "underspend returned to the High Needs block (COVID closures)",
            ),
            ("2022/23", "NWL", "adjustment", 750_000, "late census correction"),
            ("2023/24", "LAT", "adjustment", -215_050, "overpayment recovered"),
            ("2023/24", "CHN", "development", 4_000_000, "reintegration coaches pilot"),
        ):
            self._pay(year, code, stream, pence, date(int(year[:4]) + 1, 3, 20), note)

    def _pay(self, year: str, code: str, stream: str, pence: int, paid: date, note: str) -> None:
        self.rows["funding"].append(
            {
                "academic_year": year,
                "partnership_code": code,
                "stream": stream,
                "amount_gbp": money(pence),
                "paid_date": paid,
                "note": note,
            }
        )

    # -- everything

    def build(self) -> dict[str, list[dict]]:
        self.organisations()
        self.school_census()
        self.pex_targets()
        for yi, _ in enumerate(YEARS):
            self.suspensions(yi, self.rng(f"suspensions:{yi}"))
            self.referrals_for(yi, self.rng(f"referrals:{yi}"))
            self.permanent_exclusions(yi, self.rng(f"pex:{yi}"))
        self.funding()
        self.exclusions.sort(key=lambda e: (e["start_date"], e["urn"], e["pupil_ref"], e["type"]))
        for i, e in enumerate(self.exclusions, 1):
            e["exclusion_id"] = f"X{i:07d}"
        self.rows["referrals"] = self.referrals
        self.rows["placements"] = self.placements
        self.rows["exclusions"] = self.exclusions
        return self.rows


def simulate() -> dict[str, list[dict]]:
    """Every contract table's rows, by table name, from the fixed seed (the same on every call)."""
    return _Demo().build()
