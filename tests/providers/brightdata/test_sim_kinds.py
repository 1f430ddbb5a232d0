"""The simulator's Bright Data deliveries and Marketplace snapshots (docs/providers/
brightdata.md#deliveries, #marketplace-snapshots) through each story, on a hand-moved clock."""

from __future__ import annotations

import pytest

from tests.sim._support import Caller

DELIVERY = "/datasets/v3/delivery/"
MARKET = "/datasets/snapshots/"


def test_a_delivery_has_no_status_while_its_files_arrive_then_done(call: Caller) -> None:
    assert call("GET", DELIVERY + "d_1").json() == {"id": "d_1", "delivery_files": []}
    call.clock.advance(5)
    under_way = call("GET", DELIVERY + "d_1").json()
    assert "status" not in under_way and len(under_way["delivery_files"]) == 1
    call.clock.advance(5)
    done = call("GET", DELIVERY + "d_1").json()
    assert done["status"] == "done"
    assert [f["filename"] for f in done["delivery_files"]] == [
        f"d_1/part-{n:05d}.json" for n in range(4)
    ]
    assert all(isinstance(f["delivery_ts"], int) for f in done["delivery_files"])


def test_a_failing_delivery_ends_failed(call: Caller) -> None:
    call("GET", DELIVERY + "d-fail")
    call.clock.advance(5)
    failed = call("GET", DELIVERY + "d-fail").json()
    assert (failed["status"], len(failed["delivery_files"])) == ("failed", 1)


def test_a_marketplace_snapshot_is_scheduled_building_ready(call: Caller) -> None:
    first = call("GET", MARKET + "snap_1").json()
    assert first["status"] == "scheduled" and "dataset_size" not in first
    assert set(first) == {"id", "created", "status", "dataset_id", "customer_id",
                          "initiation_type"}  # fmt: skip
    call.clock.advance(3)
    assert call("GET", MARKET + "snap_1").json()["status"] == "building"
    call.clock.advance(7)
    ready = call("GET", MARKET + "snap_1").json()
    assert (ready["status"], ready["dataset_size"], ready["file_size"], ready["cost"]) == (
        "ready",
        1000,
        2516582,
        2.5,
    )


def test_a_failing_marketplace_snapshot_has_error_and_code(call: Caller) -> None:
    call("GET", MARKET + "snap-fail")
    call.clock.advance(5)
    failed = call("GET", MARKET + "snap-fail").json()
    assert failed["status"] == "failed"
    assert (failed["error"], failed["error_code"]) == (
        "Snapshot is empty: the filter matched no records",
        "empty_snapshot",
    )


def test_not_found_shapes(call: Caller) -> None:
    gone = call("GET", DELIVERY + "d-gone")
    assert (gone.status, gone.reply.body, gone.reply.content_type) == (
        404,
        b"Delivery does not exist",
        "text/plain; charset=utf-8",
    )
    page = call("GET", MARKET + "snap-gone")
    assert (page.status, page.reply.body) == (404, b"snapshot not found")
    assert page.reply.content_type.startswith("text/html")
    late = call("GET", MARKET + "snap-late")
    assert late.status == 404
    call.clock.advance(3)
    assert call("GET", MARKET + "snap-late").json()["status"] == "scheduled"


@pytest.mark.parametrize("path", [DELIVERY, MARKET])
def test_keys_and_fault_stories(call: Caller, path: str) -> None:
    for token in (None, "bad-key"):
        answer = call("GET", path + "x1", token=token)
        assert (answer.status, answer.json()) == (401, {"error": "User authentication is required"})
    limited = call("GET", path + "x-429")
    assert (limited.status, limited.headers["retry-after"]) == (429, "1")
    assert [call("GET", path + "x-500").status for _ in range(4)] == [500, 502, 503, 200]
    call("GET", path + "x-stall")
    call.clock.advance(5)
    stalled = call("GET", path + "x-stall").json()
    call.clock.advance(600)
    assert call("GET", path + "x-stall").json() == stalled  # stopped at 40 %, for ever
    assert stalled.get("status") in (None, "building")


def test_the_new_kinds_stay_out_of_the_snapshot_list(call: Caller) -> None:
    call("GET", DELIVERY + "d-slow")
    call("GET", MARKET + "snap-slow")
    listed = call("GET", "/datasets/v3/snapshots", query={"dataset_id": ["gd_l1viktl72bvl7bjuj0"]})
    assert listed.json() == []
