"""The simulator's HTTP server: routing, reading requests, writing (or dropping) answers."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import SimRequest
from jobwatch.sim.requestlog import LogTarget, RequestLog
from jobwatch.sim.routes import Router


class _SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], book: SimJobs, log: RequestLog | None = None
    ) -> None:
        # Set before binding: a failed bind calls server_close, which closes the log.
        self.book = book
        self.log = log
        self.router = Router()
        super().__init__(address, _Handler)

    def server_close(self) -> None:
        super().server_close()
        if self.log is not None:
            self.log.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # a client that went away mid-answer is not the simulator's problem
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs; every answer has a length
    server_version = "jobwatch-sim"
    timeout = 120  # idle keep-alive connections are closed after this many seconds
    # An answer goes out in one write, as real servers send it: buffered, then flushed after
    # each request (http.server does that). A body bigger than the buffer is sent as it is
    # written; TCP_NODELAY keeps Nagle's algorithm and the client's delayed ACK from holding
    # its last part for ~40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _SimHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """No request log: the simulator's stdout/stderr belong to the user."""

    def _read_request(self) -> SimRequest:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        host, port = self.server.server_address[:2]
        return SimRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            host=self.headers.get("Host") or f"{host!s}:{port}",
        )

    def _answer(self) -> None:
        request = self._read_request()
        reply = self.server.router(request, self.server.book)
        if self.server.log is not None:
            self.server.log.write(request, None if reply.drop else reply.status)
        if reply.drop:
            self.close_connection = True  # close the socket without a single byte back
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_DELETE = _answer


class SimServer:
    """The simulator running in a daemon thread; `base_url` serves every provider."""

    def __init__(self, httpd: _SimHTTPServer) -> None:
        self._httpd = httpd
        host, port = httpd.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self.book = httpd.book
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> SimServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _open_server(host: str, port: int, speed: float, log: LogTarget | None) -> _SimHTTPServer:
    """A bound server with a fresh job book; the request log is closed again if binding fails."""
    request_log = RequestLog.open(log)
    try:
        return _SimHTTPServer((host, port), SimJobs(speed=speed), request_log)
    except BaseException:
        if request_log is not None:
            request_log.close()
        raise


def start_sim(
    host: str = "127.0.0.1", port: int = 0, speed: float = 1.0, log: LogTarget | None = None
) -> SimServer:
    """Start the simulator in a background thread; `port=0` takes a free port. `log`: a
    stream or a file path (appended to) that gets one line per request served."""
    return SimServer(_open_server(host, port, speed, log))


def serve_forever(
    host: str, port: int, speed: float, out: TextIO, log: LogTarget | None = None
) -> None:
    """Serve in the foreground until KeyboardInterrupt (which propagates, port released).
    `log` as for `start_sim`."""
    httpd = _open_server(host, port, speed, log)
    try:
        bound_host, bound_port = httpd.server_address[:2]
        print(f"listening on http://{bound_host!s}:{bound_port}", file=out, flush=True)
        httpd.serve_forever()
    finally:
        httpd.server_close()
