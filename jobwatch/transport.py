"""HTTP/1.1 on an asyncio protocol: the transport under jobwatch's HTTP client.

One keep-alive pool per origin (scheme, host, port); certificates are verified with httpx's own
SSL context (certifi, SSL_CERT_FILE / SSL_CERT_DIR). httpx's default transport (httpcore on
anyio) costs several times more CPU per request, and about 90 ms of imports, than a status poll
needs: see tests/benchmarks. When the environment names a proxy, jobwatch.http.Client sends
through httpx's own client instead, which honours it.

The poller bounds the requests in flight, so the transport does not: it keeps up to
`max_idle_per_origin` idle connections per origin for reuse and closes the rest.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator

import httpx

HEAD_LIMIT = 64 * 1024  # the longest status line plus headers we accept
READ_SIZE = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NO_BODY_STATUS = frozenset({204, 304})

Origin = tuple[str, str, int]
RawHeaders = list[tuple[bytes, bytes]]


class _Connection(asyncio.BufferedProtocol):
    """One connection. What arrives lands in one reused buffer (asyncio's streams allocate
    256 KiB per read) and is read with the StreamReader calls and errors it stands in for."""

    def __init__(self) -> None:
        self._landing = memoryview(bytearray(READ_SIZE))
        self._data = bytearray()
        self._eof = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False  # reading, while a big body waits to be consumed
        self._drained: asyncio.Future[None] | None = None  # writing, while the kernel is full
        self._transport: asyncio.Transport | None = None

    # -- the event loop's side ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._landing

    def buffer_updated(self, nbytes: int) -> None:
        self._data += self._landing[:nbytes]
        if len(self._data) > 4 * READ_SIZE and self._transport and not self._paused:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # close the connection

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._error = self._error or exc
        self._wake()
        self.resume_writing()

    def pause_writing(self) -> None:
        self._drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- the transport's side -------------------------------------------------------------

    @property
    def usable(self) -> bool:
        """Open, and quiet: an idle connection the server closed (or wrote to) is not."""
        transport = self._transport
        return not (
            transport is None or transport.is_closing() or self._eof or self._error or self._data
        )

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def send(self, data: bytes) -> None:
        if self._error is not None or self._transport is None or self._transport.is_closing():
            raise self._error or ConnectionResetError("the connection is closed")
        self._transport.write(data)
        while self._drained is not None:
            await self._drained
            if self._error is not None:
                raise self._error

    async def _more(self) -> None:
        """Wait for more data, the end, or an error."""
        if self._error is not None:
            raise self._error
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter
        if self._error is not None:
            raise self._error

    def _take(self, size: int) -> bytes:
        taken = bytes(self._data[:size])
        del self._data[:size]
        return taken

    async def readuntil(self, separator: bytes, limit: int = HEAD_LIMIT) -> bytes:
        start = 0
        while (found := self._data.find(separator, start)) < 0:
            if len(self._data) > limit:
                raise asyncio.LimitOverrunError("separator not found within the limit", limit)
            if self._eof:
                raise asyncio.IncompleteReadError(self._take(len(self._data)), None)
            start = max(0, len(self._data) - len(separator) + 1)
            await self._more()
        if found > limit:
            raise asyncio.LimitOverrunError("separator found beyond the limit", found)
        return self._take(found + len(separator))

    async def readexactly(self, size: int) -> bytes:
        while len(self._data) < size:
            if self._eof:
                raise asyncio.IncompleteReadError(self._take(len(self._data)), size)
            await self._more()
        return self._take(size)

    async def read(self, size: int) -> bytes:
        """Up to `size` bytes; b"" at the end."""
        while not self._data and not self._eof:
            await self._more()
        return self._take(size)


class PooledTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 with keep-alive; what httpx's client needs from a transport and no more."""

    def __init__(self, *, max_idle_per_origin: int = 32) -> None:
        self._max_idle = max_idle_per_origin
        self._idle: dict[Origin, list[_Connection]] = {}
        self._ssl: ssl.SSLContext | None = None
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))
        connection = self._reuse(origin) or await self._connect(origin)
        try:
            await _send_head_and_body(connection, request)
            version, status, reason, headers = await _read_head(connection)
            framing = _framing(request.method, status, headers)
            content = None
            if isinstance(framing, int) and framing <= READ_SIZE:
                # A small body (every status answer but Firecrawl's with its data) is read here
                # at once: cheaper than streaming it through httpx's layers of async iterators.
                content = await _read_small(connection, framing)
        except BaseException:
            connection.close()
            raise
        keep_alive = version == b"HTTP/1.1" and not _has_token(headers, b"connection", b"close")
        extensions = {"http_version": version, "reason_phrase": reason}
        if content is not None:
            if keep_alive:
                self.release(origin, connection)
            else:
                connection.close()
            return httpx.Response(status, headers=headers, content=content, extensions=extensions)
        body = _Body(self, origin, connection, framing, keep_alive)
        return httpx.Response(status, headers=headers, stream=body, extensions=extensions)

    async def aclose(self) -> None:
        self._closed = True  # a request still under way closes its connection when done
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await asyncio.sleep(0)  # let the event loop finish closing the sockets

    def _reuse(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable:
                return connection
            connection.close()
        return None

    def release(self, origin: Origin, connection: _Connection) -> None:
        idle = self._idle.setdefault(origin, [])
        if len(idle) < self._max_idle and connection.usable and not self._closed:
            idle.append(connection)
        else:
            connection.close()

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"cannot send {scheme}:// requests (http or https)")
        tls = self._ssl_context() if scheme == "https" else None
        try:
            _, connection = await asyncio.get_running_loop().create_connection(
                _Connection, host, port, ssl=tls, server_hostname=host if tls else None
            )
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(_describe(exc, f"cannot connect to {host}:{port}")) from exc
        return connection

    def _ssl_context(self) -> ssl.SSLContext:
        # Loaded on the first https:// request only: `jobwatch sim` and self-hosted http://
        # endpoints never pay for reading the certificate store.
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl


