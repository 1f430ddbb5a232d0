"""Firecrawl agent jobs (`GET /v2/agent/{id}`, cancel `DELETE /v2/agent/{id}`) and extract jobs
(`GET /v2/extract/{id}`), from documented bodies (docs/providers/firecrawl.md#agent, #extract).

Where the fixtures come from: `agent_processing_docs_example.json` and `agent_completed.json` are
the docs' examples (FC-AGDOC; `model` added to the second, as the spec lists it); the credit
stop and the approval fields are the 2026 controller's shapes (FC-AG); the cancel answers are
the controller tests' (docs/providers/firecrawl.md#agent-cancel); extract bodies follow the
spec's `ExtractStatusResponse` and the server's fields (FC-OAS, FC-API), the deprecation fields
as FC-DEPR describes them. Texts not given by a source (an error's wording) are stand-ins.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from jobwatch.core.errors import (
    CredentialsError,
    GoneError,
    NotFoundError,
    RetryableError,
    StateUnknownError,
    UsageError,
)
from jobwatch.core.models import JobState
from jobwatch.http.client import Client, send
from jobwatch.providers import PROVIDERS
from jobwatch.providers.firecrawl import Agent, Extract
from tests.contract import JOB_KEYS
from tests.providers.conftest import FakeEndpoint, endpoint, error_of, one_status, settings

JOB = "0c4e8a62-0000-4000-8000-00000000a9e7"
CLOUD = "https://api.firecrawl.dev"
KEY = "fc-0123456789abcdef9f2a"


def agent_answer(fixture: str | None = None, **kwargs) -> FakeEndpoint:
    return endpoint("GET", f"{CLOUD}/v2/agent/{JOB}", "firecrawl", fixture, **kwargs)


def extract_answer(fixture: str | None = None, **kwargs) -> FakeEndpoint:
    return endpoint("GET", f"{CLOUD}/v2/extract/{JOB}", "firecrawl", fixture, **kwargs)


def agent(**kwargs) -> Agent:
    kwargs.setdefault("api_key", KEY)
    return Agent(settings(**kwargs))


def extract(**kwargs) -> Extract:
    kwargs.setdefault("api_key", KEY)
    return Extract(settings(**kwargs))


# --- the kinds in the provider table --------------------------------------------------------


def test_agent_and_extract_are_kinds_of_the_firecrawl_command() -> None:
    entry = PROVIDERS["firecrawl"]
    assert entry.kind_names() == ("batch", "crawl", "agent", "extract")
    assert entry.kind("agent") is Agent and entry.kind("extract") is Extract
    assert [form.text for form in Agent.reference_forms()] == ["firecrawl-agent:JOB"]
    assert [form.text for form in Extract.reference_forms()] == ["firecrawl-extract:JOB"]
    assert not Agent.can_list() and not Extract.can_list()


# --- the request ----------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "path"), [(Agent, "/v2/agent/"), (Extract, "/v2/extract/")])
def test_the_request_is_a_bare_get_with_the_key(kind: type[Agent | Extract], path: str) -> None:
    fake = endpoint("GET", f"{CLOUD}{path}{JOB}", "firecrawl", "agent_processing_docs_example.json")
    one_status(kind(settings(api_key=KEY)), JOB, fake)
    request = fake.request
    assert (request.method, request.url.host, request.url.path) == (
        "GET",
        "api.firecrawl.dev",
        f"{path}{JOB}",
    )
    assert request.url.query == b""  # no paging: the result is never read
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.content == b""


def test_a_self_hosted_server_needs_no_key() -> None:
    base = "http://localhost:3002"
    fake = endpoint("GET", f"{base}/v2/agent/{JOB}", "firecrawl", "agent_completed.json")
    job = one_status(Agent(settings(api_key=None, base_url=base)), JOB, fake)
    assert "Authorization" not in fake.request.headers
    assert job.state is JobState.SUCCEEDED


# --- agent bodies ---------------------------------------------------------------------------


def test_a_processing_agent_is_running_with_no_counts() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_processing_docs_example.json"))
    assert (job.provider, job.id, job.state, job.status) == (
        "firecrawl",
        JOB,
        JobState.RUNNING,
        "processing",
    )
    # No counts, no percent: a pulsing bar, and the gates do not judge it.
    assert (job.progress, job.completed, job.total, job.unit) == (None, None, None, None)
    assert job.message is None
    assert job.extra == {"kind": "agent", "expiresAt": "2024-12-15T00:00:00.000Z"}
    assert set(job.to_json()) == JOB_KEYS


def test_a_completed_agent_keeps_its_extras_and_never_its_data() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_completed.json"))
    assert (job.state, job.status, job.message) == (JobState.SUCCEEDED, "completed", None)
    assert job.extra == {
        "kind": "agent",
        "creditsUsed": 15,
        "expiresAt": "2024-12-15T00:00:00.000Z",
        "model": "spark-1-pro",
    }
    assert "Example Inc" not in job.to_json_text()  # the result (`data`) is not kept


def test_partial_results_are_never_kept() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_processing_with_partial.json"))
    assert job.state is JobState.RUNNING
    assert job.extra["partialSchemaValid"] is False
    assert (job.extra["model"], job.extra["effort"]) == ("spark-2", "medium")
    assert "partial" not in job.extra and "Example Inc" not in job.to_json_text()


def test_success_true_with_status_failed_is_failed_with_the_credit_stop_as_reason() -> None:
    """The 2026 credit stop: `success: true`, `status: "failed"`, `stopReason`, `error`."""
    job = one_status(agent(), JOB, agent_answer("agent_failed_credit_stop_success_true.json"))
    assert (job.state, job.status) == (JobState.FAILED, "failed")
    assert job.message == "Agent reached max credits (credit_limit_reached)"
    assert job.extra["stopReason"] == "credit_limit_reached"
    assert job.extra["creditsUsed"] == 2500
    assert "Example Inc" not in job.to_json_text()


def test_a_failed_agent_without_a_stop_reason_says_its_error() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_failed_error_only.json"))
    assert (job.state, job.message) == (
        JobState.FAILED,
        "The agent could not reach any of the given URLs",
    )


def test_a_stop_reason_alone_is_the_reason() -> None:
    body = b'{"success":true,"status":"failed","stopReason":"credit_limit_reached"}'
    job = one_status(agent(), JOB, agent_answer(body=body))
    assert (job.state, job.message) == (JobState.FAILED, "credit_limit_reached")


def test_a_cancelled_agent_is_cancelled_and_keeps_fractional_credits() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_cancelled.json"))
    assert (job.state, job.status) == (JobState.CANCELLED, "cancelled")
    assert job.extra["creditsUsed"] == 7.5  # the spec's `number`


def test_a_completed_turn_waiting_for_approval_says_so_under_extra() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_completed_pending_approval.json"))
    assert job.state is JobState.SUCCEEDED
    assert job.extra["pendingApproval"] == "terms"
    assert job.extra["requiresAction"] == "accept_terms"
    assert (job.extra["threadId"], job.extra["threadTurn"], job.extra["mode"]) == (
        "thr_0123",
        2,
        "chat",
    )
    # The chat-mode reply is the result: not kept, not printed.
    assert "Here is what I found" not in job.to_json_text()


def test_an_unknown_word_is_kept_raw_and_running() -> None:
    job = one_status(agent(), JOB, agent_answer("agent_unknown_status.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "queued")
    assert not Agent.knows("queued")
    assert all(Agent.knows(w) for w in ("processing", "completed", "failed", "cancelled"))


def test_a_body_without_status_cannot_be_read() -> None:
    error = error_of(agent(), [JOB], agent_answer(body=b'{"success":true}'))
    assert isinstance(error, StateUnknownError) and error.exit_code == 3
    assert "agent status body has no `status`" in error.message


def test_agent_job_not_found_is_not_found() -> None:
    error = error_of(agent(), [JOB], agent_answer("agent_404_not_found.json", status=404))
    assert type(error) is NotFoundError  # so "not created yet" within --wait-for-start
    assert error.message == "firecrawl: HTTP 404: Agent job not found"


@pytest.mark.parametrize(("kind", "answer"), [(agent, agent_answer), (extract, extract_answer)])
def test_a_rejected_key_is_a_credentials_error(kind, answer) -> None:
    error = error_of(kind(), [JOB], answer("error_401.json", status=401))
    assert isinstance(error, CredentialsError) and error.exit_code == 4
    assert KEY not in error.message


def test_a_proxy_page_in_a_200_is_retried() -> None:
    fake = agent_answer(body=b"<html>busy</html>", headers={"Content-Type": "text/html"})
    assert isinstance(error_of(agent(), [JOB], fake), RetryableError)


def test_job_expired_is_gone() -> None:
    fake = agent_answer(body=b'{"success":false,"error":"Job expired"}', status=404)
    assert isinstance(error_of(agent(), [JOB], fake), GoneError)


# --- extract bodies -------------------------------------------------------------------------


def test_success_false_while_processing_is_still_running() -> None:
    """The newer controller's `success: status === "completed"`: `success` alone never fails."""
    job = one_status(extract(), JOB, extract_answer("extract_processing_success_false.json"))
    assert (job.state, job.status, job.message) == (JobState.RUNNING, "processing", None)
    assert job.extra["kind"] == "extract"
    assert job.extra["replacement"] == "/v2/scrape"
    assert job.extra["warnings"][0].startswith("/v2/extract/:jobId is deprecated")


