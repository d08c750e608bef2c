"""A session of the dashboard spoken in Streamlit's own protocol, without a browser: what a
person's browser asks of the server and receives, with none of its drawing.

`bench_browser.py --wire` runs K of these at once, so that twenty people can be measured on
a machine that cannot also run twenty Chromiums. Each one does what the browser does:

- fetches the static files a real Chromium fetched at each step, at the same step (`assets`:
  the page and its scripts before the sign-in form, plotly's once the first chart arrives...),
  six at a time as a browser does, with curl (a client in C: a Python one spent twice the time
  of the server's sending on reading the bytes, and shared the bench's interpreter);
- opens the websocket (`/_stcore/stream`, subprotocol "streamlit") and sends `BackMsg`s:
  the first run, the sign-in form sent with its fields filled in, a page chosen in the sidebar;
- keeps the messages the server marks cacheable and tells it which it holds on every rerun,
  expiring them after `global.maxCachedMessageAge` (2) runs unused, as the browser's cache does,
  so that the server sends references rather than the same figures again;
- waits for the run's `script_finished` (FINISHED_SUCCESSFULLY): everything the page shows
  has arrived, its charts' figures among them.

A run is checked as the browser bench checks a drawn page: its title (the first h1), at least
the page's number of plotly charts, and no exception element.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FORM = "sign-in form"  # the first step: from opening the address to the form shown
AT_FORM = "at the form"  # what the browser fetches while the person types (the form's preloading)
CONNECTIONS = 6  # a browser's connections to one host over HTTP/1.1, fetching static files
MAX_CACHED_AGE = 2  # streamlit's global.maxCachedMessageAge: runs a cached message is kept unused
FINISHED = ForwardMsg.ScriptFinishedStatus
TEXT_FIELDS = ("markdown", "heading", "text", "alert")


class RunFailed(RuntimeError):
    """The server ended a run without finishing it, or showed something else than was asked for."""


@dataclass
class Run:
    """What one script run sent: its first h1, its texts, its charts, its widgets and errors."""

    title: str | None = None
    texts: list[str] = field(default_factory=list)
    charts: int = 0
    exceptions: list[str] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)  # text input's label -> widget id
    buttons: dict[str, str] = field(default_factory=dict)  # form submit button's label -> widget id
    bytes: int = 0

    def take(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "plotly_chart":
            self.charts += 1
        elif kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "text_input":
            self.inputs[element.text_input.label] = element.text_input.id
        elif kind == "button" and element.button.is_form_submitter:
            self.buttons[element.button.label] = element.button.id
        elif kind in TEXT_FIELDS:
            body = getattr(element, kind).body
            self.texts.append(body)
            if kind == "heading" and element.heading.tag == "h1" and self.title is None:
                self.title = body

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts)


class WireSession:
    """One person's session: `open`, `sign_in`, `switch`, each returning the seconds it took."""

    def __init__(self, base: str, assets: dict[str, list[str]] | None = None):
        self.base = base
        self.assets = assets or {}  # step (FORM or a page's url path) -> static files' paths
        self.fetching: dict[str, float] = {}  # step -> seconds its static files took
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the navigation message
        self.cache: dict[str, ForwardMsg] = {}
        self.unused: dict[str, int] = {}  # hash -> runs finished since it was last used
        self.received = 0  # bytes over the websocket
        self.run = Run()
        self.ws = None

    async def open(self) -> float:
        """Load the page and its static files, connect and run the first page; seconds until
        the sign-in form has arrived."""
        t0 = time.perf_counter()
        await self._fetch(FORM)
        ws_url = re.sub(r"^http", "ws", self.base) + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60)
        await self._rerun("")
        if "Sign in" not in self.run.buttons:
            raise RunFailed(f"no sign-in form: {self.run.title!r}")
        return time.perf_counter() - t0

    async def wait_at_form(self, seconds: float) -> None:
        """Stay at the form for `seconds`, as a person typing a name and password does, fetching
        meanwhile what the browser fetched there (the scripts the form preloads)."""
        t0 = time.perf_counter()
        await self._fetch(AT_FORM)
        await asyncio.sleep(max(0.0, seconds - (time.perf_counter() - t0)))

    async def sign_in(self, user: str, password: str, then: str = "Overview") -> float:
        """Send the form filled in; seconds until the page `then` has arrived, signed in."""
        widgets = [
            WidgetState(id=self.run.inputs["Username"], string_value=user),
            WidgetState(id=self.run.inputs["Password"], string_value=password),
            WidgetState(id=self.run.buttons["Sign in"], trigger_value=True),
        ]
        t0 = time.perf_counter()
        await asyncio.gather(self._rerun("", widgets), self._fetch("overview"))
        elapsed = time.perf_counter() - t0
        if not self.run.shows(f"Signed in as **{user}**"):
            raise RunFailed(f"not signed in as {user}: {self.run.title!r}, {self.run.texts[:3]}")
        self._expect(then, 0)
        return elapsed

    async def switch(self, url_path: str, title: str, charts: int) -> float:
        """Choose the page in the sidebar; seconds until it has arrived."""
        t0 = time.perf_counter()
        await asyncio.gather(self._rerun(url_path, page_script_hash=self.pages[url_path]), self._fetch(url_path))
        elapsed = time.perf_counter() - t0
        self._expect(title, charts)
        return elapsed

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _fetch(self, step: str) -> None:
        """GET the step's static files as a browser with an empty cache does (gzip accepted,
        CONNECTIONS at a time); a file that does not arrive whole is a failed run."""
        paths = self.assets.get(step, [])
        if not paths:
            return
        t0 = time.perf_counter()
        asked = "".join(f'url = "{self.base}{path}"\noutput = "/dev/null"\n' for path in paths)
        curl = await asyncio.create_subprocess_exec(
            "curl",
            "--silent",
            "--fail",
            "--compressed",
            "--parallel",
            "--parallel-max",
            str(CONNECTIONS),
            "--write-out",
            "%{http_code}\n",
            "--config",
            "-",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        answers, _ = await curl.communicate(asked.encode())
        self.fetching[step] = time.perf_counter() - t0
        codes = answers.decode().split()
        if curl.returncode != 0 or codes != ["200"] * len(paths):
            raise RunFailed(f"{step}: static files not fetched (curl exit {curl.returncode}, answers {set(codes)})")

    def _expect(self, title: str, charts: int) -> None:
        if self.run.exceptions:
            raise RunFailed(f"{title}: exception shown: {self.run.exceptions[0][:200]}")
        if not (self.run.title or "").startswith(title):
            raise RunFailed(f"asked for {title!r}, {self.run.title!r} arrived")
        if self.run.charts < charts:
            raise RunFailed(f"{title}: {self.run.charts} charts arrived, at least {charts} expected")

    async def _rerun(self, url_path: str, widgets: list[WidgetState] = (), page_script_hash: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_script_hash = page_script_hash
        state.page_name = url_path
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(self.cache)
        state.context_info.url = f"{self.base}/{url_path}"
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        await self.ws.send(msg.SerializeToString())
        await self._until_finished()

    async def _until_finished(self) -> None:
        """Read the server's messages until the run finishes; a page switched to by the script
        (st.switch_page) is a new run on the same request, followed to its end."""
        while True:
            frame = await self.ws.recv()
            self.received += len(frame)
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            if msg.WhichOneof("type") == "ref_hash":
                self.unused[msg.ref_hash] = 0
                msg = self.cache[msg.ref_hash]
            elif msg.metadata.cacheable:
                self.cache[msg.hash], self.unused[msg.hash] = msg, 0
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.run = Run()
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self.run.take(msg.delta.new_element)
                self.run.bytes += len(frame)
            elif kind == "script_finished":
                if msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    raise RunFailed("the script did not compile")
                if msg.script_finished == FINISHED.FINISHED_SUCCESSFULLY:
                    self._age_cache()
                    return

    def _age_cache(self) -> None:
        for h in list(self.unused):
            self.unused[h] += 1
            if self.unused[h] > MAX_CACHED_AGE:
                del self.unused[h], self.cache[h]
