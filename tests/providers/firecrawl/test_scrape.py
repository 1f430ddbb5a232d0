"""Firecrawl `GET /v2/batch/scrape/{id}` and `GET /v2/crawl/{id}` (PROVIDERS.md section 4,
seed 003, specs/v2-openapi.json)."""

from __future__ import annotations

import json

import pytest

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError, StateUnknownError
from jobwatch.core.models import JobState
from jobwatch.providers.firecrawl import BatchScrape, Crawl
from tests.contract import JOB_KEYS
from tests.providers.conftest import endpoint, error_of, one_status, settings

JOB = "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
CLOUD = "https://api.firecrawl.dev"
SELF_HOSTED = "http://localhost:3002"


def batch(fixture: str | None = None, *, base: str = CLOUD, **kwargs):
    return endpoint("GET", f"{base}/v2/batch/scrape/{JOB}", "firecrawl", fixture, **kwargs)


def crawl(fixture: str | None = None, *, base: str = CLOUD, **kwargs):
    return endpoint("GET", f"{base}/v2/crawl/{JOB}", "firecrawl", fixture, **kwargs)


def firecrawl(*, crawl: bool = False, **kwargs) -> BatchScrape:
    kwargs.setdefault("api_key", "fc-0123456789abcdef9f2a")
    return (Crawl if crawl else BatchScrape)(settings(**kwargs))


# --- the request -------------------------------------------------------------------------


def test_batch_scrape_request():
    fake = batch("status_scraping.json")
    one_status(firecrawl(), JOB, fake)
    request = fake.request
    assert request.method == "GET"
    assert request.url.host == "api.firecrawl.dev"
    assert request.url.path == f"/v2/batch/scrape/{JOB}"
    # As few documents per status body as the API allows (newer servers accept 1-1000).
    assert request.url.query == b"limit=1"
    assert request.headers["Authorization"] == "Bearer fc-0123456789abcdef9f2a"
    assert request.content == b""


def test_crawl_uses_the_crawl_path():
    fake = crawl("status_crawl_scraping_warning.json")
    job = one_status(firecrawl(crawl=True), JOB, fake)
    assert fake.request.url.path == f"/v2/crawl/{JOB}"
    assert fake.request.url.query == b"limit=1"
    assert job.extra["kind"] == "crawl"
    assert job.extra["warning"] == "Only 8 results found. Consider adjusting your crawl options."
    assert job.extra["creditsUsed"] == -1
    assert (job.completed, job.total) == (6, 8)


def test_self_hosted_needs_no_key_and_sends_no_authorization():
    fake = batch("status_scraping.json", base=SELF_HOSTED)
    job = one_status(firecrawl(api_key=None, base_url=SELF_HOSTED), JOB, fake)
    assert fake.request.url.host == "localhost"
    assert fake.request.url.port == 3002
    assert "Authorization" not in fake.request.headers
    assert job.state is JobState.RUNNING


def test_cloud_without_a_key_fails_at_construction():
    with pytest.raises(CredentialsError) as info:
        firecrawl(api_key=None)
    assert info.value.exit_code == 4
    assert "FIRECRAWL_API_KEY" in info.value.message


# --- success bodies ----------------------------------------------------------------------


def test_scraping_counts_pages():
    job = one_status(firecrawl(), JOB, batch("status_scraping.json"))
    assert job.provider == "firecrawl"
    assert job.id == JOB
    assert job.state is JobState.RUNNING
    assert job.status == "scraping"
    assert (job.completed, job.total, job.unit) == (40, 100, "pages")
    assert job.progress == pytest.approx(0.4)
    assert job.message is None
    assert job.extra["creditsUsed"] == 40
    assert job.extra["duration"] == 30.5
    assert job.extra["kind"] == "batch_scrape"


@pytest.mark.parametrize(
    ("fixture", "word", "state", "progress"),
    [
        ("status_scraping.json", "scraping", JobState.RUNNING, 0.4),
        ("status_completed.json", "completed", JobState.SUCCEEDED, 1.0),
        ("status_failed.json", "failed", JobState.FAILED, 0.2),
        ("status_cancelled.json", "cancelled", JobState.CANCELLED, 0.5),
    ],
)
def test_status_words(fixture, word, state, progress):
    job = one_status(firecrawl(), JOB, batch(fixture))
    assert job.state is state
    assert job.status == word
    assert job.progress == pytest.approx(progress)
    assert job.completed / job.total == pytest.approx(progress)


def test_completed_keeps_its_times():
    job = one_status(firecrawl(), JOB, batch("status_completed.json"))
    assert job.extra["completedAt"] == "2026-08-21T10:16:00.000Z"
    assert job.extra["expiresAt"] == "2026-08-22T10:16:00.000Z"


