"""Bright Data dataset snapshot progress. See specs/PROVIDERS.md section 1."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.http import Client, error_text, raise_for_status
from jobwatch.ids import path_segment
from jobwatch.models import JobState, JobStatus, present
from jobwatch.providers.base import JobStatusOrError, Provider, read_json_body
from jobwatch.providers.spec import RefForm


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
    ref_forms = (RefForm("brightdata", "brightdata:SNAPSHOT"),)
    key_env_vars = ("BRIGHTDATA_API_TOKEN", "BRIGHTDATA_API_KEY")
    default_interval = 10.0
    # The official SDK limits itself to 10 requests/s; an IP with 25 429s in 5 minutes is
    # blocked (BD-LIM), so we stay well clear.
    max_requests_per_second = 10.0
    states = {
        "starting": JobState.PENDING,
        "running": JobState.RUNNING,
        "ready": JobState.SUCCEEDED,
        "failed": JobState.FAILED,
        # The SDK treats `error` as terminal failure (BD-SDK).
        "error": JobState.FAILED,
        # Never documented on /progress; seen on other snapshot endpoints (BD-META, BD-DCA).
        "canceled": JobState.CANCELLED,
        "cancelled": JobState.CANCELLED,
        "scheduled": JobState.PENDING,
        "pending": JobState.PENDING,
        "queued": JobState.PENDING,
        "collecting": JobState.RUNNING,
        "digesting": JobState.RUNNING,
        "validating": JobState.RUNNING,
        "building": JobState.RUNNING,
        "delivering": JobState.RUNNING,
    }

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (snapshot_id,) = job_ids
        return self.request(client, "GET", f"/datasets/v3/progress/{path_segment(snapshot_id)}")

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
