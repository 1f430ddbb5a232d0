"""Bounded answers on both paths: compressed bodies, a gzip bomb, a 300 MB body, corrupt or
cut-short bodies and slow servers all end one poll as a RetryableError, in bounded memory."""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import pytest

from jobwatch.core.errors import RetryableError
from jobwatch.http.body import MAX_BODY
from tests.hostile import Conn, HostileServer, answer, serving
from tests.httpkit import PATHS, Via, get, refused, run

MIB = 1024 * 1024


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as chosen:
        yield chosen


def fetch(via: Via, reply: bytes | Callable[[], Iterator[bytes]], limit: float = 5.0) -> bytes:
    async def main() -> bytes:
        async with via.client() as client:
            return (await get(client, server.url + "/", limit)).content

    with HostileServer(serving(reply)) as server:
        return bytes(run(main()))


def refusal(via: Via, reply: bytes | Callable[[], Iterator[bytes]], limit: float = 5.0) -> str:
    with pytest.raises(RetryableError) as caught:
        fetch(via, reply, limit)
    message = str(caught.value)
    assert "\n" not in message
    return message


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_compressed_bodies_are_decoded(via: Via, encoding: str, pack: Callable) -> None:
    body = b'{"status": "scraping", "completed": 3}' * 1000
    reply = answer(pack(body), f"Content-Encoding: {encoding}")
    assert fetch(via, reply) == body


def bomb() -> Iterator[bytes]:
    """10 MB of gzip that would expand to about 10 GB of zeros, made lazily: after a full
    flush, the compressor's output for the same 1 MiB of zeros repeats byte for byte."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    count = 10_000_000 // len(again)
    yield b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
    yield b"Content-Length: %d\r\n\r\n" % (len(first) + len(again) * count)
    yield first
    for _ in range(count):
        yield again


def peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except RetryableError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_refused_in_bounded_memory(via: Via) -> None:
    message = refusal(via, bomb)
    assert message == "answer larger than 32 MiB once decompressed (gzip); not read"
    peak = peak_memory(lambda: fetch(via, bomb))
    assert peak < 2 * MAX_BODY + 8 * MIB, f"peak {peak / MIB:.0f} MiB"


def endless(total: int, *, length: bool) -> Callable[[], Iterator[bytes]]:
    """An answer of `total` bytes produced a piece at a time (never held whole)."""

    def pieces() -> Iterator[bytes]:
        piece = b"x" * MIB
        if length:
            yield b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % total
            for _ in range(total // MIB):
                yield piece
        else:
            yield b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            for _ in range(total // MIB):
                yield b"%x\r\n%s\r\n" % (len(piece), piece)
            yield b"0\r\n\r\n"

    return pieces


def test_a_300_mb_body_announced_is_refused_before_it_is_read(via: Via) -> None:
    started = time.monotonic()
    message = refusal(via, endless(300_000_000, length=True))
    assert message == "answer larger than 32 MiB (300,000,000 bytes announced); not read"
    assert time.monotonic() - started < 3


def test_a_300_mb_chunked_body_is_refused_after_32_mib(via: Via) -> None:
    message = refusal(via, endless(300_000_000, length=False))
    assert message == "answer larger than 32 MiB; not read past it"
    peak = peak_memory(lambda: fetch(via, endless(300_000_000, length=False)))
    assert peak < 2 * MAX_BODY + 8 * MIB, f"peak {peak / MIB:.0f} MiB"


def test_a_body_just_under_the_cap_is_read_whole(via: Via) -> None:
    body = bytes(range(256)) * (MAX_BODY // 256 - 1)
    assert fetch(via, answer(body)) == body


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (answer(b"not gzip at all", "Content-Encoding: gzip"), "corrupt gzip answer"),
        (
            answer(gzip.compress(b"x" * 1000)[:20], "Content-Encoding: gzip"),
            "corrupt gzip answer: the compressed data ends too early",
        ),
        (answer(b"\x00\x01garbage", "Content-Encoding: deflate"), "corrupt deflate answer"),
        (answer(b"x", "Content-Encoding: br"), "answer in an encoding jobwatch cannot read: br"),
        (
            answer(b"x", "Content-Encoding: gzip, gzip"),
            "answer in an encoding jobwatch cannot read: gzip, gzip",
        ),
    ],
    ids=["not-gzip", "gzip-cut-short", "bad-deflate", "brotli", "two-codings"],
)
def test_an_answer_jobwatch_cannot_decode_is_retryable(via: Via, reply: bytes, words: str) -> None:
    assert words in refusal(via, reply)


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\na\r\nwor",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ],
    ids=["length", "chunk", "last-chunk-missing"],
)
def test_a_body_cut_short_is_retryable(via: Via, reply: bytes) -> None:
    def script(conn: Conn) -> None:
        conn.read_request()
        conn.send(reply)  # then hang up

    with HostileServer(script) as server:
        message = refused(via, server.url + "/")
    assert message.startswith("connection error: peer closed connection without sending")


@pytest.mark.parametrize(
    "stall_after",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf of it"],
    ids=["no-answer", "half-a-body"],
)
def test_a_silent_server_is_given_up_on_at_the_time_limit(via: Via, stall_after: bytes) -> None:
    def script(conn: Conn) -> None:
        if conn.index == 0:
            conn.read_request()
            conn.send(stall_after)
            conn.stall(5)  # until the client hangs up
        else:
            serving(answer(b"awake"))(conn)

    async def main() -> tuple[str, float, bytes]:
        async with via.client() as client:
            started = time.monotonic()
            with pytest.raises(RetryableError) as caught:
                await get(client, server.url + "/job", 0.3)
            took = time.monotonic() - started
            return str(caught.value), took, (await get(client, server.url + "/", 2)).content

    with HostileServer(script) as server:
        message, took, after = run(main())
        assert server.conns[0].client_closed.wait(2)  # the timed-out connection was dropped
    assert message == "no answer within 0.3s"
    assert 0.25 < took < 1.0
    assert after == b"awake"


def test_a_body_dripping_in_is_bounded_by_the_time_limit(via: Via) -> None:
    def drip() -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
        for _ in range(1000):
            time.sleep(0.02)
            yield b"x"

    started = time.monotonic()
    assert refusal(via, drip, limit=0.4) == "no answer within 0.4s"
    assert time.monotonic() - started < 1.5
