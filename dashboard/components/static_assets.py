"""Streamlit's own static files (its scripts, styles and fonts) answered from memory.

The files under Streamlit's `static/` folder are named by a hash of their content and do not
change while a version is installed. Streamlit serves each from disk through Starlette's
StaticFiles: a stat, an open and every read in a worker thread, about 1.3 ms of the server's
CPU a file. A browser's first visit fetches about 160 of them, so twenty people opening the
link together queued over 3,000 behind the server's one event loop (2.4 s, bench/README.md).

`StaticAssets`, an ASGI middleware in front of Streamlit's, lets Streamlit answer the first
plain GET of each such file, keeps the answer (status 200: its headers and body) and sends
the same answer to later plain GETs of it in two messages. Any other request, including
conditional and ranged ones, HEAD, and any path that is not one of those files, goes on to
Streamlit unchanged. What it holds is bounded by the folder (about 25 MB), read only as
files are asked for.
"""

from __future__ import annotations

from pathlib import Path

# a browser asking for part of a file, or whether its copy is still good, gets Streamlit's answer
_PASSED_ON = {b"range", b"if-none-match", b"if-modified-since", b"if-range", b"if-match"}


def _static_files(base_url: str) -> set[str]:
    """The URL paths of the files in Streamlit's static folder (under `base_url`, if set)."""
    from streamlit import file_util

    root = Path(file_util.get_static_dir())
    prefix = "/" + base_url.strip("/") if base_url.strip("/") else ""
    return {f"{prefix}/{p.relative_to(root).as_posix()}" for p in (root / "static").rglob("*") if p.is_file()}


class StaticAssets:
    """ASGI middleware: Streamlit's hashed static files, each answered once by Streamlit and
    then from memory."""

    def __init__(self, app, base_url: str = "") -> None:
        self.app = app
        self.files = _static_files(base_url)
        self.kept: dict[str, tuple[dict, bytes]] = {}  # path -> (the response's start message, its body)

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or path not in self.files
            or any(name in _PASSED_ON for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        kept = self.kept.get(path)
        if kept is not None:
            start, body = kept
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def keep(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    self.kept[path] = (dict(start, headers=list(start["headers"])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, keep)


def middleware():
    """`StaticAssets` under the server's base URL, as the server puts it in front of Streamlit's
    (`launch`, once the command line's options are in the config)."""
    from starlette.middleware import Middleware
    from streamlit import config

    return Middleware(StaticAssets, base_url=config.get_option("server.baseUrlPath") or "")