def test_an_aug_2025_processing_body_is_running() -> None:
    job = one_status(extract(), JOB, extract_answer("extract_processing_aug2025.json"))
    assert (job.state, job.extra) == (
        JobState.RUNNING,
        {"kind": "extract", "expiresAt": "2026-08-21T16:10:00.000Z"},
    )


def test_a_completed_extract_keeps_tokens_and_credits_never_data() -> None:
    job = one_status(extract(), JOB, extract_answer("extract_completed.json"))
    assert (job.state, job.status) == (JobState.SUCCEEDED, "completed")
    assert (job.extra["tokensUsed"], job.extra["creditsUsed"]) == (1234, 83)
    assert "Example Domain" not in job.to_json_text()


def test_a_failed_extract_says_its_error() -> None:
    job = one_status(extract(), JOB, extract_answer("extract_failed.json"))
    assert (job.state, job.status, job.message) == (
        JobState.FAILED,
        "failed",
        "No valid URLs were provided",
    )


def test_a_cancelled_extract_is_cancelled() -> None:
    job = one_status(extract(), JOB, extract_answer("extract_cancelled.json"))
    assert (job.state, job.status, job.message) == (JobState.CANCELLED, "cancelled", None)


def test_extract_job_not_found_is_not_found() -> None:
    error = error_of(extract(), [JOB], extract_answer("extract_404_not_found.json", status=404))
    assert type(error) is NotFoundError
    assert error.message == "firecrawl: HTTP 404: Extract job not found"


