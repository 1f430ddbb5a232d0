"""Zilliz Cloud control-plane jobs: `GET /v2/jobs/{id}`
(docs/providers/zilliz.md#control-plane-jobs), read from documented bodies
(tests/fixtures/zilliz/job_*.json)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError, UsageError
from jobwatch.core.models import JobState, done_counts
from jobwatch.http.client import Client
from jobwatch.providers import PROVIDERS
from jobwatch.providers.zilliz import CloudJob
from tests.contract import JOB_KEYS
from tests.providers.conftest import endpoint, error_of, one_status, settings

JOB = "job-03e1eefbd82dmo2oeb8pe2"
CLOUD = "https://api.cloud.zilliz.com"
CLOUD_CN = "https://api.cloud.zilliz.com.cn"


def describe(fixture: str | None = None, *, base: str = CLOUD, job: str = JOB, **kwargs):
    return endpoint("GET", f"{base}/v2/jobs/{job}", "zilliz", fixture, **kwargs)


def cloud_job(**kwargs) -> CloudJob:
    kwargs.setdefault("api_key", "zilliz-key-0123456789")
    return CloudJob(settings(**kwargs))


# --- the request -------------------------------------------------------------------------


def test_the_request_is_a_get_with_the_key_and_no_cluster_id():
    fake = describe("job_successful.json")
    one_status(cloud_job(cluster_id="in01-stored"), JOB, fake)  # a stored cluster id is unused
    request = fake.request
    assert request.method == "GET"
    assert str(request.url) == f"{CLOUD}/v2/jobs/{JOB}"
    assert request.headers["Authorization"] == "Bearer zilliz-key-0123456789"
    assert request.content == b""


def test_region_cn_picks_the_china_site():
    fake = describe("job_successful.json", base=CLOUD_CN)
    one_status(cloud_job(region="cn"), JOB, fake)
    assert fake.request.url.host == "api.cloud.zilliz.com.cn"


def test_an_id_is_one_path_segment():
    fake = describe("job_successful.json", job="job_a%2Fb")
    one_status(cloud_job(), "job_a/b", fake)
    assert fake.request.url.raw_path == b"/v2/jobs/job_a%2Fb"


def test_it_takes_no_cluster_id_and_has_no_cancel_and_no_list():
    with pytest.raises(TypeError, match="zilliz takes no cluster_id"):
        CloudJob(settings(api_key="k"), cluster_id="in01-x")
    assert not CloudJob.can_list()
    with pytest.raises(UsageError, match="zilliz --kind job has no cancel") as info:
        asyncio.run(_cancel(cloud_job()))
    assert info.value.exit_code == 2
    assert PROVIDERS["zilliz"].kind("job") is CloudJob


async def _cancel(provider: CloudJob) -> None:
    async with Client(httpx.MockTransport(lambda r: httpx.Response(500))) as client:
        provider.cancel_request(client, JOB)


# --- states ------------------------------------------------------------------------------


def test_the_docs_example_succeeded_with_its_fields_under_extra():
    job = one_status(cloud_job(), JOB, describe("job_successful.json"))
    assert (job.state, job.status, job.progress, job.message) == (
        JobState.SUCCEEDED,
        "SUCCESSFUL",
        1.0,
        None,
    )
    assert job.extra == {
        "kind": "job",
        "type": "MIGRATION",
        "startTime": "2024-07-30T16:49:50Z",
        "endTime": "2024-07-30T17:30:50Z",
    }
    document = job.to_json()
    assert set(document) == JOB_KEYS
    assert (document["provider"], document["id"]) == ("zilliz", JOB)


def test_a_percent_in_a_string_is_a_progress_but_not_counts():
    job = one_status(cloud_job(), JOB, describe("job_in_progress.json"))
    assert (job.state, job.status, job.progress) == (JobState.RUNNING, "IN_PROGRESS", 0.45)
    assert (job.completed, job.total, job.unit) == (None, None, None)
    assert done_counts(job) is None  # a percent alone is not judged by the gates
    assert "endTime" not in job.extra  # empty while running


@pytest.mark.parametrize(
    "fixture", ["job_pending_empty_progress.json", "job_progress_not_a_number.json"]
)
def test_an_empty_or_unreadable_percent_is_no_progress(fixture: str):
    job = one_status(cloud_job(), JOB, describe(fixture))
    assert job.progress is None
    assert job.state in (JobState.PENDING, JobState.RUNNING)


def test_pending():
    job = one_status(cloud_job(), JOB, describe("job_pending_empty_progress.json"))
    assert (job.state, job.status, job.extra["type"]) == (JobState.PENDING, "PENDING", "RESTORE")


def test_failed_with_its_reason():
    job = one_status(cloud_job(), JOB, describe("job_failed.json"))
    assert (job.state, job.status, job.progress) == (JobState.FAILED, "FAILED", 0.4)
    assert job.message == "restore failed: the target cluster has not enough storage left"


def test_canceling_keeps_running_and_canceled_is_cancelled():
    canceling = one_status(cloud_job(), JOB, describe("job_canceling.json"))
    assert (canceling.state, canceling.message) == (JobState.RUNNING, "a cancel was asked for")
    canceled = one_status(cloud_job(), JOB, describe("job_canceled.json"))
    assert (canceled.state, canceled.status, canceled.progress) == (
        JobState.CANCELLED,
        "CANCELED",
        0.6,
    )


def test_an_unknown_status_word_is_shown_raw_as_running():
    job = one_status(cloud_job(), JOB, describe("job_unknown_status.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "SCHEDULING")
    assert not CloudJob.knows("SCHEDULING") and CloudJob.knows("CANCELED")


@pytest.mark.parametrize(
    ("progress", "expected"),
    [("100", 1.0), (" 7 ", 0.07), ("12.5", 0.125), (30, 0.3), ("", None), ("abc", None),
     ("150", None), ("-1", None), ("nan", None), (True, None), (None, None), ([1], None)],
)  # fmt: skip
def test_progress_is_read_leniently(progress: object, expected: float | None):
    body = {"code": 0, "data": {"jobId": JOB, "status": "IN_PROGRESS", "progress": progress}}
    fake = describe(None)
    fake.content = httpx.Response(200, json=body).content
    assert one_status(cloud_job(), JOB, fake).progress == expected


# --- errors ------------------------------------------------------------------------------


def test_96026_is_not_found():
    error = error_of(cloud_job(), [JOB], describe("error_96026_job_not_found.json"))
    assert isinstance(error, NotFoundError)
    assert error.message == (
        "zilliz: code 96026: Job not found. Please check your request parameter."
    )


@pytest.mark.parametrize(
    "fixture",
    [
        "error_21119_apikey_illegal.json",
        "error_80001_token_illegal.json",
        "error_code0_token_illegal_no_data.json",
    ],
)
def test_auth_codes_in_a_200_body_are_credentials_errors(fixture: str):
    error = error_of(cloud_job(), [JOB], describe(fixture))
    assert isinstance(error, CredentialsError) and error.exit_code == 4


def test_http_errors():
    assert isinstance(error_of(cloud_job(), [JOB], describe(None, status=401)), CredentialsError)
    assert isinstance(error_of(cloud_job(), [JOB], describe(None, status=404)), NotFoundError)
    assert isinstance(error_of(cloud_job(), [JOB], describe(None, status=503)), RetryableError)


def test_a_success_code_without_a_status_cannot_be_read():
    fake = describe(None)
    fake.content = b'{"code":0,"data":{"jobId":"job-1"}}'
    error = error_of(cloud_job(), [JOB], fake)
    assert error.exit_code == 3 and "no job status in the answer" in error.message
