"""PooledTransport and jobwatch.http.Client against real loopback servers scripted per test.

Every server here is an asyncio server on 127.0.0.1 (port 0) written in the test: it answers
exactly the bytes the test scripts, counts the connections it accepts and keeps the raw
requests it read, so keep-alive, framing and error handling are seen as a server sees them.
"""

from __future__ import annotations

import asyncio
import datetime
import gzip
import io
import ipaddress
import json
import socket
import ssl
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jobwatch import __version__
from jobwatch import http as jhttp
from jobwatch.errors import RetryableError
from jobwatch.http import Client
from jobwatch.transport import HEAD_LIMIT, PooledTransport

READ = 64 * 1024
WAIT = 1.0  # seconds: the longest any single wait in these tests may take
BIG = bytes(range(256)) * 4096  # 1 MiB, a pattern that shows any byte lost or reordered


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run one test's coroutine on a fresh event loop, bounded in time."""

    async def bounded() -> Any:
        async with asyncio.timeout(WAIT * 2):
            return await coro

    return asyncio.run(bounded())


async def settle(event: asyncio.Event, what: str, within: float = WAIT) -> None:
    try:
        async with asyncio.timeout(within):
            await event.wait()
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


async def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.005)


class Conn:
    """One connection the server accepted: the requests read on it, and whether it ended."""

    def __init__(self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.index = index
        self.reader = reader
        self.writer = writer
        self.requests: list[bytes] = []
        self.client_closed = asyncio.Event()  # the client's EOF (or reset) was read
        self.done = asyncio.Event()  # the server's handler is over and its end closed

    async def read_request(self) -> bytes | None:
        """One raw request (head plus a Content-Length body), or None at the client's EOF."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                raise
            self.client_closed.set()
            return None
        length = int(headers_of(head).get("content-length", "0"))
        raw = head + (await self.reader.readexactly(length) if length else b"")
        self.requests.append(raw)
        return raw

    async def answer(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def until_client_closes(self) -> None:
        while await self.read_request() is not None:
            pass

    def reset(self) -> None:
        """Close with a TCP reset instead of a FIN."""
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.close()


Handler = Callable[[Conn], Awaitable[None]]


class Server:
    """A loopback HTTP server whose every connection is served by `handler`."""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.conns: list[Conn] = []
        self.errors: list[BaseException] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Conn(len(self.conns), reader, writer)
        self.conns.append(conn)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self.handler(conn)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # the test is over: end normally (a cancelled handler makes asyncio log errors)
        except Exception as exc:  # an assertion in a handler fails the test that owns it
            self.errors.append(exc)
        finally:
            writer.close()
            conn.done.set()

    @property
    def requests(self) -> list[bytes]:
        return [raw for conn in self.conns for raw in conn.requests]

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()
        for _ in range(3):
            await asyncio.sleep(0)  # let the closed sockets go
        assert not self.errors, self.errors


def answer(
    body: bytes = b"ok",
    *headers: str,
    status: str = "200 OK",
    version: str = "HTTP/1.1",
) -> bytes:
    lines = [f"{version} {status}", *headers, f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answering(*answers: bytes, close: bool = False) -> Handler:
    """Answer the n-th request on a connection with answers[n] (the last repeats);
    with `close`, hang up right after the first answer."""

    async def handler(conn: Conn) -> None:
        while await conn.read_request() is not None:
            await conn.answer(answers[min(len(conn.requests), len(answers)) - 1])
            if close:
                return

    return handler


def echoing() -> Handler:
    """Answer every request with its own request target, so answers can be matched."""

    async def handler(conn: Conn) -> None:
        while (raw := await conn.read_request()) is not None:
            await conn.answer(answer(target_of(raw)))

    return handler


def request_line(raw: bytes) -> bytes:
    return raw.split(b"\r\n", 1)[0]


def target_of(raw: bytes) -> bytes:
    return request_line(raw).split(b" ")[1]


def headers_of(raw: bytes) -> dict[str, str]:
    head = raw.split(b"\r\n\r\n", 1)[0]
    fields = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        assert name.lower() not in fields, f"header {name} sent twice"
        fields[name.lower()] = value.strip()
    return fields


def body_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[1]


def direct_client(**kwargs: Any) -> Client:
    """A Client on PooledTransport whatever proxy variables the test run's environment has."""
    return Client(env={}, **kwargs)


async def get(client: Client, url: str, **kwargs: Any) -> httpx.Response:
    return await client.send(client.build_request("GET", url, **kwargs))


# --- requests and answers ------------------------------------------------------------------


def test_get_reads_the_answer_and_sends_jobwatch_headers() -> None:
    body = b'{"state": "done", "progress": 1.0}'
    reply = answer(body, "Content-Type: application/json", "X-Request-Id: r-17")

    async def main() -> None:
        async with Server(answering(reply)) as server, direct_client() as client:
            url = f"{server.url}/v1/jobs/42?verbose=1"
            auth = {"Authorization": "Bearer sk-live-0123456789abcdef"}
            request = client.build_request("GET", url, headers=auth)
            response = await client.send(request)

            assert response.status_code == 200
            assert response.reason_phrase == "OK"
            assert response.http_version == "HTTP/1.1"
            assert response.headers["content-type"] == "application/json"
            assert response.headers["x-request-id"] == "r-17"
            assert response.content == body
            assert response.json() == {"state": "done", "progress": 1.0}
            assert response.request is request

            [raw] = server.requests
            assert request_line(raw) == b"GET /v1/jobs/42?verbose=1 HTTP/1.1"
            sent = headers_of(raw)
            assert sent["host"] == f"127.0.0.1:{server.port}"
            assert sent["user-agent"] == f"jobwatch/{__version__}"
            assert sent["accept"] == "application/json"
            assert sent["accept-encoding"] == "gzip, deflate"
            assert sent["authorization"] == "Bearer sk-live-0123456789abcdef"
            assert body_of(raw) == b""

            # Without a credential no Authorization header goes out at all.
            await get(client, f"{server.url}/v1/jobs/43")
            assert "authorization" not in headers_of(server.requests[-1])

    run(main())


def test_post_sends_a_json_body_with_its_length() -> None:
    payload = {"ids": [1, 2, 3], "name": "crawl é", "nested": {"deep": True}}

    async def main() -> None:
        async with Server(answering(answer(b"{}", status="201 Created"))) as server:
            async with direct_client() as client:
                request = client.build_request("POST", f"{server.url}/v1/crawl", json=payload)
                response = await client.send(request)
        assert response.status_code == 201
        assert response.reason_phrase == "Created"
        [raw] = server.requests
        assert request_line(raw) == b"POST /v1/crawl HTTP/1.1"
        sent = headers_of(raw)
        assert sent["content-type"] == "application/json"
        assert int(sent["content-length"]) == len(body_of(raw)) > 0
        assert json.loads(body_of(raw)) == payload

    run(main())


def test_caller_headers_add_to_and_override_the_defaults() -> None:
    async def main() -> None:
        async with Server(answering(answer())) as server, direct_client() as client:
            await get(client, server.url + "/", headers={"Accept": "text/csv", "X-Api-Key": "k"})
            sent = headers_of(server.requests[0])
            assert sent["accept"] == "text/csv"
            assert sent["x-api-key"] == "k"
            assert sent["user-agent"] == f"jobwatch/{__version__}"
            # The defaults themselves are not changed by one caller's headers.
            await get(client, server.url + "/")
            assert headers_of(server.requests[1])["accept"] == "application/json"
            assert "x-api-key" not in headers_of(server.requests[1])

    run(main())


def test_gzip_answer_is_decoded() -> None:
    data = json.dumps({"data": ["x" * 50] * 40}).encode()
    reply = answer(gzip.compress(data), "Content-Encoding: gzip", "Content-Type: application/json")

    async def main() -> None:
        async with Server(answering(reply)) as server, direct_client() as client:
            response = await get(client, server.url + "/job")
        assert response.content == data

    run(main())


def test_a_header_line_without_a_colon_is_ignored() -> None:
    reply = answer(b"fine", "X-Before: 1", "this line is no header", "X-After: 2")

    async def main() -> None:
        async with Server(answering(reply)) as server, direct_client() as client:
            response = await get(client, server.url + "/")
        assert (response.headers["x-before"], response.headers["x-after"]) == ("1", "2")
        assert response.content == b"fine"

    run(main())


def test_the_transport_under_httpx_async_client() -> None:
    async def main() -> None:
        async with Server(answering(answer(BIG), answer(b"small"))) as server:
            async with httpx.AsyncClient(transport=PooledTransport()) as client:
                assert (await client.get(server.url + "/big")).content == BIG
                assert (await client.get(server.url + "/small")).text == "small"
            assert len(server.conns) == 1
            await settle(server.conns[0].client_closed, "AsyncClient.aclose closed the pool")

    run(main())


def test_a_body_stream_is_done_after_it_is_closed() -> None:
    async def main() -> None:
        async with Server(answering(answer(BIG))) as server:
            transport = PooledTransport()
            request = httpx.Request("GET", server.url + "/")
            response = await transport.handle_async_request(request)
            stream = response.stream
            assert isinstance(stream, httpx.AsyncByteStream)
            await stream.aclose()
            await stream.aclose()  # a second close is harmless
            assert [chunk async for chunk in stream] == []  # and it yields nothing more
            await settle(server.conns[0].client_closed, "the unread answer's connection closed")
            await transport.aclose()

    run(main())


# --- keep-alive ----------------------------------------------------------------------------


def test_sequential_requests_share_one_connection() -> None:
    async def main() -> None:
        async with Server(echoing()) as server, direct_client() as client:
            for n in range(5):
                response = await get(client, f"{server.url}/jobs/{n}")
                assert response.content == f"/jobs/{n}".encode()
        assert len(server.conns) == 1
        assert len(server.conns[0].requests) == 5

    run(main())


def test_concurrent_requests_open_connections_then_reuse_them() -> None:
    async def main() -> None:
        arrived = 0
        all_in = asyncio.Event()

        async def handler(conn: Conn) -> None:
            nonlocal arrived
            while (raw := await conn.read_request()) is not None:
                arrived += 1
                if arrived >= 3:
                    all_in.set()
                await all_in.wait()  # nobody is answered before three requests are in
                await conn.answer(answer(target_of(raw)))

        async with Server(handler) as server, direct_client() as client:
            urls = [f"{server.url}/jobs/{n}" for n in range(3)]
            first = await asyncio.gather(*(get(client, url) for url in urls))
            assert [r.content for r in first] == [url[-7:].encode() for url in urls]
            assert len(server.conns) == 3

            second = await asyncio.gather(*(get(client, url) for url in urls))
            assert [r.content for r in second] == [url[-7:].encode() for url in urls]
            await get(client, urls[0])
            assert len(server.conns) == 3
            assert sorted(len(conn.requests) for conn in server.conns) == [2, 2, 3]

    run(main())


def test_idle_connections_beyond_the_limit_are_closed() -> None:
    async def main() -> None:
        arrived = 0
        all_in = asyncio.Event()

        async def handler(conn: Conn) -> None:
            nonlocal arrived
            while await conn.read_request() is not None:
                arrived += 1
                if arrived >= 3:
                    all_in.set()
                await all_in.wait()
                await conn.answer(answer())

        async with Server(handler) as server:
            async with Client(PooledTransport(max_idle_per_origin=1)) as client:
                await asyncio.gather(*(get(client, server.url + "/") for _ in range(3)))
                assert len(server.conns) == 3

                # Two of the three are closed at once; one stays for the next request.
                def closed() -> int:
                    return sum(conn.client_closed.is_set() for conn in server.conns)

                await eventually(lambda: closed() >= 2, "two connections were closed")
                await asyncio.sleep(0.02)
                assert closed() == 2
                await get(client, server.url + "/")
                assert len(server.conns) == 3
                [kept] = [conn for conn in server.conns if not conn.client_closed.is_set()]
                assert len(kept.requests) == 2

    run(main())


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(answer(b"first" if conn.index == 0 else b"second"))
        await asyncio.sleep(0.02)  # idle for a moment, then hang up (a keep-alive timeout)

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            assert (await get(client, server.url + "/")).content == b"first"
            await settle(server.conns[0].done, "the server hung up")
            await asyncio.sleep(0.05)  # the FIN reaches the client's idle connection
            assert (await get(client, server.url + "/")).content == b"second"
            assert len(server.conns) == 2

    run(main())


def test_a_server_that_hangs_up_right_after_answering() -> None:
    async def main() -> None:
        async with Server(answering(answer(b"bye"), close=True)) as server:
            async with direct_client() as client:
                for _ in range(3):
                    assert (await get(client, server.url + "/")).content == b"bye"
                    await settle(server.conns[-1].done, "the server hung up")
                    await asyncio.sleep(0.02)
        assert [len(conn.requests) for conn in server.conns] == [1, 1, 1]

    run(main())


@pytest.mark.parametrize(
    ("version", "headers"),
    [
        ("HTTP/1.1", ("Connection: close",)),
        ("HTTP/1.1", ("Connection: keep-alive, Close",)),
        ("HTTP/1.0", ()),
    ],
    ids=["connection-close", "close-token-in-a-list", "http-1.0"],
)
def test_an_answer_that_ends_the_connection_is_not_reused(
    version: str, headers: tuple[str, ...]
) -> None:
    reply = answer(b"once", *headers, version=version)

    async def main() -> None:
        # The server keeps its end open: it is the client that must not send on it again.
        async with Server(answering(reply)) as server, direct_client() as client:
            first = await get(client, server.url + "/a")
            assert first.content == b"once"
            assert first.http_version == version
            await settle(server.conns[0].client_closed, "the client closed the connection")
            assert (await get(client, server.url + "/b")).content == b"once"
            assert len(server.conns) == 2
            assert [len(conn.requests) for conn in server.conns] == [1, 1]

    run(main())


def test_aclose_closes_idle_connections() -> None:
    async def main() -> None:
        async with Server(echoing()) as server:
            client = direct_client()
            async with client:
                await asyncio.gather(get(client, server.url + "/1"), get(client, server.url + "/2"))
                await get(client, server.url + "/3")
                assert not any(conn.client_closed.is_set() for conn in server.conns)
            for conn in server.conns:
                await settle(conn.client_closed, "the server saw the client's EOF")
            assert len(server.requests) == 3

    run(main())


def test_a_request_finishing_after_aclose_does_not_keep_its_connection() -> None:
    async def main() -> None:
        go = asyncio.Event()

        async def handler(conn: Conn) -> None:
            await conn.read_request()
            await go.wait()
            await conn.answer(answer(b"late"))
            await conn.until_client_closes()

        async with Server(handler) as server:
            transport = PooledTransport()
            request = httpx.Request("GET", server.url + "/")
            in_flight = asyncio.create_task(transport.handle_async_request(request))
            await eventually(lambda: len(server.requests) == 1, "the request arrived")
            await transport.aclose()
            go.set()
            assert (await in_flight).content == b"late"
            try:
                await settle(server.conns[0].client_closed, "the late one was closed", 0.3)
            finally:
                await transport.aclose()  # so that the test leaves no socket open either way

    run(main())


# --- body framing --------------------------------------------------------------------------


def test_chunked_body_with_extension_and_trailer() -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
        b"5;name=value\r\nhello\r\n"
        b"6\r\n world\r\n"
        b"A\r\n, chunked!\r\n"
        b"0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
    )

    async def main() -> None:
        async with Server(answering(reply, answer(b"next"))) as server, direct_client() as client:
            assert (await get(client, server.url + "/")).content == b"hello world, chunked!"
            # The trailer was read to its end: the connection carries the next answer cleanly.
            assert (await get(client, server.url + "/")).content == b"next"
            assert len(server.conns) == 1

    run(main())