def test_an_unknown_extract_word_is_running() -> None:
    body = b'{"success":false,"status":"waiting"}'
    job = one_status(extract(), JOB, extract_answer(body=body))
    assert (job.state, job.status) == (JobState.RUNNING, "waiting")


# --- cancel ---------------------------------------------------------------------------------


def cancel(provider: Agent | Extract, fixture: str | None, status: int = 200) -> tuple[bool, list]:
    fake = endpoint(
        "DELETE", f"{CLOUD}/v2/agent/{JOB}", "firecrawl", fixture, status=status, body=b"?"
    )

    async def round_trip() -> bool:
        async with Client(httpx.MockTransport(fake)) as client:
            response = await send(client, provider.cancel_request(client, JOB), 5.0)
            return provider.parse_cancel(response, JOB)

    return asyncio.run(round_trip()), fake.requests


def test_cancelling_an_agent_is_a_delete_on_the_job() -> None:
    cancelled, requests = cancel(agent(), "agent_cancel_ok.json")
    assert cancelled is True
    (request,) = requests
    assert (request.method, request.url.path, request.content) == (
        "DELETE",
        f"/v2/agent/{JOB}",
        b"",
    )
    assert request.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    "fixture", ["agent_cancel_409_already_finished.json", "agent_cancel_409_already_cancelled.json"]
)
def test_a_finished_agent_answers_409_already_finished(fixture: str) -> None:
    assert cancel(agent(), fixture, 409)[0] is False


def test_a_cancel_answered_success_false_is_an_error() -> None:
    with pytest.raises(StateUnknownError, match="the agent was not cancelled"):
        cancel(agent(), "agent_cancel_200_success_false.json")


def test_cancelling_an_unknown_agent_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="Agent job not found"):
        cancel(agent(), "agent_404_not_found.json", 404)


def test_an_extract_has_no_cancel_and_says_which_kind() -> None:
    async def ask() -> None:
        async with Client(httpx.MockTransport(lambda r: httpx.Response(500))) as client:
            extract().cancel_request(client, JOB)

    with pytest.raises(UsageError) as info:
        asyncio.run(ask())
    assert info.value.exit_code == 2
    assert info.value.message.startswith("firecrawl extract has no cancel")
