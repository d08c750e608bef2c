"""The dashboard as people meet it: `seip serve` with SEIP_AUTH=local and Debian's Chromium.

Cold start (`--cold N`): the server is started N times; each time the time from the start
to healthy, from healthy to the sign-in form shown, and from pressing "Sign in" to the
Overview drawn.

Pages (`--rounds N`): one signed-in session on a fresh server goes through every page in the
sidebar (and the footer's two statement pages) N times; the first round is each page's first
visit (cold caches), the later rounds are revisits. "Drawn" means the script has finished,
nothing is stale and the page's plotly charts have drawn (the least number of charts each page
draws, from tests/browser/harness.py). Beside the wall time it reports the CPU seconds the
server and the browser spent on each visit (psutil: they share the machine's cores, so each
side's own cost is kept apart).

Concurrency (`--sessions 1 5 10 20`): K sessions at once, each in its own browser context, sign
in and open every page once; p50 and p95 per page over the sessions, and the server's CPU
seconds and peak RSS (the whole process tree, sampled every 0.1 s). Beside the times seen in
the browser, the server's own: how long it took to run each page's script, from its own clock
(`SEIP_RUN_TIMES`), p50 and p95 per page. On 2 cores the K browsers compete with the server;
`--nice-browsers` runs them at the lowest priority, so that the server's times are what they
would be with each person's browser on their own computer; `--server-own-core` gives the server
the first core to itself and the browsers (and this bench) the others: what one core serves.
`--wire` has the K sessions speak Streamlit's protocol without a browser (bench/streamlit_wire.py):
each loads the static files a real Chromium fetched, signs in through the form and chooses each
page, timed until the run's last message has arrived; what twenty people on their own computers
ask of the server, with their drawing left out (the pages mode measures one browser's drawing).
`--pause-at-form S` keeps each of the K at the sign-in form for S seconds, as typing a name and a
password takes, while the form preloads the signed-in pages' scripts; then all press "Sign in"
at the same moment.

    .venv/bin/python bench/bench_browser.py --db /tmp/demo.duckdb --cold 3 --rounds 5 --sessions 1 5 10 20

`--repo DIR` serves the code of another checkout of the project (to measure before and after).
Prints a JSON summary with `--json`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from playwright.async_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from harness import CHROMIUM, CHROMIUM_FLAGS, PAGES, free_port  # noqa: E402
from streamlit_wire import AT_FORM, FORM, WireSession  # noqa: E402

USER, PASSWORD = "bench", "bench password 1"
TITLES = {  # url_path -> the page's title (and its link's text)
    "overview": "Overview",
    "policy-impact": "Policy impact",
    "exclusion-avoidance": "Exclusion avoidance",
    "placements-and-costs": "Placements and costs",
    "funding-and-deprivation": "Funding and deprivation",
    "value-for-money": "Value for money",
    "benchmarks": "Benchmarks",
    "school-view": "School view",
    "data-and-definitions": "Data and definitions",
    # linked from every page's footer, not the sidebar
    "accessibility": "Accessibility statement",
    "support": "Support and feedback",
}
TIMEOUT_MS = 120_000
CORES = sorted(os.sched_getaffinity(0))  # as the bench started: `server_own_core` narrows its own

# "Drawn": the page's own title is showing, the script has finished, nothing is stale and the
# page's charts have drawn. The title tells the new page from the old one: a fast run's
# "running" and "notRunning" states can reach the browser together and never show.
DRAWN = """([title, charts]) => {
  const app = document.querySelector('[data-testid=stApp]');
  const h1 = document.querySelector('[data-testid=stMain] h1');
  return h1 !== null && h1.textContent.trim().startsWith(title)
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelectorAll('[data-stale=true]').length === 0
    && document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts;
}"""


def bench_db(source: Path, folder: Path, role: str, scope: str | None, sessions: int) -> Path:
    """A copy of `source` with the bench accounts added (through the real `seip users add` path):
    one for the single-session timings and one per concurrent session, as a meeting's governors
    each have their own (sign-ins of ONE account at once are throttled: each one still being
    checked counts against the account, docs/sign-in.md)."""
    from dashboard import auth

    db = folder / "seip.duckdb"
    shutil.copyfile(source, db)
    for name in [USER, *(f"{USER}-{i}" for i in range(1, sessions + 1))]:
        auth.add_user(db, name, role, scope, PASSWORD)
    return db


class Server:
    """`seip serve` on `db` with SEIP_AUTH=local, run from `repo`; its process tree measured by psutil."""

    def __init__(self, db: Path, repo: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # the server's own times for each page, in a file beside the warehouse it serves
        self.run_times = db.with_name(f"runs-{self.port}.jsonl")
        env = dict(os.environ, SEIP_AUTH="local", SEIP_DB=str(db), SEIP_RUN_TIMES=str(self.run_times))
        env.pop("PYTHONPATH", None)
        self.started = time.perf_counter()
        # `python -m` puts the working directory first on sys.path: `repo`'s code is served
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dashboard.cli",
                "serve",
                "--db",
                str(db),
                "--port",
                str(self.port),
                "--address",
                "127.0.0.1",
            ],
            cwd=repo,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.peak_rss = 0
        self._sampling = False

    def wait_healthy(self) -> float:
        """Seconds from the start of the process to /_stcore/health answering 200."""
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("seip serve exited before it was healthy")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return time.perf_counter() - self.started
            time.sleep(0.05)

    def _tree(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.NoSuchProcess):
            top = psutil.Process(self.proc.pid)
            return [top, *top.children(recursive=True)]
        return []

    def cpu(self) -> float:
        """CPU seconds (user + system) the server's processes have used so far."""
        total = 0.0
        for p in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def rss(self) -> int:
        total = 0
        for p in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

    def sample_rss(self) -> None:
        """Start sampling the RSS every 0.1 s into `peak_rss` until `stop_sampling`."""
        self._sampling, self.peak_rss = True, self.rss()

        def run():
            while self._sampling:
                self.peak_rss = max(self.peak_rss, self.rss())
                time.sleep(0.1)

        self._sampler = threading.Thread(target=run, daemon=True)
        self._sampler.start()

    def stop_sampling(self) -> None:
        self._sampling = False
        self._sampler.join()

    def runs(self, since: float) -> dict[str, list[float]]:
        """Seconds the server took for each page's script, from its own clock, for the runs that
        started at or after `since` (Unix time); older code that does not write them gives none."""
        out: dict[str, list[float]] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in self.run_times.read_text().splitlines():
                run = json.loads(line)
                if run["start"] >= since:
                    out.setdefault(run["page"], []).append(run["wall_s"])
        return out

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def nice_browsers(server: Server) -> None:
    """Put every process this bench started, but the server's, at the lowest CPU priority:
    Chromium and Playwright's driver (renderers started later inherit it)."""
    serving = {p.pid for p in server._tree()}
    for p in psutil.Process().children(recursive=True):
        if p.pid not in serving:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.nice(19)