def test_chunked_body_with_big_chunks() -> None:
    data = bytes(range(256)) * 1024  # 256 KiB
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:200_000], data[200_000:])
    )
    reply = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + b"0\r\n\r\n"

    async def main() -> None:
        async with Server(answering(reply)) as server, direct_client() as client:
            assert (await get(client, server.url + "/")).content == data
            assert (await get(client, server.url + "/")).content == data
            assert len(server.conns) == 1

    run(main())


def test_body_delimited_by_the_connection_closing() -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
        await asyncio.sleep(0.01)
        await conn.answer(b", and more")
        # the handler returns: the server closes its end, which ends the body

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            assert (await get(client, server.url + "/")).content == b"until the end, and more"
            assert (await get(client, server.url + "/")).content == b"until the end, and more"
            assert len(server.conns) == 2

    run(main())


def test_answers_without_a_body() -> None:
    replies = [
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 500\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",  # to the HEAD request
        answer(b"after"),
    ]

    async def main() -> None:
        async with Server(answering(*replies)) as server, direct_client() as client:
            no_content = await get(client, server.url + "/")
            assert (no_content.status_code, no_content.content) == (204, b"")
            not_modified = await get(client, server.url + "/")
            assert (not_modified.status_code, not_modified.content) == (304, b"")
            head = await client.send(client.build_request("HEAD", server.url + "/"))
            assert head.status_code == 200
            assert head.headers["content-length"] == "1234"
            assert head.content == b""
            # No body was waited for, and nothing was left unread on the connection.
            assert (await get(client, server.url + "/")).content == b"after"
            assert len(server.conns) == 1
            assert request_line(server.requests[2]) == b"HEAD / HTTP/1.1"

    run(main())


