"""Streamlit's own static files (its scripts, styles and fonts) answered from memory, compressed.

The files under Streamlit's `static/` folder are named by a hash of their content and do not
change while a version is installed. Streamlit serves each from disk through Starlette's
StaticFiles: a stat, an open and every read in a worker thread, about 1.3 ms of the server's
CPU a file, and never compressed (Streamlit leaves that to a proxy in front, since compressing
on every request would cost CPU each time). A browser's first visit fetches about 160 of them,
10 MB, plotly's script 4.6 MB of it: twenty people opening the link together asked the server
for 200 MB over 3,000 requests (bench/README.md).

`StaticAssets`, an ASGI middleware in front of Streamlit's, lets Streamlit answer the first
plain GET of each such file, keeps the answer (status 200: its headers and body) and a gzip copy
of the body, made once, when it is smaller, and answers every plain GET of the file from them: the
gzip copy to a browser that accepts it (every browser does: 10 MB becomes 3.2 MB), with
`Content-Encoding: gzip`, its own length and a weak ETag, as a proxy would. Both say
`Vary: Accept-Encoding`. While the first answer is being made, other requests for the same file
wait for it rather than asking Streamlit again. Any other request, including conditional and
ranged ones, HEAD, and any path that is not one of those files, goes on to Streamlit unchanged.
What it holds is bounded by the folder (about 25 MB, and its compressed copies), read only as
files are asked for.

It also puts a small script into Streamlit's page (`index.html`, the answer for `/` and for every
page's own address) that preloads the scripts of the components every page after signing in
draws (charts, their tables, headline figures and filters: 55 files, 6.6 MB, plotly's among
them) and the scripts they import, as soon as the person is at the sign-in form (its first
focus, or 3 s after the page has loaded). The browser fetches and compiles them while the name
and password are typed and checked, so pressing "Sign in" no longer starts the biggest fetch
and compile of the visit. Preloading them with the page itself made the form 0.5 s slower to
show; started at the form it does not (bench/README.md). Only that exact page is changed; any
other answer passes as it came.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

# a browser asking for part of a file, or whether its copy is still good, gets Streamlit's answer
_PASSED_ON = {b"range", b"if-none-match", b"if-modified-since", b"if-range", b"if-match"}
# zlib's default level: plotly's script to 29% of its size in 0.15 s, once per file
_LEVEL = 6
# a compressed copy is kept only when it saves at least this share (fonts and images do not)
_WORTH_KEEPING = 0.9


# The components every page after signing in draws: its charts, their tables, the headline figures
# and the filters, and the switches (st.toggle) of four pages of nine, Policy impact among them
# (Streamlit's script for each is named after it, then a hash of its content).
SIGNED_IN = ("PlotlyChart", "DataFrame", "Metric", "Selectbox", "Checkbox")
# their preloading starts at the form's first focus, or this long after the page has loaded
PRELOAD_AFTER_LOAD_MS = 3000
# a bundled script's static imports, `import{a as b}from"./x.js"` or `import"./x.js"` (a dynamic
# `import("./x.js")` is fetched only when needed, so it is not followed): one pattern per keyword,
# each starting with its word, which the regex engine finds by a plain search; one pattern with
# both words behind a word boundary tried a match at every byte (0.3 s for Streamlit's 10 MB of
# scripts, where these take 0.04 s, before the server says it is healthy)
_STATIC_IMPORTS = (re.compile(rb'from\s*"\./([^"/]+\.js)"'), re.compile(rb'import\s*"\./([^"/]+\.js)"'))
_WORD = re.compile(rb"\w")


@dataclass(frozen=True)
class Kept:
    """Streamlit's 200 answer for one file: its start message and body, and the same compressed."""

    start: dict
    body: bytes
    gzip_start: dict | None
    gzip_body: bytes | None


