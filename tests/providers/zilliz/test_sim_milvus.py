"""Zilliz Cloud getProgress and Milvus describe/get_progress (PROVIDERS.md section 2)."""

from __future__ import annotations

import pytest

from tests.sim._support import Caller

ZILLIZ = "/v2/vectordb/jobs/import/getProgress"
MILVUS = "/v2/vectordb/jobs/import/describe"


def zilliz(call: Caller, job_id: str, **extra: object) -> dict[str, object]:
    answer = call("POST", ZILLIZ, {"jobId": job_id, "clusterId": "in01-abc", **extra})
    assert answer.status == 200
    body: dict[str, object] = answer.json()
    return body


def test_zilliz_job_runs_pending_importing_completed_with_three_files(call: Caller) -> None:
    first = zilliz(call, "job-1")
    assert first["code"] == 0
    data = first["data"]
    assert isinstance(data, dict)
    assert set(data) == {
        "jobId", "collectionName", "fileName", "fileSize", "state", "progress",
        "completeTime", "reason", "totalRows", "details",
    }  # fmt: skip
    assert (data["jobId"], data["state"], data["progress"], data["completeTime"]) == (
        "job-1",
        "Pending",
        0,
        "",
    )
    assert len(data["details"]) == 3
    assert set(data["details"][0]) == {
        "fileName", "fileSize", "state", "progress", "completeTime", "reason", "importedRows",
    }  # fmt: skip
    assert data["fileSize"] == sum(d["fileSize"] for d in data["details"])

    call.clock.advance(6)
    running = zilliz(call, "job-1")["data"]
    assert isinstance(running, dict)
    assert running["state"] == "Importing"
    assert 0 < running["progress"] < 100
    file_progress = [d["progress"] for d in running["details"]]
    assert file_progress[0] > file_progress[1] > file_progress[2]  # different rates
    assert {d["state"] for d in running["details"]} <= {"Importing", "Completed"}

    call.clock.advance(4)
    done = zilliz(call, "job-1")["data"]
    assert isinstance(done, dict)
    assert (done["state"], done["progress"], done["reason"]) == ("Completed", 100, "")
    assert done["completeTime"] == "2026-03-01T12:00:10Z"
    assert all(d["state"] == "Completed" and d["progress"] == 100 for d in done["details"])
    assert done["totalRows"] == sum(d["importedRows"] for d in done["details"]) > 0


def test_zilliz_failed_job_has_a_reason(call: Caller) -> None:
    zilliz(call, "job-fail")
    call.clock.advance(5)
    data = zilliz(call, "job-fail")["data"]
    assert isinstance(data, dict)
    assert data["state"] == "Failed"
    assert data["reason"]
    assert any(d["state"] == "Failed" and d["reason"] for d in data["details"])


@pytest.mark.parametrize(
    ("body", "token", "code"),
    [
        ({"jobId": "j", "clusterId": "c"}, None, 21119),
        ({"jobId": "j", "clusterId": "c"}, "bad-key", 21119),
        ({"jobId": "j"}, "k", 1802),  # clusterId is required
        ({"jobId": 44870776388440916, "clusterId": "c"}, "k", 1801),  # a JSON number
        ({"clusterId": "c"}, "k", 1802),
        ({"jobId": "j-gone", "clusterId": "c"}, "k", 2100),
    ],
)
def test_zilliz_errors_are_http_200_with_a_code(
    call: Caller, body: dict[str, object], token: str | None, code: int
) -> None:
    answer = call("POST", ZILLIZ, body, token=token)
    assert answer.status == 200
    assert set(answer.json()) == {"code", "message"}
    assert answer.json()["code"] == code


def test_zilliz_apikey_error_is_the_documented_one(call: Caller) -> None:
    answer = call("POST", ZILLIZ, {"jobId": "j", "clusterId": "c"}, token="bad-key")
    assert answer.json() == {"code": 21119, "message": "The apikey is illegal."}


def test_zilliz_accepts_project_and_region_instead_of_cluster(call: Caller) -> None:
    body = {"jobId": "j", "projectId": "proj-1", "regionId": "aws-us-west-2"}
    assert call("POST", ZILLIZ, body).json()["code"] == 0


@pytest.mark.parametrize("path", [MILVUS, "/v2/vectordb/jobs/import/get_progress"])
def test_milvus_shape_on_both_routes(call: Caller, path: str) -> None:
    answer = call("POST", path, {"jobId": "448761313698322011"})
    assert (answer.status, answer.json()["code"]) == (200, 0)
    call.clock.advance(6)
    data = call("POST", path, {"jobId": "448761313698322011", "dbName": "default"}).json()["data"]
    assert set(data) == {
        "jobId", "collectionName", "completeTime", "state", "progress", "importedRows",
        "totalRows", "fileSize", "details",
    }  # fmt: skip
    assert "reason" not in data  # omitted when empty
    assert data["state"] == "Importing" and 10 <= data["progress"] <= 99
    detail = data["details"][0]
    assert detail["fileName"] == "[part-0.parquet]"
    assert {d["state"] for d in data["details"]} <= {"InProgress", "Completed"}
    assert "reason" not in detail
    call.clock.advance(4)
    done = call("POST", path, {"jobId": "448761313698322011"}).json()["data"]
    assert (done["state"], done["progress"]) == ("Completed", 100)
    assert done["importedRows"] == done["totalRows"] > 0


def test_milvus_failed_job_resets_progress_and_rows(call: Caller) -> None:
    call("POST", MILVUS, {"jobId": "7-fail"})
    call.clock.advance(5)
    data = call("POST", MILVUS, {"jobId": "7-fail"}).json()["data"]
    assert (data["state"], data["progress"], data["importedRows"], data["totalRows"]) == (
        "Failed",
        0,
        0,
        0,
    )
    assert data["reason"]
    assert any(d["state"] == "Failed" and d["reason"] for d in data["details"])


def test_milvus_uncommitted_job_waits_at_99(call: Caller) -> None:
    call("POST", MILVUS, {"jobId": "9-uncommitted"})
    call.clock.advance(3600)
    data = call("POST", MILVUS, {"jobId": "9-uncommitted"}).json()["data"]
    assert (data["state"], data["progress"], data["completeTime"]) == ("Uncommitted", 99, "")


@pytest.mark.parametrize(
    ("body", "token", "code"),
    [
        ({"jobId": "j"}, None, 1800),
        ({"jobId": "j"}, "bad-key", 1800),
        ({"jobId": 448761313698322011}, "root:Milvus", 1801),
        ({}, "root:Milvus", 1802),
        ({"jobId": "j-gone"}, "root:Milvus", 2100),
    ],
)
def test_milvus_errors_are_http_200_with_a_code(
    call: Caller, body: dict[str, object], token: str | None, code: int
) -> None:
    answer = call("POST", MILVUS, body, token=token)
    assert answer.status == 200
    assert answer.json()["code"] == code
    assert answer.json()["message"]


def test_milvus_auth_error_message(call: Caller) -> None:
    answer = call("POST", MILVUS, {"jobId": "j"}, token=None)
    assert answer.json() == {"code": 1800, "message": "user hasn't authenticated"}


def test_milvus_empty_body_is_1801(call: Caller) -> None:
    assert call("POST", MILVUS, raw=b"").json()["code"] == 1801
