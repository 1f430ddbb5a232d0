"""Firecrawl agent jobs and extract jobs (v2), which share one status shape: `GET
/v2/agent/{id}` with cancel `DELETE /v2/agent/{id}`, and `GET /v2/extract/{id}`, which has no
cancel (docs/providers/firecrawl.md#agent, #extract).

The body: `{"success", "status", "error"?, "data"?, "partial"?, "expiresAt", "creditsUsed"?,
...}`. `success` never decides the state (an agent stopped by its credit limit is `success:
true, status: "failed"`; an extract still processing can be `success: false`): `status` does.
No counts, no percent: these jobs pulse and the gates do not judge them. The result (`data`,
`partial`, a chat-mode `message`) is never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from jobwatch.core.errors import StateUnknownError
from jobwatch.core.models import JobState, present
from jobwatch.http.responses import error_text
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.firecrawl.api import Firecrawl
from jobwatch.providers.reading import Fields, read_object
from jobwatch.providers.spec import Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# docs/providers/firecrawl.md#agent-states and #extract: the same four words for both.
_STATES = state_words(
    running="processing", succeeded="completed", failed="failed", cancelled="cancelled"
)


class _AgentLike(Firecrawl):
    """What agent and extract jobs share (abstract: the kinds are the two classes below)."""

    what: ClassVar[str]  # how messages name the body: "agent", "extract"
    states = _STATES

    @property
    def label(self) -> str:
        return f"firecrawl {self.kind}"

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        return self.request(client, "status", job_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        if response.status_code >= 300:
            # 404 `{"success": false, "error": "Agent job not found"}` (or "Extract job not
            # found"): not found, so "not created yet" within --wait-for-start.
            raise self.error(response)
        body = read_object(response, provider=self.name, what=f"firecrawl: {self.what} status body")
        error = body.text("error", numbers=True)
        status = body.text("status")
        if status is None:
            said = f": {error}" if error else ""
            raise StateUnknownError(f"firecrawl: the {self.what} status body has no `status`{said}")
        state = self.map_state(status)
        message = None
        if state in (JobState.FAILED, JobState.CANCELLED):
            message = _reason(error, body.text("stopReason"))
        return [
            self.job(job_id, state=state, status=status, message=message, extra=self.extra(body))
        ]

    def extra(self, body: Fields) -> dict[str, Any]:
        """The body's fields a JOB carries under `extra`."""
        return present(creditsUsed=body.amount("creditsUsed"), expiresAt=body.text("expiresAt"))


class Agent(_AgentLike):
    """`GET /v2/agent/{id}`; cancel `DELETE /v2/agent/{id}` (docs/providers/firecrawl.md#agent)."""

    kind = "agent"
    kind_help = "agent jobs: GET /v2/agent/{id}"
    extra_kind = "agent"
    what = "agent"
    examples = ("jobwatch firecrawl 0c4e8a62-0000-4000-8000-00000000a9e7 --kind agent --watch",)
    ref_forms = (RefForm("firecrawl-agent", "firecrawl-agent:JOB"),)
    endpoints = {
        "status": Endpoint("GET", "/v2/agent/{job_id}"),
        "cancel": Endpoint("DELETE", "/v2/agent/{job_id}"),  # firecrawl.md#agent-cancel
    }

    def extra(self, body: Fields) -> dict[str, Any]:
        approval = body.object("pendingApproval")
        exchange = body.object("exchange")
        action = exchange.object("requiresAction") if exchange else None
        return {
            **super().extra(body),
            **present(
                model=body.text("model"),
                effort=body.text("effort"),
                stopReason=body.text("stopReason"),
                partialSchemaValid=body.flag("partialSchemaValid"),
                threadId=body.text("threadId", numbers=True),
                threadTurn=body.integer("threadTurn"),
                mode=body.text("mode"),
                # What a completed turn waits for (a new turn, not more polling).
                pendingApproval=approval.text("kind") if approval else None,
                requiresAction=action.text("type") if action else None,
            ),
        }

    # -- cancel (docs/providers/firecrawl.md#agent-cancel): 200 `{"success": true}`; a finished
    # job 409 `{"success": false, "error": "Agent already finished"}` (or "... is already
    # cancelled"); 404 unknown.

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return self.request(client, "cancel", job_id=job_id)

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        if response.status_code == 409:
            return False
        if response.status_code >= 300:
            raise self.error(response)
        body = read_object(response, provider=self.name, what="firecrawl: agent cancel answer")
        if body.flag("success") is not True:
            reason = body.text("error") or error_text(response, "message")
            raise StateUnknownError(f"firecrawl: the agent was not cancelled: {reason}")
        return True


class Extract(_AgentLike):
    """`GET /v2/extract/{id}`: deprecated by Firecrawl, still served; no cancel
    (docs/providers/firecrawl.md#extract)."""

    kind = "extract"
    kind_help = "extract jobs (deprecated by Firecrawl, still served): GET /v2/extract/{id}"
    extra_kind = "extract"
    what = "extract"
    examples = ("jobwatch firecrawl 5f1d2c3b-0000-4000-8000-0000000e7ac7 --kind extract --json",)
    ref_forms = (RefForm("firecrawl-extract", "firecrawl-extract:JOB"),)
    endpoints = {"status": Endpoint("GET", "/v2/extract/{job_id}")}

    def extra(self, body: Fields) -> dict[str, Any]:
        return {
            **super().extra(body),
            **present(tokensUsed=body.amount("tokensUsed"), replacement=body.text("replacement")),
            # The deprecation notes the server adds to the body.
            **({"warnings": body.strings("warnings")} if body.raw("warnings") else {}),
        }


def _reason(error: str | None, stop: str | None) -> str | None:
    """`error`, with `stopReason` after it when it says more (`Agent reached max credits
    (credit_limit_reached)`)."""
    if error and stop and stop not in error:
        return f"{error} ({stop})"
    return error or stop
