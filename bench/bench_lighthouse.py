"""Lighthouse's accessibility score for every dashboard page (issue 12: each at least 95).

Serves a warehouse with `seip serve` (sign-in off: the demo commissioner) and runs npm
`lighthouse` (tests/browser/package.json, installed here with `npm ci` when missing) in
Debian's Chromium on each page at desktop width, waiting for Streamlit to draw the page over
its websocket before auditing. Prints one row per page: the score and the audits that failed;
the JSON reports go to bench/out/lighthouse/. Results are recorded in bench/README.md and
docs/accessibility.md.

    .venv/bin/python bench/bench_lighthouse.py --db /tmp/demo.duckdb
    .venv/bin/python bench/bench_lighthouse.py --db /tmp/demo.duckdb --pages overview support
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_TESTS = ROOT / "tests" / "browser"
sys.path.insert(0, str(BROWSER_TESTS))
from harness import CHROMIUM, CHROMIUM_FLAGS, PAGES, serve  # noqa: E402

LIGHTHOUSE = BROWSER_TESTS / "node_modules" / "lighthouse" / "cli" / "index.js"
OUT = ROOT / "bench" / "out" / "lighthouse"
ATTEMPTS = 3
# Streamlit draws after the page has loaded, over a websocket Lighthouse does not wait for
CONFIG = {
    "extends": "lighthouse:default",
    "settings": {
        "onlyCategories": ["accessibility"],
        "formFactor": "desktop",
        "screenEmulation": {"mobile": False, "width": 1280, "height": 900, "deviceScaleFactor": 1, "disabled": False},
        "pauseAfterFcpMs": 8000,
        "pauseAfterLoadMs": 15000,
        "networkQuietThresholdMs": 5000,
        "cpuQuietThresholdMs": 5000,
        "maxWaitForLoad": 120000,
        "throttlingMethod": "provided",
    },
}


def audit(base: str, url_path: str) -> tuple[int, list[str]]:
    """Lighthouse's accessibility score for one page and the ids of the audits it failed."""
    OUT.mkdir(parents=True, exist_ok=True)
    config = OUT / "config.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    report = OUT / f"{url_path}.json"
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE),
            f"{base}/{url_path}",
            f"--config-path={config}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
        ],
        check=True,
        env=dict(os.environ, CHROME_PATH=CHROMIUM),
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    category = result["categories"]["accessibility"]
    failed = [
        ref["id"]
        for ref in category["auditRefs"]
        if ref["weight"] > 0 and result["audits"][ref["id"]]["score"] not in (None, 1)
    ]
    return round(category["score"] * 100), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", str(BROWSER_TESTS), "--no-audit", "--no-fund"], check=True)
    with serve(args.db) as base:
        for url_path in args.pages:
            # On a busy machine Chromium can miss Lighthouse's protocol deadline (PROTOCOL_TIMEOUT):
            # try a page again rather than lose the pages after it.
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    score, failed = audit(base, url_path)
                except subprocess.CalledProcessError:
                    print(f"{url_path}: Lighthouse failed (attempt {attempt} of {ATTEMPTS})", file=sys.stderr)
                    continue
                print(f"| {url_path} | {score} | {', '.join(failed) or 'none'} |", flush=True)
                break
            else:
                print(f"| {url_path} | not measured | Lighthouse failed {ATTEMPTS} times |", flush=True)


if __name__ == "__main__":
    main()
