"""Serve a warehouse with `seip serve` and drive Debian's Chromium over it (used by the
browser tests and by anyone who wants screenshots: `python tests/browser/harness.py DB`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Streamlit reads a .streamlit/config.toml in the folder it is started from
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"

# url_path -> the least number of plotly charts the page draws on the demo data
PAGES = {
    "overview": 1,
    "policy-impact": 5,
    "exclusion-avoidance": 6,
    "placements-and-costs": 1,
    "funding-and-deprivation": 1,
    "value-for-money": 1,
    "benchmarks": 6,
    "school-view": 1,
    "data-and-definitions": 0,
    "accessibility": 0,
    "support": 0,
}
# generous: the dashboard shares 2 cores with other work here, and a cold plotly draw takes seconds
TIMEOUT_MS = 60_000


def run_async(coroutine: Coroutine):
    """Run `coroutine` to its end on an event loop of its own, in a thread of its own: a test
    process that has used Playwright's sync API keeps a loop running in its main thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(db: Path, port: int | None = None, auth: str = "none") -> Iterator[str]:
    """Run `seip serve` on `db` with sign-in mode `auth` until the block ends; yield its base
    URL once it is healthy."""
    port = port or free_port()
    command = ["dashboard.cli", "serve", "--db", str(db), "--port", str(port), "--address", "127.0.0.1"]
    with _healthy("seip serve", command, port, dict(os.environ, SEIP_AUTH=auth, SEIP_DB=str(db))) as base:
        _wait_for_governors_figures(db)
        yield base


@contextlib.contextmanager
def serve_script(script: Path) -> Iterator[str]:
    """Run `streamlit run script` (a page made for a test) with the dashboard's own look (its
    .streamlit/config.toml) until the block ends; yield its base URL once it is healthy."""
    port = free_port()
    command = ["streamlit", "run", str(script.resolve()), "--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with _healthy("streamlit run", command, port, dict(os.environ), cwd=DASHBOARD) as base:
        yield base


@contextlib.contextmanager
def _healthy(name: str, module_and_args: list[str], port: int, env: dict, cwd: Path | None = None) -> Iterator[str]:
    """Run `python -m module_and_args` in a process group of its own until the block ends (then
    stop the whole group); yield the base URL once its health check answers."""
    proc = subprocess.Popen(
        [sys.executable, "-m", *module_and_args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {proc.stderr.read().decode()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become healthy within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_for_governors_figures(db: Path) -> None:
    """Until the server has worked out the disclosure audit (a governor's page says their figures
    are being checked until then): seconds once the demo's is kept, about a minute the first time."""
    from dashboard import access
    from dashboard.settings import Settings

    deadline = time.monotonic() + 300
    while Path(db).exists() and not access.audit_kept(Settings.from_env(db)):
        if time.monotonic() > deadline:
            raise RuntimeError("seip serve did not check the governors' figures within 300 s")
        time.sleep(0.5)


def launch(playwright):
    """Debian's Chromium, headless, with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def settle(page, charts: int = 0) -> None:
    """Wait until the script has finished, nothing is stale, and `charts` plotly charts have drawn."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=TIMEOUT_MS)
    page.wait_for_function("document.querySelectorAll('[data-stale=true]').length === 0", timeout=TIMEOUT_MS)
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=TIMEOUT_MS
        )


def visit(page, base: str, url_path: str, charts: int = 0, query: str = "") -> None:
    """Open one dashboard page and wait for it to settle."""
    page.goto(f"{base}/{url_path}{query}", timeout=TIMEOUT_MS)
    settle(page, charts)


def sign_in(page, base: str, path: str, name: str, password: str) -> None:
    """Open `path` (a fresh session: the form, with SEIP_AUTH=local), fill it in and wait for
    the page behind it."""
    page.goto(f"{base}/{path}", timeout=TIMEOUT_MS)
    settle(page)
    assert page.get_by_role("button", name="Sign in").is_visible()
    page.get_by_label("Username", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    # attached, not visible: on a phone the sidebar that says it is folded away
    page.get_by_text(f"Signed in as {name}").wait_for(state="attached", timeout=TIMEOUT_MS)
    settle(page)


def screenshot(page, path: Path) -> None:
    """Save the whole page: Streamlit scrolls inside its main pane, so grow the viewport to fit."""
    width = page.viewport_size["width"]
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".map(e => e.scrollHeight), 600)"
    )
    page.set_viewport_size({"width": width, "height": min(int(height), 12_000)})
    page.wait_for_timeout(800)
    page.screenshot(path=path, full_page=True)


if __name__ == "__main__":
    from playwright.sync_api import sync_playwright

    db = Path(sys.argv[1])
    only = sys.argv[2:] or list(PAGES)
    SCREENSHOTS.mkdir(exist_ok=True)
    with serve(db) as base, sync_playwright() as p:
        browser = launch(p)
        for width, height in ((1280, 900), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            for url_path in only:
                visit(page, base, url_path, PAGES[url_path])
                errors = page.locator("[data-testid=stException]").count()
                screenshot(page, SCREENSHOTS / f"{url_path}-{width}.png")
                page.set_viewport_size({"width": width, "height": height})
                print(url_path, width, "exceptions:", errors, "charts:", page.locator(".js-plotly-plot").count())
            page.close()
        browser.close()
