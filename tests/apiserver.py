"""A small real HTTP server on loopback that answers like a public API: a function of each
request gives the answer, and every request is recorded as the server received it (method,
target still percent-encoded, headers with their names as sent, body)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Received:
    method: str
    target: str  # the request target exactly as sent: path and query, still percent-encoded
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        assert len(found) <= 1, f"{name} sent {len(found)} times"
        return found[0] if found else None


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


def fixture(api: str, name: str, http: int = 200, **changes: Any) -> Answer:
    """A documented body from tests/fixtures/defined/API/NAME.json, answered with the HTTP
    status `http`, its top-level fields changed (a derived state: `status="cancelled"`)."""
    data = json.loads((FIXTURES / "defined" / api / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    kind = "application/problem+json" if api == "replicate" and http >= 400 else None
    return Answer(http, json.dumps(data).encode(), kind or "application/json")


def body(status: int, payload: Any, content_type: str = "application/json") -> Answer:
    return Answer(status, json.dumps(payload).encode(), content_type)


@dataclass
class ApiServer:
    url: str
    received: list[Received] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def targets(self) -> list[str]:
        return [f"{seen.method} {seen.target}" for seen in self.received]


@contextmanager
def api_server(answer: Callable[[Received], Answer]) -> Iterator[ApiServer]:
    """A server on a free loopback port; `answer` is called for each request (in the server's
    threads)."""
    server_state = ApiServer(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = self.rfile.read(length) if length else b""
            seen = Received(self.command, self.path, list(self.headers.items()), sent)
            with lock:
                server_state.received.append(seen)
            try:
                reply = answer(seen)
            except Exception as exc:  # noqa: BLE001 - a bug in the test's answer: raised at exit
                server_state.errors.append(exc)
                reply = Answer(500, b"{}")
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_DELETE = do_PUT = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    if server_state.errors:
        raise server_state.errors[0]