def test_interim_answers_are_skipped() -> None:
    reply = (
        b"HTTP/1.1 100 Continue\r\n\r\n"
        b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
        + answer(b"done", "X-Final: yes", status="202 Accepted")
    )

    async def main() -> None:
        async with Server(answering(reply, answer(b"next"))) as server, direct_client() as client:
            response = await get(client, server.url + "/")
            assert (response.status_code, response.reason_phrase) == (202, "Accepted")
            assert response.headers["x-final"] == "yes"
            assert "link" not in response.headers
            assert response.content == b"done"
            assert (await get(client, server.url + "/")).content == b"next"

    run(main())


def test_big_body_streams_and_the_connection_is_reused() -> None:
    async def main() -> None:
        async with Server(answering(answer(BIG), answer(b"small"))) as server:
            async with direct_client() as client:
                request = client.build_request("GET", server.url + "/big")
                response = await client.send(request, stream=True)
                assert response.headers["content-length"] == str(len(BIG))
                chunks = [chunk async for chunk in response.aiter_bytes()]
                await response.aclose()
                assert b"".join(chunks) == BIG
                assert len(chunks) > 1  # streamed, not read whole
                assert (await get(client, server.url + "/")).content == b"small"
                assert len(server.conns) == 1

    run(main())


def test_big_body_read_whole() -> None:
    async def main() -> None:
        async with Server(answering(answer(BIG))) as server, direct_client() as client:
            assert (await get(client, server.url + "/big")).content == BIG

    run(main())


