"""Coze `POST /v1/datasets/{dataset_id}/process` (PROVIDERS.md section 3, seed 002)."""

from __future__ import annotations

import json

import pytest

from jobwatch.core.errors import (
    CredentialsError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import JobState, JobStatus
from jobwatch.providers.coze import Document
from tests.contract import JOB_KEYS
from tests.providers.conftest import call, endpoint, error_of, fixture_bytes, settings

DATASET = "7442585813587689000"
DOC_RUNNING = "7442585813587689472"
DOC_FAILED = "7442585813668012032"
DOC_SEED = "744667080521909***"  # the docs' own (masked) example id
BIG_ID = "7442585813587689472123"  # > 2**53, and > 2**64
GLOBAL = "https://api.coze.com"
CN = "https://api.coze.cn"


def process(fixture: str | None = None, *, base: str = GLOBAL, **kwargs):
    url = f"{base}/v1/datasets/{DATASET}/process"
    return endpoint("POST", url, "coze", fixture, **kwargs)


def coze(**kwargs) -> Document:
    kwargs.setdefault("api_key", "pat_0123456789abcdef")
    return Document(settings(**kwargs), dataset_id=DATASET)


def statuses(results) -> dict[str, JobStatus]:
    assert all(isinstance(r, JobStatus) for r in results), results
    return {r.id: r for r in results}


# --- the request -------------------------------------------------------------------------


def test_all_documents_go_in_one_request_as_strings():
    provider = coze()
    ids = [DOC_RUNNING, DOC_FAILED]
    assert provider.batches(ids) == [ids]
    fake = process("process_two_documents.json")
    call(provider, ids, fake)
    request = fake.request  # exactly one request
    assert request.method == "POST"
    assert request.url.host == "api.coze.com"
    assert request.url.path == f"/v1/datasets/{DATASET}/process"
    assert request.headers["Authorization"] == "Bearer pat_0123456789abcdef"
    assert request.headers["Content-Type"] == "application/json"
    body = fake.sent_json()
    assert body == {"document_ids": [DOC_RUNNING, DOC_FAILED]}
    assert all(isinstance(doc, str) for doc in body["document_ids"])


@pytest.mark.parametrize(
    ("region", "base", "host"),
    [("cn", CN, "api.coze.cn"), ("global", GLOBAL, "api.coze.com"), (None, GLOBAL, "api.coze.com")],
)
def test_region_picks_the_site(region, base, host):
    fake = process("process_completed.json", base=base)
    call(coze(region=region), [DOC_SEED], fake)
    assert fake.request.url.host == host


def test_unknown_region_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        coze(region="eu")
    assert info.value.exit_code == 2


def test_missing_key_is_a_credentials_error():
    with pytest.raises(CredentialsError) as info:
        coze(api_key=None)
    assert info.value.exit_code == 4
    assert "COZE_API_TOKEN" in info.value.message


# --- success bodies ----------------------------------------------------------------------


def test_docs_example_completed_document():
    (job,) = call(coze(), [DOC_SEED], process("process_completed.json"))
    assert isinstance(job, JobStatus)
    assert job.provider == "coze"
    assert job.id == DOC_SEED
    assert job.scope == DATASET
    assert job.state is JobState.SUCCEEDED
    assert job.status == "completed"
    assert job.progress == 1.0
    assert job.eta_seconds is None
    assert job.message is None
    assert job.extra["status_code"] == 1
    assert job.extra["document_name"] == "test1"
    assert job.extra["size"] == 171340
    assert job.extra["logid"] == "20241210152726467C48D89D6***"
    # The signed, expiring URL is not worth keeping.
    assert "url" not in job.extra


def test_each_document_is_its_own_job():
    results = call(coze(), [DOC_RUNNING, DOC_FAILED], process("process_two_documents.json"))
    assert [r.id for r in results] == [DOC_RUNNING, DOC_FAILED]
    jobs = statuses(results)
    running, failed = jobs[DOC_RUNNING], jobs[DOC_FAILED]
    assert all(job.scope == DATASET for job in jobs.values())

    assert running.state is JobState.RUNNING
    assert running.status == "processing"
    assert running.progress == pytest.approx(0.4)
    assert running.eta_seconds == 12
    assert running.message is None

    assert failed.state is JobState.FAILED
    assert failed.status == "failed"
    assert failed.extra["status_code"] == 9
    assert failed.message == "切片失败：文件内容为空"
    assert failed.eta_seconds is None


def test_answer_order_does_not_matter():
    results = call(coze(), [DOC_FAILED, DOC_RUNNING], process("process_two_documents.json"))
    assert [r.id for r in results] == [DOC_FAILED, DOC_RUNNING]
    assert [r.state for r in results] == [JobState.FAILED, JobState.RUNNING]


def test_id_beyond_2_53_sent_as_a_json_number_survives_intact():
    raw = fixture_bytes("coze", "process_id_as_json_number.json").decode()
    assert f'"document_id": {BIG_ID},' in raw  # the fixture really carries a number
    fake = process("process_id_as_json_number.json")
    (job,) = call(coze(), [BIG_ID], fake)
    assert isinstance(job, JobStatus)
    assert job.id == BIG_ID
    assert job.state is JobState.SUCCEEDED
    assert fake.sent_json() == {"document_ids": [BIG_ID]}
    assert json.loads(json.dumps(job.to_json()))["id"] == BIG_ID


def test_unknown_status_number_is_running_with_the_raw_value():
    (job,) = call(coze(), [DOC_RUNNING], process("process_unknown_status.json"))
    assert isinstance(job, JobStatus)
    assert job.state is JobState.RUNNING
    assert job.status == "5"
    assert job.eta_seconds == 30


def test_document_missing_from_the_answer_is_not_found_for_that_id_only():
    results = call(coze(), [DOC_SEED, DOC_RUNNING], process("process_completed.json"))
    found, missing = results
    assert isinstance(found, JobStatus) and found.id == DOC_SEED
    assert isinstance(missing, NotFoundError)
    assert missing.exit_code == 3
    assert DOC_RUNNING in missing.message
    assert DATASET in missing.message


# --- errors ------------------------------------------------------------------------------


def test_4100_exits_4_and_hints_at_the_other_site():
    err = error_of(coze(), [DOC_SEED], process("error_4100_authentication_invalid.json"))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert "4100" in err.message
    assert "身份验证无效" in err.message
    assert "--region cn" in err.message
    assert "20241210152726467C48D89D6DB24100" in err.message  # detail.logid


def test_4101_exits_4_without_the_region_hint():
    err = error_of(coze(), [DOC_SEED], process("error_4101_no_permission.json"))
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4
    assert "没有权限访问该资源" in err.message
    assert "--region" not in err.message


def test_auth_code_with_matching_http_401_is_still_exit_4():
    fake = process("error_4100_authentication_invalid.json", status=401)
    err = error_of(coze(), [DOC_SEED], fake)
    assert isinstance(err, CredentialsError)
    assert "身份验证无效" in err.message


def test_oauth_token_invalid_uses_the_x_tt_logid_header():
    fake = process(
        "error_700012006_access_token_invalid_no_detail.json",
        headers={"x-tt-logid": "20240708143040790E78F9318B35A2910B"},
    )
    err = error_of(coze(), [DOC_SEED], fake)
    assert isinstance(err, CredentialsError)
    assert "access token invalid" in err.message
    assert "20240708143040790E78F9318B35A2910B" in err.message


def test_4200_exits_3():
    err = error_of(coze(), [DOC_SEED], process("error_4200_not_found.json"))
    assert isinstance(err, NotFoundError)
    assert err.exit_code == 3
    assert "资源未找到" in err.message


@pytest.mark.parametrize(
    ("fixture", "text"),
    [
        ("error_4009_system_request_cap.json", "已达系统请求上限"),
        ("error_4013_model_error.json", "模型错误"),
        ("error_5000_internal.json", "服务器内部错误"),
    ],
)
def test_retryable_codes(fixture, text):
    err = error_of(coze(), [DOC_SEED], process(fixture))
    assert isinstance(err, RetryableError)
    assert err.exit_code == 3
    assert text in err.message


def test_429_with_a_retryable_code_keeps_retry_after():
    fake = process("error_4013_model_error.json", status=429, headers={"Retry-After": "9"})
    err = error_of(coze(), [DOC_SEED], fake)
    assert isinstance(err, RetryableError)
    assert err.retry_after == 9.0


def test_json_error_without_a_coze_code_goes_by_the_http_status():
    json_type = {"Content-Type": "application/json"}
    gateway = process(status=502, body=b'{"message":"bad gateway"}', headers=json_type)
    err = error_of(coze(), [DOC_SEED], gateway)
    assert isinstance(err, RetryableError)
    assert "HTTP 502" in err.message
    assert "code None" not in err.message

    # coze-js also reads an `error: {logid, detail}` object (CZ-JS).
    rejected = process(
        status=401, body=b'{"error":{"logid":"2024X","detail":"invalid token"}}', headers=json_type
    )
    err = error_of(coze(), [DOC_SEED], rejected)
    assert isinstance(err, CredentialsError)
    assert err.exit_code == 4


def test_non_json_401_is_a_credentials_error():
    fake = process(status=401, body=b"Unauthorized")
    err = error_of(coze(), [DOC_SEED], fake)
    assert isinstance(err, CredentialsError)


def test_non_json_200_is_retried():
    fake = process(body=b"<html>gateway</html>")
    err = error_of(coze(), [DOC_SEED], fake)
    assert isinstance(err, RetryableError)


def test_success_code_without_data_list_is_an_unknown_state():
    fake = process(
        body=b'{"code":0,"msg":"","data":{}}', headers={"Content-Type": "application/json"}
    )
    err = error_of(coze(), [DOC_SEED], fake)
    assert type(err) is StateUnknownError
    assert err.exit_code == 3


# --- the JOB object ----------------------------------------------------------------------


def test_to_json_adds_dataset_id():
    results = call(coze(), [DOC_RUNNING, DOC_FAILED], process("process_two_documents.json"))
    data = statuses(results)[DOC_RUNNING].to_json()
    assert set(data) == JOB_KEYS | {"dataset_id"}
    assert data["dataset_id"] == DATASET
    assert data["id"] == DOC_RUNNING
    assert data["state"] == "running"
    assert data["status"] == "processing"
    assert data["progress"] == 0.4
    assert data["eta_seconds"] == 12
    assert data["items"] == []
