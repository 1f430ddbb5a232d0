"""A loopback HTTP server that records the raw request target and headers of every request it
receives and answers each with one canned JSON body: the bytes a real server would see."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    target: str  # the request target exactly as sent: path and query, still percent-encoded
    headers: dict[str, str]


@dataclass
class Recorder:
    url: str
    answer: bytes
    status: int = 200
    seen: list[Seen] = field(default_factory=list)


@contextmanager
def recording_server(answer: bytes = b"{}", status: int = 200) -> Iterator[Recorder]:
    recorder = Recorder(url="", answer=answer, status=status)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            recorder.seen.append(Seen(self.command, self.path, dict(self.headers.items())))
            self.send_response(recorder.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(recorder.answer)))
            self.end_headers()
            self.wfile.write(recorder.answer)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
