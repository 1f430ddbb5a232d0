"""A small keep-alive HTTP/1.1 pool on asyncio: the transport under jobwatch's httpx client
when no proxy is configured.

The HTTP/1.1 rules (writing the request, reading the status line and headers, Content-Length
vs chunked vs close-delimited bodies, 1xx, HEAD/204/304, conflicting headers) are h11's: this
module only moves bytes between a socket and an `h11.Connection`, in the way httpcore's
`_async/http11.py` does, and keeps idle connections per origin (scheme, host, port).

A connection goes back to the pool only when both sides finished the exchange cleanly and
nothing is left unread (no bytes after the answer, nothing arrived while it sat idle);
otherwise it is closed. Like httpcore, a request is not retried when a kept-alive connection
turns out to be closed by the server at the moment it is used: the error is reported (and the
poller retries later, on a fresh connection).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator

import h11
import httpx

from jobwatch.http.request_heads import RequestHeads
from jobwatch.http.sockets import Link

HEAD_LIMIT = 64 * 1024  # the longest status line plus headers accepted
_WRITE_BATCH = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


class _Connection:
    """One HTTP/1.1 connection: a socket and the h11 state machine that frames its bytes."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=HEAD_LIMIT)

    async def send_request(self, request: httpx.Request, head: h11.Request) -> None:
        out = [self._send(head)]
        try:
            content = request.content  # a body given whole (json=, content=): no stream to read
        except httpx.RequestNotRead:
            pass
        else:
            if content:
                out.append(self._send(h11.Data(data=content)))
            out.append(self._send(h11.EndOfMessage()))
            await self._write(b"".join(out))
            return
        size = len(out[0])
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise httpx.LocalProtocolError("the request body cannot be read asynchronously")
        async for chunk in request.stream:
            if chunk:
                out.append(self._send(h11.Data(data=chunk)))
                size += len(out[-1])
            if size > _WRITE_BATCH:
                await self._write(b"".join(out))
                out, size = [], 0
        out.append(self._send(h11.EndOfMessage()))
        await self._write(b"".join(out))

    def _send(self, event: h11.Event) -> bytes:
        try:
            return self.h11.send(event) or b""
        except h11.LocalProtocolError:
            # h11's text quotes the offending value, which may be a credential: never shown.
            raise httpx.LocalProtocolError(
                "the request has a header h11 refuses to send (a line break or control "
                "character in a value?)"
            ) from None

    async def _write(self, data: bytes) -> None:
        try:
            await self.link.write(data)
        except OSError as exc:
            raise httpx.WriteError(_describe(exc, "the connection broke while sending")) from exc

    async def next_event(self) -> h11.Event:
        """The next event from the server, reading the socket as h11 needs."""
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from None
            if event is h11.NEED_DATA:
                try:
                    data = await self.link.read()
                except OSError as exc:
                    raise httpx.ReadError(_describe(exc, "the connection broke")) from exc
                if not data and self.h11.their_state is h11.SEND_RESPONSE:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response."
                    )
                self.h11.receive_data(data)
            elif event is h11.PAUSED:
                # Bytes after a complete answer: nothing an answer may carry.
                raise httpx.RemoteProtocolError("the server sent more than one answer")
            else:
                assert isinstance(event, h11.Event)
                return event

    async def read_head(self) -> h11.Response:
        while True:
            event = await self.next_event()
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} event")

    @property
    def reusable(self) -> bool:
        """The exchange ended cleanly on both sides and not one byte is left unread."""
        state = self.h11
        return (
            state.our_state is h11.DONE
            and state.their_state is h11.DONE
            and not state.trailing_data[0]
            and self.link.quiet
        )


class PoolTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 keep-alive over h11: what httpx's client needs from a transport, and no more.

    Up to `max_idle_per_origin` idle connections per origin are kept; certificates are
    verified with httpx's SSL context (certifi, or SSL_CERT_FILE / SSL_CERT_DIR).
    """

    def __init__(
        self, *, max_idle_per_origin: int = 32, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._max_idle = max_idle_per_origin
        self._idle: dict[Origin, list[_Connection]] = {}
        self._ssl = ssl_context
        self._closed = False
        self._heads = RequestHeads()
        self.connections_opened = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 0))
        event = self._heads.head(request)
        connection = self._reuse(origin) or await self._connect(origin)
        try:
            try:
                await connection.send_request(request, event)
            except httpx.WriteError:
                pass  # as httpcore: the server may have answered (413, 401) before hanging up
            head = await connection.read_head()
        except BaseException:
            connection.link.close()
            raise
        body = _Body(self, origin, connection)
        return httpx.Response(
            head.status_code,
            headers=head.headers.raw_items(),
            stream=body,
            extensions={
                "http_version": b"HTTP/" + head.http_version,
                "reason_phrase": head.reason,
            },
        )

    async def aclose(self) -> None:
        self._closed = True  # a request still under way closes its connection when done
        for connections in self._idle.values():
            for connection in connections:
                connection.link.close()
        self._idle.clear()
        await asyncio.sleep(0)  # let the event loop finish closing the sockets

    def _reuse(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.link.quiet:
                return connection
            connection.link.close()
        return None

    def release(self, origin: Origin, connection: _Connection) -> None:
        """Keep a connection whose exchange is over for the next request, or close it."""
        idle = self._idle.setdefault(origin, [])
        if len(idle) < self._max_idle and connection.reusable and not self._closed:
            connection.h11.start_next_cycle()
            idle.append(connection)
        else:
            connection.link.close()

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"cannot send {scheme}:// requests (http or https)")
        tls = self._ssl_context() if scheme == "https" else None
        try:
            _, link = await asyncio.get_running_loop().create_connection(
                Link, host, port, ssl=tls, server_hostname=host if tls else None
            )
        except OSError as exc:  # ssl.SSLError is an OSError
            raise httpx.ConnectError(_describe(exc, f"cannot connect to {host}:{port}")) from exc
        self.connections_opened += 1
        return _Connection(link)

    def _ssl_context(self) -> ssl.SSLContext:
        # Loaded on the first https:// request only: `jobwatch sim` and self-hosted http://
        # endpoints never pay for reading the certificate store.
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl


class _Body(httpx.AsyncByteStream):
    """An answer's body as h11 frames it; the connection goes back to the pool at its end."""

    def __init__(self, pool: PoolTransport, origin: Origin, connection: _Connection) -> None:
        self._pool = pool
        self._origin = origin
        self._connection: _Connection | None = connection
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        while True:
            event = await connection.next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                break
        self._complete = True
        self._finish()

    async def aclose(self) -> None:
        self._finish()

    def _finish(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete:
            self._pool.release(self._origin, connection)
        else:
            connection.link.close()  # not read to its end: its bytes would be the next answer


def _describe(exc: BaseException, fallback: str) -> str:
    text = str(exc).strip()
    return f"{fallback}: {text}" if text else fallback
