"""Fetching documents for verification over HTTP: JSON bodies of 200 and 410 answers, nothing else."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claims.openbadges.resolvers import MAX_RESPONSE_BYTES, http_resolver

ANSWERS: dict[str, tuple[int, bytes]] = {
    "/ok": (200, json.dumps({"id": "ok"}).encode()),
    "/gone": (410, json.dumps({"id": "gone", "revoked": True}).encode()),
    "/missing": (404, b'{"error": "no"}'),
    "/not-json": (200, b"<html></html>"),
    "/list": (200, b"[1, 2]"),
    "/huge": (200, b'{"x": "' + b"a" * (MAX_RESPONSE_BYTES + 10) + b'"}'),
    "/to-ftp": (302, b""),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        status, body = ANSWERS.get(self.path, (404, b""))
        self.send_response(status)
        if self.path == "/to-ftp":
            self.send_header("Location", "ftp://127.0.0.1/secret")
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()


async def test_json_of_a_200_answer(server):
    assert await http_resolver(f"{server}/ok") == {"id": "ok"}


async def test_json_of_a_410_answer_since_it_says_revoked(server):
    assert await http_resolver(f"{server}/gone") == {"id": "gone", "revoked": True}


@pytest.mark.parametrize("path", ["/missing", "/not-json", "/list", "/huge", "/to-ftp"])
async def test_anything_else_is_nothing(server, path):
    assert await http_resolver(f"{server}{path}") is None


async def test_only_web_urls_are_fetched():
    assert await http_resolver("file:///etc/passwd") is None
