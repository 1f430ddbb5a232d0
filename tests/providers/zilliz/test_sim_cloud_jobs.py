"""The simulator's Zilliz Cloud control-plane jobs: `GET /v2/jobs/{id}`
(docs/providers/zilliz.md#control-plane-jobs), each id following its story."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim._support import Caller

FIELDS = {"jobId", "type", "status", "progress", "startTime", "endTime", "reason"}


def describe(call: Caller, job_id: str, token: str | None = "test-key") -> Any:
    answer = call("GET", f"/v2/jobs/{job_id}", token=token)
    assert answer.status == 200, answer.reply.body
    return answer.json()


def test_a_job_moves_from_pending_to_successful_with_its_percent_as_text(call: Caller) -> None:
    first = describe(call, "job-03e1eefbd82dmo2oeb8pe2")
    assert first["code"] == 0 and set(first["data"]) == FIELDS
    data = first["data"]
    assert (data["jobId"], data["status"], data["progress"], data["endTime"]) == (
        "job-03e1eefbd82dmo2oeb8pe2",
        "PENDING",
        "0",
        "",
    )
    assert data["type"] in ("BACKUP", "RESTORE", "MIGRATION", "IMPORT", "CLONE_COLLECTION")
    assert data["startTime"] == "2026-03-01T12:00:00Z"
    call.clock.advance(5.5)
    running = describe(call, "job-03e1eefbd82dmo2oeb8pe2")["data"]
    assert running["status"] == "IN_PROGRESS" and isinstance(running["progress"], str)
    assert 0 < int(running["progress"]) < 100
    call.clock.advance(5)
    done = describe(call, "job-03e1eefbd82dmo2oeb8pe2")["data"]
    assert (done["status"], done["progress"], done["reason"]) == ("SUCCESSFUL", "100", "")
    assert done["endTime"] == "2026-03-01T12:00:10Z"


def test_fail_ends_failed_with_a_reason(call: Caller) -> None:
    describe(call, "job-1-fail")
    call.clock.advance(6)
    data = describe(call, "job-1-fail")["data"]
    assert (data["status"], data["progress"]) == ("FAILED", "40")
    assert data["reason"] and data["endTime"]


def test_stall_stays_in_progress(call: Caller) -> None:
    describe(call, "job-1-stall")
    call.clock.advance(60)
    first = describe(call, "job-1-stall")["data"]
    call.clock.advance(600)
    assert describe(call, "job-1-stall")["data"] == first
    assert first["status"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    ("job_id", "token", "code", "message"),
    [
        ("job-1", None, 21119, "The apikey is illegal."),
        ("job-1", "bad-key", 21119, "The apikey is illegal."),
        ("job-1-gone", "k", 96026, "Job not found. Please check your request parameter."),
    ],
)
def test_errors_are_http_200_with_code_and_message(
    call: Caller, job_id: str, token: str | None, code: int, message: str
) -> None:
    assert describe(call, job_id, token) == {"code": code, "message": message}


def test_late_is_not_found_first(call: Caller) -> None:
    assert describe(call, "job-2-late")["code"] == 96026
    call.clock.advance(3.5)
    assert describe(call, "job-2-late")["data"]["status"] == "PENDING"


def test_429_and_500_answer_with_zilliz_bodies_first(call: Caller) -> None:
    limited = call("GET", "/v2/jobs/job-3-429")
    assert (limited.status, limited.headers["retry-after"]) == (429, "1")
    assert limited.json()["code"] == 1807
    assert call("GET", "/v2/jobs/job-3-429").status == 200
    assert call("GET", "/v2/jobs/job-4-500").status == 500


def test_post_is_not_allowed(call: Caller) -> None:
    assert call("POST", "/v2/jobs/job-1", {}).status == 405
