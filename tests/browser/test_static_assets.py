"""Streamlit's static files answered from memory after the first time (`static_assets`), on the
real server: the same bytes and headers as Streamlit's own answer, and anything but a plain GET
of one of those files left to Streamlit."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from harness import run_async
from streamlit import file_util

from dashboard.components.static_assets import (
    SIGNED_IN,
    StaticAssets,
    accepts_gzip,
    imported,
    preloads,
    static_imports,
    with_preloads,
)

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


@pytest.mark.slow
def test_a_browser_that_accepts_gzip_gets_the_file_compressed(served):
    status, headers, body = get(served + PATH, **{"Accept-Encoding": "gzip, deflate, br, zstd"})
    _, plain_headers, plain = get(served + PATH)
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain == SCRIPT.read_bytes()
    assert int(headers["content-length"]) == len(body) < len(plain) / 2
    assert headers["vary"] == plain_headers["vary"] == "Accept-Encoding"
    assert headers["etag"] == "W/" + plain_headers["etag"]
    assert "content-encoding" not in plain_headers


def http_scope(path: str, method: str = "GET", headers: list | None = None) -> dict:
    return {"type": "http", "method": method, "path": path, "headers": headers or []}


class Streamlit:
    """The app behind the middleware, counting what reaches it; answers `status` with `body`
    in two parts, as a file is sent, after `delay` seconds, with `headers` besides its own."""

    def __init__(self, status: int = 200, body: bytes = b"abcd", delay: float = 0.0, headers: list | None = None):
        self.status, self.body, self.delay, self.asked = status, body, delay, []
        self.headers = headers or []

    async def __call__(self, scope, receive, send):
        self.asked.append((scope.get("method"), scope["path"]))
        await asyncio.sleep(self.delay)
        headers = [(b"etag", b'"1"'), (b"content-length", str(len(self.body)).encode()), *self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body[:2], "more_body": True})
        await send({"type": "http.response.body", "body": self.body[2:]})


async def answered(app, scope) -> list[dict]:
    sent = []

    async def send(message):
        sent.append(message)

    await app(scope, None, send)
    return sent


def answer(app, scope) -> list[dict]:
    return run_async(answered(app, scope))


def body_of(sent: list[dict]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent[1:])


GZIP = [(b"accept-encoding", b"gzip, deflate, br, zstd")]
TEXT = b"function f() { return 1; }\n" * 40  # 1,080 bytes, compresses to about 50


def test_only_the_first_plain_get_of_a_static_file_reaches_streamlit():
    inner = Streamlit()
    app = StaticAssets(inner)
    first = answer(app, http_scope(PATH))
    again = answer(app, http_scope(PATH))
    assert inner.asked == [("GET", PATH)]
    assert first == again
    assert again[0]["status"] == 200
    assert again[0]["headers"] == [(b"etag", b'"1"'), (b"content-length", b"4"), (b"vary", b"Accept-Encoding")]
    assert again[1] == {"type": "http.response.body", "body": b"abcd"}


def test_the_compressed_copy_goes_to_a_browser_that_accepts_it():
    app = StaticAssets(Streamlit(body=TEXT))
    packed = answer(app, http_scope(PATH, headers=GZIP))
    plain = answer(app, http_scope(PATH))
    assert gzip.decompress(body_of(packed)) == body_of(plain) == TEXT
    headers = dict(packed[0]["headers"])
    assert headers[b"content-encoding"] == b"gzip" and headers[b"vary"] == b"Accept-Encoding"
    assert headers[b"content-length"] == str(len(body_of(packed))).encode() and len(body_of(packed)) < 100
    assert headers[b"etag"] == b'W/"1"'  # another representation of the file, weakly the same
    assert dict(plain[0]["headers"]) == {b"etag": b'"1"', b"content-length": b"1080", b"vary": b"Accept-Encoding"}


def test_a_file_that_does_not_compress_is_always_sent_as_it_is():
    font = next((STATIC / "static" / "media").glob("*.woff2")).read_bytes()  # compressed already
    app = StaticAssets(Streamlit(body=font))
    packed = answer(app, http_scope(PATH, headers=GZIP))
    assert b"content-encoding" not in dict(packed[0]["headers"]) and body_of(packed) == font


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        (b"gzip", True),
        (b"deflate, GZIP;q=0.5", True),
        (b"br, *", True),
        (b"x-gzip", True),
        (b"", False),
        (b"identity", False),
        (b"br, zstd", False),
        (b"gzip;q=0", False),
        (b"gzip;q=0.0, *", False),  # named, it overrules the star
        (b"*;q=0", False),
        (b"gzip;q=nonsense", False),
    ],
)
def test_accepted_encodings(accept_encoding, gzipped):
    assert accepts_gzip(accept_encoding) is gzipped


def test_requests_that_arrive_while_the_first_answer_is_made_wait_for_it():
    inner = Streamlit(body=TEXT, delay=0.05)
    app = StaticAssets(inner)

    async def five_at_once():
        return await asyncio.gather(*(answered(app, http_scope(PATH, headers=GZIP)) for _ in range(5)))

    answers = run_async(five_at_once())
    assert inner.asked == [("GET", PATH)]
    assert all(gzip.decompress(body_of(a)) == TEXT for a in answers)


def test_requests_waiting_on_an_answer_that_is_not_kept_ask_streamlit_themselves():
    inner = Streamlit(status=404, delay=0.05)
    app = StaticAssets(inner)

    async def three_at_once():
        return await asyncio.gather(*(answered(app, http_scope(PATH)) for _ in range(3)))

    answers = run_async(three_at_once())
    assert len(inner.asked) == 3 and app.kept == {} and app.filling == {}
    assert all(a[0]["status"] == 404 and body_of(a) == b"abcd" for a in answers)


@pytest.mark.parametrize(
    "scope",
    [
        http_scope(PATH, method="HEAD"),
        http_scope(PATH, headers=[(b"range", b"bytes=0-1")]),
        http_scope(PATH, headers=[(b"if-none-match", b'"1"')]),
        http_scope(PATH, headers=[(b"if-modified-since", b"Wed, 02 Dec 2026 21:33:47 GMT")]),
        http_scope("/static/js/../../index.html"),  # not a file of the folder as named
        http_scope("/"),  # the page itself: no-cache, and it sets the browser's cookie
        http_scope("/policy-impact"),  # the same page at a page's own address
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


# ---------------------------------------------------------------- preloading at the sign-in form

PAGE = (STATIC / "index.html").read_bytes()
JS = STATIC / "static" / "js"
HTML = [(b"content-type", b"text/html; charset=utf-8")]


def preloaded(page: bytes) -> list[str]:
    """The script names the preloading script in `page` asks for."""
    names = re.search(rb"for\(const name of (\[.*?\])\)", page)
    return json.loads(names.group(1)) if names else []


def test_static_imports_in_the_order_named_each_keyword_a_word_of_its_own():
    script = b'import"./a.1.js";import{x}from "./b.2.js";reimport"./c.3.js";const y=xfrom"./d.4.js";import"./e.5.js"'
    assert static_imports(script) == ["a.1.js", "b.2.js", "e.5.js"]
    assert static_imports(b'from"./f.6.js"') == ["f.6.js"]  # at the very start


def test_imported_follows_static_imports_not_dynamic_ones(tmp_path):
    (tmp_path / "a.1.js").write_text('import{x as y}from"./b.2.js";import"./c.3.js";const l=()=>import("./d.4.js")')
    (tmp_path / "b.2.js").write_text('import{z}from"./c.3.js";export const x=1')
    (tmp_path / "c.3.js").write_text("export const z=1")
    (tmp_path / "d.4.js").write_text('import"./e.5.js"')
    assert imported(tmp_path, ["a.1.js"]) == ["a.1.js", "b.2.js", "c.3.js"]
    assert imported(tmp_path, ["d.4.js", "missing.6.js"]) == ["d.4.js"]


def test_the_page_preloads_what_the_signed_in_pages_need_and_it_does_not_load_itself():
    names = preloaded(with_preloads(PAGE, STATIC))
    assert names == preloads(PAGE, STATIC)
    own = set(imported(JS, re.findall(r'"\./static/js/([^"/]+\.js)"', PAGE.decode())))
    # this version of Streamlit names each component's script after it: an upgrade that does
    # not fails here rather than silently preloading nothing
    for component in SIGNED_IN:
        assert [n for n in names if n.split(".")[0] == component and n.count(".") == 2], component
    assert all((JS / n).is_file() for n in names) and len(names) == len(set(names))
    assert not own & set(names)
    assert set(imported(JS, names)) - own == set(names)  # nothing they import is left out


def test_streamlits_page_goes_with_the_preloading_script_and_its_own_length():
    app = StaticAssets(Streamlit(body=PAGE, headers=HTML))
    sent = answer(app, http_scope("/"))
    body = body_of(sent)
    assert body == with_preloads(PAGE, STATIC) and len(preloaded(body)) > 20
    assert body.replace(body[body.index(b"<script>(()") : body.index(b"</head>")], b"") == PAGE
    headers = dict(sent[0]["headers"])
    assert headers[b"content-length"] == str(len(body)).encode() and headers[b"etag"] == b'"1"'
    head = answer(app, http_scope("/overview", method="HEAD"))
    assert dict(head[0]["headers"])[b"content-length"] == str(len(body)).encode()


def test_streamlits_page_compressed_goes_compressed_with_the_script():
    packed = gzip.compress(PAGE)
    app = StaticAssets(Streamlit(body=packed, headers=[*HTML, (b"content-encoding", b"gzip")]))
    sent = answer(app, http_scope("/school-view"))
    assert gzip.decompress(body_of(sent)) == with_preloads(PAGE, STATIC)
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body_of(sent))).encode()


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (200, b"<html><head></head><body>another page</body></html>", HTML),  # not Streamlit's page
        (404, PAGE, HTML),
        (200, PAGE, [(b"content-type", b"text/plain")]),
    ],
)
def test_every_other_answer_goes_as_it_came(status, body, headers):
    sent = answer(StaticAssets(Streamlit(status=status, body=body, headers=headers)), http_scope("/x"))
    assert sent[0]["status"] == status and body_of(sent) == body
    assert dict(sent[0]["headers"])[b"content-length"] == str(len(body)).encode()
