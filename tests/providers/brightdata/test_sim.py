"""Bright Data Monitor Progress: body, status words and error shapes (PROVIDERS.md section 1)."""

from __future__ import annotations

from tests.sim._support import Caller

PATH = "/datasets/v3/progress/"


def test_a_snapshot_goes_starting_running_ready(call: Caller) -> None:
    assert call("GET", PATH + "s_m4x7enmven8djfqak").json() == {
        "snapshot_id": "s_m4x7enmven8djfqak",
        "dataset_id": "gd_l1viktl72bvl7bjuj0",
        "status": "starting",
    }
    call.clock.advance(3)
    assert call("GET", PATH + "s_m4x7enmven8djfqak").json()["status"] == "running"
    call.clock.advance(7)
    answer = call("GET", PATH + "s_m4x7enmven8djfqak")
    assert (answer.status, answer.json()["status"]) == (200, "ready")
    assert "error_message" not in answer.json()


def test_a_failed_snapshot_carries_error_message(call: Caller) -> None:
    call("GET", PATH + "s1-fail")
    call.clock.advance(5)
    answer = call("GET", PATH + "s1-fail")
    assert answer.status == 200
    assert answer.json() == {
        "snapshot_id": "s1-fail",
        "dataset_id": "gd_l1viktl72bvl7bjuj0",
        "status": "failed",
        "error_message": "No data found in discovery",
    }


def test_missing_or_rejected_key_is_401(call: Caller) -> None:
    for token in (None, "bad-key"):
        answer = call("GET", PATH + "s1", token=token)
        assert answer.status == 401
        assert answer.json() == {"error": "User authentication is required"}


def test_gone_is_404(call: Caller) -> None:
    answer = call("GET", PATH + "s1-gone")
    assert (answer.status, answer.json()) == (404, {"error": "Snapshot not found"})


def test_rate_limited_once_with_retry_after(call: Caller) -> None:
    first = call("GET", PATH + "s1-429")
    assert first.status == 429
    assert first.headers["retry-after"] == "1"
    assert "error" in first.json()
    assert call("GET", PATH + "s1-429").json()["status"] == "starting"


# --- stories of PRODUCT.md section 8, the snapshot list and cancel (ENDPOINTS-NEXT section 2) --

LIST = "/datasets/v3/snapshots"
DATASET = "gd_l1viktl72bvl7bjuj0"


def listing(call: Caller, **query: str) -> list[dict[str, object]]:
    answer = call("GET", LIST, query={name: [value] for name, value in query.items()})
    assert answer.status == 200, answer.reply.body
    body = answer.json()
    assert isinstance(body, list)  # a bare array, no envelope
    return body


def test_stall_and_late_stories(call: Caller) -> None:
    call("GET", PATH + "s-stall")
    late = call("GET", PATH + "s-late")
    assert (late.status, late.json()) == (404, {"error": "Snapshot not found"})
    call.clock.advance(3)
    assert call("GET", PATH + "s-late").json()["status"] == "starting"
    call.clock.advance(3600)
    assert call("GET", PATH + "s-stall").json()["status"] == "running"
    assert call("GET", PATH + "s-late").json()["status"] == "ready"


def test_the_list_holds_seen_snapshots_of_the_dataset_filtered_by_status(call: Caller) -> None:
    assert listing(call, dataset_id=DATASET, status="running") == []
    for snapshot_id in ("s_a", "s_b-slow", "s_c-gone", "s_d-late", "s_e-fail"):
        call("GET", PATH + snapshot_id)
    call.clock.advance(2)
    running = listing(call, dataset_id=DATASET, status="running")
    assert [record["id"] for record in running] == ["s_a", "s_e-fail"]
    assert running[0] == {
        "id": "s_a",
        "created": "2026-03-01T12:00:00Z",
        "status": "running",
        "dataset_id": DATASET,
        "dataset_size": 5,
    }
    assert [r["id"] for r in listing(call, dataset_id=DATASET, status="starting")] == ["s_b-slow"]
    call.clock.advance(8)
    everything = listing(call, dataset_id=DATASET)
    statuses = {record["id"]: record["status"] for record in everything}
    assert statuses == {"s_a": "ready", "s_b-slow": "running", "s_d-late": "running"} | {
        "s_e-fail": "failed"
    }
    assert listing(call, dataset_id="gd_other", status="running") == []


def test_the_list_pages_with_skip_and_limit(call: Caller) -> None:
    ids = [f"s_{index}" for index in range(7)]
    for snapshot_id in ids:
        call("GET", PATH + snapshot_id)
    call.clock.advance(2)
    pages = [
        [r["id"] for r in listing(call, dataset_id=DATASET, status="running", skip=s, limit="3")]
        for s in ("0", "3", "6", "9")
    ]
    assert pages == [ids[0:3], ids[3:6], ids[6:7], []]


def test_the_list_rejects_bad_queries_and_keys(call: Caller) -> None:
    for query in ({}, {"dataset_id": [DATASET], "status": ["done"]}):
        assert call("GET", LIST, query=query).status == 400
    for limit in ("0", "5001", "x"):
        answer = call("GET", LIST, query={"dataset_id": [DATASET], "limit": [limit]})
        assert answer.status == 400 and "error" in answer.json()
    assert call("GET", LIST, query={"dataset_id": [DATASET]}, token="bad-key").status == 401


def cancel(call: Caller, snapshot_id: str, token: str | None = "test-key") -> tuple[int, str]:
    answer = call("POST", f"/datasets/v3/snapshot/{snapshot_id}/cancel", token=token)
    assert answer.reply.content_type.startswith("text/plain")
    return answer.status, answer.reply.body.decode()


def test_cancel_answers_plain_ok_and_the_snapshot_reads_canceled(call: Caller) -> None:
    call("GET", PATH + "s_run")
    call.clock.advance(2)
    assert cancel(call, "s_run") == (200, "OK")
    assert call("GET", PATH + "s_run").json()["status"] == "canceled"
    call.clock.advance(60)
    assert call("GET", PATH + "s_run").json()["status"] == "canceled"
    assert listing(call, dataset_id=DATASET, status="running") == []
    assert [r["id"] for r in listing(call, dataset_id=DATASET, status="canceled")] == ["s_run"]


def test_cancel_errors_are_plain_text(call: Caller) -> None:
    call("GET", PATH + "s_done")
    call.clock.advance(10)
    assert cancel(call, "s_done") == (400, "Snapshot is not running")
    assert cancel(call, "s_x-gone") == (404, "Snapshot does not exist")
    assert cancel(call, "s_y", token=None) == (401, "Credentials are missing")
    assert cancel(call, "s_y", token="bad-key") == (401, "Invalid credentials")
    assert cancel(call, "s_never-seen") == (200, "OK")  # any running snapshot