def _static_files(base_url: str) -> set[str]:
    """The URL paths of the files in Streamlit's static folder (under `base_url`, if set)."""
    from streamlit import file_util

    root = Path(file_util.get_static_dir())
    prefix = "/" + base_url.strip("/") if base_url.strip("/") else ""
    return {f"{prefix}/{p.relative_to(root).as_posix()}" for p in (root / "static").rglob("*") if p.is_file()}


def static_imports(script: bytes) -> list[str]:
    """The scripts `script` imports statically, in the order it names them (each keyword a word
    of its own: not the end of a longer name)."""
    found = [
        (m.start(), m.group(1).decode())
        for pattern in _STATIC_IMPORTS
        for m in pattern.finditer(script)
        if m.start() == 0 or not _WORD.match(script, m.start() - 1)
    ]
    return [name for _, name in sorted(found)]


def imported(js: Path, names: list[str]) -> list[str]:
    """The scripts `names` in the folder `js` and every script they import statically, in the
    order first met (a name not in the folder: left out)."""
    found: list[str] = []
    todo = list(reversed(names))
    while todo:
        name = todo.pop()
        if name in found or not (js / name).is_file():
            continue
        found.append(name)
        todo += reversed(static_imports((js / name).read_bytes()))
    return found


def preloads(page: bytes, static_dir: Path) -> list[str]:
    """The scripts the SIGNED_IN components need which Streamlit's `page` does not load itself."""
    js = static_dir / "static" / "js"
    own = set(imported(js, [m.decode() for m in re.findall(rb'"\./static/js/([^"/]+\.js)"', page)]))
    # each component's own script: its name, a dot, a hash of its content (no dot), ".js"
    roots = [p.name for root in SIGNED_IN for p in sorted(js.glob(f"{root}.*.js")) if p.name.count(".") == 2]
    return [name for name in imported(js, roots) if name not in own]


