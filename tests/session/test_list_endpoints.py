"""`--running`: every provider's list endpoint, from the documented bodies
(specs/ENDPOINTS-NEXT.md 1.2, 2.1, 3.1, 4), over the real request/answer round trip
(jobwatch.session.listing.list_running with an httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from jobwatch.core.errors import CredentialsError, StateUnknownError, UsageError
from jobwatch.http.client import Client
from jobwatch.providers import Provider
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from jobwatch.providers.zilliz import ImportJob
from jobwatch.providers.zilliz import imports as zilliz_jobs
from jobwatch.session import listing as running
from tests.providers.conftest import settings

BASE = "http://127.0.0.1:8787"
Answer = Callable[[httpx.Request], httpx.Response]


def list_with(
    provider: Provider, answer: Answer, **more: Any
) -> tuple[list[str], list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    async def listed() -> list[str]:
        async with Client(httpx.MockTransport(handler)) as client:
            return await running.list_running(provider, client, **more)

    ids = asyncio.run(listed())
    return ids, seen


def firecrawl() -> BatchScrape:
    return Crawl(settings(base_url=BASE))


def test_firecrawl_active_crawls_have_no_status_and_all_count_as_running() -> None:
    body = {
        "success": True,
        "crawls": [
            {
                "id": "0b3f6f2e-0000-4000-8000-000000000001",
                "teamId": "t",
                "url": "https://a.example",
                "created_at": "2026-06-01T10:00:00.000Z",
                "options": {"limit": 10},
            },
            {
                "id": "0b3f6f2e-0000-4000-8000-000000000002",
                "teamId": "t",
                "url": "https://b.example",
                "created_at": "2026-06-01T10:00:01.000Z",
                "options": {},
            },
        ],
    }
    ids, seen = list_with(firecrawl(), lambda r: httpx.Response(200, json=body))
    assert ids == ["0b3f6f2e-0000-4000-8000-000000000001", "0b3f6f2e-0000-4000-8000-000000000002"]
    assert [(r.method, r.url.path) for r in seen] == [("GET", "/v2/crawl/active")]
    assert seen[0].headers["Authorization"] == "Bearer test-key-0123456789"


def test_firecrawl_active_list_errors() -> None:
    with pytest.raises(CredentialsError):
        list_with(firecrawl(), lambda r: httpx.Response(401, json={"error": "Unauthorized"}))
    failed = {"success": False, "error": "boom"}
    with pytest.raises(StateUnknownError, match="boom"):
        list_with(firecrawl(), lambda r: httpx.Response(200, json=failed))


def test_firecrawl_running_lists_crawls_only() -> None:
    assert not BatchScrape.can_list() and Crawl.can_list()


def snapshot(sid: str, status: str) -> dict[str, Any]:
    return {
        "id": sid,
        "created": "2023-11-07T05:31:56Z",
        "status": status,
        "dataset_id": "gd_x",
        "dataset_size": 123,
    }


def test_brightdata_lists_starting_then_running_snapshots_of_the_dataset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jobwatch.providers.brightdata import snapshots as brightdata

    monkeypatch.setattr(brightdata, "LIST_LIMIT", 2)
    pages = {
        ("starting", "0"): [snapshot("s_1", "starting")],
        ("running", "0"): [snapshot("s_2", "running"), snapshot("s_3", "running")],
        ("running", "2"): [snapshot("s_4", "running"), snapshot("s_5", "ready")],
        ("running", "4"): [],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        query = request.url.params
        assert query["dataset_id"] == "gd_x" and query["limit"] == "2"
        return httpx.Response(200, json=pages[(query["status"], query["skip"])])

    provider = Snapshot(settings(base_url=BASE), dataset_id="gd_x")
    ids, seen = list_with(provider, answer)
    assert ids == ["s_1", "s_2", "s_3", "s_4"]  # a finished one on the page is left out
    assert {r.url.path for r in seen} == {"/datasets/v3/snapshots"}
    assert len(seen) == 4


def test_brightdata_needs_a_dataset_and_reads_plain_text_errors() -> None:
    with pytest.raises(UsageError, match="--dataset-id"):
        list_with(Snapshot(settings(base_url=BASE)), lambda r: httpx.Response(200, json=[]))
    provider = Snapshot(settings(base_url=BASE), dataset_id="gd_x")
    with pytest.raises(CredentialsError, match="Invalid credentials"):
        list_with(provider, lambda r: httpx.Response(401, text="Invalid credentials"))
    with pytest.raises(StateUnknownError, match="not a JSON array"):
        list_with(provider, lambda r: httpx.Response(200, json={"unexpected": 1}))


def zilliz_page(ids: list[str], state: str, page: int, size: int) -> dict[str, Any]:
    records = [{"collectionName": "c", "jobId": i, "state": state} for i in ids]
    return {
        "code": 0,
        "data": {"count": len(records), "currentPage": page, "pageSize": size, "records": records},
    }


def test_zilliz_cloud_follows_full_pages_and_keeps_unfinished_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(zilliz_jobs, "LIST_PAGE_SIZE", 2)

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["clusterId"] == "in01-abc" and body["pageSize"] == 2
        page = body["currentPage"]
        if page == 1:
            return httpx.Response(200, json=zilliz_page(["job-a", "job-b"], "InProgress", 1, 2))
        if page == 2:
            data = zilliz_page(["job-c"], "Pending", 2, 2)
            data["data"]["records"].append(
                {"collectionName": "c", "jobId": "job-d", "state": "Completed"}
            )
            return httpx.Response(200, json=data)
        return httpx.Response(200, json=zilliz_page([], "Pending", page, 2))

    provider = ImportJob(settings(base_url="https://api.cloud.zilliz.com"), cluster_id="in01-abc")
    ids, seen = list_with(provider, answer)
    assert ids == ["job-a", "job-b", "job-c"]
    assert [json.loads(r.content)["currentPage"] for r in seen] == [1, 2, 3]
    assert all(r.url.path == "/v2/vectordb/jobs/import/list" for r in seen)


def test_zilliz_list_error_codes() -> None:
    provider = ImportJob(settings(base_url="https://api.cloud.zilliz.com"), cluster_id="in01-abc")
    illegal = {"code": 21119, "message": "The apikey is illegal."}
    with pytest.raises(CredentialsError, match="apikey is illegal"):
        list_with(provider, lambda r: httpx.Response(200, json=illegal))


def test_milvus_lists_without_paging_and_numbers_as_ids() -> None:
    body = {
        "code": 0,
        "data": {
            "records": [
                {
                    "jobId": "448761313698322011",
                    "collectionName": "c",
                    "state": "Importing",
                    "progress": 40,
                },
                {
                    "jobId": 448761313698322012,
                    "collectionName": "c",
                    "state": "Uncommitted",
                    "progress": 99,
                },
                {
                    "jobId": "448761313698322013",
                    "collectionName": "c",
                    "state": "Completed",
                    "progress": 100,
                },
                {
                    "jobId": "448761313698322014",
                    "collectionName": "c",
                    "state": "Failed",
                    "progress": 0,
                    "reason": "bad file",
                },
            ]
        },
    }
    provider = ImportJob(settings(api_key=None, base_url="http://localhost:19530"))
    ids, seen = list_with(provider, lambda r: httpx.Response(200, json=body))
    assert ids == ["448761313698322011", "448761313698322012"]
    assert len(seen) == 1 and json.loads(seen[0].content) == {}


def coze_page(infos: list[tuple[str, int]], total: int) -> dict[str, Any]:
    return {
        "code": 0,
        "msg": "",
        "document_infos": [
            {
                "document_id": doc,
                "name": "a.pdf",
                "status": status,
                "create_time": 1733817600,
                "update_time": 1733817600,
                "format_type": 0,
                "source_type": 0,
                "type": "pdf",
                "size": 100,
                "char_count": 0,
                "slice_count": 0,
                "hit_count": 0,
                "update_type": 0,
                "update_interval": 0,
            }
            for doc, status in infos
        ],
        "total": total,
        "detail": {"logid": "20241210152726467C48D89D6DB2F3BA05"},
    }


def test_coze_pages_by_total_sends_agw_js_conv_and_keeps_processing_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jobwatch.providers.coze import documents as coze

    monkeypatch.setattr(coze, "LIST_PAGE_SIZE", 2)
    pages = {
        1: coze_page([("7386942056030100001", 0), ("7386942056030100002", 1)], 3),
        2: coze_page([("7386942056030100003", 0)], 3),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Agw-Js-Conv"] == "str"
        body = json.loads(request.content)
        assert body["dataset_id"] == "7441" and body["size"] == 2
        return httpx.Response(200, json=pages[body["page"]])

    ids, seen = list_with(Document(settings(base_url=BASE), dataset_id="7441"), answer)
    assert ids == ["7386942056030100001", "7386942056030100003"]
    assert [r.url.path for r in seen] == ["/open_api/knowledge/document/list"] * 2


def test_coze_list_accepts_a_data_wrapper_and_reports_codes() -> None:
    provider = Document(settings(base_url=BASE), dataset_id="7441")
    wrapped = {"code": 0, "msg": "", "data": coze_page([("7386942056030100009", 0)], 1)}
    ids, _ = list_with(provider, lambda r: httpx.Response(200, json=wrapped))
    assert ids == ["7386942056030100009"]
    denied = {"code": 4100, "msg": "authentication is invalid", "detail": {"logid": "L1"}}
    with pytest.raises(CredentialsError, match="logid L1"):
        list_with(provider, lambda r: httpx.Response(200, json=denied))
    with pytest.raises(StateUnknownError, match="document_infos"):
        list_with(provider, lambda r: httpx.Response(200, json={"code": 0, "msg": ""}))


def test_paging_stops_after_max_pages_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(running, "MAX_PAGES", 3)
    monkeypatch.setattr(zilliz_jobs, "LIST_PAGE_SIZE", 1)
    lines: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["currentPage"]
        return httpx.Response(200, json=zilliz_page([f"job-{page}"], "Pending", page, 1))

    provider = ImportJob(settings(base_url="https://api.cloud.zilliz.com"), cluster_id="in01-abc")
    ids, seen = list_with(provider, answer, say=lines.append)
    assert ids == ["job-1", "job-2", "job-3"] and len(seen) == 3
    assert lines == [
        "jobwatch: warning: stopped listing zilliz jobs after 3 pages; "
        "the jobs of later pages are left out"
    ]


def test_a_retryable_list_failure_is_retried() -> None:
    answers = iter(
        [
            httpx.Response(503, text="busy", headers={"Retry-After": "0"}),
            httpx.Response(200, json={"success": True, "crawls": [{"id": "c1"}]}),
        ]
    )
    lines: list[str] = []
    ids, seen = list_with(firecrawl(), lambda r: next(answers), say=lines.append)
    assert ids == ["c1"] and len(seen) == 2
    assert lines[0].startswith("retrying the list in 0.0s: firecrawl: HTTP 503")


def test_providers_that_cannot_list_say_so() -> None:
    from tests.fakeprovider import Fake

    assert not Fake.can_list()
    assert all(cls.can_list() for cls in (Snapshot, Document, Crawl, ImportJob))