def test_a_stream_closed_before_its_end_closes_the_connection() -> None:
    async def main() -> None:
        async with Server(answering(answer(BIG))) as server, direct_client() as client:
            response = await client.send(client.build_request("GET", server.url + "/"), stream=True)
            async for chunk in response.aiter_raw():
                assert chunk
                break
            await response.aclose()
            await settle(server.conns[0].client_closed, "the half-read connection was closed")
            assert (await get(client, server.url + "/")).content == BIG
            assert len(server.conns) == 2

    run(main())


# --- errors --------------------------------------------------------------------------------


async def fails_with(handler: Handler) -> tuple[Exception, Server]:
    """The exception a GET raises against `handler`, and the server (its connections closed)."""
    async with Server(handler) as server, direct_client() as client:
        with pytest.raises(httpx.TransportError) as caught:
            await get(client, server.url + "/")
        for conn in server.conns:
            await settle(conn.done, "the server's handler ended")
    return caught.value, server


async def hang_up(conn: Conn) -> None:
    await conn.read_request()


def answer_of(reply: bytes) -> Handler:
    """A server that answers `reply` to the first request and waits for the client to hang up."""

    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(reply)
        await conn.until_client_closes()

    return handler


def fails_on(reply: bytes, kind: type[Exception], words: str) -> None:
    """A GET answered with `reply` raises `kind` saying `words`, and closes its connection."""
    error, server = run(fails_with(answer_of(reply)))
    assert type(error) is kind
    assert words in str(error)
    assert server.conns[0].client_closed.is_set()


