"""Coze non-stream chats: `GET /v3/chat/retrieve` and `POST /v3/chat/cancel`
(docs/providers/coze.md#chats), read from documented bodies."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from jobwatch.core.errors import CredentialsError, NotFoundError, RetryableError
from jobwatch.core.models import JobState
from jobwatch.http.client import Client, send
from jobwatch.providers.coze import Chat
from tests.contract import JOB_KEYS
from tests.providers.conftest import FakeEndpoint, endpoint, error_of, one_status, settings

# The docs' curl line: conversation_id=738137187639794****&chat_id=738136585609548****; their
# example body has the two swapped.
CONVERSATION = "738137187639794****"
CHAT = "738136585609548****"
GLOBAL = "https://api.coze.com"


def retrieve(fixture: str | None = None, *, base: str = GLOBAL, **kwargs) -> FakeEndpoint:
    return endpoint("GET", f"{base}/v3/chat/retrieve", "coze", fixture, **kwargs)


def cancel_endpoint(fixture: str | None = None, **kwargs) -> FakeEndpoint:
    return endpoint("POST", f"{GLOBAL}/v3/chat/cancel", "coze", fixture, **kwargs)


def chats(**kwargs) -> Chat:
    kwargs.setdefault("api_key", "pat_0123456789abcdef")
    return Chat(settings(**kwargs), conversation_id=CONVERSATION)


def cancel(provider: Chat, fake: FakeEndpoint, chat_id: str = CHAT) -> bool:
    async def round_trip() -> bool:
        async with Client(httpx.MockTransport(fake)) as client:
            response = await send(client, provider.cancel_request(client, chat_id), 5.0)
            return provider.parse_cancel(response, chat_id)

    return asyncio.run(round_trip())


# --- the request -------------------------------------------------------------------------


def test_the_ids_go_in_the_query_encoded():
    fake = retrieve("chat_completed.json", base="https://api.coze.cn")
    one_status(chats(region="cn"), CHAT, fake)
    request = fake.request
    assert (request.method, request.url.host, request.url.path) == (
        "GET",
        "api.coze.cn",
        "/v3/chat/retrieve",
    )
    assert (
        request.url.query
        == b"conversation_id=738137187639794%2A%2A%2A%2A&chat_id=738136585609548%2A%2A%2A%2A"
    )
    assert dict(request.url.params) == {"conversation_id": CONVERSATION, "chat_id": CHAT}
    assert request.headers["Authorization"] == "Bearer pat_0123456789abcdef"


def test_a_value_with_reserved_characters_stays_one_value():
    fake = retrieve("chat_completed.json")
    one_status(Chat(settings(api_key="k"), conversation_id="a&b=c"), "x y#z", fake)
    assert dict(fake.request.url.params) == {"conversation_id": "a&b=c", "chat_id": "x y#z"}


# --- states ------------------------------------------------------------------------------


def test_the_docs_example_completed_with_the_ids_from_the_query_not_the_body():
    job = one_status(chats(), CHAT, retrieve("chat_completed.json"))
    assert (job.state, job.status, job.message) == (JobState.SUCCEEDED, "completed", None)
    document = job.to_json()
    assert set(document) == JOB_KEYS | {"conversation_id"}
    # The body says conversation_id 738136585609548****: the docs' swap.
    assert (document["id"], document["conversation_id"]) == (CHAT, CONVERSATION)
    assert job.extra == {
        "kind": "chat",
        "bot_id": "737946218936519****",
        "usage": {"input_count": 242, "output_count": 56, "token_count": 298},
        "created_at": 1718609571,
        "completed_at": 1718609575,
    }
    assert job.progress is None  # a chat has no numbers: a pulsing bar


@pytest.mark.parametrize(
    ("fixture", "state", "status"),
    [
        ("chat_created.json", JobState.PENDING, "created"),
        ("chat_in_progress.json", JobState.RUNNING, "in_progress"),
        ("chat_canceled.json", JobState.CANCELLED, "canceled"),
    ],
)
def test_states(fixture: str, state: JobState, status: str):
    job = one_status(chats(), CHAT, retrieve(fixture))
    assert (job.state, job.status, job.message) == (state, status, None)


def test_failed_with_last_error():
    job = one_status(chats(), CHAT, retrieve("chat_failed.json"))
    assert (job.state, job.status) == (JobState.FAILED, "failed")
    assert job.message == "The model is busy, please try again later (code 4011)"
    assert job.extra["failed_at"] == 1718609573


def test_requires_action_is_running_waiting_for_tool_outputs():
    job = one_status(chats(), CHAT, retrieve("chat_requires_action.json"))
    assert (job.state, job.status) == (JobState.RUNNING, "requires_action")
    assert job.message == "waiting for tool outputs (get_weather)"
    assert not job.state.is_terminal


def test_an_unknown_status_word_is_shown_raw_as_running():
    body = json.loads(retrieve("chat_created.json").content)
    body["data"]["status"] = "queued"
    fake = retrieve(None)
    fake.content = json.dumps(body).encode()
    job = one_status(chats(), CHAT, fake)
    assert (job.state, job.status) == (JobState.RUNNING, "queued")
    assert not Chat.knows("queued") and Chat.knows("requires_action")


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "kind", "code"),
    [
        ("error_4100_authentication_invalid.json", CredentialsError, 4),
        ("error_700012006_access_token_invalid_no_detail.json", CredentialsError, 4),
        ("error_4200_not_found.json", NotFoundError, 3),
        ("error_4009_system_request_cap.json", RetryableError, 3),
    ],
)
def test_envelope_codes(fixture: str, kind: type[Exception], code: int):
    error = error_of(chats(), [CHAT], retrieve(fixture))
    assert isinstance(error, kind) and error.exit_code == code


def test_an_answer_without_data_cannot_be_read():
    fake = retrieve(None)
    fake.content = b'{"code":0,"msg":""}'
    assert "has no `data`" in error_of(chats(), [CHAT], fake).message


# --- cancel ------------------------------------------------------------------------------


def test_cancel_posts_both_ids_and_a_canceled_answer_is_cancelled():
    fake = cancel_endpoint("cancel_canceled.json")
    assert cancel(chats(), fake) is True
    assert fake.sent_json() == {"conversation_id": CONVERSATION, "chat_id": CHAT}
    assert fake.request.headers["Content-Type"] == "application/json"


def test_4104_cannot_be_cancelled_is_already_finished():
    assert cancel(chats(), cancel_endpoint("error_4104_cannot_cancel.json")) is False


def test_the_docs_cancel_example_says_completed_so_it_had_finished():
    assert cancel(chats(), cancel_endpoint("cancel_docs_example.json")) is False


def test_cancel_errors():
    with pytest.raises(CredentialsError):
        cancel(chats(), cancel_endpoint("error_4100_authentication_invalid.json"))
    with pytest.raises(NotFoundError):
        cancel(chats(), cancel_endpoint("error_4200_not_found.json"))
    with pytest.raises(RetryableError):
        cancel(chats(), cancel_endpoint(None, status=502, body=b"Bad Gateway"))
