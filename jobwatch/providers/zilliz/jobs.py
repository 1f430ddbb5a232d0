"""Zilliz Cloud control-plane jobs: backups, restores, backup exports, migrations, merges and
clones, all read by one call, Describe Job (docs/providers/zilliz.md#control-plane-jobs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jobwatch.core.errors import UsageError
from jobwatch.core.models import percent_to_fraction, present
from jobwatch.http.responses import error_text, raise_for_status
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.reading import read_object
from jobwatch.providers.spec import Endpoint, RefForm
from jobwatch.providers.zilliz.api import Zilliz, as_code

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client


class CloudJob(Zilliz):
    """`GET /v2/jobs/{id}`: API key only, no body, no cluster id. `progress` is a percent in a
    string; errors are HTTP 200 bodies `{"code", "message"}` (96026: no such job)."""

    kind = "job"
    kind_help = (
        "Zilliz Cloud control-plane jobs (backup, restore, export, migration, merge, clone): "
        "GET /v2/jobs/{id}, no cluster id"
    )
    extra_kind = "job"
    examples = (
        "jobwatch zilliz job-03e1eefbd82dmo2oeb8pe2 --kind job --watch --timeout 2h",
        "jobwatch zilliz job-03e1eefbd82dmo2oeb8pe2 --kind job --region cn --json",
    )
    ref_forms = (RefForm("zilliz-job", "zilliz-job:JOB"),)
    endpoints = {"status": Endpoint("GET", "/v2/jobs/{job_id}")}
    states = state_words(
        pending="PENDING",
        # CANCELING: a cancel was asked for in the console; the job has not stopped yet.
        running="IN_PROGRESS CANCELING",
        succeeded="SUCCESSFUL",
        failed="FAILED",
        # Not in the REST enum; the console and Zilliz's own plugin name it
        # (docs/providers/zilliz.md#job-states).
        cancelled="CANCELED",
    )

    @property
    def label(self) -> str:
        return "zilliz control-plane job"

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        raise UsageError(
            "zilliz --kind job has no cancel: Zilliz Cloud's REST API cannot stop a "
            "control-plane job (its console can cancel some migrations and backups)"
        )

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", job_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        raise_for_status(response, error_text(response, "message"), provider=self.name)
        body = read_object(response, provider=self.name, what="zilliz: job body")
        code = as_code(body.code("code"))
        data = body.object("data")
        if code != 0 or data is None or not data.text("status"):
            raise self.code_error(code, body.text("message") or "no job status in the answer")
        word = data.required_text("status")
        state = self.map_state(word)
        message = data.text("reason") or None
        if word == "CANCELING":
            message = message or "a cancel was asked for"
        extra = present(
            type=data.text("type") or None,
            startTime=data.text("startTime") or None,
            endTime=data.text("endTime") or None,
        )
        return [
            self.job(
                job_id,
                state=state,
                status=word,
                progress=_percent(data.raw("progress")),
                message=message,
                extra=extra,
            )
        ]


def _percent(value: Any) -> float | None:
    """`progress` as 0..1: a percent sent as text (`"100"`); empty, not a number, or out of
    range → unknown (docs/providers/zilliz.md#control-plane-jobs). A number is taken too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("%"))
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    return percent_to_fraction(value)