def test_server_closing_without_a_byte() -> None:
    error, server = run(fails_with(hang_up))
    assert type(error) is httpx.RemoteProtocolError
    assert str(error) == "Server disconnected without sending a response."
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"<html><body>proxy error</body></html>\r\n\r\n",
        b"HTTP/1.1 2OO OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"HTTP/2 200\r\n\r\n",
    ],
    ids=["ssh", "html", "letters-in-status", "short-status", "http2"],
)
def test_a_garbage_status_line(reply: bytes) -> None:
    fails_on(
        reply,
        httpx.RemoteProtocolError,
        "not an HTTP/1.1 answer",
    )


def test_headers_longer_than_the_limit() -> None:
    fails_on(
        b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * HEAD_LIMIT + b"\r\n\r\nok",
        httpx.RemoteProtocolError,
        f"longer than {HEAD_LIMIT} bytes",
    )


def test_long_headers_within_the_limit_are_accepted() -> None:
    value = "v" * (HEAD_LIMIT - 200)
    reply = answer(b"fine", f"X-Long: {value}")

    async def main() -> None:
        async with Server(answering(reply)) as server, direct_client() as client:
            response = await get(client, server.url + "/")
        assert response.headers["x-long"] == value
        assert response.content == b"fine"

    run(main())


def test_headers_cut_short() -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(b"HTTP/1.1 200 OK\r\nContent-Le")

    error, _ = run(fails_with(handler))
    assert type(error) is httpx.RemoteProtocolError
    assert "cut short" in str(error)


