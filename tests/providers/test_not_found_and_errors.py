"""Every provider's documented "not found" shape raises NotFoundError (what --wait-for-start
waits on), Firecrawl's `Job expired` is gone for good, and Firecrawl's `/errors` bodies read
into the JOB's extra (specs/PROVIDERS.md, specs/ENDPOINTS-NEXT.md section 1.1)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from jobwatch.core.errors import (
    CredentialsError,
    GoneError,
    JobwatchError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
)
from jobwatch.core.models import JobStatus
from jobwatch.http.client import Client, send
from jobwatch.providers.brightdata import Snapshot
from jobwatch.providers.coze import Document
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from jobwatch.providers.zilliz import ImportJob
from tests.providers.conftest import call, endpoint, fixture_bytes, settings

FC_JOB = "6a1b2c3d-0000-4000-8000-00000000abcd"
DATASET = "7441234567890123456"
DOC = "7442585813587689472"
MILVUS = "http://milvus.test:19530"


def _firecrawl(crawl: bool = False) -> BatchScrape:
    return (Crawl if crawl else BatchScrape)(settings())


# --- not found, per provider ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "ids", "fake", "text"),
    [
        (
            Snapshot(settings()),
            ["s_m4x7enmven8djfqak"],
            endpoint("GET", "https://api.brightdata.com/datasets/v3/progress/", "brightdata",
                     "error_404.json", status=404),
            "Snapshot not found",
        ),
        (
            _firecrawl(),
            [FC_JOB],
            endpoint("GET", "https://api.firecrawl.dev/v2/batch/scrape/", "firecrawl",
                     "error_404_job_not_found.json", status=404),
            "Job not found",
        ),
        (
            _firecrawl(crawl=True),
            [FC_JOB],
            endpoint("GET", "https://api.firecrawl.dev/v2/crawl/", "firecrawl",
                     "error_404_job_not_found.json", status=404),
            "Job not found",
        ),
        (
            # Document: code 4200 in an HTTP 200 body ...
            Document(settings(), dataset_id=DATASET),
            [DOC],
            endpoint("POST", "https://api.coze.com/v1/datasets/", "coze",
                     "error_4200_not_found.json"),
            "code 4200",
        ),
        (
            # ... or with the matching HTTP 404 (coze-js: `404 || 4200`).
            Document(settings(), dataset_id=DATASET),
            [DOC],
            endpoint("POST", "https://api.coze.com/v1/datasets/", "coze",
                     "error_4200_not_found.json", status=404),
            "code 4200",
        ),
        (
            ImportJob(settings(base_url=MILVUS)),
            ["448761313698322012"],
            endpoint("POST", MILVUS, "zilliz", "milvus_error_2100_import_failed.json"),
            "code 2100",
        ),
        (
            ImportJob(settings(base_url=MILVUS)),
            ["448761313698322012"],
            endpoint("POST", MILVUS, "zilliz", "milvus_error_2101_job_not_found.json"),
            "code 2101",
        ),
        (
            # ImportJob Cloud answers in the same shape, with the cluster id in the request.
            ImportJob(settings(cluster_id="in01-0123456789abcdef")),
            ["job-01a2b3c4d5e6f7g8h9i0j1"],
            endpoint("POST", "https://api.cloud.zilliz.com/", "zilliz",
                     "milvus_error_2100_import_failed.json"),
            "code 2100",
        ),
    ],
    ids=["brightdata-404", "firecrawl-404", "firecrawl-crawl-404", "coze-4200",
         "coze-4200-http-404", "milvus-2100", "milvus-2101", "zilliz-2100"],
)  # fmt: skip
def test_each_documented_not_found_shape_is_not_found(provider, ids, fake, text):
    with pytest.raises(NotFoundError) as info:
        call(provider, ids, fake)
    assert not isinstance(info.value, GoneError)  # may be "not created yet"
    assert text in info.value.message
    assert info.value.exit_code == 3


def test_a_coze_document_missing_from_a_good_answer_is_not_found_for_that_id_only():
    fake = endpoint(
        "POST", "https://api.coze.com/v1/datasets/", "coze", "process_two_documents.json"
    )
    answer = json.loads(fake.content)
    known = answer["data"]["data"][0]["document_id"]
    results = call(Document(settings(), dataset_id=DATASET), [known, "7000000000000000001"], fake)
    assert isinstance(results[0], JobStatus)
    assert isinstance(results[1], NotFoundError)
    assert "7000000000000000001" in results[1].message


def test_an_unknown_job_under_another_milvus_code_is_not_found_by_its_words():
    body = b'{"code":65535,"message":"import job does not exist, jobID=448761313698322012"}'
    fake = endpoint("POST", MILVUS, "zilliz", body=body)
    with pytest.raises(NotFoundError):
        call(ImportJob(settings(base_url=MILVUS)), ["448761313698322012"], fake)


def test_a_missing_collection_is_not_a_missing_job():
    fake = endpoint("POST", MILVUS, "zilliz", "milvus_error_100_collection_not_found.json")
    with pytest.raises(StateUnknownError) as info:
        call(ImportJob(settings(base_url=MILVUS)), ["448761313698322012"], fake)
    assert not isinstance(info.value, NotFoundError)


def test_firecrawl_job_expired_is_gone_not_not_created_yet():
    fake = endpoint(
        "GET",
        "https://api.firecrawl.dev/v2/batch/scrape/",
        "firecrawl",
        "error_404_job_expired.json",
        status=404,
    )
    with pytest.raises(GoneError) as info:
        call(_firecrawl(), [FC_JOB], fake)
    assert "Job expired" in info.value.message
    assert info.value.exit_code == 3


# --- BatchScrape /errors ------------------------------------------------------------------------


def read_errors(
    provider: BatchScrape, answers: list[tuple[int, bytes, str]]
) -> tuple[dict[str, object] | JobwatchError, list[str]]:
    """errors_request -> send -> (errors_fallback -> send) -> parse_errors, as the poller does;
    the fields (or the error) and the paths requested."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        status, content, kind = answers[len(seen) - 1]
        return httpx.Response(status, content=content, headers={"Content-Type": kind})

    async def round_trip() -> dict[str, object]:
        async with Client(httpx.MockTransport(answer)) as client:
            request = provider.errors_request(client, FC_JOB)
            assert request is not None
            response = await send(client, request, 5.0)
            fallback = provider.errors_fallback(client, FC_JOB, response)
            if fallback is not None:
                response = await send(client, fallback, 5.0)
            return provider.parse_errors(response)

    try:
        return asyncio.run(round_trip()), seen
    except JobwatchError as exc:
        return exc, seen


