"""Pupil-level files that only the signed-in session that clicked can fetch, once (issue 9, item 5).

Streamlit serves a download at a `/media/<id>` URL that anyone who has the URL can fetch until
its clean-up, with or without a session. `seip serve` runs Streamlit in this process and puts
`PupilFileGate` in front of its web server (`middleware`, put there by `launch`). The gate

- gives every browser that loads a page a random, HttpOnly cookie (`COOKIE`, which page scripts
  cannot read), so the session opened from that page knows it (`st.context.cookies`);
- serves a pupil file's URL only to a request carrying the cookie of the session that clicked,
  while that session is open and signed in, within PUPIL_FILE_SECONDS of the click, and only
  once: the file is deleted from the media store as it is handed over. Anything else gets 404.

Without the gate (a plain `streamlit run`, AppTest) no pupil file is offered at all.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from streamlit import runtime
from streamlit.runtime import memory_media_file_storage

COOKIE = "seip_browser"
MIME = "text/csv"
# How long a pupil-level file made by a click can be fetched: long enough for the browser to
# save it, short enough that nothing is left lying about.
PUPIL_FILE_SECONDS = 10.0
_MEDIA_PATH = re.compile(r"/media/([0-9A-Za-z_-]+)\.[a-z0-9]+$")


@dataclass(frozen=True)
class _Pending:
    browser: str  # the COOKIE value of the session that clicked
    session_id: str
    until: float


_pending: dict[str, _Pending] = {}  # media file id -> who may fetch it, until when
_lock = threading.Lock()
_installed = False


def middleware():
    """The gate, as the server puts it in front of Streamlit's (`launch`); from then on it is in place."""
    global _installed
    from starlette.middleware import Middleware

    _installed = True
    return Middleware(PupilFileGate)


def browser_token(cookies) -> str | None:
    """This session's COOKIE value when the gate is in place, else None (offer no pupil file)."""
    token = cookies.get(COOKIE) if _installed else None
    return token if token and len(token) >= 32 else None


def hand_over(data: bytes, file_name: str, browser: str, session_id: str) -> bytes:
    """Register `data` (about to be stored by Streamlit as `file_name`) as a pupil file for the
    session `session_id` of browser `browser`, dropped PUPIL_FILE_SECONDS from now; return it."""
    file_id = memory_media_file_storage._calculate_file_id(data, MIME, file_name)
    with _lock:
        _pending[file_id] = _Pending(browser, session_id, time.monotonic() + PUPIL_FILE_SECONDS)
    timer = threading.Timer(PUPIL_FILE_SECONDS, _expire, args=(file_id,))
    timer.daemon = True
    timer.start()
    return data


def revoke(session_id: str) -> None:
    """Drop every pupil file of session `session_id` not yet fetched (at sign-out or time-out)."""
    with _lock:
        gone = [file_id for file_id, p in _pending.items() if p.session_id == session_id]
    for file_id in gone:
        _expire(file_id)


def _expire(file_id: str) -> None:
    with _lock:
        _pending.pop(file_id, None)
        _delete(file_id)


def _delete(file_id: str) -> None:
    """Delete a stored download, so its URL stops working. Streamlit keeps a file made by a
    download callable until two later clean-ups find no session using it and offers no call
    to drop one file, so this uses its in-memory store's own delete."""
    manager = runtime.get_instance().media_file_mgr
    if not manager.can_read_files:
        return
    with manager._lock:
        if file_id in manager._file_metadata:
            manager._delete_file(file_id)


def _claim(file_id: str, browser: str | None) -> Response:
    """The file for its own session's browser, once; 404 for anyone else or any later try."""
    refused = PlainTextResponse("Not found: a pupil-level file is fetched once, by the session that made it.", 404)
    with _lock:
        pending = _pending.get(file_id)
        if (
            pending is None
            or browser is None
            or not secrets.compare_digest(pending.browser, browser)
            or time.monotonic() > pending.until
            or not runtime.get_instance().is_active_session(pending.session_id)
        ):
            return refused
        stored = runtime.get_instance().media_file_mgr.read_file(file_id)
        if stored is None:
            return refused
        del _pending[file_id]
        _delete(file_id)
    return Response(
        stored.content,
        media_type=MIME,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "Cache-Control": "no-store",
        },
    )


def _answer(file_id: str, browser: str | None, method: str, headers) -> Response:
    """What a request for a pupil file gets. Streamlit's page fetches a download's URL to check
    it (`fetch`: Sec-Fetch-Mode cors) at the same moment as it follows it to save the file (a
    navigation): the check, from the right browser, gets an empty 200 and leaves the one fetch
    for the navigation (or a client that sends no Sec-Fetch-Mode). HEAD and anyone else: 404."""
    mode = headers.get("sec-fetch-mode")
    if method != "GET":
        return Response(status_code=404)
    if mode not in (None, "navigate"):
        with _lock:
            pending = _pending.get(file_id)
            ours = pending is not None and browser is not None and secrets.compare_digest(pending.browser, browser)
        return Response(status_code=200 if ours else 404, headers={"Cache-Control": "no-store"})
    return _claim(file_id, browser)


class PupilFileGate:
    """ASGI middleware: the browser cookie on pages, and pupil files only to their own session."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        browser = request.cookies.get(COOKIE)
        found = _MEDIA_PATH.search(scope["path"])
        if found and found.group(1) in _pending:
            await _answer(found.group(1), browser, scope["method"], request.headers)(scope, receive, send)
            return
        if browser:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append(
                        "set-cookie", f"{COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; SameSite=Lax"
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
