"""Bright Data Monitor Progress: body, status words and error shapes (PROVIDERS.md section 1)."""

from __future__ import annotations

from ._support import Caller

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
