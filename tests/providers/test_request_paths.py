"""Hostile job ids reach a real loopback server as ONE encoded path segment under each
provider's documented route, never another endpoint (issue 10, strict requests)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from urllib.parse import unquote

import pytest

from jobwatch.http.client import Client, send
from jobwatch.providers.base import Provider
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from jobwatch.providers.zilliz import ImportJob
from tests.providers.conftest import settings
from tests.recorder import Seen, recording_server

HOSTILE = {
    "../../../v1/team/credit-usage": "..%2F..%2F..%2Fv1%2Fteam%2Fcredit-usage",
    "abc#frag": "abc%23frag",
    "a?x=1": "a%3Fx%3D1",
    "a/b": "a%2Fb",
    "%2e%2e": "%252e%252e",
    "..%2F..": "..%252F..",
    "a/../b": "a%2F..%2Fb",
}


def sent(provider: Provider, ids: Sequence[str]) -> list[Seen]:
    """What the loopback server received for one poll of `ids` (sent by the real client)."""

    async def poll() -> None:
        async with Client(env={}) as client:
            request = provider.build_request(client, list(ids))
            response = await send(client, request, 5.0)
            assert response.status_code == 200

    with recording_server(b'{"ok": true}') as server:
        provider.base_url = server.url
        asyncio.run(poll())
    return server.seen


def segments(target: str) -> list[str]:
    path = target.split("?", 1)[0]
    assert "#" not in target
    return path.split("/")[1:]


@pytest.mark.parametrize(("job_id", "encoded"), list(HOSTILE.items()))
@pytest.mark.parametrize("crawl", [False, True], ids=["batch", "crawl"])
def test_firecrawl_id_is_one_segment_and_the_query_is_only_limit(
    job_id: str, encoded: str, crawl: bool
) -> None:
    (seen,) = sent(
        (Crawl if crawl else BatchScrape)(settings(api_key="fc-k", base_url="http://x")), [job_id]
    )
    route = "crawl" if crawl else "batch/scrape"
    assert seen.method == "GET"
    assert seen.target == f"/v2/{route}/{encoded}?limit=1"
    *head, last = segments(seen.target)
    assert head == ["v2", *route.split("/")]
    assert unquote(last) == job_id


@pytest.mark.parametrize(("job_id", "encoded"), list(HOSTILE.items()))
def test_brightdata_snapshot_id_is_one_segment(job_id: str, encoded: str) -> None:
    (seen,) = sent(Snapshot(settings(base_url="http://x")), [job_id])
    assert (seen.method, seen.target) == ("GET", f"/datasets/v3/progress/{encoded}")
    *head, last = segments(seen.target)
    assert head == ["datasets", "v3", "progress"]
    assert unquote(last) == job_id


@pytest.mark.parametrize(("dataset_id", "encoded"), list(HOSTILE.items()))
def test_coze_dataset_id_is_one_segment_and_document_ids_stay_json_strings(
    dataset_id: str, encoded: str
) -> None:
    provider = Document(settings(base_url="http://x"), dataset_id=dataset_id)
    documents = ["744667080521909***", *HOSTILE]
    with recording_server(b'{"code": 0}') as server:
        provider.base_url = server.url

        async def poll() -> bytes:
            async with Client(env={}) as client:
                request = provider.build_request(client, documents)
                await send(client, request, 5.0)
                return request.content

        body = asyncio.run(poll())
    (seen,) = server.seen
    assert (seen.method, seen.target) == ("POST", f"/v1/datasets/{encoded}/process")
    assert segments(seen.target)[:2] == ["v1", "datasets"]
    assert unquote(segments(seen.target)[2]) == dataset_id
    assert json.loads(body) == {"document_ids": documents}


@pytest.mark.parametrize("job_id", list(HOSTILE))
@pytest.mark.parametrize("milvus", [False, True], ids=["zilliz", "milvus"])
def test_zilliz_job_id_goes_only_into_the_json_body(job_id: str, milvus: bool) -> None:
    cluster = None if milvus else "in01-0123456789abcdef"
    provider = ImportJob(settings(base_url="http://x", cluster_id=cluster))
    with recording_server(b'{"code": 0}') as server:
        provider.base_url = server.url

        async def poll() -> bytes:
            async with Client(env={}) as client:
                request = provider.build_request(client, [job_id])
                await send(client, request, 5.0)
                return request.content

        body = asyncio.run(poll())
    (seen,) = server.seen
    route = "describe" if milvus else "getProgress"
    assert (seen.method, seen.target) == ("POST", f"/v2/vectordb/jobs/import/{route}")
    assert json.loads(body)["jobId"] == job_id
