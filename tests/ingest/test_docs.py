"""docs/import-rules.md documents every rule id the import can report, and no other."""

from __future__ import annotations

import re

from dashboard.settings import ROOT

INGEST = ROOT / "dashboard" / "ingest"
# A rule id is a snake_case literal followed by its message: a string with a space in it.
RULE_IN_CODE = re.compile(r'"([a-z]+(?:_[a-z]+)*)",\s*\\?\s*f?"[^"]* ')
RULE_IN_DOCS = re.compile(r"^\| `([a-z_]+)` \|", re.MULTILINE)


def test_every_rule_is_documented_and_every_documented_rule_exists():
    code = {
        m
        for f in ("read.py", "validate.py", "parse.py")
        for m in RULE_IN_CODE.findall((INGEST / f).read_text(encoding="utf-8"))
    }
    documented = set(RULE_IN_DOCS.findall((ROOT / "docs" / "import-rules.md").read_text(encoding="utf-8")))
    assert code == documented - {
        "partnerships",
        "schools",
        "school_census",
        "funding",
        "referrals",
        "placements",
        "exclusions",
    }
    assert {"end_date_not_before_start", "costly_placement", "direct_identifier"} <= code
