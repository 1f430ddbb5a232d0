"""Zilliz Cloud `POST /v2/vectordb/jobs/import/getProgress` and self-hosted Milvus
`POST /v2/vectordb/jobs/import/describe` (PROVIDERS.md section 2, seed 001)."""

from __future__ import annotations

import pytest

from jobwatch.core.errors import (
    CredentialsError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import Item, JobState
from jobwatch.providers.zilliz import ImportJob
from tests.contract import ITEM_KEYS, JOB_KEYS
from tests.providers.conftest import endpoint, error_of, one_status, settings

CLUSTER = "in01-0123456789abcde"
JOB = "job-0123456789abcdefghijk"
NUMERIC_JOB = "448761313698322011"
CLOUD = "https://api.cloud.zilliz.com"
CLOUD_CN = "https://api.cloud.zilliz.com.cn"
MILVUS = "http://localhost:19530"
GET_PROGRESS = "/v2/vectordb/jobs/import/getProgress"
DESCRIBE = "/v2/vectordb/jobs/import/describe"


def cloud(fixture: str | None, *, base: str = CLOUD, **kwargs):
    return endpoint("POST", base + GET_PROGRESS, "zilliz", fixture, **kwargs)


def milvus(fixture: str, **kwargs):
    return endpoint("POST", MILVUS + DESCRIBE, "zilliz", fixture, **kwargs)


def zilliz(**kwargs) -> ImportJob:
    kwargs.setdefault("api_key", "zilliz-key-0123456789")
    kwargs.setdefault("cluster_id", CLUSTER)
    return ImportJob(settings(**kwargs))


def milvus_provider(**kwargs) -> ImportJob:
    kwargs.setdefault("api_key", None)
    return ImportJob(settings(base_url=MILVUS, **kwargs))


# --- the request -------------------------------------------------------------------------


def test_cloud_request_sends_job_id_and_cluster_id_as_strings():
    fake = cloud("getprogress_completed.json")
    one_status(zilliz(), NUMERIC_JOB, fake)
    request = fake.request
    assert request.method == "POST"
    assert request.url.host == "api.cloud.zilliz.com"
    assert request.url.path == GET_PROGRESS
    assert request.headers["Authorization"] == "Bearer zilliz-key-0123456789"
    assert request.headers["Content-Type"] == "application/json"
    body = fake.sent_json()
    assert body == {"jobId": NUMERIC_JOB, "clusterId": CLUSTER}
    # The docs' curl example sends 44870776388440916 as a number; we never do.
    assert isinstance(body["jobId"], str)
    assert isinstance(body["clusterId"], str)
    assert b'"jobId":"448761313698322011"' in request.content.replace(b" ", b"")


@pytest.mark.parametrize(
    ("region", "base", "host"),
    [
        ("cn", CLOUD_CN, "api.cloud.zilliz.com.cn"),
        ("global", CLOUD, "api.cloud.zilliz.com"),
        (None, CLOUD, "api.cloud.zilliz.com"),
    ],
)
def test_region_picks_the_site(region, base, host):
    fake = cloud("getprogress_importing.json", base=base)
    one_status(zilliz(region=region), JOB, fake)
    assert fake.request.url.host == host
    assert fake.request.url.path == GET_PROGRESS


def test_unknown_region_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        zilliz(region="eu")
    assert info.value.exit_code == 2


def test_missing_cluster_id_on_the_cloud_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        zilliz(cluster_id=None)
    assert info.value.exit_code == 2
    assert "--cluster-id" in info.value.message


def test_missing_key_on_the_cloud_is_a_credentials_error():
    with pytest.raises(CredentialsError) as info:
        zilliz(api_key=None)
    assert info.value.exit_code == 4
    assert "ZILLIZ_API_KEY" in info.value.message


def test_milvus_uses_describe_without_cluster_id_or_key():
    fake = milvus("milvus_describe_importing.json")
    job = one_status(milvus_provider(), NUMERIC_JOB, fake)
    request = fake.request
    assert request.method == "POST"
    assert request.url.path == DESCRIBE
    assert "Authorization" not in request.headers
    body = fake.sent_json()
    assert body == {"jobId": NUMERIC_JOB}
    assert isinstance(body["jobId"], str)
    assert job.extra["api"] == "milvus"


def test_milvus_with_a_key_sends_it():
    fake = milvus("milvus_describe_importing.json")
    one_status(milvus_provider(api_key="root:Milvus"), NUMERIC_JOB, fake)
    assert fake.request.headers["Authorization"] == "Bearer root:Milvus"


# --- success bodies ----------------------------------------------------------------------


def test_docs_example_completed():
    job = one_status(zilliz(), NUMERIC_JOB, cloud("getprogress_completed.json"))
    assert job.provider == "zilliz"
    assert job.id == NUMERIC_JOB
    assert job.state is JobState.SUCCEEDED
    assert job.status == "Completed"
    assert job.progress == 1.0
    assert job.message is None
    assert job.items == [
        Item(
            name="medium_articles_2020_dpr.json",
            state=JobState.SUCCEEDED,
            status="Completed",
            progress=1.0,
            message=None,
        )
    ]
    assert job.extra["collectionName"] == "medium_articles"
    assert job.extra["totalRows"] == 100000
    assert job.extra["fileSize"] == 3279917
    assert job.extra["completeTime"] == "2024-04-01T06:17:55Z"
    assert job.extra["api"] == "zilliz"


def test_importing_percent_becomes_a_fraction():
    job = one_status(zilliz(), JOB, cloud("getprogress_importing.json"))
    assert job.state is JobState.RUNNING
    assert job.status == "Importing"
    assert job.progress == pytest.approx(0.45)
    assert 0.0 <= job.progress <= 1.0
    assert [(i.status, i.state, i.progress) for i in job.items] == [
        ("Importing", JobState.RUNNING, pytest.approx(0.45))
    ]
    # An empty completeTime is not a time.
    assert "completeTime" not in job.extra


def test_code_zero_as_a_string_is_success_and_pending_is_pending():
    job = one_status(zilliz(), JOB, cloud("getprogress_pending_code_string.json"))
    assert job.state is JobState.PENDING
    assert job.status == "Pending"
    assert job.progress == 0.0
    assert job.items == []


def test_failed_reason_becomes_the_message():
    job = one_status(zilliz(), JOB, cloud("getprogress_failed.json"))
    assert job.state is JobState.FAILED
    assert job.status == "Failed"
    assert job.message == "the field 'title_vector' is missing in row 12"
    assert job.items[0].state is JobState.FAILED
    assert job.items[0].message == "the field 'title_vector' is missing in row 12"


def test_milvus_details_keep_their_own_task_words():
    job = one_status(milvus_provider(), NUMERIC_JOB, milvus("milvus_describe_importing.json"))
    assert job.state is JobState.RUNNING
    assert job.status == "Importing"
    assert job.progress == pytest.approx(0.5)
    assert (job.completed, job.total, job.unit) == (25000, 50000, "rows")
    assert [(i.name, i.status, i.state, i.progress) for i in job.items] == [
        ("[a.parquet]", "Completed", JobState.SUCCEEDED, 1.0),
        ("[b.parquet]", "InProgress", JobState.RUNNING, pytest.approx(0.2)),
    ]
    # Known words: no "unknown status word" warning for the task enum.
    assert all(ImportJob.knows(item.status) for item in job.items)


def test_milvus_failed_reason_and_reset_progress():
    job = one_status(milvus_provider(), NUMERIC_JOB, milvus("milvus_describe_failed.json"))
    assert job.state is JobState.FAILED
    assert job.message == "failed to read parquet file a.parquet: unexpected EOF"
    assert job.progress == 0.0
    assert job.items[0].message == "failed to read parquet file a.parquet: unexpected EOF"


def test_milvus_2_3_success_code_200():
    fake = milvus("milvus_describe_completed_code200.json")
    job = one_status(milvus_provider(), NUMERIC_JOB, fake)
    assert job.state is JobState.SUCCEEDED
    assert job.items[0].name == 'id:448761313698322012 paths:"a.parquet" '


def test_uncommitted_is_running_and_says_it_waits_for_a_commit():
    job = one_status(milvus_provider(), NUMERIC_JOB, milvus("milvus_describe_uncommitted.json"))
    assert job.state is JobState.RUNNING
    assert not job.state.is_terminal
    assert job.status == "Uncommitted"
    assert job.message is not None
    assert "waiting for a commit" in job.message
    assert job.progress == pytest.approx(0.99)


def test_committing_is_running_with_a_commit_message():
    job = one_status(milvus_provider(), NUMERIC_JOB, milvus("milvus_describe_committing.json"))
    assert job.state is JobState.RUNNING
    assert job.status == "Committing"
    assert job.message is not None
    assert "commit" in job.message.lower()


# --- errors in HTTP 200 bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        ("error_80001_token_illegal.json", "The token is illegal"),
        ("error_80002_token_invalid.json", "The token is invalid"),
        ("error_21119_apikey_illegal.json", "The apikey is illegal."),
        ("milvus_error_1800_not_authenticated.json", "user hasn't authenticated"),
    ],
)
def test_auth_codes_in_a_200_body_exit_4(fixture, text):
    err = error_of(zilliz(), [JOB], cloud(fixture))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert text in err.message