@pytest.mark.parametrize("fixture", ["status_scraping.json", "status_completed.json"])
def test_data_is_never_kept_and_next_never_followed(fixture):
    fake = batch(fixture)
    job = one_status(firecrawl(), JOB, fake)
    assert len(fake.requests) == 1  # `next` was not followed
    dumped = json.dumps(job.to_json())
    assert "SECRET-SCRAPED" not in dumped
    assert "markdown" not in dumped
    assert "skip=" not in dumped
    assert "data" not in job.to_json()
    assert "data" not in job.extra and "next" not in job.extra


def test_start_failure_in_a_200_is_a_failed_job():
    job = one_status(firecrawl(), JOB, batch("status_start_failed_200.json"))
    assert job.state is JobState.FAILED
    assert job.status == "failed"
    assert job.message == "The job could not be started: the team's concurrency queue is full."
    assert (job.completed, job.total) == (0, 0)
    assert job.progress is None  # 0 of 0 is not a fraction


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        ("error_404_job_not_found.json", "Job not found"),
        ("error_404_job_expired.json", "Job expired"),
    ],
)
def test_404_is_not_found_with_the_text(fixture, text):
    err = error_of(firecrawl(), [JOB], batch(fixture, status=404))
    assert isinstance(err, NotFoundError)
    assert err.exit_code == 3
    assert text in err.message
    assert "success" not in err.message


def test_401_exits_4():
    err = error_of(firecrawl(), [JOB], batch("error_401.json", status=401))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert "Unauthorized: Invalid token" in err.message


def test_402_exits_3_saying_payment_is_required():
    err = error_of(firecrawl(), [JOB], batch("error_402.json", status=402))
    assert isinstance(err, StateUnknownError)
    assert not isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert "payment required" in err.message.lower()
    assert "Payment required to access this resource." in err.message


def test_402_says_payment_is_required_whatever_the_body_says():
    fake = batch(
        status=402,
        body=b'{"success":false,"error":"Insufficient credits to perform this request."}',
        headers={"Content-Type": "application/json"},
    )
    err = error_of(firecrawl(), [JOB], fake)
    assert err.exit_code == 3
    assert "payment required" in err.message.lower()
    assert "Insufficient credits to perform this request." in err.message


def test_429_with_retry_after_header():
    fake = batch("error_429.json", status=429, headers={"Retry-After": "12"})
    err = error_of(firecrawl(), [JOB], fake)
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert err.retry_after == 12.0
    assert err.rate_limited is True
    assert "Request rate limit exceeded" in err.message


def test_429_with_the_wait_in_the_body_text():
    fake = batch("error_429_retry_after_in_text.json", status=429)
    err = error_of(firecrawl(), [JOB], fake)
    assert isinstance(err, RetryableError)
    assert err.retry_after == 37.0


def test_429_header_wins_over_the_body_text():
    fake = batch("error_429_retry_after_in_text.json", status=429, headers={"Retry-After": "5"})
    err = error_of(firecrawl(), [JOB], fake)
    assert isinstance(err, RetryableError)
    assert err.retry_after == 5.0


def test_429_without_any_hint_has_no_retry_after():
    err = error_of(firecrawl(), [JOB], batch("error_429.json", status=429))
    assert isinstance(err, RetryableError)
    assert err.retry_after is None


def test_500_is_retryable():
    err = error_of(firecrawl(), [JOB], batch("error_500.json", status=500))
    assert isinstance(err, RetryableError)
    assert "An unexpected error occurred on the server." in err.message


# --- the JOB object ----------------------------------------------------------------------


def test_to_json_is_the_job_object():
    data = one_status(firecrawl(), JOB, batch("status_scraping.json")).to_json()
    assert set(data) == JOB_KEYS
    assert data["provider"] == "firecrawl"
    assert data["state"] == "running"
    assert data["status"] == "scraping"
    assert data["progress"] == 0.4
    assert (data["completed"], data["total"], data["unit"]) == (40, 100, "pages")
    assert data["eta_seconds"] is None
    assert data["message"] is None
    assert data["items"] == []
    assert data["extra"]["creditsUsed"] == 40


@pytest.mark.parametrize("crawl", [False, True], ids=["batch", "crawl"])
def test_the_simulator_answers_the_status_request_with_at_most_one_document(crawl: bool):
    """The real request, sent as built (limit=1) to `jobwatch sim`, which validates `limit` the
    way newer servers do: accepted, and a -big job's body carries one ~1 MB page, not ten."""
    import asyncio

    import httpx

    from jobwatch.http.client import Client
    from jobwatch.sim import start_sim

    with start_sim(speed=1000) as sim:
        provider = firecrawl(crawl=crawl, base_url=sim.base_url)

        async def build() -> httpx.Request:
            async with Client(env={}) as client:
                return provider.build_request(client, ["limit-check-big"])

        request = asyncio.run(build())
        with httpx.Client() as plain:
            response = plain.send(request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["completed"] >= 2  # more than one document is ready ...
    assert len(body["data"]) == 1  # ... and only one came back
    assert len(response.content) < 2_000_000
    (status,) = provider.parse(response, ["limit-check-big"])
    assert status.completed == body["completed"]
