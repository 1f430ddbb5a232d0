"""Bright Data dataset snapshots: progress, the dataset's running snapshots and cancel
(docs/providers/brightdata.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from jobwatch.core.errors import StateUnknownError, UsageError
from jobwatch.core.models import present
from jobwatch.http.responses import json_body
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.brightdata.api import BrightData
from jobwatch.providers.reading import read_object
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# `--running` lists the snapshots in these list statuses (`starting`, then `running`), up to
# LIST_LIMIT per page (the endpoint allows 5000).
RUNNING_STATUSES = ("starting", "running")
LIST_LIMIT = 1000


class Snapshot(BrightData):
    """`GET /datasets/v3/progress/{snapshot_id}` (docs/providers/brightdata.md#status)."""

    kind = "snapshot"
    kind_help = "dataset snapshots: GET /datasets/v3/progress/{id}"
    examples = (
        "jobwatch brightdata s_m4x7enmven8djfqak",
        "jobwatch brightdata s_m4x7enmven8djfqak --watch --timeout 30m",
    )
    id_metavar = "SNAPSHOT_ID"
    endpoints = {
        "status": Endpoint("GET", "/datasets/v3/progress/{snapshot_id}"),
        "running": Endpoint("GET", "/datasets/v3/snapshots"),  # brightdata.md#running-jobs
        "cancel": Endpoint("POST", "/datasets/v3/snapshot/{snapshot_id}/cancel"),  # #cancel
    }
    ref_forms = (RefForm("brightdata", "brightdata:SNAPSHOT"),)
    dataset_id: str | None  # its context field: whose snapshots --running lists
    context_fields = (
        ContextField(
            "dataset_id",
            "With --running: the dataset whose running snapshots to watch.",
            flag="--dataset-id",
        ),
    )
    running_noun = "running snapshots"
    states = state_words(
        pending="starting scheduled pending queued",
        running="running collecting digesting validating building delivering",
        succeeded="ready",
        # The SDK treats `error` as terminal failure (docs/providers/brightdata.md#states).
        failed="failed error",
        # Never documented on /progress; seen on other snapshot endpoints
        # (docs/providers/brightdata.md#status-words-of-other-endpoints).
        cancelled="canceled cancelled",
    )

    # -- running snapshots and cancel (docs/providers/brightdata.md#running-jobs, #cancel) --

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        if not self.dataset_id:
            raise UsageError(
                "brightdata --running needs --dataset-id ID "
                "(Bright Data lists the snapshots of one dataset)"
            )
        status, _, skip = (cursor or f"{RUNNING_STATUSES[0]}:0").partition(":")
        query = {
            "dataset_id": self.dataset_id,
            "status": status,
            "skip": skip,
            "limit": LIST_LIMIT,
        }
        return self.request(client, "running", query=f"?{urlencode(query)}")

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        self.check_status(response)
        body = json_body(response)
        if isinstance(body, dict):  # third-party callers saw {snapshots|data: [...]} wrappers
            body = body.get("snapshots", body.get("data"))
        if not isinstance(body, list):
            raise StateUnknownError("brightdata: the snapshot list is not a JSON array")
        ids = []
        for row in body:
            snapshot = row.get("id") or row.get("snapshot_id") if isinstance(row, dict) else None
            status = row.get("status") if isinstance(row, dict) else None
            if not isinstance(snapshot, str) or not snapshot:
                raise StateUnknownError("brightdata: a listed snapshot has no id")
            if not isinstance(status, str) or not self.map_state(status).is_terminal:
                ids.append(snapshot)
        status, _, skip = (cursor or f"{RUNNING_STATUSES[0]}:0").partition(":")
        if len(body) >= LIST_LIMIT:
            return ids, f"{status}:{int(skip) + len(body)}"
        later = RUNNING_STATUSES[RUNNING_STATUSES.index(status) + 1 :]
        return ids, f"{later[0]}:0" if later else None

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return self.request(client, "cancel", snapshot_id=job_id)

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        # 200 plain-text `OK`; 400 (only documented as "snapshot is not running": it has
        # finished, its English wording unseen); 404 unknown.
        if response.status_code == 400:
            return False
        self.check_status(response)
        return True

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (snapshot_id,) = job_ids
        return self.request(client, "status", snapshot_id=snapshot_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (snapshot_id,) = job_ids
        self.check_status(response)
        body = read_object(response, provider=self.name, what="brightdata: progress body")
        status = body.required_text("status")
        extra = present(
            dataset_id=body.text("dataset_id"),
            records=body.integer("records"),
            errors=body.integer("errors"),
            collection_duration=body.number("collection_duration"),
        )
        return [
            self.job(
                snapshot_id,
                state=self.map_state(status),
                status=status,
                message=body.text("error_message") or None,
                extra=extra,
            )
        ]