JSON = "application/json"


def fc_fixture(name: str) -> bytes:
    return fixture_bytes("firecrawl", name)


def test_errors_of_a_batch_scrape_from_the_sdk_fixture():
    found, paths = read_errors(_firecrawl(), [(200, fc_fixture("errors_sdk_fixture.json"), JSON)])
    assert paths == [f"/v2/batch/scrape/{FC_JOB}/errors"]
    assert found == {
        "errors": [
            {
                "url": "https://down.example/",
                "error": "The connection was reset by the peer.",
                "code": "SCRAPE_SITE_ERROR",
            }
        ],
        "errors_total": 1,
        "robots_blocked": [],
        "robots_blocked_total": 0,
    }


def test_errors_of_a_crawl_without_code_or_timestamp():
    found, paths = read_errors(
        _firecrawl(crawl=True), [(200, fc_fixture("errors_no_code_no_timestamp.json"), JSON)]
    )
    assert paths == [f"/v2/crawl/{FC_JOB}/errors"]
    assert isinstance(found, dict)
    assert found["errors"] == [
        {
            "url": "https://example.com/slow",
            "error": "Request timed out after 30000ms",
            "code": None,
        }
    ]
    assert found["robots_blocked"] == ["https://example.com/private/"]


def test_errors_wrapped_in_data_are_read_as_the_sdks_do():
    found, _ = read_errors(_firecrawl(), [(200, fc_fixture("errors_wrapped_in_data.json"), JSON)])
    assert isinstance(found, dict)
    assert found["errors"] == [
        {
            "url": "https://example.com/terms",
            "error": "This site requires accepting its data terms.",
            "code": "THIRD_PARTY_DATA_TERMS_REQUIRED",
        }
    ]
    assert found["robots_blocked_total"] == 2


