"""The kind a table makes: the requests it sends (where, how the id and the key go) and how it
reads answers (HTTP status first, then the pointers), one key of the table at a time."""

from __future__ import annotations

import asyncio
import json
import tomllib
from typing import Any

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
from jobwatch.http.client import Client, send
from jobwatch.providers import PROVIDERS
from jobwatch.providers.base import Provider
from jobwatch.providers.defined import define_all, names_in_use
from tests.providers.conftest import FakeEndpoint, call, error_of, one_status, settings

KEY = "acme-0123456789abcdef0123456789ab77e1"
ACME = """
[providers.acme]
base_url = "https://api.acme.test"
status = "GET /v1/exports/{id}"
[providers.acme.read]
status = "/state"
completed = "/counts/done"
total = "/counts/all"
message = "/problem"
eta_seconds = "/eta"
[providers.acme.states]
pending = ["queued"]
running = ["rendering"]
succeeded = ["done"]
failed = ["broken"]
cancelled = ["stopped"]
"""


def kind(extra: str = "", text: str = ACME, **given: Any) -> Provider:
    """An instance of the kind the table (with `extra` lines added to its main part) makes."""
    head, sep, rest = text.partition("[providers.acme.read]")
    data = tomllib.loads(head + extra + "\n" + sep + rest)
    (entry,) = define_all(data["providers"], where="acme.toml", taken=names_in_use(PROVIDERS))
    return entry.default(settings(api_key=KEY, **given))


def answering(status: int = 200, payload: Any = None, **headers: str) -> FakeEndpoint:
    content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    kind = "application/json" if not isinstance(payload, bytes) else "text/html"
    return FakeEndpoint("GET", "", status, content, {"Content-Type": kind, **headers})


def posting(payload: Any) -> FakeEndpoint:
    return FakeEndpoint("POST", "", 200, json.dumps(payload).encode(), {})


def request_of(provider: Provider, job_id: str = "e-1") -> httpx.Request:
    async def build() -> httpx.Request:
        async with Client(httpx.MockTransport(answering(200, {}))) as client:
            return provider.build_request(client, [job_id])

    return asyncio.run(build())


# -- where requests go, and how ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("job_id", "path"),
    [
        ("e-1", "/v1/exports/e-1"),
        ("a/b", "/v1/exports/a%2Fb"),
        ("x?admin=1", "/v1/exports/x%3Fadmin%3D1"),
        ("#top", "/v1/exports/%23top"),
        ("%2e%2e", "/v1/exports/%252e%252e"),
        ("../../admin", "/v1/exports/..%2F..%2Fadmin"),
        ("a b", "/v1/exports/a%20b"),
        ("ünï", "/v1/exports/%C3%BCn%C3%AF"),
        ("@evil.test", "/v1/exports/%40evil.test"),
    ],
)
def test_the_id_is_one_percent_encoded_segment_of_its_own_host(job_id: str, path: str) -> None:
    request = request_of(kind(), job_id)
    assert (request.method, request.url.host, request.url.raw_path.decode()) == (
        "GET", "api.acme.test", path,
    )  # fmt: skip
    assert request.url.query == b"" and request.headers["Host"] == "api.acme.test"


def test_the_key_goes_in_the_key_header_as_the_table_says() -> None:
    assert request_of(kind()).headers["Authorization"] == f"Bearer {KEY}"
    bare = request_of(kind('key_header = "Authorization"'))
    assert bare.headers["Authorization"] == KEY
    other = request_of(kind('key_header = "x-api-key"'))
    assert other.headers["x-api-key"] == KEY and "Authorization" not in other.headers
    token = request_of(kind('key_header = "Authorization: Token"'))
    assert token.headers["Authorization"] == f"Token {KEY}"


def test_fixed_headers_are_sent_as_written() -> None:
    request = request_of(kind('headers = { anthropic-version = "2023-06-01", X-Trace = "on" }'))
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["X-Trace"] == "on"
    names = [name.lower() for name, _ in request.headers.multi_items()]
    assert sorted(names) == sorted(
        ["host", "user-agent", "accept", "accept-encoding", "anthropic-version", "x-trace",
         "authorization"]
    )  # fmt: skip


def test_a_post_status_endpoint_sends_its_body_with_the_id_as_a_string() -> None:
    provider = kind(
        'status = "POST /v1/exports/lookup?verbose=true"\n'
        'body = { export = { ids = ["{id}"], all = false }, limit = 1 }',
        text=ACME.replace('status = "GET /v1/exports/{id}"\n', ""),
    )
    request = request_of(provider, '7441"2')
    assert (request.method, request.url.raw_path) == ("POST", b"/v1/exports/lookup?verbose=true")
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"export": {"ids": ['7441"2'], "all": False}, "limit": 1}


