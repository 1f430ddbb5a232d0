"""One socket of the pool, as an asyncio protocol: what arrives waits in a queue until the
connection asks for it, and reading pauses while much is waiting."""

from __future__ import annotations

import asyncio
from collections import deque

_PAUSE_ABOVE = 1024 * 1024  # stop reading the socket while this much waits to be consumed


class Link(asyncio.Protocol):
    """One socket: received bytes queue here until the connection reads them."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._queued = 0
        self._eof = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self._paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._queued += len(data)
        if self._queued > _PAUSE_ABOVE and not self._paused and self.transport is not None:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False

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

    @property
    def quiet(self) -> bool:
        """Open, and nothing arrived: an idle connection the server closed or wrote to is not."""
        transport = self.transport
        return not (
            transport is None
            or transport.is_closing()
            or self._eof
            or self._error is not None
            or self._chunks
        )

    async def read(self) -> bytes:
        """The next bytes received; b"" at the end of the stream."""
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self._eof:
                return b""
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        data = self._chunks.popleft()
        self._queued -= len(data)
        if self._paused and self._queued <= _PAUSE_ABOVE // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return data

    async def write(self, data: bytes) -> None:
        if self._error is not None or self.transport is None or self.transport.is_closing():
            raise self._error or ConnectionResetError("the connection is closed")
        self.transport.write(data)
        while self._drained is not None:
            await self._drained
            if self._error is not None:
                raise self._error

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
