"""Zilliz Cloud / Milvus import-job lists, Milvus abort, and the new stories at both
(ENDPOINTS-NEXT.md section 3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sim._support import Caller

ZILLIZ = "/v2/vectordb/jobs/import/getProgress"
MILVUS = "/v2/vectordb/jobs/import/describe"
LIST = "/v2/vectordb/jobs/import/list"
ABORT = "/v2/vectordb/jobs/import/abort"
CLUSTER = "in01-abc"


def post(call: Caller, path: str, body: object, token: str | None = "test-key") -> Any:
    answer = call("POST", path, body, token=token)
    assert answer.status == 200, answer.reply.body
    return answer.json()


def zilliz_list(call: Caller, **body: object) -> Any:
    return post(call, LIST, {"clusterId": CLUSTER, **body})


def test_zilliz_list_pages_the_clusters_jobs(call: Caller) -> None:
    ids = [f"job-{index}" for index in range(5)]
    for job_id in ids:
        post(call, ZILLIZ, {"jobId": job_id, "clusterId": CLUSTER})
    post(call, ZILLIZ, {"jobId": "job-other", "clusterId": "in02-other"})
    post(call, ZILLIZ, {"jobId": "job-x-gone", "clusterId": CLUSTER})
    first = zilliz_list(call, pageSize=2)
    assert first == {
        "code": 0,
        "data": {
            "count": 5,
            "currentPage": 1,
            "pageSize": 2,
            "records": [
                {"collectionName": "sim_collection", "jobId": "job-0", "state": "Pending"},
                {"collectionName": "sim_collection", "jobId": "job-1", "state": "Pending"},
            ],
        },
    }
    pages = [zilliz_list(call, pageSize=2, currentPage=page)["data"] for page in (2, 3, 4)]
    assert [[r["jobId"] for r in page["records"]] for page in pages] == [ids[2:4], ids[4:], []]
    assert zilliz_list(call)["data"]["pageSize"] == 10  # the SDKs' default
    other = post(call, LIST, {"clusterId": "in02-other"})["data"]["records"]
    assert [record["jobId"] for record in other] == ["job-other"]


def test_zilliz_list_states_use_the_lists_own_words(call: Caller) -> None:
    for job_id in ("a", "b-fail", "c-slow", "d-stall"):
        post(call, ZILLIZ, {"jobId": job_id, "clusterId": CLUSTER})
    call.clock.advance(10)
    states = {r["jobId"]: r["state"] for r in zilliz_list(call)["data"]["records"]}
    assert states == {"a": "Completed", "b-fail": "Failed", "c-slow": "InProgress"} | {
        "d-stall": "InProgress"
    }
    assert zilliz_list(call, collectionName="another")["data"]["records"] == []


def test_zilliz_project_databases_are_scoped_by_project_and_region(call: Caller) -> None:
    project = {"projectId": "proj-1", "regionId": "aws-us-west-2"}
    post(call, ZILLIZ, {"jobId": "p1", **project})
    assert [r["jobId"] for r in post(call, LIST, project)["data"]["records"]] == ["p1"]
    assert zilliz_list(call)["data"]["records"] == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"clusterId": CLUSTER, "pageSize": "2"}, 1801),
        ({"clusterId": CLUSTER, "pageSize": 0}, 1802),
    ],
)
def test_zilliz_list_rejects_bad_paging(call: Caller, body: object, code: int) -> None:
    assert post(call, LIST, body)["code"] == code


def test_list_auth_errors_in_each_shape(call: Caller) -> None:
    assert post(call, LIST, {"clusterId": CLUSTER}, token="bad-key") == {
        "code": 21119,
        "message": "The apikey is illegal.",
    }
    assert post(call, LIST, {}, token=None)["code"] == 1800


def test_milvus_list_answers_every_job_without_paging(call: Caller) -> None:
    ids = [f"44876131369832201{index}" for index in range(4)]
    for job_id in [*ids, "9-fail", "8-uncommitted"]:
        post(call, MILVUS, {"jobId": job_id})
    post(call, ZILLIZ, {"jobId": "job-zilliz", "clusterId": CLUSTER})  # not Milvus's
    call.clock.advance(6)
    body = post(call, LIST, {"pageSize": 2, "currentPage": 1})  # paging is ignored
    records = body["data"]["records"]
    assert set(body["data"]) == {"records"}
    assert [r["jobId"] for r in records] == [*ids, "9-fail", "8-uncommitted"]
    assert records[0] == {
        "jobId": ids[0],
        "collectionName": "sim_collection",
        "state": "Importing",
        "progress": records[0]["progress"],
    }
    assert 10 < records[0]["progress"] < 99
    assert records[4]["state"] == "Failed" and records[4]["progress"] == 0
    assert records[4]["reason"].startswith("failed to parse file")
    call.clock.advance(5)
    assert post(call, LIST, {})["data"]["records"][-1]["state"] == "Uncommitted"
    assert post(call, LIST, {"collectionName": "nope"})["data"]["records"] == []


def test_milvus_abort_of_a_two_phase_import_then_it_reads_failed(call: Caller) -> None:
    post(call, MILVUS, {"jobId": "5-uncommitted"})
    call.clock.advance(12)  # waiting in Uncommitted
    assert post(call, ABORT, {"jobId": "5-uncommitted"}) == {"code": 0, "data": {}}
    data = post(call, MILVUS, {"jobId": "5-uncommitted"})["data"]
    assert (data["state"], data["progress"], data["reason"]) == (
        "Failed",
        0,
        "import job aborted by user",
    )
    assert post(call, ABORT, {"jobId": "5-uncommitted"}) == {"code": 0, "data": {}}  # no-op
    record = post(call, LIST, {})["data"]["records"][0]
    assert (record["state"], record["reason"]) == ("Failed", "import job aborted by user")


def test_milvus_abort_refusals(call: Caller) -> None:
    running = post(call, ABORT, {"jobId": "6"})  # auto-commit import: not abortable
    assert running["code"] == 2100 and "auto_commit" in running["message"]
    assert post(call, MILVUS, {"jobId": "6"})["data"]["state"] == "Pending"
    post(call, MILVUS, {"jobId": "7-uncommitted"})
    assert post(call, ABORT, {"jobId": "x-gone"})["code"] == 2100
    assert post(call, ABORT, {})["code"] == 1802
    assert post(call, ABORT, {"jobId": "6"}, token=None)["code"] == 1800


def test_zilliz_cloud_has_no_abort_route(call: Caller) -> None:
    answer = call("POST", ABORT, {"jobId": "job-1", "clusterId": CLUSTER})
    assert (answer.status, answer.reply.body) == (404, b"404 page not found")


def test_milvus_partial_completes_with_fewer_imported_rows(call: Caller) -> None:
    post(call, MILVUS, {"jobId": "3-partial"})
    call.clock.advance(10)
    data = post(call, MILVUS, {"jobId": "3-partial"})["data"]
    assert (data["state"], data["progress"]) == ("Completed", 100)
    assert 0 < data["importedRows"] < data["totalRows"]
    last = data["details"][-1]
    assert last["importedRows"] == int(last["totalRows"] * 0.6)
    assert all(d["state"] == "Completed" for d in data["details"])


@pytest.mark.parametrize("path", [ZILLIZ, MILVUS])
def test_stall_freezes_and_late_turns_found(call: Caller, path: str) -> None:
    body: dict[str, object] = {"clusterId": CLUSTER} if path == ZILLIZ else {}
    post(call, path, {"jobId": "1-stall", **body})
    late = post(call, path, {"jobId": "2-late", **body})
    assert late["code"] == 2100 and "does not exist" in late["message"]
    call.clock.advance(5)
    frozen = post(call, path, {"jobId": "1-stall", **body})["data"]
    assert frozen["state"] == "Importing"
    assert post(call, path, {"jobId": "2-late", **body})["code"] == 0
    call.clock.advance(3600)
    assert post(call, path, {"jobId": "1-stall", **body})["data"] == frozen
    assert post(call, path, {"jobId": "2-late", **body})["data"]["state"] == "Completed"