def test_connection_reset_while_waiting_for_the_answer() -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        conn.reset()

    error, _ = run(fails_with(handler))
    assert type(error) is httpx.ReadError
    assert "the connection broke" in str(error)


def test_connection_reset_while_sending_a_big_body() -> None:
    async def handler(conn: Conn) -> None:
        await conn.reader.readuntil(b"\r\n\r\n")  # the head only, then a reset
        conn.reset()

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            request = client.build_request("POST", server.url + "/", json="x" * 16_000_000)
            with pytest.raises(httpx.WriteError, match="the connection broke while sending"):
                await client.send(request)

    run(main())


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def main() -> None:
        async with direct_client() as client:
            with pytest.raises(httpx.ConnectError, match=f"cannot connect to 127.0.0.1:{port}"):
                await get(client, f"http://127.0.0.1:{port}/")

    run(main())


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nonly4",  # shorter than READ_SIZE
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + BIG[:100_000],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\na\r\nwor",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ],
    ids=["small", "big", "chunk", "last-chunk-missing"],
)
def test_body_cut_short(reply: bytes) -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(reply)

    error, _ = run(fails_with(handler))
    assert type(error) is httpx.ReadError
    assert "the connection closed before the whole answer arrived" in str(error)


@pytest.mark.parametrize(
    "body",
    [b"zz\r\nhello\r\n0\r\n\r\n", b"5\r\nhelloXX0\r\n\r\n"],
    ids=["bad-size", "no-crlf-after-chunk"],
)
def test_malformed_chunked_body(body: bytes) -> None:
    fails_on(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
        httpx.RemoteProtocolError,
        "malformed chunked body",
    )


def test_bad_content_length() -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.answer(b"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n")
        await conn.until_client_closes()

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            with pytest.raises(httpx.RemoteProtocolError, match="bad Content-Length"):
                await get(client, server.url + "/")
            await settle(server.conns[0].client_closed, "the client closed the connection")

    run(main())


def test_unsupported_scheme() -> None:
    async def main() -> None:
        async with Server(answering(answer())) as server, direct_client() as client:
            with pytest.raises(httpx.UnsupportedProtocol, match="cannot send ftp://"):
                await get(client, f"ftp://127.0.0.1:{server.port}/file")
            assert server.conns == []

    run(main())