class _Body(httpx.AsyncByteStream):
    """A response body read off the connection, which goes back to the pool when it is done."""

    def __init__(
        self,
        transport: PooledTransport,
        origin: Origin,
        connection: _Connection,
        framing: int | str,
        keep_alive: bool,
    ) -> None:
        self._transport = transport
        self._origin = origin
        self._connection: _Connection | None = connection
        self._framing = framing
        self._keep_alive = keep_alive
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            if self._framing == "chunked":
                async for chunk in _read_chunked(connection):
                    yield chunk
            elif self._framing == "until-close":
                while data := await connection.read(READ_SIZE):
                    yield data
                self._keep_alive = False
            else:
                assert isinstance(self._framing, int)
                async for chunk in _read_length(connection, self._framing):
                    yield chunk
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            raise _cut_short(exc) from exc
        except ValueError as exc:
            raise httpx.RemoteProtocolError(f"malformed chunked body: {exc}") from exc
        self._complete = True

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete and self._keep_alive:
            self._transport.release(self._origin, connection)
        else:
            connection.close()


async def _send_head_and_body(connection: _Connection, request: httpx.Request) -> None:
    body = await request.aread()
    if _has_token(request.headers.raw, b"transfer-encoding", b"chunked"):
        body = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    lines = [b"%s %s HTTP/1.1\r\n" % (request.method.encode("ascii"), request.url.raw_path)]
    lines += [b"%s: %s\r\n" % (name, value) for name, value in request.headers.raw]
    lines += [b"\r\n", body]
    try:
        await connection.send(b"".join(lines))
    except OSError as exc:
        raise httpx.WriteError(_describe(exc, "the connection broke while sending")) from exc


async def _read_head(connection: _Connection) -> tuple[bytes, int, bytes, RawHeaders]:
    """The status line and headers of the final answer (interim 1xx answers are skipped)."""
    while True:
        try:
            head = await connection.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response."
                ) from exc
            raise httpx.RemoteProtocolError("the answer's headers were cut short") from exc
        except asyncio.LimitOverrunError as exc:
            raise httpx.RemoteProtocolError(
                f"the answer's headers are longer than {HEAD_LIMIT} bytes"
            ) from exc
        except OSError as exc:
            raise httpx.ReadError(_describe(exc, "the connection broke")) from exc
        status_line, *header_lines = head[:-4].split(b"\r\n")
        version, _, rest = status_line.partition(b" ")
        code, _, reason = rest.partition(b" ")
        if not version.startswith(b"HTTP/1.") or not code.isdigit() or len(code) != 3:
            raise httpx.RemoteProtocolError(f"not an HTTP/1.1 answer: {status_line[:80]!r}")
        status = int(code)
        if 100 <= status < 200:
            continue
        headers: RawHeaders = []
        for line in header_lines:
            name, colon, value = line.partition(b":")
            if colon:
                headers.append((name.strip(), value.strip()))
        return version, status, reason, headers


def _framing(method: str, status: int, headers: RawHeaders) -> int | str:
    """How the body ends: its length, `chunked`, or `until-close`."""
    if method == "HEAD" or status in _NO_BODY_STATUS:
        return 0
    if _has_token(headers, b"transfer-encoding", b"chunked"):
        return "chunked"
    for name, value in headers:
        if name.lower() == b"content-length":
            if not value.isdigit():
                raise httpx.RemoteProtocolError(f"bad Content-Length: {value[:40]!r}")
            return int(value)
    return "until-close"


def _has_token(headers: RawHeaders, name: bytes, token: bytes) -> bool:
    return any(
        key.lower() == name and token in value.lower().replace(b" ", b"").split(b",")
        for key, value in headers
    )


async def _read_length(connection: _Connection, length: int) -> AsyncIterator[bytes]:
    if 0 < length <= READ_SIZE:
        yield await connection.readexactly(length)
        return
    left = length
    while left:
        data = await connection.read(min(left, READ_SIZE))
        if not data:
            raise asyncio.IncompleteReadError(b"", left)
        left -= len(data)
        yield data


async def _read_chunked(connection: _Connection) -> AsyncIterator[bytes]:
    while True:
        size_line = await connection.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await connection.readuntil(b"\r\n") != b"\r\n":
                pass  # trailer fields: nothing we read
            return
        async for chunk in _read_length(connection, size):
            yield chunk
        if await connection.readexactly(2) != b"\r\n":
            raise ValueError("a chunk does not end with CRLF")


async def _read_small(connection: _Connection, length: int) -> bytes:
    try:
        return await connection.readexactly(length) if length else b""
    except (OSError, asyncio.IncompleteReadError) as exc:
        raise _cut_short(exc) from exc


def _cut_short(exc: BaseException) -> httpx.ReadError:
    return httpx.ReadError(_describe(exc, "the connection closed before the whole answer arrived"))


def _describe(exc: BaseException, fallback: str) -> str:
    text = str(exc).strip()
    return f"{fallback}: {text}" if text else fallback
