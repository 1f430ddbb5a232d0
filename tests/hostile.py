"""A hostile HTTP server for tests: real sockets on 127.0.0.1 (port 0), scripted per test.

Each accepted connection runs the test's `script(conn)` in its own thread, so any client (an
asyncio one included) can talk to it from the test's thread. A script reads requests and
writes whatever bytes it likes: valid answers, garbage, a body produced lazily by a generator
(300 MB never sit in memory), an early close, a reset, a stall. Everything received is kept.

    def script(conn: Conn) -> None:
        while conn.read_request() is not None:
            conn.send(answer(b"hello", "Content-Type: text/plain"))

    with HostileServer(script) as server:
        ...  # request server.url + "/path"
    assert server.requests[0].startswith(b"GET /path HTTP/1.1")

`HostileServer(serving(reply, ...))` answers the n-th request on a connection with the n-th
reply (the last one repeats). `ForwardProxy` is a tiny HTTP forward proxy (absolute-form
requests and CONNECT) that passes the server's bytes back untouched, for the proxy path.
An exception in a script (a failed assertion) is raised again when the server closes.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType

WAIT = 5.0  # seconds: the longest a script waits for the client


def answer(body: bytes = b"ok", *headers: str, status: str = "200 OK") -> bytes:
    """An HTTP/1.1 answer with a Content-Length (unless `headers` frame it otherwise)."""
    framed = any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers)
    lines = [f"HTTP/1.1 {status}", *headers]
    if not framed:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(*parts: bytes) -> bytes:
    """A chunked body of `parts`, with its last chunk."""
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts if p) + b"0\r\n\r\n"


def headers_of(raw: bytes) -> dict[str, str]:
    """The headers of a raw request, names lower-cased (the last of repeated names)."""
    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    pairs = (line.decode("latin-1").partition(":") for line in lines)
    return {name.strip().lower(): value.strip() for name, _, value in pairs}


def request_line(raw: bytes) -> bytes:
    return raw.split(b"\r\n", 1)[0]


class Conn:
    """One accepted connection, as its script sees it."""

    def __init__(self, index: int, sock: socket.socket) -> None:
        self.index = index
        self.sock = sock
        self.requests: list[bytes] = []  # each raw request: head and body as received
        self.client_closed = threading.Event()  # the client's FIN or reset was read
        self._buffer = b""
        sock.settimeout(WAIT)

    def _fill(self) -> bool:
        try:
            data = self.sock.recv(65536)
        except (ConnectionError, TimeoutError, OSError):
            data = b""
        if not data:
            self.client_closed.set()
            return False
        self._buffer += data
        return True

    def read_until(self, marker: bytes) -> bytes | None:
        while marker not in self._buffer:
            if not self._fill():
                return None
        found = self._buffer.index(marker) + len(marker)
        taken, self._buffer = self._buffer[:found], self._buffer[found:]
        return taken

    def read_exactly(self, size: int) -> bytes | None:
        while len(self._buffer) < size:
            if not self._fill():
                return None
        taken, self._buffer = self._buffer[:size], self._buffer[size:]
        return taken

    def read_request(self) -> bytes | None:
        """One raw request (a Content-Length or chunked body included); None at the client's
        end. It is kept in `requests`."""
        head = self.read_until(b"\r\n\r\n")
        if head is None:
            return None
        headers = headers_of(head)
        raw = head
        if "chunked" in headers.get("transfer-encoding", ""):
            while True:
                size_line = self.read_until(b"\r\n") or b"0\r\n"
                raw += size_line
                size = int(size_line.split(b";")[0], 16)
                raw += self.read_exactly(size + 2) or b""
                if size == 0:
                    break
        elif length := int(headers.get("content-length", "0")):
            raw += self.read_exactly(length) or b""
        self.requests.append(raw)
        return raw

    def send(self, data: bytes | Iterable[bytes]) -> bool:
        """Write bytes, or each piece a generator yields (lazily); False once the client left."""
        pieces = [data] if isinstance(data, bytes) else data
        try:
            for piece in pieces:
                self.sock.sendall(piece)
        except OSError:
            return False
        return True

    def take_buffered(self) -> bytes:
        """Bytes received but not read yet."""
        taken, self._buffer = self._buffer, b""
        return taken

    def until_client_closes(self, within: float = WAIT) -> bool:
        """Read (and drop) until the client closes; True if it did within `within` seconds."""
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.sock.settimeout(min(left, WAIT))
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            if not data:
                self.client_closed.set()
                return True
        return False

    def stall(self, seconds: float) -> None:
        """Say nothing for `seconds` or until the client leaves (what it sends is dropped)."""
        self.until_client_closes(seconds)

    def reset(self) -> None:
        """Close with a TCP reset instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Script = Callable[[Conn], None]


