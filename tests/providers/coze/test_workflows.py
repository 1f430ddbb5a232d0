"""Coze async workflow runs: `GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`
(docs/providers/coze.md#workflow-runs), read from documented bodies."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from jobwatch.core.errors import (
    CredentialsError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import JobState, JobStatus
from jobwatch.http.client import Client
from jobwatch.providers.coze import WorkflowRun
from tests.contract import JOB_KEYS
from tests.providers.conftest import call, endpoint, error_of, fixture_bytes, one_status, settings

WORKFLOW = "742963539464539123"
RUN = "7431040978805850123"
GLOBAL = "https://api.coze.com"
CN = "https://api.coze.cn"


def history(fixture: str | None = None, *, base: str = GLOBAL, **kwargs):
    url = f"{base}/v1/workflows/{WORKFLOW}/run_histories/{RUN}"
    return endpoint("GET", url, "coze", fixture, **kwargs)


def runs(**kwargs) -> WorkflowRun:
    kwargs.setdefault("api_key", "pat_0123456789abcdef")
    return WorkflowRun(settings(**kwargs), workflow_id=WORKFLOW)


# --- the request -------------------------------------------------------------------------


def test_the_request_is_a_get_on_the_run_history_path():
    fake = history("workflow_success.json")
    one_status(runs(), RUN, fake)
    request = fake.request
    assert (request.method, request.url.host) == ("GET", "api.coze.com")
    assert request.url.path == f"/v1/workflows/{WORKFLOW}/run_histories/{RUN}"
    assert request.headers["Authorization"] == "Bearer pat_0123456789abcdef"
    assert request.content == b""


def test_region_cn_and_one_request_per_run():
    fake = history("workflow_success.json", base=CN)
    one_status(runs(region="cn"), RUN, fake)
    assert fake.request.url.host == "api.coze.cn"
    assert runs().batches([RUN, "2"]) == [[RUN], ["2"]]


def test_it_needs_its_workflow_and_has_no_cancel():
    with pytest.raises(TypeError, match="coze needs workflow_id"):
        WorkflowRun(settings(api_key="k"))
    assert not WorkflowRun.can_list()

    async def cancel() -> None:
        async with Client(httpx.MockTransport(lambda r: httpx.Response(500))) as client:
            runs().cancel_request(client, RUN)

    with pytest.raises(UsageError, match="coze --kind workflow has no cancel") as info:
        asyncio.run(cancel())
    assert info.value.exit_code == 2


# --- states ------------------------------------------------------------------------------


def test_the_docs_example_succeeded_and_its_output_is_never_kept():
    job = one_status(runs(), RUN, history("workflow_success.json"))
    assert (job.state, job.status, job.message, job.progress) == (
        JobState.SUCCEEDED,
        "Success",
        None,
        None,
    )
    assert job.extra == {
        "kind": "workflow",
        "debug_url": "https://www.coze.cn/work_flow?execute_id=743104097880585****"
        "&space_id=730976060439760****&workflow_id=742963539464539****",
        "run_mode": 0,
        "usage": {"input_count": 50, "output_count": 100, "token_count": 150},
        "logid": "20241029115423ED85C3401395715F726E",
    }
    document = job.to_json()
    assert set(document) == JOB_KEYS | {"workflow_id"}
    assert (document["id"], document["workflow_id"]) == (RUN, WORKFLOW)
    assert "来找姐姐" not in json.dumps(document, ensure_ascii=False)  # the output


def test_running_async_run_with_an_empty_node_status():
    job = one_status(runs(), RUN, history("workflow_running.json"))
    assert (job.state, job.status, job.message) == (JobState.RUNNING, "Running", None)
    assert job.extra["run_mode"] == 2
    assert job.ident == f"{WORKFLOW}/{RUN}"


def test_failed_with_its_error_message_and_a_string_error_code():
    job = one_status(runs(), RUN, history("workflow_fail.json"))
    assert (job.state, job.status) == (JobState.FAILED, "Fail")
    assert job.message == (
        "Workflow execution failed: node llm_1 timed out after 600 s (error_code 720702011)"
    )
    assert job.extra["error_code"] == "720702011"


def test_an_error_code_sent_as_a_number_reads_the_same():
    text = one_status(runs(), RUN, history("workflow_fail.json"))
    number = one_status(runs(), RUN, history("workflow_fail_error_code_number.json"))
    assert number.message == text.message and number.extra == text.extra


@pytest.mark.parametrize("code", ["", "0", 0, None])
def test_an_empty_or_zero_error_code_is_no_error(code: object):
    body = json.loads(fixture_bytes("coze", "workflow_success.json"))
    body["data"][0]["error_code"] = code
    fake = history(None)
    fake.content = json.dumps(body).encode()
    job = one_status(runs(), RUN, fake)
    assert "error_code" not in job.extra and job.state is JobState.SUCCEEDED


def test_a_run_waiting_for_input_says_so():
    job = one_status(runs(), RUN, history("workflow_interrupted.json"))
    assert job.state is JobState.RUNNING
    assert job.message == "waiting for input: resume it with POST /v1/workflows/resume"


def test_an_unknown_status_word_is_shown_raw_as_running():
    job = one_status(runs(), RUN, history("workflow_unknown_status.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "Queued")
    assert not WorkflowRun.knows("Queued")


# --- errors ------------------------------------------------------------------------------


def test_4314_no_execute_record_is_not_found():
    error = error_of(runs(), [RUN], history("error_4314_no_execute_record.json"))
    assert isinstance(error, NotFoundError)
    assert error.message == (
        "coze: code 4314: execute record not found (logid 20241029152003BC531DC784F1894314)"
    )


def test_an_empty_history_is_not_found():
    (result,) = call(runs(), [RUN], history("workflow_empty_history.json"))
    assert isinstance(result, NotFoundError) and not isinstance(result, JobStatus)
    assert f"has no run {RUN}" in result.message


def test_4315_run_already_ended_cannot_be_read_and_is_not_not_found():
    error = error_of(runs(), [RUN], history("error_4315_run_already_ended.json"))
    assert type(error) is StateUnknownError and error.exit_code == 3
    assert "code 4315: the workflow run has already ended" in error.message


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("error_4100_authentication_invalid.json", CredentialsError),
        ("error_4101_no_permission.json", CredentialsError),
        ("error_4200_not_found.json", NotFoundError),
        ("error_4013_model_error.json", RetryableError),
    ],
)
def test_envelope_codes(fixture: str, kind: type[Exception]):
    assert isinstance(error_of(runs(), [RUN], history(fixture)), kind)


def test_data_that_is_not_a_list_cannot_be_read():
    fake = history(None)
    fake.content = b'{"code":0,"msg":"","data":{"execute_status":"Success"}}'
    error = error_of(runs(), [RUN], fake)
    assert error.exit_code == 3 and "no `data` list" in error.message