def test_https_to_a_server_that_does_not_speak_tls() -> None:
    async def handler(conn: Conn) -> None:
        await conn.reader.read(1)
        await conn.answer(answer(b"plain http"))

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            for _ in range(2):  # the second attempt reuses the loaded certificate store
                with pytest.raises(httpx.ConnectError, match="cannot connect to 127.0.0.1"):
                    await get(client, f"https://127.0.0.1:{server.port}/")
            assert len(server.conns) == 2

    run(main())


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked request body, decoded (the test server's side of the framing)."""
    body = b""
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        body += await reader.readexactly(size)
        assert await reader.readexactly(2) == b"\r\n"
    assert await reader.readuntil(b"\r\n") == b"\r\n"  # no trailer fields
    return body


@pytest.mark.parametrize(
    "parts", [[b"hello ", b"world"], [b""], []], ids=["two-parts", "empty-part", "no-parts"]
)
def test_a_body_of_unknown_length_is_sent_chunked(parts: list[bytes]) -> None:
    """httpx announces Transfer-Encoding: chunked for a streamed body; the bytes must match."""

    async def handler(conn: Conn) -> None:
        while True:
            try:
                head = await conn.reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            assert headers_of(head)["transfer-encoding"] == "chunked"
            assert "content-length" not in headers_of(head)
            async with asyncio.timeout(WAIT / 2):  # a body without chunk framing never ends
                body = await read_chunked(conn.reader)
            conn.requests.append(head + body)
            await conn.answer(answer(body))

    async def stream() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            for _ in range(2):  # the second one shows the first ended where it should
                request = httpx.Request("POST", server.url + "/upload", content=stream())
                response = await client.send(request)
                assert response.content == b"".join(parts)
            assert len(server.conns) == 1

    run(main())


# --- jobwatch.http.send --------------------------------------------------------------------


@pytest.mark.parametrize(
    "stall_after",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf of it"],
    ids=["no-answer", "half-a-body"],
)
def test_send_gives_up_on_a_silent_server_and_drops_the_connection(stall_after: bytes) -> None:
    async def handler(conn: Conn) -> None:
        if conn.index == 0:
            await conn.read_request()
            await conn.answer(stall_after)  # then nothing more
            await conn.until_client_closes()
        else:
            await answering(answer(b"awake"))(conn)

    async def main() -> None:
        async with Server(handler) as server, direct_client() as client:
            request = client.build_request("GET", server.url + "/job")
            started = time.monotonic()
            with pytest.raises(RetryableError, match=r"no answer within 0\.2s"):
                await jhttp.send(client, request, 0.2)
            assert 0.15 < time.monotonic() - started < 0.6
            await settle(server.conns[0].client_closed, "the timed-out connection was closed")
            response = await jhttp.send(client, client.build_request("GET", server.url + "/"), 1)
            assert response.content == b"awake"
            assert len(server.conns) == 2
            assert len(server.conns[0].requests) == 1

    run(main())


def test_send_turns_a_transport_failure_into_a_retryable_error() -> None:
    async def main() -> None:
        async with Server(hang_up) as server, direct_client() as client:
            with pytest.raises(RetryableError) as caught:
                await jhttp.send(client, client.build_request("GET", server.url + "/"), 1)
        assert str(caught.value) == (
            "connection error: Server disconnected without sending a response."
        )

    run(main())


def big_status_body() -> bytes:
    documents = [
        {"markdown": "# page\n" + "x" * 1000, "url": f"https://e.x/{n}"} for n in range(400)
    ]
    return json.dumps(
        {"status": "completed", "data": documents, "total": 400, "next": None}
    ).encode()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_send_drops_big_values_while_streaming(chunked: bool) -> None:
    body = big_status_body()
    assert len(body) > jhttp.SMALL_BODY
    if chunked:
        parts = [body[i : i + 50_000] for i in range(0, len(body), 50_000)]
        framed = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)
        reply = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + framed + b"0\r\n\r\n"
    else:
        reply = answer(body, "Content-Type: application/json")

    async def main() -> httpx.Response:
        async with Server(answering(reply, answer(b"{}"))) as server, direct_client() as client:
            request = client.build_request("GET", server.url + "/v1/crawl/1")
            response = await jhttp.send(client, request, 1, drop_keys=frozenset({"data"}))
            # the connection went back to the pool after the filtered body
            await jhttp.send(client, client.build_request("GET", server.url + "/"), 1)
            assert len(server.conns) == 1
            return response

    response = run(main())
    assert response.json() == {"status": "completed", "data": None, "total": 400, "next": None}
    assert response.status_code == 200
    assert response.reason_phrase == "OK"
    assert response.headers["content-length"] == str(len(response.content))
    assert "transfer-encoding" not in response.headers


def test_send_reads_a_small_body_whole_even_with_drop_keys() -> None:
    body = json.dumps({"status": "scraping", "data": [{"markdown": "hi"}]}).encode()

    async def main() -> httpx.Response:
        async with Server(answering(answer(body))) as server, direct_client() as client:
            request = client.build_request("GET", server.url + "/")
            return await jhttp.send(client, request, 1, drop_keys=frozenset({"data"}))

    response = run(main())
    assert response.json() == {"status": "scraping", "data": [{"markdown": "hi"}]}


# --- Client --------------------------------------------------------------------------------


def test_debug_lines_redact_the_key() -> None:
    key = "sk-live-0123456789abcdef"

    async def main() -> str:
        log = io.StringIO()
        async with Server(answering(answer(status="404 Not Found"))) as server:
            async with direct_client(debug=log) as client:
                url = f"{server.url}/v1/jobs/7"
                await get(client, url, headers={"Authorization": f"Bearer {key}"})
                await client.send(client.build_request("DELETE", url))
                await get(client, url, headers={"Authorization": "rawkey-0123456789"})
                await get(client, url, headers={"Authorization": "Bearer short"})
        return log.getvalue().replace(str(server.port), "PORT")

    lines = run(main()).splitlines()
    assert lines == [
        "debug: → GET http://127.0.0.1:PORT/v1/jobs/7 Authorization: Bearer …cdef",
        "debug: ← 404 GET http://127.0.0.1:PORT/v1/jobs/7",
        "debug: → DELETE http://127.0.0.1:PORT/v1/jobs/7",
        "debug: ← 404 DELETE http://127.0.0.1:PORT/v1/jobs/7",
        "debug: → GET http://127.0.0.1:PORT/v1/jobs/7 Authorization: …6789",
        "debug: ← 404 GET http://127.0.0.1:PORT/v1/jobs/7",
        "debug: → GET http://127.0.0.1:PORT/v1/jobs/7 Authorization: Bearer …",
        "debug: ← 404 GET http://127.0.0.1:PORT/v1/jobs/7",
    ]
    assert key not in "\n".join(lines)
    assert "0123456789" not in "\n".join(lines)
    assert "short" not in "\n".join(lines)