def with_preloads(page: bytes, static_dir: Path) -> bytes:
    """Streamlit's `page` with a script, before `</head>`, that preloads each of `preloads` once
    the person is at the form: its first focus, or PRELOAD_AFTER_LOAD_MS after the page has
    loaded, so that they never hold up the form's own scripts (`page` unchanged without `</head>`)."""
    script = (
        "<script>(()=>{let done=false;const go=()=>{if(done)return;done=true;"
        f"for(const name of {json.dumps(preloads(page, static_dir))})"
        "{const link=document.createElement('link');link.rel='modulepreload';link.crossOrigin='';"
        "link.href='./static/js/'+name;document.head.append(link)}};"
        "addEventListener('focusin',go,{once:true});"
        f"addEventListener('load',()=>setTimeout(go,{PRELOAD_AFTER_LOAD_MS}),{{once:true}})}})()</script>"
    )
    return page.replace(b"</head>", script.encode() + b"</head>", 1)


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3: named or `*`, with q > 0;
    a coding it names itself overrules `*`)."""
    weights: dict[str, float] = {}
    for item in accept_encoding.decode("latin-1").lower().split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[coding.strip()] = quality
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def _kept(start: dict, body: bytes) -> Kept:
    """The answer `start`, `body` as kept: both say it varies by Accept-Encoding; with the
    compressed copy when that is worth sending."""
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"vary"] + [(b"vary", b"Accept-Encoding")]
    plain = dict(start, headers=headers)
    packed = gzip.compress(body, compresslevel=_LEVEL, mtime=0)
    if len(packed) > _WORTH_KEEPING * len(body):
        return Kept(plain, body, None, None)
    gz_headers = []
    for name, value in headers:
        if name.lower() == b"content-length":
            value = str(len(packed)).encode()
        elif name.lower() == b"etag" and not value.startswith(b"W/"):
            value = b"W/" + value  # another representation of the same file: weakly the same
        gz_headers.append((name, value))
    return Kept(plain, body, dict(start, headers=[*gz_headers, (b"content-encoding", b"gzip")]), packed)


class StaticAssets:
    """ASGI middleware: Streamlit's hashed static files, each answered once by Streamlit and
    then from memory, compressed for browsers that accept it."""

    def __init__(self, app, base_url: str = "") -> None:
        from streamlit import file_util

        self.app = app
        self.files = _static_files(base_url)
        static_dir = Path(file_util.get_static_dir())
        self.page = (static_dir / "index.html").read_bytes()
        self.page_preloading = with_preloads(self.page, static_dir)
        self.page_preloading_gzip = gzip.compress(self.page_preloading, compresslevel=_LEVEL, mtime=0)
        self.kept: dict[str, Kept] = {}
        self.filling: dict[str, asyncio.Event] = {}  # path -> set once its first answer is in

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and path not in self.files:
            await self.app(scope, receive, self._preloading(scope["method"], send))
            return
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or path not in self.files
            or any(name in _PASSED_ON for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        kept = self.kept.get(path) or await self._fill(path, scope, receive, send)
        if kept is None:
            return  # Streamlit's own answer, not a 200, has been sent
        accept = b",".join(v for k, v in scope["headers"] if k == b"accept-encoding")
        if kept.gzip_body is not None and accepts_gzip(accept):
            await send(kept.gzip_start)
            await send({"type": "http.response.body", "body": kept.gzip_body})
        else:
            await send(kept.start)
            await send({"type": "http.response.body", "body": kept.body})

    def _preloading(self, method: str, send):
        """`send`, but Streamlit's page (a 200 answer of `index.html`, compressed or not) goes
        with the preloading script in it; every other answer goes as it comes."""
        held: list[dict] = []

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message["headers"]}
                if message["status"] == 200 and headers.get(b"content-type", b"").startswith(b"text/html"):
                    if method == "HEAD":  # no body to look at: the page's own length says it
                        message = self._page_start(message, self.page, self.page_preloading)
                    else:
                        held.append(message)
                        return
            elif held:
                held.append(message)
                if message.get("more_body"):
                    return
                start, body = held[0], b"".join(m.get("body", b"") for m in held[1:])
                held.clear()
                packed = any(k.lower() == b"content-encoding" and v == b"gzip" for k, v in start["headers"])
                if packed and gzip.decompress(body) == self.page:
                    start, body = self._page_start(start, body, self.page_preloading_gzip), self.page_preloading_gzip
                elif not packed and body == self.page:
                    start, body = self._page_start(start, body, self.page_preloading), self.page_preloading
                await send(start)
                message = {"type": "http.response.body", "body": body}
            await send(message)

        return sending

    @staticmethod
    def _page_start(start: dict, was: bytes, now: bytes) -> dict:
        """`start` for the body `now` in place of `was`: its length changed, when it says `was`'s."""
        headers = [
            (k, str(len(now)).encode() if k.lower() == b"content-length" and v == str(len(was)).encode() else v)
            for k, v in start["headers"]
        ]
        return dict(start, headers=headers)

    async def _fill(self, path: str, scope, receive, send) -> Kept | None:
        """Ask Streamlit for `path` once and keep its answer; None when the answer was not a
        whole 200 and has been passed on as it came."""
        waiting = self.filling.get(path)
        if waiting is not None:
            await waiting.wait()
            if path in self.kept:
                return self.kept[path]
            await self.app(scope, receive, send)
            return None
        self.filling[path] = done = asyncio.Event()
        try:
            messages: list[dict] = []

            async def hold(message) -> None:
                messages.append(message)

            await self.app(scope, receive, hold)
            start, rest = (messages[0], messages[1:]) if messages else ({}, [])
            if start.get("status") != 200 or any(m["type"] != "http.response.body" for m in rest):
                for message in messages:
                    await send(message)
                return None
            kept = await asyncio.to_thread(_kept, start, b"".join(m.get("body", b"") for m in rest))
            self.kept[path] = kept
            return kept
        finally:
            del self.filling[path]
            done.set()


def middleware():
    """`StaticAssets` under the server's base URL, as the server puts it in front of Streamlit's
    (`launch`, once the command line's options are in the config)."""
    from starlette.middleware import Middleware
    from streamlit import config

    return Middleware(StaticAssets, base_url=config.get_option("server.baseUrlPath") or "")
