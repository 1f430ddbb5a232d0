"""The simulator's Coze workflow run histories and chats (docs/providers/coze.md#workflow-runs,
#chats): real paths and shapes, each id following its story."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.sim._support import Caller

WORKFLOW = "7429635394645390123"
CONVERSATION = "7381365856095480123"
RECORD = {
    "update_time", "usage", "output", "bot_id", "token", "execute_status", "connector_uid",
    "run_mode", "connector_id", "logid", "debug_url", "error_code", "error_message",
    "execute_id", "create_time", "is_output_trimmed", "node_execute_status",
}  # fmt: skip


def run(call: Caller, execute_id: str, token: str | None = "test-key") -> Any:
    answer = call("GET", f"/v1/workflows/{WORKFLOW}/run_histories/{execute_id}", token=token)
    assert answer.status == 200, answer.reply.body
    assert answer.headers["x-tt-logid"] == answer.json()["detail"]["logid"]
    return answer.json()


def test_a_run_is_one_record_in_an_array_and_runs_to_success(call: Caller) -> None:
    first = run(call, "7431040978805850123")
    assert (first["code"], first["msg"]) == (0, "")
    (record,) = first["data"]
    assert set(record) == RECORD
    assert (record["execute_status"], record["error_code"], record["run_mode"]) == (
        "Running",
        "",
        2,
    )
    assert json.loads(record["output"]) == {"node_status": "{}", "Output": ""}
    assert re.fullmatch(r"\d{14}[0-9A-F]{20}", record["logid"])
    assert f"workflow_id={WORKFLOW}" in record["debug_url"]
    call.clock.advance(10)
    (done,) = run(call, "7431040978805850123")["data"]
    assert done["execute_status"] == "Success" and json.loads(done["output"])["Output"]
    assert done["logid"] == record["logid"]  # the run's own log id does not change


def test_fail_has_a_string_error_code_and_a_message(call: Caller) -> None:
    run(call, "1-fail")
    call.clock.advance(6)
    (record,) = run(call, "1-fail")["data"]
    assert record["execute_status"] == "Fail"
    assert isinstance(record["error_code"], str) and record["error_code"]
    assert record["error_message"]


def test_a_run_is_known_within_its_workflow(call: Caller) -> None:
    run(call, "2")
    call.clock.advance(10)
    other = call("GET", "/v1/workflows/999/run_histories/2").json()["data"][0]
    assert other["execute_status"] == "Running"  # a new clock: another workflow's run


@pytest.mark.parametrize(
    ("execute_id", "token", "code"),
    [("3", None, 4100), ("3", "bad-key", 4100), ("3-gone", "k", 4314)],
)
def test_run_errors_are_codes_in_a_200_envelope(
    call: Caller, execute_id: str, token: str | None, code: int
) -> None:
    body = run(call, execute_id, token)
    assert body["code"] == code and body["msg"] and "data" not in body


# -- chats ---------------------------------------------------------------------------------


def chat(call: Caller, chat_id: str, method: str = "GET", token: str | None = "k") -> Any:
    query = {"conversation_id": [CONVERSATION], "chat_id": [chat_id]}
    answer = call(method, "/v3/chat/retrieve", token=token, query=query)
    assert answer.status == 200, answer.reply.body
    return answer.json()


def cancel(call: Caller, chat_id: str) -> Any:
    body = {"conversation_id": CONVERSATION, "chat_id": chat_id}
    answer = call("POST", "/v3/chat/cancel", body)
    assert answer.status == 200, answer.reply.body
    return answer.json()


def test_a_chat_goes_created_in_progress_completed(call: Caller) -> None:
    first = chat(call, "7381371876397940123")["data"]
    assert first == {
        "bot_id": first["bot_id"],
        "conversation_id": CONVERSATION,
        "created_at": int(call.clock.now().timestamp()),
        "id": "7381371876397940123",
        "status": "created",
    }
    call.clock.advance(5)
    assert chat(call, "7381371876397940123")["data"]["status"] == "in_progress"
    call.clock.advance(5)
    done = chat(call, "7381371876397940123")["data"]
    assert (done["status"], done["usage"]["token_count"]) == ("completed", 298)
    assert done["completed_at"] >= done["created_at"]


def test_retrieve_answers_post_as_the_sdks_send_it(call: Caller) -> None:
    assert chat(call, "c1", method="POST")["data"]["status"] == "created"


def test_fail_has_last_error(call: Caller) -> None:
    chat(call, "c-fail")
    call.clock.advance(6)
    data = chat(call, "c-fail")["data"]
    assert data["status"] == "failed" and data["failed_at"]
    assert data["last_error"]["code"] != 0 and data["last_error"]["msg"]


def test_action_waits_in_requires_action_for_tool_outputs(call: Caller) -> None:
    chat(call, "c-action")
    call.clock.advance(2)
    assert chat(call, "c-action")["data"]["status"] == "in_progress"
    call.clock.advance(600)
    data = chat(call, "c-action")["data"]
    assert data["status"] == "requires_action"
    (tool,) = data["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert tool["function"]["name"] == "get_weather"


def test_action_means_nothing_elsewhere(call: Caller) -> None:
    run(call, "r-action")
    call.clock.advance(10)
    assert run(call, "r-action")["data"][0]["execute_status"] == "Success"


def test_cancel_stops_a_running_chat_and_refuses_the_others(call: Caller) -> None:
    chat(call, "c-slow")
    chat(call, "c-done")
    chat(call, "c-action")
    call.clock.advance(10)
    cancelled = cancel(call, "c-slow")
    assert (cancelled["code"], cancelled["data"]["status"]) == (0, "canceled")
    assert chat(call, "c-slow")["data"]["status"] == "canceled"
    # Completed, waiting for tool outputs, or cancelled before: "cannot be cancelled".
    for refused in ("c-done", "c-action", "c-slow"):
        answer = cancel(call, refused)
        assert (answer["code"], answer["msg"]) == (4104, "this chat cannot be cancelled")
        assert "data" not in answer
    assert chat(call, "c-done")["data"]["status"] == "completed"


@pytest.mark.parametrize(
    ("query", "token", "code"),
    [
        ({"conversation_id": [CONVERSATION], "chat_id": ["c"]}, None, 4100),
        ({"conversation_id": [CONVERSATION]}, "k", 4000),
        ({"chat_id": ["c"]}, "k", 4000),
        ({"conversation_id": [CONVERSATION], "chat_id": ["c-gone"]}, "k", 4200),
    ],
)
def test_chat_errors(
    call: Caller, query: dict[str, list[str]], token: str | None, code: int
) -> None:
    answer = call("GET", "/v3/chat/retrieve", token=token, query=query)
    assert (answer.status, answer.json()["code"]) == (200, code)


@pytest.mark.parametrize(
    ("body", "code"),
    [({"conversation_id": CONVERSATION}, 4000), ({"conversation_id": 1, "chat_id": "c"}, 4000),
     ({"conversation_id": CONVERSATION, "chat_id": "c-gone"}, 4200)],
)  # fmt: skip
def test_cancel_errors(call: Caller, body: dict[str, object], code: int) -> None:
    assert call("POST", "/v3/chat/cancel", body).json()["code"] == code
    assert call("POST", "/v3/chat/cancel", body, token="bad-key").json()["code"] == 4100