def test_no_debug_lines_without_debug(capsys: pytest.CaptureFixture[str]) -> None:
    async def main() -> None:
        async with Server(answering(answer())) as server, direct_client() as client:
            await get(client, server.url + "/", headers={"Authorization": "Bearer secret-key-1"})

    run(main())
    assert capsys.readouterr() == ("", "")


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def clear_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "all_proxy"])
def test_a_proxy_named_in_the_environment_is_used(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    clear_proxy_environment(monkeypatch)

    async def main() -> None:
        async with Server(answering(answer(b"via proxy"))) as proxy:
            monkeypatch.setenv(variable, proxy.url)  # httpx reads os.environ itself
            log = io.StringIO()
            async with Client(env={variable: proxy.url}, debug=log) as client:
                response = await get(client, "http://example.invalid/v1/jobs/9?x=1")
                assert response.content == b"via proxy"
                assert response.status_code == 200
                streamed = await client.send(
                    client.build_request("GET", "http://example.invalid/2"), stream=True
                )
                assert await streamed.aread() == b"via proxy"
                await streamed.aclose()
            for conn in proxy.conns:
                await settle(conn.client_closed, "aclose closed the proxy connection")
        first = proxy.requests[0]
        assert request_line(first) == b"GET http://example.invalid/v1/jobs/9?x=1 HTTP/1.1"
        assert headers_of(first)["host"] == "example.invalid"
        assert headers_of(first)["user-agent"] == f"jobwatch/{__version__}"
        assert request_line(proxy.requests[1]) == b"GET http://example.invalid/2 HTTP/1.1"
        assert log.getvalue().splitlines() == [
            "debug: → GET http://example.invalid/v1/jobs/9?x=1",
            "debug: ← 200 GET http://example.invalid/v1/jobs/9?x=1",
            "debug: → GET http://example.invalid/2",
            "debug: ← 200 GET http://example.invalid/2",
        ]

    run(main())


def test_an_injected_transport_ignores_the_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_environment(monkeypatch)

    async def main() -> None:
        async with Server(answering(answer(b"proxy"))) as proxy:
            async with Server(answering(answer(b"direct"))) as server:
                monkeypatch.setenv("HTTP_PROXY", proxy.url)
                env = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url}
                async with Client(PooledTransport(), env=env) as client:
                    assert (await get(client, server.url + "/")).content == b"direct"
            assert proxy.conns == []
            assert len(server.requests) == 1
            assert request_line(server.requests[0]) == b"GET / HTTP/1.1"

    run(main())


def test_without_a_proxy_requests_go_straight_to_the_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clear_proxy_environment(monkeypatch)

    async def main() -> None:
        async with Server(echoing()) as server, Client() as client:
            await get(client, server.url + "/a")
            await get(client, server.url + "/b")
            # Sent in origin-form by PooledTransport, on one kept-alive connection.
            assert [request_line(raw) for raw in server.requests] == [
                b"GET /a HTTP/1.1",
                b"GET /b HTTP/1.1",
            ]
            assert len(server.conns) == 1

    run(main())


# --- https ----------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (its own CA) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jobwatch test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_tls(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_https_verifies_the_certificate_and_keeps_the_connection(tmp_path, monkeypatch) -> None:
    cert_file, key_file = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # trust it, as a user behind a CA would
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    async def main() -> None:
        tls = server_tls(cert_file, key_file)
        async with Server(echoing(), tls=tls) as server, direct_client() as client:
            assert server.url.startswith("https://")
            for n in range(3):
                response = await get(client, f"{server.url}/jobs/{n}")
                assert response.status_code == 200
                assert response.content == f"/jobs/{n}".encode()
        assert len(server.conns) == 1  # one TLS handshake for all three

    run(main())


def test_https_rejects_a_certificate_nobody_vouches_for(tmp_path, monkeypatch) -> None:
    cert_file, key_file = self_signed(tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # certifi's store does not know it
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    async def main() -> None:
        tls = server_tls(cert_file, key_file)
        async with Server(echoing(), tls=tls) as server, direct_client() as client:
            with pytest.raises(httpx.ConnectError) as caught:
                await get(client, server.url + "/")
        assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)

    run(main())
