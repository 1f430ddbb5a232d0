"""Bright Data Web Scraper API: `GET /datasets/v3/progress/{snapshot_id}`, `GET
/datasets/v3/snapshots` and `POST /datasets/v3/snapshot/{id}/cancel`; deliveries `GET
/datasets/v3/delivery/{id}`; Marketplace snapshots `GET /datasets/snapshots/{id}`
(docs/providers/brightdata.md). Every simulated snapshot belongs to the dataset `DATASET_ID`.
"""

from __future__ import annotations

import re

from jobwatch.sim.faults import FaultBodies, visit_job
from jobwatch.sim.jobs import SimJobs
from jobwatch.sim.replies import (
    JsonObject,
    Reply,
    SimRequest,
    iso_seconds,
    json_reply,
    text_reply,
)
from jobwatch.sim.stories import Phase, phase_words

PROVIDER = "brightdata"
DATASET_ID = "gd_l1viktl72bvl7bjuj0"  # the docs' example dataset
FAILURE = "No data found in discovery"  # one of the troubleshooting page's /progress messages
RECORDS = 50  # records a snapshot has collected when it is ready
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000

# /progress never documents a cancelled status; `canceled` is the word of Bright Data's other
# snapshot lists [U] (docs/providers/brightdata.md#status-words-of-other-endpoints).
STATUS_WORDS = phase_words("starting", "running", "ready", "failed", "canceled")
_FILTERS = set(STATUS_WORDS.values())
_DIGITS = re.compile(r"\d+")


def _error(message: str, status: int) -> Reply:
    return json_reply({"error": message}, status)


_FAULTS = FaultBodies(
    rate_limited=lambda: _error("Too many requests, please retry later", 429),
    server_error=lambda: _error("Something went wrong. Our team is looking into it.", 500),
)


def status(request: SimRequest, book: SimJobs, snapshot_id: str) -> Reply:
    """The Monitor Progress answer for one snapshot."""
    if not request.authorized():
        return _error("User authentication is required", 401)
    visit = visit_job(book, PROVIDER, snapshot_id, _FAULTS, _error("Snapshot not found", 404))
    if isinstance(visit, Reply):
        return visit
    phase = visit.snapshot.phase
    body: JsonObject = {
        "snapshot_id": snapshot_id,
        "dataset_id": DATASET_ID,
        "status": STATUS_WORDS[phase],
    }
    if phase is Phase.FAILED:
        body["error_message"] = FAILURE
    return json_reply(body)


def _one(request: SimRequest, name: str) -> str | None:
    values = request.query.get(name)
    return values[-1] if values else None


def running(request: SimRequest, book: SimJobs) -> Reply:
    """`GET /datasets/v3/snapshots?dataset_id=...&status=...&skip=...&limit=...`: a bare
    array of the dataset's seen snapshots, oldest first (`from_date`, `to_date`,
    `with_total` and `trigger_type` are accepted and not applied)."""
    if not request.authorized():
        return _error("User authentication is required", 401)
    dataset_id = _one(request, "dataset_id")
    if not dataset_id:
        return _error("dataset_id is required", 400)
    wanted = _one(request, "status")
    if wanted is not None and wanted not in _FILTERS:
        return _error(f"status must be one of: {', '.join(sorted(_FILTERS))}", 400)
    skip, limit = _one(request, "skip") or "0", _one(request, "limit") or str(DEFAULT_LIMIT)
    if not _DIGITS.fullmatch(skip) or not _DIGITS.fullmatch(limit):
        return _error("skip and limit must be non-negative integers", 400)
    if not 1 <= int(limit) <= MAX_LIMIT:
        return _error(f"limit must be between 1 and {MAX_LIMIT}", 400)
    records = []
    for snapshot_id, visit in book.seen(PROVIDER) if dataset_id == DATASET_ID else []:
        status = STATUS_WORDS[visit.snapshot.phase]
        if visit.not_found or (wanted is not None and status != wanted):
            continue
        done = visit.snapshot.phase is Phase.SUCCEEDED
        records.append(
            {
                "id": snapshot_id,
                "created": iso_seconds(visit.snapshot.started_at),
                "status": status,
                "dataset_id": DATASET_ID,
                "dataset_size": RECORDS if done else int(visit.snapshot.fraction * RECORDS),
            }
        )
    return json_reply(records[int(skip) : int(skip) + int(limit)])


