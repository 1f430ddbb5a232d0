"""Bright Data `GET /datasets/v3/progress/{snapshot_id}` (specs/PROVIDERS.md section 1)."""

from __future__ import annotations

from jobwatch.sim.replies import JsonObject, Reply, SimRequest, fault_reply, json_reply
from jobwatch.sim.stories import JobBook, Phase

PROVIDER = "brightdata"
DATASET_ID = "gd_l1viktl72bvl7bjuj0"  # the docs' example dataset
FAILURE = "No data found in discovery"  # one of the troubleshooting page's /progress messages

_STATUS = {
    Phase.PENDING: "starting",
    Phase.RUNNING: "running",
    Phase.SUCCEEDED: "ready",
    Phase.FAILED: "failed",
}


def _error(message: str, status: int) -> Reply:
    return json_reply({"error": message}, status)


def progress(request: SimRequest, book: JobBook, snapshot_id: str) -> Reply:
    """The Monitor Progress answer for one snapshot."""
    if not request.authorized():
        return _error("User authentication is required", 401)
    visit = book.visit(PROVIDER, snapshot_id)
    if visit.fault is not None:
        return fault_reply(
            visit.fault,
            rate_limited=lambda: _error("Too many requests, please retry later", 429),
            server_error=lambda: _error("Something went wrong. Our team is looking into it.", 500),
        )
    if visit.story.gone:
        return _error("Snapshot not found", 404)
    phase = visit.snapshot.phase
    body: JsonObject = {
        "snapshot_id": snapshot_id,
        "dataset_id": DATASET_ID,
        "status": _STATUS.get(phase, "running"),
    }
    if phase is Phase.FAILED:
        body["error_message"] = FAILURE
    return json_reply(body)