@pytest.mark.parametrize("code", [80001, 80002, 21119, 1800])
def test_auth_codes_exit_4_by_code_alone(code):
    body = f'{{"code":{code},"message":"request rejected"}}'.encode()
    fake = cloud(None, body=body, headers={"Content-Type": "application/json"})
    err = error_of(zilliz(), [JOB], fake)
    assert isinstance(err, CredentialsError)
    assert f"code {code}" in err.message


def test_code_zero_with_an_auth_message_and_no_data_exits_4():
    err = error_of(zilliz(), [JOB], cloud("error_code0_token_illegal_no_data.json"))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert "The token is illegal." in err.message


def test_data_without_a_state_is_not_a_running_job():
    fake = cloud(None, body=b'{"code":0,"data":{}}', headers={"Content-Type": "application/json"})
    err = error_of(zilliz(), [JOB], fake)
    assert type(err) is StateUnknownError
    assert err.exit_code == 3

    body = b'{"code":0,"message":"The token is illegal.","data":{}}'
    fake = cloud(None, body=body, headers={"Content-Type": "application/json"})
    err = error_of(zilliz(), [JOB], fake)
    assert isinstance(err, CredentialsError)


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        ("milvus_error_100_collection_not_found.json", "collection not found"),
        ("milvus_error_2100_import_failed.json", "importing data failed"),
    ],
)
def test_other_codes_exit_3_with_the_message(fixture, text):
    err = error_of(milvus_provider(), [NUMERIC_JOB], milvus(fixture))
    assert isinstance(err, StateUnknownError)
    assert not isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert text in err.message


