"""Streamlit's static files answered from memory after the first time (`static_assets`), on the
real server: the same bytes and headers as Streamlit's own answer, and anything but a plain GET
of one of those files left to Streamlit."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from harness import run_async
from streamlit import file_util

from dashboard.components.static_assets import StaticAssets

STATIC = Path(file_util.get_static_dir())
SCRIPT = next((STATIC / "static" / "js").glob("index.*.js"))
PATH = "/static/js/" + SCRIPT.name


def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


@pytest.mark.slow
def test_a_static_file_asked_for_again_is_the_same_answer(served):
    status1, headers1, body1 = get(served + PATH)
    status2, headers2, body2 = get(served + PATH)
    assert status1 == status2 == 200
    assert body1 == body2 == SCRIPT.read_bytes()
    keep = ("content-type", "content-length", "etag", "last-modified", "cache-control")
    assert {k: headers1[k] for k in keep} == {k: headers2[k] for k in keep}
    assert headers2["cache-control"] == "public, immutable, max-age=31536000"


@pytest.mark.slow
def test_ranged_and_conditional_requests_get_streamlits_own_answer(served):
    _, headers, _ = get(served + PATH)
    status, _, body = get(served + PATH, Range="bytes=0-99")
    assert status == 206 and body == SCRIPT.read_bytes()[:100]
    status, _, body = get(served + PATH, **{"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def http_scope(path: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"type": "http", "method": method, "path": path, "headers": headers or []}


class Streamlit:
    """The app behind the middleware, counting what reaches it; answers `status` with a body
    in two parts, as a file is sent."""

    def __init__(self, status: int = 200):
        self.status, self.asked = status, []

    async def __call__(self, scope, receive, send):
        self.asked.append((scope.get("method"), scope["path"]))
        await send({"type": "http.response.start", "status": self.status, "headers": [(b"etag", b'"1"')]})
        await send({"type": "http.response.body", "body": b"ab", "more_body": True})
        await send({"type": "http.response.body", "body": b"cd"})


def answer(app, scope) -> list[dict]:
    sent = []

    async def send(message):
        sent.append(message)

    run_async(app(scope, None, send))
    return sent


def test_only_the_first_plain_get_of_a_static_file_reaches_streamlit():
    inner = Streamlit()
    app = StaticAssets(inner)
    first = answer(app, http_scope(PATH))
    again = answer(app, http_scope(PATH))
    assert inner.asked == [("GET", PATH)]
    assert again[0]["status"] == 200 and again[0]["headers"] == [(b"etag", b'"1"')]
    assert again[1] == {"type": "http.response.body", "body": b"abcd"}
    assert b"".join(m.get("body", b"") for m in first[1:]) == b"abcd"


@pytest.mark.parametrize(
    "scope",
    [
        http_scope(PATH, method="HEAD"),
        http_scope(PATH, headers=[(b"range", b"bytes=0-1")]),
        http_scope(PATH, headers=[(b"if-none-match", b'"1"')]),
        http_scope(PATH, headers=[(b"if-modified-since", b"Wed, 02 Dec 2026 21:33:47 GMT")]),
        http_scope("/static/js/../../index.html"),  # not a file of the folder as named
        http_scope("/"),  # the page itself: no-cache, and it sets the browser's cookie
        http_scope("/media/abc.csv"),  # downloads (pupil files among them) are never kept
        {"type": "websocket", "path": PATH, "headers": []},
    ],
)
def test_anything_else_always_reaches_streamlit(scope):
    inner = Streamlit()
    app = StaticAssets(inner)
    answer(app, scope)
    answer(app, scope)
    assert len(inner.asked) == 2


def test_an_answer_that_is_not_a_200_is_not_kept():
    inner = Streamlit(status=404)
    app = StaticAssets(inner)
    answer(app, http_scope(PATH))
    answer(app, http_scope(PATH))
    assert len(inner.asked) == 2 and app.kept == {}


def test_under_a_base_url_the_files_are_known_by_their_full_path():
    inner = Streamlit()
    app = StaticAssets(inner, base_url="/seip/")
    answer(app, http_scope("/seip" + PATH))
    answer(app, http_scope("/seip" + PATH))
    answer(app, http_scope(PATH))
    assert inner.asked == [("GET", "/seip" + PATH), ("GET", PATH)]