def test_only_the_first_20_errors_are_kept_and_the_total_says_how_many():
    entries = [{"id": str(n), "url": f"https://e.example/{n}", "error": "boom"} for n in range(45)]
    body = json.dumps({"errors": entries, "robotsBlocked": []}).encode()
    found, _ = read_errors(_firecrawl(), [(200, body, JSON)])
    assert isinstance(found, dict)
    assert len(found["errors"]) == 20
    assert found["errors"][19]["url"] == "https://e.example/19"
    assert found["errors_total"] == 45


def test_a_server_without_the_v2_batch_route_is_asked_on_the_v1_path_once():
    found, paths = read_errors(
        _firecrawl(),
        [
            (404, fc_fixture("errors_express_404_batch_route_missing.html"), "text/html"),
            (200, fc_fixture("errors_sdk_fixture.json"), JSON),
        ],
    )
    assert paths == [f"/v2/batch/scrape/{FC_JOB}/errors", f"/v1/batch/scrape/{FC_JOB}/errors"]
    assert isinstance(found, dict) and found["errors_total"] == 1


def test_a_json_404_is_the_jobs_own_answer_no_fallback():
    found, paths = read_errors(
        _firecrawl(), [(404, fc_fixture("error_404_job_not_found.json"), JSON)]
    )
    assert paths == [f"/v2/batch/scrape/{FC_JOB}/errors"]
    assert isinstance(found, NotFoundError)


def test_the_crawl_route_never_falls_back():
    page = fc_fixture("errors_express_404_batch_route_missing.html")
    found, paths = read_errors(_firecrawl(crawl=True), [(404, page, "text/html")])
    assert paths == [f"/v2/crawl/{FC_JOB}/errors"]
    assert isinstance(found, NotFoundError)


@pytest.mark.parametrize(
    ("fixture", "status", "error"),
    [
        ("errors_403_forbidden.json", 403, CredentialsError),
        ("errors_400_invalid_job_id.json", 400, StateUnknownError),
        ("error_429.json", 429, RetryableError),
        ("error_500.json", 500, RetryableError),
    ],
)
def test_documented_errors_of_the_errors_route_are_errors(fixture, status, error):
    found, _ = read_errors(_firecrawl(), [(status, fc_fixture(fixture), JSON)])
    assert isinstance(found, error)


@pytest.mark.parametrize(
    "body",
    [b'{"robotsBlocked": []}', b'{"errors": "none"}', b"[]", b'{"errors": [{"url": []}]}'],
)
def test_an_errors_body_of_another_shape_is_an_error_not_a_crash(body):
    found, _ = read_errors(_firecrawl(), [(200, body, JSON)])
    assert isinstance(found, StateUnknownError)


def test_other_providers_have_no_errors_route():
    async def requests() -> list[object]:
        async with Client(httpx.MockTransport(lambda r: httpx.Response(500))) as client:
            return [
                Snapshot(settings()).errors_request(client, "s_1"),
                Document(settings(), dataset_id=DATASET).errors_request(client, DOC),
                ImportJob(settings(base_url=MILVUS)).errors_request(client, "1"),
            ]

    assert asyncio.run(requests()) == [None, None, None]
