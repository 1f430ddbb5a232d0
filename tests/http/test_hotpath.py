"""What the poll hot path's shortcuts must not change, on both HTTP paths: cookies are never
kept, a request sent again carries its current headers (and a line break added since is still
refused), and a decoded body is what the response holds and says."""

from __future__ import annotations

import gc
import gzip
import json
import weakref
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from jobwatch.core.errors import RetryableError
from jobwatch.http.client import send
from tests.hostile import HostileServer, answer, headers_of, serving
from tests.httpkit import PATHS, Via, run


@pytest.fixture(params=PATHS)
def via(request: pytest.FixtureRequest) -> Iterator[Via]:
    with Via(request.param) as chosen:
        yield chosen


def test_cookies_a_server_sets_are_never_sent_back(via: Via) -> None:
    reply = answer(b"ok", "Set-Cookie: session=s3cr3t; Path=/", "Set-Cookie: b=2")

    async def main() -> list[str]:
        async with via.client() as client:
            for _ in range(3):
                request = client.build_request("GET", server.url + "/jobs/1")
                assert (await send(client, request, 5)).content == b"ok"
            # Nothing kept either: a request built by httpx itself would carry none.
            built = client.http.build_request("GET", server.url + "/jobs/2")
            return [*client.http.cookies.keys(), *built.headers.get_list("Cookie")]

    with HostileServer(serving(reply)) as server:
        assert run(main()) == []
    assert len(server.requests) == 3
    assert not any(b"cookie:" in raw.lower() for raw in server.requests)


def test_one_request_sent_again_carries_its_current_headers(via: Via) -> None:
    async def main() -> None:
        async with via.client() as client:
            request = client.build_request(
                "GET", server.url + "/jobs/1", headers={"Authorization": "Bearer fc-first"}
            )
            for _ in range(2):
                await send(client, request, 5)
            request.headers["Authorization"] = "Bearer fc-second"
            await send(client, request, 5)

    with HostileServer(serving(answer())) as server:
        run(main())
    first, again, changed = server.requests
    assert first == again
    assert headers_of(first)["authorization"] == "Bearer fc-first"
    assert headers_of(changed)["authorization"] == "Bearer fc-second"


def test_a_line_break_added_to_a_request_sent_before_is_never_sent(via: Via) -> None:
    async def main() -> str:
        async with via.client() as client:
            request = client.build_request("GET", server.url + "/", headers={"X-Id": "one"})
            await send(client, request, 5)
            request.headers["X-Id"] = "one\r\nX-Injected: yes"
            with pytest.raises(RetryableError) as caught:
                await send(client, request, 5)
            return str(caught.value)

    with HostileServer(serving(answer())) as server:
        message = run(main())
    assert "X-Injected" not in message
    assert "cannot be sent" in message
    assert len(server.requests) == 1
    assert not any(b"X-Injected" in raw for raw in server.requests)


def test_a_decoded_body_is_the_response_s_content_text_and_json(via: Via) -> None:
    document = {"status": "scraping", "completed": 3, "total": 10}
    packed = gzip.compress(json.dumps(document).encode())
    reply = answer(packed, "Content-Encoding: gzip", "Content-Type: application/json")

    async def main() -> tuple[object, str, dict[str, str]]:
        async with via.client() as client:
            response = await send(client, client.build_request("GET", server.url + "/"), 5)
            return response.json(), response.text, dict(response.headers)

    with HostileServer(serving(reply)) as server:
        body, text, headers = run(main())
    assert body == document
    assert json.loads(text) == document
    assert "content-encoding" not in headers
    assert "content-length" not in headers  # the packed length: not the content's
    assert headers["content-type"] == "application/json"


def test_a_streamed_request_body_is_sent_chunked_in_order(via: Via) -> None:
    """Bodies given whole are sent in one piece; a body that streams in is framed by h11."""
    pieces = [b"x" * 70_000, b"", b"tail"]  # past one write batch, an empty piece, a last one

    async def body() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    async def main() -> bytes:
        async with via.client() as client:
            request = httpx.Request("POST", server.url + "/upload", content=body())
            return (await send(client, request, 5)).content

    with HostileServer(serving(answer(b"stored"))) as server:
        assert run(main()) == b"stored"
    (raw,) = server.requests
    assert headers_of(raw)["transfer-encoding"] == "chunked"
    assert raw.endswith(b"%x\r\n%s\r\n4\r\ntail\r\n0\r\n\r\n" % (70_000, pieces[0]))


def test_an_answer_s_body_is_freed_when_the_answer_is_dropped(via: Via) -> None:
    """No reference cycle holds a read answer (a 10 MB Firecrawl body would otherwise wait
    for the garbage collector, adding its size to the peak memory of every poll)."""
    body = b"x" * 100_000

    async def main() -> bool:
        async with via.client() as client:
            response = await send(client, client.build_request("GET", server.url + "/"), 5)
            assert response.content == body
            alive = weakref.ref(response)
            gc.disable()
            try:
                del response
                return alive() is None
            finally:
                gc.enable()

    with HostileServer(serving(answer(body))) as server:
        assert run(main()) is True
