"""Coze workflow runs started with `is_async: true`: their run history record
(docs/providers/coze.md#workflow-runs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jobwatch.core.errors import NotFoundError, StateUnknownError, UsageError
from jobwatch.core.models import JobState, JobStatus, present
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.coze.api import Coze
from jobwatch.providers.reading import Fields
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# docs/providers/coze.md#workflow-errors: no such execution record.
NO_SUCH_RUN = 4314


class WorkflowRun(Coze):
    """`GET /v1/workflows/{workflow_id}/run_histories/{execute_id}`: `data` is an array with
    one record. Its `output` (the workflow's result) is never read."""

    kind = "workflow"
    kind_help = "async workflow runs: GET /v1/workflows/WF/run_histories/ID"
    extra_kind = "workflow"
    examples = ("jobwatch coze 7429635394645390123 7431040978805850123 --kind workflow --watch",)
    id_metavar = "EXECUTE_ID"
    id_help = "The runs' execute ids."
    workflow_id: str  # its context field
    context_fields = (
        ContextField("workflow_id", "The workflow.", metavar="WORKFLOW_ID", required=True),
    )
    ref_forms = (RefForm("coze-workflow", "coze-workflow:WORKFLOW/EXECUTE", "workflow_id"),)
    scope_field = "workflow_id"
    endpoints = {
        "status": Endpoint("GET", "/v1/workflows/{workflow_id}/run_histories/{execute_id}"),
    }
    not_found_codes = frozenset({NO_SUCH_RUN})
    states = state_words(running="Running", succeeded="Success", failed="Fail")

    @property
    def label(self) -> str:
        return f"coze workflow {self.workflow_id}"

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        raise UsageError(
            "coze --kind workflow has no cancel: Coze's API cannot stop a workflow run"
        )

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", workflow_id=self.workflow_id, execute_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        envelope, _ = self.envelope(response)
        records = envelope.raw("data")
        if not isinstance(records, list):
            raise StateUnknownError("coze: the run history has no `data` list")
        if not records:
            # Not documented [U]: no record for this execute id (yet).
            return [
                NotFoundError(
                    f"coze: workflow {self.workflow_id} has no run {job_id} (an empty history)"
                )
            ]
        (record, *_) = Fields({"data": records}, "coze: run history").objects("data")
        return [self._status(job_id, record)]

    def _status(self, job_id: str, record: Fields) -> JobStatus:
        word = record.required_text("execute_status")
        state = self.map_state(word)
        # A string in the docs and coze-js, `""` while fine; an int in cozepy.
        error_code = record.text("error_code", numbers=True) or None
        if error_code == "0":
            error_code = None
        message = record.text("error_message") or None
        if state is JobState.FAILED:
            reason = message or "the workflow run failed"
            message = f"{reason} (error_code {error_code})" if error_code else reason
        elif state is JobState.RUNNING and _interrupted(record):
            message = "waiting for input: resume it with POST /v1/workflows/resume"
        usage = record.object("usage")
        extra = present(
            debug_url=record.text("debug_url") or None,
            run_mode=record.integer("run_mode"),
            usage=_usage(usage) if usage is not None else None,
            logid=record.text("logid") or None,
            error_code=error_code,
        )
        return self.job(job_id, state=state, status=word, message=message, extra=extra)


def _interrupted(record: Fields) -> bool:
    """Whether the run waits for input: its `interrupt_data` names an event."""
    interrupt = record.object("interrupt_data")
    return interrupt is not None and bool(interrupt.text("event_id", numbers=True))


def _usage(usage: Fields) -> dict[str, int]:
    """`usage` (`input_count`, `output_count`, `token_count`), its counts only."""
    return present(
        input_count=usage.integer("input_count"),
        output_count=usage.integer("output_count"),
        token_count=usage.integer("token_count"),
    )
