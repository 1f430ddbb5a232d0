"""Keep-alive and HTTP/1.1 framing against hostile loopback servers, on both paths: jobwatch's
h11 pool ("direct") and httpx's own transport through a forward proxy ("proxy")."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobwatch import __version__
from jobwatch.core.errors import RetryableError
from jobwatch.http.client import Client, send
from jobwatch.http.pool import PoolTransport
from tests.hostile import (
    Conn,
    HostileServer,
    answer,
    headers_of,
    request_line,
    serving,
)
from tests.httpkit import PATHS, Via, get, refused, run, self_signed, server_tls


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as chosen:
        yield chosen


def numbered(conn: Conn) -> None:
    """Answers each request with its path, keeping the connection open."""
    while (raw := conn.read_request()) is not None:
        conn.send(answer(request_line(raw).split(b" ")[1]))


def test_sequential_requests_share_one_connection(via: Via) -> None:
    async def main() -> list[bytes]:
        async with via.client() as client:
            return [(await get(client, f"{server.url}/jobs/{n}")).content for n in range(5)]

    with HostileServer(numbered) as server:
        bodies = run(main())
    assert bodies == [f"/jobs/{n}".encode() for n in range(5)]
    assert len(server.conns) == 1
    assert [request_line(raw) for raw in server.requests] == [
        f"GET /jobs/{n} HTTP/1.1".encode() for n in range(5)
    ]
    first = headers_of(server.requests[0])
    assert first["host"] == f"127.0.0.1:{server.port}"
    assert first["user-agent"] == f"jobwatch/{__version__}"
    assert first["accept-encoding"] == "gzip, deflate"


def test_an_answer_with_connection_close_is_not_reused(via: Via) -> None:
    closing = answer(b"bye", "Connection: close")

    async def main() -> list[bytes]:
        async with via.client() as client:
            return [(await get(client, server.url + "/")).content for _ in range(3)]

    with HostileServer(serving(closing)) as server:
        assert run(main()) == [b"bye"] * 3
    assert [len(conn.requests) for conn in server.conns] == [1, 1, 1]


def test_a_kept_alive_connection_the_server_closed_while_idle_is_replaced(via: Via) -> None:
    """The server hangs up between polls: the next request opens a fresh connection."""

    async def main() -> list[bytes]:
        async with via.client() as client:
            first = await get(client, server.url + "/a")
            await asyncio.sleep(0.2)  # the server's FIN arrives while the connection is idle
            return [first.content, (await get(client, server.url + "/b")).content]

    with HostileServer(serving(answer(b"once"), close=True)) as server:
        assert run(main()) == [b"once", b"once"]
    assert [len(conn.requests) for conn in server.conns] == [1, 1]


def test_a_server_hanging_up_on_a_reused_connection_is_a_retryable_error(via: Via) -> None:
    """As httpcore does, no silent retry: the poll fails retryable and the next one works."""

    def script(conn: Conn) -> None:
        conn.read_request()
        conn.send(answer(b"first"))
        if conn.index == 0:
            conn.read_request()  # the second request arrives, then the server hangs up
        else:
            numbered(conn)

    async def main() -> tuple[str, bytes]:
        async with via.client() as client:
            await get(client, server.url + "/1")
            with pytest.raises(RetryableError) as caught:
                await get(client, server.url + "/2")
            return str(caught.value), (await get(client, server.url + "/3")).content

    with HostileServer(script) as server:
        message, third = run(main())
    assert message == "connection error: Server disconnected without sending a response."
    assert third == b"first"
    assert len(server.conns) == 2


@pytest.mark.parametrize(
    "reply",
    [
        answer(b"ok") + b"EXTRA",
        answer(b"ok") + answer(b"smuggled"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"
        + answer(b"smuggled"),
    ],
    ids=["over-long-body", "pipelined-answer", "after-chunked"],
)
def test_a_connection_with_bytes_after_the_answer_is_never_reused(via: Via, reply: bytes) -> None:
    async def main() -> list[bytes]:
        async with via.client() as client:
            return [(await get(client, f"{server.url}/{n}")).content for n in range(3)]

    with HostileServer(serving(reply)) as server:
        assert run(main()) == [b"ok"] * 3
    assert [len(conn.requests) for conn in server.conns] == [1, 1, 1]


def test_bytes_arriving_on_an_idle_connection_make_it_unusable(via: Via) -> None:
    def script(conn: Conn) -> None:
        conn.read_request()
        conn.send(answer(b"ok"))
        time.sleep(0.1)
        conn.send(answer(b"unasked"))  # while the client sits idle
        numbered(conn)

    async def main() -> bytes:
        async with via.client() as client:
            await get(client, server.url + "/1")
            await asyncio.sleep(0.3)
            return (await get(client, server.url + "/2")).content

    with HostileServer(script) as server:
        assert run(main()) == b"ok"
    assert [len(conn.requests) for conn in server.conns] == [1, 1]


def test_a_body_not_read_to_its_end_closes_the_connection(via: Via) -> None:
    async def main() -> bytes:
        async with via.client() as client:
            streamed = await client.send(
                client.build_request("GET", server.url + "/big"), stream=True
            )
            async for _ in streamed.aiter_raw():
                break  # read one piece only
            await streamed.aclose()
            return (await get(client, server.url + "/next")).content

    body = b"x" * 500_000
    with HostileServer(serving(answer(body), answer(b"fresh"))) as server:
        assert run(main()) == body  # a new connection: its first answer
    assert len(server.conns) == 2
    assert server.conns[0].client_closed.wait(1.0)


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nokk",
            "conflicting Content-Length headers",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "Only Transfer-Encoding: chunked is supported",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+0x4_4\r\nokok\r\n0\r\n\r\n",
            "illegal chunk header",
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
            "malformed chunk footer",
        ),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "illegal status line"),
        (b"HTTP/1.1 2OO OK\r\n\r\n", "illegal status line"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 300_000, "Receive buffer too long"),
    ],
    ids=[
        "duplicate-length",
        "chunked-identity",
        "chunk-size-plus-hex",
        "chunk-without-crlf",
        "ssh",
        "letters",
        "huge-head",
    ],
)
def test_framing_h11_refuses_is_a_retryable_error(via: Via, reply: bytes, words: str) -> None:
    def script(conn: Conn) -> None:
        conn.read_request()
        conn.send(reply)
        conn.until_client_closes()

    with HostileServer(script) as server:
        message = refused(via, server.url + "/")
        assert server.conns[0].client_closed.wait(2)  # the connection was dropped
    assert message.startswith("connection error: ")
    assert words in message
    assert "\n" not in message


def test_bodies_framed_every_way_h11_allows(via: Via) -> None:
    replies = [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + answer(b"after interim"),
        answer(b"fine", "X-Long: " + "v" * 60_000),
        b"HTTP/1.1 200 OK\r\n\r\nuntil the server closes",  # close-delimited
    ]

    def script(conn: Conn) -> None:
        for reply in replies:
            conn.read_request()
            conn.send(reply)
        # returning closes the connection: the end of the last body

    async def main() -> list[bytes]:
        async with via.client() as client:
            return [(await get(client, server.url + "/")).content for _ in range(5)]

    with HostileServer(script) as server:
        bodies = run(main())
    assert bodies[:4] == [b"hello world", b"after interim", b"fine", b"until the server closes"]
    assert bodies[4] == b"hello world"  # a new connection after the close-delimited body
    assert [len(conn.requests) for conn in server.conns] == [4, 1]


@pytest.mark.parametrize(
    ("method", "reply"),
    [
        ("HEAD", answer(b"", "Content-Length: 100")),
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("GET", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"),
    ],
    ids=["head", "204", "304"],
)
def test_answers_without_a_body_keep_the_connection(via: Via, method: str, reply: bytes) -> None:
    async def main() -> list[int]:
        async with via.client() as client:
            request = client.build_request(method, server.url + "/")
            first = await send(client, request, 5)
            assert first.content == b""
            return [first.status_code, (await get(client, server.url + "/2")).status_code]

    with HostileServer(serving(reply, answer(b"next"))) as server:
        statuses = run(main())
    assert statuses[1] == 200
    assert len(server.conns) == 1


def test_a_post_sends_its_json_body_with_its_length(via: Via) -> None:
    async def main() -> None:
        async with via.client() as client:
            request = client.build_request("POST", server.url + "/jobs", json={"ids": ["a", "b"]})
            assert (await send(client, request, 5)).content == b"ok"

    with HostileServer(serving(answer())) as server:
        run(main())
    raw = server.requests[0]
    assert request_line(raw) == b"POST /jobs HTTP/1.1"
    assert headers_of(raw)["content-length"] == str(len(b'{"ids":["a","b"]}'))
    assert raw.endswith(b'{"ids":["a","b"]}')


def test_a_header_value_with_a_line_break_is_never_sent_nor_echoed(via: Via) -> None:
    key = "fc-0123456789abcdef\nX-Injected: yes"

    with HostileServer(numbered) as server:
        message = refused(via, server.url + "/", Authorization=f"Bearer {key}")
    assert "fc-0123456789abcdef" not in message
    assert "X-Injected" not in message
    assert message == (
        "connection error: the request has a header value that cannot be sent "
        "(a line break or control character?)"
    )
    assert not any(b"X-Injected" in raw for raw in server.requests)
    assert via.proxy is None or not any(b"X-Injected" in t for t in via.proxy.targets)


# httpcore's CONNECT tunnel can leave its socket to the garbage collector when a TLS handshake
# through it ends (seen with anyio's TLS stream): a ResourceWarning at an unpredictable moment,
# not a leak of jobwatch's own connections (the direct path is checked strictly).
_TUNNEL_GC = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@_TUNNEL_GC
def test_https_verifies_the_certificate_and_keeps_the_connection(
    via: Via, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # trust it, as a user behind a CA would
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    async def main() -> list[bytes]:
        async with via.client() as client:
            return [(await get(client, f"{server.url}/jobs/{n}")).content for n in range(3)]

    with HostileServer(numbered, tls=server_tls(cert_file, key_file)) as server:
        assert server.url.startswith("https://")
        assert run(main()) == [b"/jobs/0", b"/jobs/1", b"/jobs/2"]
    assert len(server.conns) == 1  # one TLS handshake for all three
    if via.proxy is not None:
        assert via.proxy.targets == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1".encode()]
    gc.collect()  # what the tunnel left behind is collected here, under _TUNNEL_GC


@_TUNNEL_GC
def test_https_rejects_a_certificate_nobody_vouches_for(
    via: Via, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert_file, key_file = self_signed(tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # certifi's store does not know it
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    with HostileServer(numbered, tls=server_tls(cert_file, key_file)) as server:
        assert "CERTIFICATE_VERIFY_FAILED" in refused(via, server.url + "/")
    assert server.requests == []
    gc.collect()  # what the tunnel left behind is collected here, under _TUNNEL_GC


def test_concurrent_requests_open_connections_then_reuse_them() -> None:
    async def main() -> None:
        async with Client(env={}) as client:
            urls = [f"{server.url}/{n}" for n in range(4)]
            for _ in range(2):
                bodies = await asyncio.gather(*(get(client, url) for url in urls))
                assert [body.content for body in bodies] == [f"/{n}".encode() for n in range(4)]

    with HostileServer(numbered) as server:
        run(main())
    assert len(server.conns) == 4
    assert sorted(len(conn.requests) for conn in server.conns) == [2, 2, 2, 2]


def test_idle_connections_beyond_the_limit_are_closed_and_aclose_closes_the_rest() -> None:
    async def main() -> None:
        pool = PoolTransport(max_idle_per_origin=1)
        async with Client(pool) as client:
            await asyncio.gather(*(get(client, f"{server.url}/{n}") for n in range(3)))
            assert pool.connections_opened == 3
        for conn in server.conns:
            assert conn.client_closed.wait(1.0)

    with HostileServer(numbered) as server:
        run(main())


def test_connection_refused_and_unsupported_scheme() -> None:
    async def main() -> list[str]:
        messages = []
        async with Client(env={}) as client:
            for url in ("http://127.0.0.1:1/", "ftp://127.0.0.1/file"):
                with pytest.raises(RetryableError) as caught:
                    await get(client, url)
                messages.append(str(caught.value))
        return messages

    closed_port, ftp = run(main())
    assert closed_port.startswith("connection error: cannot connect to 127.0.0.1:1")
    assert ftp == "connection error: cannot send ftp:// requests (http or https)"