def server_own_core(server: Server) -> None:
    """Pin every thread of the server's processes to the first core this bench may use, and
    every other process this bench started, with the bench itself, to the others (threads and
    processes started later inherit it)."""
    cores = CORES
    if len(cores) < 2:
        raise SystemExit("bench_browser.py: --server-own-core needs two cores or more")
    serving = {p.pid for p in server._tree()}
    for p in [psutil.Process(), *psutil.Process().children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            for thread in p.threads():
                with contextlib.suppress(ProcessLookupError):
                    os.sched_setaffinity(thread.id, cores[:1] if p.pid in serving else cores[1:])


def browser_cpu() -> float:
    """CPU seconds used so far by the Chromium processes this bench started, with those of its
    renderers that have ended (counted in the process that waited for them)."""
    total = 0.0
    for p in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "chrom" in p.name().lower():
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
    return total


async def drawn(page, url_path: str) -> None:
    await page.wait_for_function(DRAWN, arg=[TITLES[url_path], PAGES[url_path]], timeout=TIMEOUT_MS, polling=50)


async def open_form(page, base: str) -> float:
    """Open the dashboard in a fresh session; seconds until the sign-in form is shown."""
    t0 = time.perf_counter()
    await page.goto(base, timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


async def sign_in(page, user: str = USER) -> float:
    """Fill in the form and press Sign in; seconds until the Overview is drawn."""
    await page.get_by_label("Username", exact=True).fill(user)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    t0 = time.perf_counter()
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text(f"Signed in as {user}").wait_for(timeout=TIMEOUT_MS)
    await drawn(page, "overview")
    return time.perf_counter() - t0


async def switch(page, url_path: str) -> float:
    """Press the page's link (in the sidebar, or the footer's for the statement pages); seconds until it is drawn."""
    # the sidebar's links are absolute, the footer's (st.page_link) relative
    link = page.locator(f'a[href$="/{url_path}"], a[href="{url_path}"]').first
    t0 = time.perf_counter()
    await link.click()
    await page.wait_for_url(f"**/{url_path}*", timeout=TIMEOUT_MS)
    await drawn(page, url_path)
    return time.perf_counter() - t0


async def errors(page) -> int:
    return await page.locator("[data-testid=stException]").count()


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def cold_starts(browser, db: Path, repo: Path, runs: int) -> list[dict]:
    out = []
    for _ in range(runs):
        server = Server(db, repo)
        try:
            healthy = server.wait_healthy()
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            form = await open_form(page, server.base)
            overview = await sign_in(page)
            out.append(
                {
                    "healthy_s": healthy,
                    "form_s": form,
                    "overview_s": overview,
                    "server_cpu_s": server.cpu(),
                    "rss_mb": server.rss() / 2**20,
                    "errors": await errors(page),
                }
            )
            await context.close()
        finally:
            server.stop()
        print("cold start", {k: round(v, 2) for k, v in out[-1].items()}, file=sys.stderr)
    return out


async def page_rounds(browser, db: Path, repo: Path, rounds: int) -> dict:
    """One session on a fresh server through every page `rounds` times."""
    server = Server(db, repo)
    visits: dict[str, list[dict]] = {p: [] for p in PAGES}
    try:
        server.wait_healthy()
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page = await context.new_page()
        await open_form(page, server.base)
        await sign_in(page)
        order = [p for p in PAGES if p != "overview"] + ["overview"]
        for _ in range(rounds):
            for url_path in order:
                s0, b0 = server.cpu(), browser_cpu()
                try:
                    wall = await switch(page, url_path)
                except PlaywrightTimeout:  # kept as a result: the time waited, counted as an error
                    wall = TIMEOUT_MS / 1000
                    print(url_path, "not drawn in time", file=sys.stderr)
                visits[url_path].append(
                    {
                        "wall_s": wall,
                        "server_cpu_s": server.cpu() - s0,
                        "browser_cpu_s": browser_cpu() - b0,
                        "errors": await errors(page) + (wall >= TIMEOUT_MS / 1000),
                    }
                )
        await context.close()
        rss = server.rss()
    finally:
        server.stop()
    result = {}
    for url_path, vs in visits.items():
        again = vs[1:] or vs
        result[url_path] = {
            "first_s": vs[0]["wall_s"],
            "revisit_p50_s": statistics.median(v["wall_s"] for v in again),
            "revisit_server_cpu_s": statistics.median(v["server_cpu_s"] for v in again),
            "revisit_browser_cpu_s": statistics.median(v["browser_cpu_s"] for v in again),
            "first_server_cpu_s": vs[0]["server_cpu_s"],
            "first_browser_cpu_s": vs[0]["browser_cpu_s"],
            "errors": sum(v["errors"] for v in vs),
        }
        print(url_path, {k: round(v, 3) for k, v in result[url_path].items()}, file=sys.stderr)
    return {"pages": result, "rss_mb": rss / 2**20}


async def one_session(
    browser,
    base: str,
    times: dict[str, list[float]],
    failures: list[str],
    user: str = USER,
    assets: dict[str, list[str]] | None = None,
    pause: float = 0.0,
) -> None:
    """One person signing in and opening every page in a browser, staying `pause` seconds at the
    form; `assets`, when given, gets the paths of the static files the browser fetched at each step
    (for the wire sessions to fetch)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    step = [FORM]
    if assets is not None:
        context.on("request", lambda r: _static(r.url, base, assets.setdefault(step[0], [])))
    try:
        page = await context.new_page()
        times[FORM].append(await open_form(page, base))
        if pause:
            step[0] = AT_FORM
            await asyncio.sleep(pause)
        step[0] = "overview"
        times["overview"].append(await sign_in(page, user))
        for url_path in [p for p in PAGES if p != "overview"]:
            step[0] = url_path
            times[url_path].append(await switch(page, url_path))
        if await errors(page):
            failures.append("exception shown")
    except Exception as exc:  # a timeout in one session is a result, not the end of the bench
        failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


def page_times() -> dict[str, list[float]]:
    return {FORM: [], **{p: [] for p in PAGES}}


def _static(url: str, base: str, assets: list[str]) -> None:
    path = url.removeprefix(base)
    if path != url and (path == "/" or path.startswith("/static/") or path == "/favicon.png"):
        assets.append(path)


async def wire_session(
    base: str,
    assets: dict[str, list[str]],
    times: dict[str, list[float]],
    failures: list[str],
    user: str,
    fetching: dict[str, list[float]] | None = None,
    pause: float = 0.0,
) -> None:
    """One person signing in and opening every page, in Streamlit's protocol (no browser), staying
    `pause` seconds at the form; `fetching`, when given, gets the seconds each step's static files
    took (part of its time)."""
    session = WireSession(base, assets)
    try:
        times[FORM].append(await session.open())
        if pause:
            await session.wait_at_form(pause)
        times["overview"].append(await session.sign_in(user, PASSWORD))
        for url_path in [p for p in PAGES if p != "overview"]:
            times[url_path].append(await session.switch(url_path, TITLES[url_path], PAGES[url_path]))
    except Exception as exc:  # as in a browser session: a failure is a result
        failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await session.close()
        if fetching is not None:
            for step, seconds in session.fetching.items():
                fetching.setdefault(step, []).append(seconds)


def own_cpu() -> float:
    t = psutil.Process().cpu_times()
    return t.user + t.system


async def concurrent(
    browser,
    db: Path,
    repo: Path,
    k: int,
    apart: str | None = None,
    wire: bool = False,
    observer: bool = True,
    pause: float = 0.0,
) -> dict:
    """K sessions at once on a fresh server (warmed by one browser session first, as a server in
    use is); `apart`: "niced" browsers or the server on a core of its own ("own core"); `wire`:
    the K sessions in Streamlit's protocol, fetching the static files the warming browser fetched,
    one of them in a browser unless `observer` is False (then no browser shares the cores);
    `pause`: seconds each stays at the form (all press "Sign in" at the same moment after it)."""
    server = Server(db, repo)
    try:
        server.wait_healthy()
        if apart == "niced":
            nice_browsers(server)
        elif apart == "own core":
            server_own_core(server)
        assets: dict[str, list[str]] = {}
        await one_session(browser, server.base, page_times(), [], assets=assets, pause=pause)
        idle_rss = server.rss()
        times, observed, fetching = page_times(), page_times(), {}
        failures: list[str] = []
        s0, b0, c0 = server.cpu(), browser_cpu(), own_cpu()
        server.sample_rss()
        since = time.time()
        t0 = time.perf_counter()
        users = [f"{USER}-{i}" for i in range(1, k + 1)]
        if wire:  # one of the K in a browser: what a person meets while the others load the server
            watched = []
            if observer:
                watched.append(one_session(browser, server.base, observed, failures, users.pop(0), pause=pause))
            await asyncio.gather(
                *watched,
                *(wire_session(server.base, assets, times, failures, u, fetching, pause) for u in users),
            )
        else:
            await asyncio.gather(*(one_session(browser, server.base, times, failures, u, pause=pause) for u in users))
        wall = time.perf_counter() - t0
        server.stop_sampling()
        out = {
            "k": k,
            "clients": "wire" if wire else "browsers",
            "wall_s": wall,
            "server_cpu_s": server.cpu() - s0,
            "browser_cpu_s": browser_cpu() - b0,
            "bench_cpu_s": own_cpu() - c0,
            "static_files_each": sum(map(len, assets.values())),
            "assets": assets,
            "rss_idle_mb": idle_rss / 2**20,
            "rss_peak_mb": server.peak_rss / 2**20,
            "failures": failures,
            "browsers_apart": apart,
            "pages": {p: {"p50_s": pct(v, 50), "p95_s": pct(v, 95), "n": len(v)} for p, v in times.items() if v},
            "observer": {p: v[0] for p, v in observed.items() if v},
            "static_files": {p: {"p50_s": pct(v, 50), "p95_s": pct(v, 95)} for p, v in fetching.items() if v},
            "server_pages": {
                p: {"p50_s": pct(v, 50), "p95_s": pct(v, 95), "n": len(v)} for p, v in server.runs(since).items()
            },
        }
    finally:
        server.stop()
    summary = {kk: vv for kk, vv in out.items() if "pages" not in kk and kk != "assets"}
    print(f"K={k}", json.dumps(summary), file=sys.stderr)
    for p, v in out["pages"].items():
        print(f"  {p}: p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s", file=sys.stderr)
    for p, v in out["server_pages"].items():
        print(f"  server, {p}: p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s (n={v['n']})", file=sys.stderr)
    return out


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    missing = set(PAGES) - set(TITLES)
    if missing:
        raise SystemExit(f"bench_browser.py: no title for the pages {sorted(missing)}: add them to TITLES")
    # stopped with SIGTERM (timeout, kill), still stop the servers it started (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp:
        db = bench_db(Path(args.db), Path(tmp), args.role, args.scope, max(args.sessions, default=0))
        out: dict = {"load_before": os.getloadavg()}
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            if args.cold:
                out["cold"] = await cold_starts(browser, db, args.repo, args.cold)
            if args.rounds:
                out["rounds"] = await page_rounds(browser, db, args.repo, args.rounds)
            apart = "niced" if args.nice_browsers else "own core" if args.server_own_core else None
            out["sessions"] = [
                await concurrent(
                    browser, db, args.repo, k, apart, args.wire, not args.no_browser_among, args.pause_at_form
                )
                for k in args.sessions
            ]
            await browser.close()
        out["load_after"] = os.getloadavg()
    return out


def report(out: dict) -> None:
    print(f"load average before {out['load_before'][0]:.1f}, after {out['load_after'][0]:.1f}")
    if "cold" in out:
        c = out["cold"]
        for key in ("healthy_s", "form_s", "overview_s", "rss_mb"):
            vals = [r[key] for r in c]
            print(f"cold {key}: median {statistics.median(vals):.2f} (min {min(vals):.2f}, max {max(vals):.2f})")
    if "rounds" in out:
        print("page | first visit s | revisit p50 s | server CPU s (first/revisit) | browser CPU s (first/revisit)")
        for p, r in out["rounds"]["pages"].items():
            print(
                f"{p} | {r['first_s']:.2f} | {r['revisit_p50_s']:.2f} | {r['first_server_cpu_s']:.2f}/"
                f"{r['revisit_server_cpu_s']:.2f} | {r['first_browser_cpu_s']:.2f}/{r['revisit_browser_cpu_s']:.2f}"
                + (f" | {r['errors']} errors" if r["errors"] else "")
            )
    for s in out.get("sessions", []):
        worst = max(v["p95_s"] for v in s["pages"].values()) if s["pages"] else float("nan")
        client = (
            f"wire clients' CPU {s['bench_cpu_s']:.1f} s ({s['static_files_each']} static files each)"
            if s.get("clients") == "wire"
            else f"browser CPU {s['browser_cpu_s']:.1f} s"
        )
        print(
            f"K={s['k']} {s.get('clients', 'browsers')}: wall {s['wall_s']:.1f} s, worst page p95 {worst:.2f} s, "
            f"server CPU {s['server_cpu_s']:.1f} s ({s['server_cpu_s'] / s['k']:.2f} s/session), {client}, "
            f"RSS idle {s['rss_idle_mb']:.0f} MB peak {s['rss_peak_mb']:.0f} MB, failures {len(s['failures'])}"
        )
        print("   " + ", ".join(f"{p} {v['p50_s']:.2f}/{v['p95_s']:.2f}" for p, v in s["pages"].items()))
        if s.get("static_files"):
            print(
                "   of which their static files: "
                + ", ".join(f"{p} {v['p50_s']:.2f}/{v['p95_s']:.2f}" for p, v in s["static_files"].items())
            )
        if s.get("observer"):
            print(
                f"   one person in a browser among them: slowest {max(s['observer'].values()):.2f} s; "
                + ", ".join(f"{p} {v:.2f}" for p, v in s["observer"].items())
            )
        if s["server_pages"]:
            worst = max(v["p95_s"] for v in s["server_pages"].values())
            apart = f" ({s['browsers_apart']})" if s["browsers_apart"] else ""
            print(
                f"   the server's own times{apart}: worst page p95 "
                f"{worst:.2f} s; "
                + ", ".join(f"{p} {v['p50_s']:.2f}/{v['p95_s']:.2f}" for p, v in s["server_pages"].items())
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the warehouse to serve (copied; the bench user is added)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose code is served")
    parser.add_argument("--role", default="commissioner")
    parser.add_argument("--scope")
    parser.add_argument("--cold", type=int, default=3, help="cold starts to time")
    parser.add_argument("--rounds", type=int, default=5, help="rounds through every page in one session")
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 5, 10, 20])
    parser.add_argument(
        "--nice-browsers",
        action="store_true",
        help="in the sessions mode, run the browsers at the lowest CPU priority (each person's own computer)",
    )
    parser.add_argument(
        "--server-own-core",
        action="store_true",
        help="in the sessions mode, the server on the first core alone, the browsers on the others",
    )
    parser.add_argument(
        "--wire",
        action="store_true",
        help="in the sessions mode, the K sessions speak Streamlit's protocol without a browser (streamlit_wire.py)",
    )
    parser.add_argument(
        "--no-browser-among",
        action="store_true",
        help="with --wire, all K sessions in the protocol: no Chromium shares the cores while they run",
    )
    parser.add_argument(
        "--pause-at-form",
        type=float,
        default=0.0,
        metavar="S",
        help="in --sessions, each person stays S seconds at the sign-in form, as typing a name and a "
        "password takes (the form's preloading works meanwhile), then all press Sign in at once",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    if args.no_browser_among and not args.wire:
        parser.error("--no-browser-among goes with --wire")
    out = asyncio.run(run(args))
    report(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
