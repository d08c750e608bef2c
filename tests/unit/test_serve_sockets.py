"""The server's connections send at once (`launch._without_nagle`): Streamlit binds its listening
socket without the TCP protocol number, so asyncio leaves Nagle's algorithm on what it accepts,
and each answer's second write waited 40 ms for the browser's delayed acknowledgement."""

from __future__ import annotations

import socket

import pytest
from streamlit.web.server.starlette import starlette_server

from dashboard.components import launch


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture
def bind(monkeypatch):
    """Streamlit's own bind, as `seip serve` has it; put back afterwards."""
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    return lambda address: starlette_server._bind_socket(address, 0, 8)


def test_streamlits_own_socket_leaves_nagle_on(bind):
    # the reason for the fix: if Streamlit starts binding with TCP_NODELAY, this fails and the fix can go
    with bind("127.0.0.1") as listening:
        assert listening.proto == 0 and _nodelay(listening) == 0


@pytest.mark.parametrize("address", ["127.0.0.1", "::"])
def test_every_connection_the_server_accepts_sends_at_once(bind, address):
    launch._without_nagle()
    if address == "::" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    with bind(address) as listening:
        listening.setblocking(True)
        assert _nodelay(listening) == 1
        with socket.create_connection(("127.0.0.1", listening.getsockname()[1])):
            accepted, _ = listening.accept()
            with accepted:
                assert _nodelay(accepted) == 1