class HostileServer:
    """A loopback server running `script` on every connection, each in its own thread."""

    def __init__(self, script: Script, *, tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.tls = tls
        self.conns: list[Conn] = []
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._stop = threading.Event()

    @property
    def requests(self) -> list[bytes]:
        return [raw for conn in self.conns for raw in conn.requests]

    def __enter__(self) -> HostileServer:
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.tls is not None:
                try:
                    sock.settimeout(WAIT)
                    sock = self.tls.wrap_socket(sock, server_side=True)
                except (OSError, ssl.SSLError):
                    sock.close()
                    continue
            conn = Conn(len(self.conns), sock)
            self.conns.append(conn)
            thread = threading.Thread(target=self._run, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _run(self, conn: Conn) -> None:
        try:
            self.script(conn)
        except Exception as exc:  # a failed assertion fails the test that owns the server
            self.errors.append(exc)
        finally:
            with contextlib.suppress(OSError):
                conn.sock.close()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(WAIT)
        if self.errors and kind is None:
            raise self.errors[0]


def serving(*replies: bytes | Callable[[], Iterable[bytes]], close: bool = False) -> Script:
    """A script answering the n-th request on a connection with replies[n] (the last repeats);
    a callable reply is called for a fresh generator of pieces. With `close`, the server hangs
    up after the first answer."""

    def script(conn: Conn) -> None:
        while conn.read_request() is not None:
            reply = replies[min(len(conn.requests), len(replies)) - 1]
            if not conn.send(reply() if callable(reply) else reply) or close:
                return

    return script


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


class ForwardProxy(HostileServer):
    """An HTTP forward proxy: absolute-form requests are sent on in origin-form over one
    upstream connection per client connection (so keep-alive is seen end to end), CONNECT
    opens a tunnel; the upstream's bytes come back untouched, garbage included.
    `targets` records each request line the proxy received."""

    def __init__(self) -> None:
        super().__init__(self._relay)
        self.targets: list[bytes] = []

    def _relay(self, conn: Conn) -> None:
        upstream: socket.socket | None = None
        try:
            while (raw := conn.read_request()) is not None:
                method, target, version = request_line(raw).split(b" ", 2)
                self.targets.append(request_line(raw))
                if method == b"CONNECT":
                    host, _, port = target.decode().rpartition(":")
                    upstream = socket.create_connection((host, int(port)), timeout=WAIT)
                    conn.send(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    upstream.sendall(conn.take_buffered())
                    back = threading.Thread(target=_pipe, args=(upstream, conn.sock), daemon=True)
                    back.start()
                    _pipe(conn.sock, upstream)
                    back.join(WAIT)
                    return
                rest = target.split(b"://", 1)[1]
                hostport, _, path = rest.partition(b"/")
                if upstream is None:
                    host, _, port = hostport.decode().rpartition(":")
                    upstream = socket.create_connection((host, int(port)), timeout=WAIT)
                    back = threading.Thread(target=_pipe, args=(upstream, conn.sock), daemon=True)
                    back.start()
                    self._threads.append(back)
                line = b" ".join([method, b"/" + path, version])
                upstream.sendall(line + raw[len(request_line(raw)) :])
        finally:
            if upstream is not None:
                with contextlib.suppress(OSError):
                    upstream.shutdown(socket.SHUT_RDWR)
                upstream.close()