def cancel(request: SimRequest, book: SimJobs, snapshot_id: str) -> Reply:
    """`POST /datasets/v3/snapshot/{id}/cancel`: plain-text `OK`, or a plain-text error."""
    if request.bearer_token() is None:
        return text_reply("Credentials are missing", 401)
    if not request.authorized():
        return text_reply("Invalid credentials", 401)
    missing = text_reply("Snapshot does not exist", 404)
    visit = visit_job(book, PROVIDER, snapshot_id, _FAULTS, missing)
    if isinstance(visit, Reply):
        return visit
    if not book.cancel(PROVIDER, snapshot_id):
        return text_reply("Snapshot is not running", 400)  # the English wording is [U]
    return text_reply("OK", 200)


# -- deliveries (docs/providers/brightdata.md#deliveries) ---------------------------------------
#
# `{"id", "delivery_files": [...], "status"}`. No in-progress word is documented, so a delivery
# under way has no `status` at all, and its files appear one by one (of DELIVERY_FILES); `-fail`
# ends `failed` with the files delivered by then. 404 is plain text `Delivery does not exist`.
# Their clocks are kept apart from the snapshots' (the snapshot list must not show them).

DELIVERIES = f"{PROVIDER}-delivery"
DELIVERY_FILES = 4
DELIVERY_WORDS = phase_words(None, None, "done", "failed", "canceled")


def delivery_status(request: SimRequest, book: SimJobs, delivery_id: str) -> Reply:
    """`GET /datasets/v3/delivery/{delivery_id}`."""
    if not request.authorized():
        return _error("User authentication is required", 401)
    missing = text_reply("Delivery does not exist", 404)
    visit = visit_job(book, DELIVERIES, delivery_id, _FAULTS, missing)
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    count = (
        DELIVERY_FILES
        if snapshot.phase is Phase.SUCCEEDED
        else int(snapshot.fraction * DELIVERY_FILES)
    )
    files = [
        {
            "filename": f"{delivery_id}/part-{index:05d}.json",
            "delivery_ts": int(
                snapshot.wall_time_at(
                    snapshot.timeline.time_at_fraction((index + 1) / DELIVERY_FILES)
                ).timestamp()
            ),
        }
        for index in range(count)
    ]
    body: JsonObject = {"id": delivery_id, "delivery_files": files}
    word = DELIVERY_WORDS[snapshot.phase]
    if word is not None:
        body["status"] = word
    return json_reply(body)


# -- Marketplace snapshots (docs/providers/brightdata.md#marketplace-snapshots) -----------------
#
# `scheduled`, `building`, then `ready` with `dataset_size`, `file_size` and `cost`; `-fail`
# ends `failed` with `error` and `error_code`. 404 is a `text/html` page, as the OpenAPI says.

MARKETPLACE = f"{PROVIDER}-marketplace"
MARKETPLACE_DATASET = "gd_l1vijqt9jfj7olije"
CUSTOMER_ID = "hl_sim0123"
MARKETPLACE_RECORDS = 1000
MARKETPLACE_BYTES = 2_516_582
MARKETPLACE_COST = 2.5  # dollars for MARKETPLACE_RECORDS records
MARKETPLACE_FAILURE = ("Snapshot is empty: the filter matched no records", "empty_snapshot")
MARKETPLACE_WORDS = phase_words("scheduled", "building", "ready", "failed", "canceled")


def marketplace_status(request: SimRequest, book: SimJobs, snapshot_id: str) -> Reply:
    """`GET /datasets/snapshots/{id}`."""
    if not request.authorized():
        return _error("User authentication is required", 401)
    missing = Reply(404, b"snapshot not found", content_type="text/html; charset=utf-8")
    visit = visit_job(book, MARKETPLACE, snapshot_id, _FAULTS, missing)
    if isinstance(visit, Reply):
        return visit
    snapshot = visit.snapshot
    body: JsonObject = {
        "id": snapshot_id,
        "created": iso_seconds(snapshot.started_at),
        "status": MARKETPLACE_WORDS[snapshot.phase],
        "dataset_id": MARKETPLACE_DATASET,
        "customer_id": CUSTOMER_ID,
        "initiation_type": "api",
    }
    if snapshot.phase is Phase.SUCCEEDED:
        body["dataset_size"] = MARKETPLACE_RECORDS
        body["file_size"] = MARKETPLACE_BYTES
        body["cost"] = MARKETPLACE_COST
    if snapshot.phase is Phase.FAILED:
        body["error"], body["error_code"] = MARKETPLACE_FAILURE
    return json_reply(body)
