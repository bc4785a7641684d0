"""Shared fixtures for the link checker tests.

`server` is a threaded pytest-httpserver on 127.0.0.1 (slow and concurrent handlers must not
block each other). Nothing in these tests talks to any other address.
"""
from __future__ import annotations

import logging
import socket
import struct
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response



@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    # The default output format follows GITHUB_ACTIONS; tests choose it explicitly.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="module")
def _module_server():
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # the reset handler is noisy
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    if srv.is_running():
        srv.stop()


@pytest.fixture
def server(_module_server):
    yield _module_server
    _module_server.clear()


def _reset(request):
    fd = request.environ["werkzeug.socket"].detach()
    raw = socket.socket(fileno=fd)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raw.close()  # with SO_LINGER 0, close() sends RST
    return Response("never sent")


@pytest.fixture
def reset_connection():
    """A request handler that answers with a TCP reset instead of a response."""
    return _reset


@pytest.fixture
def make_site(tmp_path):
    """make_site({relative path: text}) writes the files under tmp_path and returns it."""

    def write(files: dict) -> Path:
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return write