def test_base_urls_by_site_and_the_base_url_override() -> None:
    sites = ACME.replace(
        'base_url = "https://api.acme.test"',
        'base_urls = { us = "https://us.acme.test", eu = "https://eu.acme.test" }',
    )
    assert request_of(kind(text=sites)).url.host == "us.acme.test"
    assert request_of(kind(text=sites, region="eu")).url.host == "eu.acme.test"
    assert request_of(kind(text=sites, base_url="http://127.0.0.1:9")).url.port == 9
    with pytest.raises(UsageError, match="unknown acme region 'cn': use us or eu"):
        kind(text=sites, region="cn")
    assert kind(text=sites).regions() == ("us", "eu") and kind().regions() == ()


def test_the_class_data_comes_from_the_table() -> None:
    provider = kind('interval = 7\nunit = "rows"\nkey_env = ["ACME_KEY", "ACME_TOKEN"]')
    assert (provider.name, provider.kind, provider.default_interval, provider.unit) == (
        "acme", "job", 7.0, "rows",
    )  # fmt: skip
    assert provider.key_env_vars == ("ACME_KEY", "ACME_TOKEN")
    assert [form.text for form in provider.reference_forms()] == ["acme:JOB"]


# -- reading answers -----------------------------------------------------------------------------


def test_the_pointers_fill_the_job() -> None:
    answer = {"state": "rendering", "counts": {"done": "3", "all": 4.0}, "eta": 12.5}
    job = one_status(kind('unit = "rows"'), "e-1", answering(200, answer))
    assert (job.provider, job.id, job.state, job.status) == (
        "acme", "e-1", JobState.RUNNING, "rendering",
    )  # fmt: skip
    assert (job.completed, job.total, job.progress, job.unit, job.eta_seconds) == (
        3, 4, 0.75, "rows", 12.5,
    )  # fmt: skip
    assert (job.message, job.extra) == (None, {})


def test_a_pointer_that_finds_nothing_leaves_the_field_null() -> None:
    job = one_status(kind(), "e-1", answering(200, {"state": "done", "counts": None}))
    assert (job.state, job.completed, job.total, job.progress, job.eta_seconds, job.message) == (
        JobState.SUCCEEDED, None, None, None, None, None,
    )  # fmt: skip


def test_progress_out_of_its_scale() -> None:
    provider = kind(
        text=ACME.replace('eta_seconds = "/eta"', 'progress = "/pct"\nprogress_scale = 100')
    )
    answer = {"state": "rendering", "pct": "42.5", "counts": {"done": 1, "all": 10}}
    job = one_status(provider, "e-1", answering(200, answer))
    assert job.progress == 0.425 and (job.completed, job.total) == (1, 10)
    over = one_status(provider, "e-1", answering(200, {"state": "rendering", "pct": 140}))
    assert over.progress is None


def test_the_message_is_text_or_json() -> None:
    failed = one_status(kind(), "e-1", answering(200, {"state": "broken", "problem": "disk full"}))
    assert (failed.state, failed.message) == (JobState.FAILED, "disk full")
    coded = one_status(kind(), "e-1", answering(200, {"state": "broken", "problem": {"code": 7}}))
    assert coded.message == '{"code":7}'
    empty = one_status(kind(), "e-1", answering(200, {"state": "broken", "problem": ""}))
    assert empty.message is None


def test_every_state_list() -> None:
    words = {
        "queued": JobState.PENDING,
        "rendering": JobState.RUNNING,
        "done": JobState.SUCCEEDED,
        "broken": JobState.FAILED,
        "stopped": JobState.CANCELLED,
    }
    for word, state in words.items():
        assert one_status(kind(), "e-1", answering(200, {"state": word})).state is state
    unknown = one_status(kind(), "e-1", answering(200, {"state": "thinking"}))
    assert (unknown.state, unknown.status) == (JobState.RUNNING, "thinking")
    assert not kind().knows("thinking") and kind().knows("queued")


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ({"counts": {"done": 1}}, "acme: the answer has nothing at /state (read.status)"),
        ({"state": None}, "acme: the answer has nothing at /state (read.status)"),
        ({"state": 401}, "acme: the answer has 401, not a status word at /state (read.status)"),
        ({"state": ["done"]}, 'acme: the answer has ["done"], not a status word at /state'),
        ([1, 2], "acme: the answer has nothing at /state (read.status)"),
    ],
)
def test_no_status_word_is_an_error_of_that_poll(answer: Any, said: str) -> None:
    error = error_of(kind(), ["e-1"], answering(200, answer))
    assert isinstance(error, RetryableError) and said in error.message


def test_a_count_of_the_wrong_type_is_an_answer_of_an_unexpected_shape() -> None:
    error = error_of(kind(), ["e-1"], answering(200, {"state": "done", "counts": {"done": "x"}}))
    assert type(error) is StateUnknownError
    assert error.message == "acme: the answer: `completed` should be a whole number, not 'x'"


