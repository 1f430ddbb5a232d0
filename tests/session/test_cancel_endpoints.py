"""`jobwatch cancel`: every provider's cancel endpoint, from the documented answers
(specs/ENDPOINTS-NEXT.md 1.3, 2.2, 3.2), over jobwatch.session.cancel.cancel_jobs with an
httpx.MockTransport; and how several results make one exit code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from jobwatch.http.client import Client
from jobwatch.providers import Provider
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from jobwatch.providers.zilliz import ImportJob
from jobwatch.render.result import cancel_line
from jobwatch.session.cancel import CancelResult, cancel_jobs, exit_code
from tests.providers.conftest import settings

BASE = "http://127.0.0.1:8787"
Answer = Callable[[httpx.Request], httpx.Response]


def cancel(
    provider: Provider, answer: Answer, job: str = "job-1"
) -> tuple[CancelResult, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    async def one() -> list[CancelResult]:
        async with Client(httpx.MockTransport(handler)) as client:
            return await cancel_jobs(client, [(provider, job)], time_limit=5.0)

    (result,) = asyncio.run(one())
    return result, seen


@pytest.mark.parametrize(
    ("crawl", "path"), [(True, "/v2/crawl/job-1"), (False, "/v2/batch/scrape/job-1")]
)
def test_firecrawl_cancel_is_a_delete_on_the_job(crawl: bool, path: str) -> None:
    provider = (Crawl if crawl else BatchScrape)(settings(base_url=BASE))
    result, seen = cancel(provider, lambda r: httpx.Response(200, json={"status": "cancelled"}))
    assert (result.outcome, result.exit_code) == ("cancelled", 0)
    assert [(r.method, r.url.path) for r in seen] == [("DELETE", path)]
    # Named as the watch's rows name it: the provider, then the kind (issue 23).
    kind = "crawl" if crawl else "batch scrape"
    assert cancel_line(result) == f"jobwatch: cancelled firecrawl job-1 ({kind})"


def test_firecrawl_cancel_answers() -> None:
    provider = Crawl(settings(base_url=BASE))
    done = {"success": False, "error": "Crawl is already completed"}
    result, _ = cancel(provider, lambda r: httpx.Response(409, json=done))
    assert (result.outcome, result.exit_code) == ("finished", 0)
    result, _ = cancel(provider, lambda r: httpx.Response(404, json={"error": "Job not found"}))
    assert (result.outcome, result.exit_code) == ("error", 3)
    assert "Job not found" in result.message
    result, _ = cancel(provider, lambda r: httpx.Response(403, json={"error": "Unauthorized"}))
    assert (result.outcome, result.exit_code) == ("error", 4)
    odd = {"success": True, "message": "Batch scrape job successfully cancelled."}
    result, _ = cancel(provider, lambda r: httpx.Response(200, json=odd))
    assert (result.outcome, result.exit_code) == ("error", 3)


def test_brightdata_cancel_answers_plain_text() -> None:
    provider = Snapshot(settings(base_url=BASE))
    result, seen = cancel(provider, lambda r: httpx.Response(200, text="OK"), "s_m4x7enmven8djfqak")
    assert result.outcome == "cancelled"
    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/datasets/v3/snapshot/s_m4x7enmven8djfqak/cancel")
    ]
    assert seen[0].content == b""
    result, _ = cancel(provider, lambda r: httpx.Response(400, text="快照未在运行"))
    assert (result.outcome, result.exit_code) == ("finished", 0)
    result, _ = cancel(provider, lambda r: httpx.Response(404, text="Snapshot does not exist"))
    assert (result.outcome, result.exit_code) == ("error", 3)
    assert "Snapshot does not exist" in result.message


def test_a_retryable_cancel_failure_is_retried() -> None:
    answers = iter(
        [
            httpx.Response(503, text="busy", headers={"Retry-After": "0"}),
            httpx.Response(200, text="OK"),
        ]
    )
    result, seen = cancel(Snapshot(settings(base_url=BASE)), lambda r: next(answers))
    assert result.outcome == "cancelled" and len(seen) == 2


def milvus() -> ImportJob:
    return ImportJob(settings(api_key=None, base_url="http://localhost:19530"))


def test_milvus_abort_sends_the_job_id_as_a_string() -> None:
    result, seen = cancel(
        milvus(), lambda r: httpx.Response(200, json={"code": 0, "data": {}}), "448761313698322011"
    )
    assert result.outcome == "cancelled"
    assert seen[0].url.path == "/v2/vectordb/jobs/import/abort"
    assert json.loads(seen[0].content) == {"jobId": "448761313698322011"}


@pytest.mark.parametrize(
    ("body", "outcome", "code", "words"),
    [
        (
            {
                "code": 2100,
                "message": "job 1 is in terminal/committed state Completed, abort not allowed",
            },
            "finished",
            0,
            "",
        ),
        (
            {
                "code": 2100,
                "message": "job 1 is in terminal/committed state Committing, abort not allowed",
            },
            "error",
            3,
            "cannot be aborted",
        ),
        (
            {
                "code": 2100,
                "message": "importing data failed: job 1 was created with auto_commit=true, "
                "abort not allowed",
            },
            "error",
            3,
            'auto_commit": "false"',
        ),
        (
            {"code": 2100, "message": "importing data failed: import job does not exist, jobID=1"},
            "error",
            3,
            "not found",
        ),
        ({"code": 1800, "message": "user hasn't authenticated"}, "error", 4, "authenticated"),
    ],
)
def test_milvus_abort_refusals(
    body: dict[str, object], outcome: str, code: int, words: str
) -> None:
    result, _ = cancel(milvus(), lambda r: httpx.Response(200, json=body))
    assert (result.outcome, result.exit_code) == (outcome, code)
    assert words in result.message


def test_a_milvus_without_abort_is_named() -> None:
    answer = httpx.Response(404, text="404 page not found", headers={"Content-Type": "text/plain"})
    result, _ = cancel(milvus(), lambda r: answer)
    assert (result.outcome, result.exit_code) == ("error", 3)
    assert "Milvus 2.6 and older cannot abort" in result.message


@pytest.mark.parametrize(
    "provider",
    [
        Document(settings(base_url=BASE), dataset_id="7441"),
        ImportJob(settings(base_url="https://api.cloud.zilliz.com"), cluster_id="in01-abc"),
    ],
)
def test_coze_and_zilliz_cloud_have_no_cancel_and_send_nothing(provider: Provider) -> None:
    result, seen = cancel(provider, lambda r: httpx.Response(500))
    assert (result.outcome, result.exit_code) == ("error", 2)
    assert "no cancel" in result.message and seen == []


def test_several_results_make_one_exit_code() -> None:
    def result(code: int) -> CancelResult:
        return CancelResult(
            "firecrawl", "firecrawl", "j", "error" if code else "cancelled", "", code
        )

    assert exit_code([result(0), result(0)]) == 0
    assert exit_code([result(0), result(3)]) == 3
    assert exit_code([result(3), result(4)]) == 4
    assert exit_code([result(4), result(2), result(3)]) == 2
    assert exit_code([]) == 0
