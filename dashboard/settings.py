"""Settings, read from the environment so that any local authority can run the product.

| variable | meaning | default |
|---|---|---|
| SEIP_DB | the warehouse file | data/seip.duckdb under the current folder |
| SEIP_LA_CODE | the authority's old (3-digit) DfE LA code | 855 (Leicestershire) |
| SEIP_SN_MODEL | the statistical-neighbour model, by the year DfE published it (2025, 2021) | the latest loaded |
| SEIP_PUPIL_WEIGHT | the sharing formula's pupil weight w (FSM gets 1 - w) | 0.5 |
| SEIP_POLICY_START | the first academic year of the authority's policy, for the policy-impact estimate | 2010/11 |
| SEIP_SUPPRESS_MAX | governor disclosure control hides pupil counts 1..this | 4 |
| SEIP_AUTH | sign-in mode: none, local or oidc | none |
| SEIP_IDLE_MINUTES | a signed-in session ends after this long idle | 30 |
| SEIP_SUPPORT_EMAIL | where people send feedback and accessibility problems | none (the support page says so) |
| SEIP_CHAIRS_UPLOAD | partnership chairs may upload their own partnership's tables (yes or no) | no |
| SEIP_RUN_TIMES | a file the server adds a line to for each page it draws: the page, when, seconds and CPU seconds | none (nothing written) |
| SEIP_STORE_URL | a PostgreSQL URL for the store (accounts, audit, notes): dashboard/store.py | SQLite beside the warehouse |
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
REFERENCE_DIR = ROOT / "data" / "reference"
DEMO_DIR = ROOT / "data" / "demo"


class SettingError(ValueError):
    """A setting in the environment has a value the product cannot use."""


def check_academic_year(year: str) -> str:
    """`year` stripped, if it is an academic year written like 2010/11; raises ValueError otherwise."""
    text = str(year).strip()
    match = re.fullmatch(r"(\d{4})/(\d{2})", text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{year!r} is not an academic year such as 2010/11")
    return text


def _float(name: str, default: float, lo: float, hi: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a number") from None
    if not lo <= value <= hi:
        raise SettingError(f"{name}={raw!r} must be between {lo:g} and {hi:g}")
    return value


def _yes_no(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in {"yes", "no", "true", "false", "1", "0"}:
        raise SettingError(f"{name}={raw!r} must be yes or no")
    return raw in {"yes", "true", "1"}


def _looks_like_email(text: str) -> bool:
    name, at, domain = text.partition("@")
    return bool(name and at and "." in domain.strip(".")) and not any(c.isspace() for c in text)


# the SEIP_RUN_TIMES files found good: the settings are read many times a run, and with twenty
# sessions at once each check's two `stat` calls let another thread take the interpreter
_RUN_TIMES_CHECKED: set[str] = set()


@dataclass(frozen=True)
class Settings:
    """The settings in force for one run of the CLI or one dashboard session."""

    db_path: Path
    la_code: str = "855"
    sn_model: int | None = None
    pupil_weight: float = 0.5
    policy_start: str = "2010/11"
    suppress_max: int = 4
    auth_mode: str = "none"
    idle_minutes: float = 30.0
    support_email: str = ""
    chairs_upload: bool = False
    run_times: Path | None = None

    @classmethod
    def from_env(cls, db_path: str | Path | None = None) -> Settings:
        """Read the settings from the environment; `db_path` (e.g. `--db`) wins over SEIP_DB."""
        db = Path(db_path or os.environ.get("SEIP_DB") or Path.cwd() / "data" / "seip.duckdb")
        auth = os.environ.get("SEIP_AUTH", "none").strip().lower() or "none"
        if auth not in {"none", "local", "oidc"}:
            raise SettingError(f"SEIP_AUTH={auth!r} must be none, local or oidc")
        la = os.environ.get("SEIP_LA_CODE", "855").strip()
        if not (la.isdigit() and len(la) == 3):
            raise SettingError(f"SEIP_LA_CODE={la!r} must be a 3-digit DfE LA code such as 855")
        support = os.environ.get("SEIP_SUPPORT_EMAIL", "").strip()
        if support and not _looks_like_email(support):
            raise SettingError(
                f"SEIP_SUPPORT_EMAIL={support!r} must be an e-mail address such as seip-support@example.gov.uk"
            )
        model = os.environ.get("SEIP_SN_MODEL", "").strip()
        if model and not (model.isdigit() and len(model) == 4):
            raise SettingError(f"SEIP_SN_MODEL={model!r} must be the year of a DfE neighbour model, e.g. 2025 or 2021")
        try:
            start = check_academic_year(os.environ.get("SEIP_POLICY_START", "").strip() or "2010/11")
        except ValueError as exc:
            raise SettingError(f"SEIP_POLICY_START: {exc}") from None
        times = os.environ.get("SEIP_RUN_TIMES", "").strip()
        if times and times not in _RUN_TIMES_CHECKED:
            if Path(times).is_dir() or not Path(times).parent.is_dir():
                raise SettingError(f"SEIP_RUN_TIMES={times!r} must name a file in a folder that exists")
            _RUN_TIMES_CHECKED.add(times)
        return cls(
            db_path=db,
            la_code=la,
            sn_model=int(model) if model else None,
            pupil_weight=_float("SEIP_PUPIL_WEIGHT", 0.5, 0.0, 1.0),
            policy_start=start,
            suppress_max=int(_float("SEIP_SUPPRESS_MAX", 4, 0, 100)),
            auth_mode=auth,
            idle_minutes=_float("SEIP_IDLE_MINUTES", 30.0, 1.0, 24 * 60.0),
            support_email=support,
            chairs_upload=_yes_no("SEIP_CHAIRS_UPLOAD", False),
            run_times=Path(times) if times else None,
        )