def test_2100_is_not_found():
    err = error_of(milvus_provider(), [NUMERIC_JOB], milvus("milvus_error_2100_import_failed.json"))
    assert isinstance(err, NotFoundError)


def test_1807_limiter_is_retryable():
    err = error_of(milvus_provider(), [NUMERIC_JOB], milvus("milvus_error_1807_rate_limited.json"))
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert err.rate_limited is True
    assert "request is rejected by limiter" in err.message


def test_non_200_http_is_mapped_too():
    fake = cloud("error_21119_apikey_illegal.json", status=401)
    err = error_of(zilliz(), [JOB], fake)
    assert isinstance(err, CredentialsError)
    assert "The apikey is illegal." in err.message


def test_503_with_retry_after_is_retryable():
    fake = cloud("getprogress_importing.json", status=503, headers={"Retry-After": "4"})
    err = error_of(zilliz(), [JOB], fake)
    assert isinstance(err, RetryableError)
    assert err.retry_after == 4.0


# --- the JOB object ----------------------------------------------------------------------


def test_to_json_is_the_job_object_with_items():
    job = one_status(milvus_provider(), NUMERIC_JOB, milvus("milvus_describe_importing.json"))
    data = job.to_json()
    assert set(data) == JOB_KEYS
    assert "dataset_id" not in data
    assert data["state"] == "running"
    assert data["status"] == "Importing"
    assert data["progress"] == 0.5
    assert data["unit"] == "rows"
    assert len(data["items"]) == 2
    for item in data["items"]:
        assert set(item) == ITEM_KEYS
    assert data["items"][1] == {
        "name": "[b.parquet]",
        "state": "running",
        "status": "InProgress",
        "progress": 0.2,
        "message": None,
    }
    assert data["extra"]["totalRows"] == 50000
