"""Dropping a big top-level member of a JSON body while it streams in (jobwatch.bodyfilter),
and `send(..., drop_keys=...)`, which uses it for Firecrawl's `data`."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import httpx
import pytest

from jobwatch.bodyfilter import TopLevelFilter, without_keys
from jobwatch.http import SMALL_BODY, Client, send
from jobwatch.providers import Firecrawl

from .conftest import settings

DATA = frozenset({"data"})


def dropped(body: bytes, chunk_size: int = 65536) -> Any:
    return json.loads(without_keys(body, DATA, chunk_size))


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 64, 65536])
def test_data_becomes_null_in_any_position_and_chunking(chunk_size):
    body = (
        b'{"data": [{"markdown": "a ] } [ { \\" , : \\\\", "metadata": {"data": [1]}}],'
        b' "status": "scraping", "completed": 3, "total": 10, "next": "http://x/?skip=3"}'
    )
    assert dropped(body, chunk_size) == {
        "data": None,
        "status": "scraping",
        "completed": 3,
        "total": 10,
        "next": "http://x/?skip=3",
    }
    last = b'{"status":"completed","completed":2,"total":2,"data":[{"markdown":"}"}]}'
    assert dropped(last, chunk_size) == {
        "status": "completed",
        "completed": 2,
        "total": 2,
        "data": None,
    }


def test_scalar_and_empty_values_are_dropped_too():
    assert dropped(b'{"data":"a \\"]\\" b","x":1}') == {"data": None, "x": 1}
    assert dropped(b'{"data":12.5e3,"x":[]}') == {"data": None, "x": []}
    assert dropped(b'{"data":[]}') == {"data": None}
    assert dropped(b'{"data":null}') == {"data": None}
    assert dropped(b"{}") == {}


def test_only_top_level_keys_are_dropped_and_look_alikes_are_kept():
    body = json.dumps(
        {
            "status": "scraping",
            'x"data': 1,
            "data\\": 2,
            "nested": {"data": [1, 2]},
            "list": [{"data": 3}, "data", ":"],
            "text": '"data": [1]',
        }
    ).encode()
    assert dropped(body) == json.loads(body)


def test_an_escaped_key_is_the_same_key():
    assert dropped(b'{"d\\u0061ta": [1, 2], "status": "ok"}') == {"data": None, "status": "ok"}


def test_whitespace_and_unicode_are_kept():
    body = json.dumps(
        {"error": 'é ✓ \\ " [', "data": ["ü" * 10]}, ensure_ascii=False, indent=2
    ).encode()
    assert dropped(b"\n  " + body + b"\n", chunk_size=3) == {"error": 'é ✓ \\ " [', "data": None}


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway { data: [1] }</body></html>",
        b"upstream connect error",
        b'[{"data": 1}]',
        b"",
        b"   ",
    ],
)
def test_anything_but_an_object_passes_unchanged(body):
    assert without_keys(body, DATA, chunk_size=2) == body


def test_random_documents_match_json_loads():
    rng = random.Random(20240601)
    alphabet = ["a", '"', "\\", "[", "]", "{", "}", ",", ":", " ", "é", "\n", "data", '\\"']

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))

    def value(depth: int = 0) -> Any:
        kind = rng.randint(0, 5 if depth < 3 else 2)
        if kind == 0:
            return text()
        if kind == 1:
            return rng.choice([0, -7, 10**9, 1.5e-3, True, False, None])
        if kind == 2:
            return text()
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["data", text()]): value(depth + 1) for _ in range(rng.randint(0, 3))}

    for _ in range(2000):
        document = {rng.choice(["data", "status", text()]): value() for _ in range(4)}
        body = json.dumps(
            document,
            ensure_ascii=rng.random() < 0.5,
            indent=rng.choice([None, 1]),
            separators=rng.choice([None, (",", ":"), (" , ", " : ")]),
        ).encode()
        expected = {key: None if key == "data" else item for key, item in document.items()}
        assert dropped(body, rng.choice([1, 2, 7, 4096])) == expected


def test_the_filter_keeps_little_of_a_big_body():
    keep = TopLevelFilter(DATA)
    keep.feed(b'{"status":"scraping","data":[')
    for _ in range(100):
        keep.feed(b'{"markdown":"' + b"x" * 100_000 + b'"},')
    keep.feed(b'{"markdown":"y"}],"total":100}')
    assert len(keep.kept) < 100
    assert json.loads(keep.kept) == {"status": "scraping", "data": None, "total": 100}


def _send(body: bytes, *, status: int = 200, drop: frozenset[str] = DATA) -> httpx.Response:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})

    async def round_trip() -> httpx.Response:
        async with Client(httpx.MockTransport(answer)) as client:
            return await send(
                client, client.build_request("GET", "http://h/x"), 5.0, drop_keys=drop
            )

    return asyncio.run(round_trip())


def _big_body(**head: Any) -> bytes:
    documents = b",".join([b'{"markdown":"' + b"]" * 100_000 + b'"}'] * (SMALL_BODY // 50_000))
    return json.dumps(head).encode()[:-1] + b',"data":[' + documents + b"]}"


def test_send_drops_data_of_a_big_body():
    body = _big_body(status="scraping", completed=3, total=9)
    assert len(body) > SMALL_BODY
    response = _send(body, status=202)
    assert response.status_code == 202
    assert response.reason_phrase == "Accepted"
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "scraping", "completed": 3, "total": 9, "data": None}


def test_send_reads_a_small_body_whole():
    body = b'{"status":"scraping","data":[{"markdown":"x"}]}'
    assert _send(body).content == body
    assert _send(b"<html>oops</html>", status=502).text == "<html>oops</html>"


def test_firecrawl_reads_a_big_status_body_without_its_data():
    body = _big_body(success=True, status="scraping", completed=10, total=100, creditsUsed=10)
    provider = Firecrawl(settings(base_url="http://127.0.0.1:3002"))

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    async def round_trip() -> Any:
        async with Client(httpx.MockTransport(answer)) as client:
            request = provider.build_request(client, ["job"])
            response = await send(client, request, 5.0, drop_keys=provider.drop_body_keys)
            assert len(response.content) < 1000
            return provider.parse(response, ["job"])

    (status,) = asyncio.run(round_trip())
    assert (status.status, status.completed, status.total) == ("scraping", 10, 100)
    assert status.extra["creditsUsed"] == 10
