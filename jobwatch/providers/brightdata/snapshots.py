"""Bright Data dataset snapshot progress. See specs/PROVIDERS.md section 1."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.core.errors import StateUnknownError, UsageError
from jobwatch.core.models import JobStatus, present
from jobwatch.http import Client, error_text, json_body, raise_for_status
from jobwatch.providers.base import JobStatusOrError, Provider, read_json_body, state_words
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

# `--running` lists the snapshots in these list statuses (`starting`, then `running`), up to
# LIST_LIMIT per page (the endpoint allows 5000).
RUNNING_STATUSES = ("starting", "running")
LIST_LIMIT = 1000


class BrightDataProgressBody(BaseModel):
    """The fields of the /progress answer we read."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    snapshot_id: str | None = None
    dataset_id: str | None = None
    status: str
    records: int | None = None
    errors: int | None = None
    collection_duration: int | float | None = None
    error_message: str | None = None


class BrightData(Provider):
    """`GET /datasets/v3/progress/{snapshot_id}`."""

    name = "brightdata"
    summary = "Bright Data dataset snapshots: GET /datasets/v3/progress/{id}."
    examples = (
        "jobwatch brightdata s_m4x7enmven8djfqak",
        "jobwatch brightdata s_m4x7enmven8djfqak --watch --timeout 30m",
    )
    id_metavar = "SNAPSHOT_ID"
    base_urls = {"global": "https://api.brightdata.com"}
    endpoints = {
        "status": Endpoint("GET", "/datasets/v3/progress/{snapshot_id}"),
        "running": Endpoint("GET", "/datasets/v3/snapshots"),  # ENDPOINTS-NEXT.md 2.1
        "cancel": Endpoint("POST", "/datasets/v3/snapshot/{snapshot_id}/cancel"),  # 2.2
    }
    # The official SDK limits itself to 10 requests/s; an IP with 25 429s in 5 minutes is
    # blocked (BD-LIM), so we stay well clear.
    max_requests_per_second = 10.0
    ref_forms = (RefForm("brightdata", "brightdata:SNAPSHOT"),)
    dataset_id: str | None  # its context field: whose snapshots --running lists
    context_fields = (
        ContextField(
            "dataset_id",
            "With --running: the dataset whose running snapshots to watch.",
            flag="--dataset-id",
        ),
    )
    stand_in = "jobwatch.providers.brightdata.sim"
    key_env_vars = ("BRIGHTDATA_API_TOKEN", "BRIGHTDATA_API_KEY")
    default_interval = 10.0
    running_noun = "running snapshots"
    states = state_words(
        pending="starting scheduled pending queued",
        running="running collecting digesting validating building delivering",
        succeeded="ready",
        # The SDK treats `error` as terminal failure (BD-SDK).
        failed="failed error",
        # Never documented on /progress; seen on other snapshot endpoints (BD-META, BD-DCA).
        cancelled="canceled cancelled",
    )

    # -- running snapshots and cancel (ENDPOINTS-NEXT.md sections 2.1 and 2.2) --

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
        raise_for_status(response, error_text(response, "error", "message"), provider=self.name)
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
        text = error_text(response, "error", "message")
        if response.status_code == 400:
            return False
        raise_for_status(response, text, provider=self.name)
        return True

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (snapshot_id,) = job_ids
        return self.request(client, "status", snapshot_id=snapshot_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (snapshot_id,) = job_ids
        # Error bodies are JSON ({"error": ...}) or plain text (BD-MP, BD-EC).
        raise_for_status(response, error_text(response, "error", "message"), provider=self.name)
        body = read_json_body(
            BrightDataProgressBody,
            response,
            provider=self.name,
            what="brightdata: unexpected progress body",
        )
        state = self.map_state(body.status)
        extra = present(
            dataset_id=body.dataset_id,
            records=body.records,
            errors=body.errors,
            collection_duration=body.collection_duration,
        )
        return [
            JobStatus(
                provider=self.name,
                id=snapshot_id,
                state=state,
                status=body.status,
                message=body.error_message or None,
                extra=extra,
            )
        ]
