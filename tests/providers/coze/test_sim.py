"""Coze dataset document progress (PROVIDERS.md section 3)."""

from __future__ import annotations

import re

import pytest

from tests.sim._support import Caller

PATH = "/v1/datasets/7385093717923417/process"
LONG_ID = "744667080521909123456789"  # far beyond 2**53: must come back intact
FIELDS = {
    "document_id", "document_name", "url", "size", "type", "status", "progress",
    "remaining_time", "update_type", "update_interval",
}  # fmt: skip


def test_each_document_follows_its_own_story(call: Caller) -> None:
    first = call("POST", PATH, {"document_ids": [LONG_ID, "7442585813668-fail"]})
    assert first.status == 200
    body = first.json()
    assert (body["code"], body["msg"]) == (0, "")
    assert re.fullmatch(r"\d{14}[0-9A-F]{20}", body["detail"]["logid"])
    assert first.headers["x-tt-logid"] == body["detail"]["logid"]
    documents = body["data"]["data"]
    assert [d["document_id"] for d in documents] == [LONG_ID, "7442585813668-fail"]
    assert all(set(d) == FIELDS for d in documents)
    assert [(d["status"], d["progress"]) for d in documents] == [(0, 0), (0, 0)]
    assert documents[0]["remaining_time"] == 10

    call.clock.advance(5)
    documents = call("POST", PATH, {"document_ids": [LONG_ID, "7442585813668-fail"]}).json()
    running, failed = documents["data"]["data"]
    assert (running["status"], running["remaining_time"]) == (0, 5)
    assert 0 < running["progress"] < 100
    assert failed["status"] == 9
    assert failed["status_descript"]  # only present on failure
    assert set(failed) == FIELDS | {"status_descript"}

    call.clock.advance(5)
    done = call("POST", PATH, {"document_ids": [LONG_ID]}).json()["data"]["data"][0]
    assert (done["status"], done["progress"], done["remaining_time"]) == (1, 100, 0)


def test_a_new_document_starts_its_own_clock(call: Caller) -> None:
    call("POST", PATH, {"document_ids": ["1"]})
    call.clock.advance(10)
    both = call("POST", PATH, {"document_ids": ["1", "2"]}).json()["data"]["data"]
    assert [d["status"] for d in both] == [1, 0]


@pytest.mark.parametrize(
    ("body", "token", "code"),
    [
        ({"document_ids": ["1"]}, None, 4100),
        ({"document_ids": ["1"]}, "bad-key", 4100),
        ({"document_ids": [7442585813587]}, "pat_x", 4000),  # ids must be strings
        ({"document_ids": []}, "pat_x", 4000),
        ({}, "pat_x", 4000),
        ({"document_ids": ["1", "2-gone"]}, "pat_x", 4200),
    ],
)
def test_errors_are_http_200_with_code_msg_and_logid(
    call: Caller, body: dict[str, object], token: str | None, code: int
) -> None:
    answer = call("POST", PATH, body, token=token)
    assert answer.status == 200
    payload = answer.json()
    assert set(payload) == {"code", "msg", "detail"}
    assert payload["code"] == code and payload["msg"]
    assert answer.headers["x-tt-logid"] == payload["detail"]["logid"]


def test_auth_error_message(call: Caller) -> None:
    assert call("POST", PATH, {"document_ids": ["1"]}, token=None).json()["msg"] == (
        "authentication is invalid"
    )


def test_a_gone_dataset_is_4200(call: Caller) -> None:
    answer = call("POST", "/v1/datasets/73-gone/process", {"document_ids": ["1"]})
    assert answer.json()["code"] == 4200


def test_rate_limited_once_with_http_429_and_code_4013(call: Caller) -> None:
    first = call("POST", PATH, {"document_ids": ["1", "2-429"]})
    assert (first.status, first.json()["code"]) == (429, 4013)
    assert first.headers["retry-after"] == "1"
    assert first.headers["x-tt-logid"] == first.json()["detail"]["logid"]
    assert call("POST", PATH, {"document_ids": ["1", "2-429"]}).json()["code"] == 0


def test_server_errors_keep_the_logid_header(call: Caller) -> None:
    statuses = []
    for _ in range(4):
        answer = call("POST", PATH, {"document_ids": ["1-500"]})
        assert answer.headers["x-tt-logid"]
        statuses.append(answer.status)
    assert statuses == [500, 502, 503, 200]