def test_an_answer_that_is_not_json_is_retried() -> None:
    error = error_of(kind(), ["e-1"], answering(200, b"<html><title>Gateway</title></html>"))
    assert isinstance(error, RetryableError)
    assert "acme: HTTP 200 answer is not JSON (text/html)" in error.message


@pytest.mark.parametrize(
    ("status", "payload", "error", "said"),
    [
        (401, {"error": {"message": "Incorrect API key"}}, CredentialsError, "HTTP 401: Incorrect"),
        (403, {"detail": "forbidden"}, CredentialsError, "acme: HTTP 403: forbidden"),
        (404, {"detail": "nope", "status": 404}, NotFoundError, "acme: HTTP 404: nope"),
        (429, {"message": "slow down"}, RetryableError, "acme: HTTP 429: slow down"),
        (503, {"title": "Unavailable"}, RetryableError, "acme: HTTP 503: Unavailable"),
        (400, {"error": "bad request"}, StateUnknownError, "acme: HTTP 400: bad request"),
        (409, {"msg": "conflict"}, StateUnknownError, "acme: HTTP 409: conflict"),
    ],
)
def test_an_error_answer_is_judged_by_its_http_status_first(
    status: int, payload: Any, error: type[Exception], said: str
) -> None:
    """Even when its body holds a word at the status pointer (Replicate's `"status": 404`)."""
    raised = error_of(kind(text=ACME.replace('"/state"', '"/status"')), ["e-1"],
                      answering(status, payload, **{"Retry-After": "2"}))  # fmt: skip
    assert type(raised) is error and said in raised.message
    if status == 429:
        assert isinstance(raised, RetryableError) and raised.retry_after == 2


def test_not_found_answers_of_the_table() -> None:
    provider = kind(
        'not_found = [410, { statuses = [400], pointer = "/error", value = "no such export" }]'
    )
    for status, payload in ((410, {}), (400, {"error": "no such export"}), (404, {})):
        assert isinstance(error_of(provider, ["e-1"], answering(status, payload)), NotFoundError)
    other = error_of(provider, ["e-1"], answering(400, {"error": "limit must be a number"}))
    assert type(other) is StateUnknownError
    anywhere = kind('not_found = { pointer = "/code", value = 4200 }')
    found = error_of(anywhere, ["e-1"], answering(200, {"code": 4200, "state": "done"}))
    assert isinstance(found, NotFoundError)
    assert found.message == 'acme: HTTP 200: {"code": 4200, "state": "done"}'
    assert isinstance(one_status(anywhere, "e-1", answering(200, {"code": 0, "state": "done"})),
                      JobStatus)  # fmt: skip


# -- cancel -----------------------------------------------------------------------------------


def cancel_of(provider: Provider, status: int, payload: Any) -> bool:
    fake = FakeEndpoint("POST", "", status, json.dumps(payload).encode(), {})

    async def round_trip() -> bool:
        async with Client(httpx.MockTransport(fake)) as client:
            request = provider.cancel_request(client, "e/1")
            assert (request.method, request.url.raw_path) == ("POST", b"/v1/exports/e%2F1/cancel")
            return provider.parse_cancel(await send(client, request, 5.0), "e/1")

    return asyncio.run(round_trip())


def test_cancel_as_the_table_says() -> None:
    provider = kind('cancel = "POST /v1/exports/{id}/cancel"')
    assert cancel_of(provider, 200, {"state": "rendering"}) is True
    assert cancel_of(provider, 202, {}) is True
    assert cancel_of(provider, 200, {"state": "stopped"}) is True
    assert cancel_of(provider, 200, {"state": "done"}) is False  # it had already finished
    assert cancel_of(provider, 200, {"state": "broken"}) is False
    assert cancel_of(provider, 409, {"error": "already done"}) is False
    with pytest.raises(NotFoundError):
        cancel_of(provider, 404, {})
    with pytest.raises(CredentialsError):
        cancel_of(provider, 401, {})


def test_without_cancel_it_cannot_be_cancelled() -> None:
    with pytest.raises(UsageError, match=r"^acme has no cancel: its table \(acme.toml\) names no"):
        asyncio.run(_cancel_request(kind()))


async def _cancel_request(provider: Provider) -> None:
    async with Client(httpx.MockTransport(answering(200, {}))) as client:
        provider.cancel_request(client, "e-1")


def test_a_defined_kind_reads_only_its_own_answers() -> None:
    """Nothing outside the pointers is kept (an answer's big `output` never reaches the JOB)."""
    answer = {"state": "done", "output": "x" * 100_000, "counts": {"done": 1, "all": 1}}
    (job,) = call(kind(), ["e-1"], answering(200, answer))
    assert isinstance(job, JobStatus)
    assert "x" * 100 not in job.to_json_text()
