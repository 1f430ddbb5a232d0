"""Firecrawl batch scrapes and crawls (v2): status, `/errors` (with the v1 path for servers
without the v2 batch route), the active-crawl list and cancel (docs/providers/firecrawl.md).

The status body: `{"success", "status", "completed", "total", "creditsUsed", "expiresAt",
"next", "data": [...]}`; `data` (the scraped documents) and `next` are never read or followed.
The errors body: `{"errors": [{"id", "timestamp"?, "url", "code"?, "error"}], "robotsBlocked":
["url", ...]}`, no `success` field, no paging; the SDKs also accept it wrapped in `data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from jobwatch.core.errors import StateUnknownError
from jobwatch.core.models import JobState, JobStatus, present, ratio
from jobwatch.http.responses import error_text, expect_json_object, json_body
from jobwatch.providers.base import JobStatusOrError, state_words
from jobwatch.providers.firecrawl.api import Firecrawl
from jobwatch.providers.reading import Fields, read_object
from jobwatch.providers.spec import Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# The JOB keeps this many errors and robots.txt-blocked URLs; the totals say how many in all.
KEPT = 20
_VERSIONS = {"version": ("v2", "v1")}


class BatchScrape(Firecrawl):
    """`GET /v2/batch/scrape/{id}` (docs/providers/firecrawl.md#status)."""

    kind = "batch"
    kind_help = "batch scrapes: GET /v2/batch/scrape/{id}"
    extra_kind = "batch_scrape"
    examples: ClassVar[tuple[str, ...]] = (
        "jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd",
        "jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd --crawl --watch --json | jq .",
    )
    ref_forms = (RefForm("firecrawl", "firecrawl:JOB"),)
    unit = "pages"
    path = "/v2/batch/scrape"  # where this kind's jobs are, under the base URL
    endpoints = {
        "status": Endpoint("GET", "/v2/batch/scrape/{job_id}"),
        # docs/providers/firecrawl.md#job-errors: v1 for servers without the v2 batch route.
        "errors": Endpoint("GET", "/{version}/batch/scrape/{job_id}/errors", _VERSIONS),
        "cancel": Endpoint("DELETE", "/v2/batch/scrape/{job_id}"),  # firecrawl.md#cancel
    }
    states = state_words(
        running="scraping", succeeded="completed", failed="failed", cancelled="cancelled"
    )

    @property
    def label(self) -> str:
        return "firecrawl batch scrape"

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        # limit=1: the fewest documents a status body may carry (newer servers accept 1-1000,
        # older ones ignore the parameter); the documents are never read.
        return self.request(client, "status", query="?limit=1", job_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        if response.status_code >= 300:
            raise self.error(response)
        body = read_object(response, provider=self.name, what="firecrawl: status body")
        status, error = body.text("status"), body.text("error")
        if body.flag("success") is False:
            # A failed start answers HTTP 200 with success:false: the job failed
            # (docs/providers/firecrawl.md#start-failure).
            status = status or "failed"
            return [self._status(job_id, body, JobState.FAILED, status, error or status)]
        if status is None:
            raise StateUnknownError("firecrawl: the status body has no `status` field")
        state = self.map_state(status)
        message = error if state in (JobState.FAILED, JobState.CANCELLED) else None
        return [self._status(job_id, body, state, status, message)]

    def _status(
        self, job_id: str, body: Fields, state: JobState, status: str, message: str | None
    ) -> JobStatus:
        completed, total = body.integer("completed"), body.integer("total")
        return self.job(
            job_id,
            state=state,
            status=status,
            progress=ratio(completed, total),
            completed=completed,
            total=total,
            unit=self.unit,
            message=message,
            extra=_extra(body),
        )

    # -- why it failed (docs/providers/firecrawl.md#job-errors) --------------------------------

    def errors_request(self, client: Client, job_id: str) -> httpx.Request | None:
        return self.request(client, "errors", version="v2", job_id=job_id)

    def errors_fallback(
        self, client: Client, job_id: str, response: httpx.Response
    ) -> httpx.Request | None:
        """The v1 path, when a server without the v2 batch errors route answered its 404: a
        404 that is not JSON (Express's `Cannot GET` page; a JSON 404 is the job's own)."""
        if response.status_code == 404 and json_body(response) is None:
            return self.request(client, "errors", version="v1", job_id=job_id)
        return None

    def parse_errors(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 300:
            raise self.error(response)
        return read_errors(response)

    # -- cancel (docs/providers/firecrawl.md#cancel) -------------------------------------------
    # 200 `{"status": "cancelled"}`; a finished job answers 409 `{"error": "Crawl is already
    # completed"}` on newer builds (the Aug-2025 build answers 200 and then reports the finished
    # job as cancelled); 404 unknown.

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return self.request(client, "cancel", job_id=job_id)

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        if response.status_code == 409:
            return False  # "Crawl is already completed" (batch scrapes say the same)
        if response.status_code >= 300:
            raise self.error(response)
        text = error_text(response, "status", "error", "message")
        if text != "cancelled":
            raise StateUnknownError(f"firecrawl: unexpected cancel answer: {text}")
        return True


class Crawl(BatchScrape):
    """`GET /v2/crawl/{id}`; the account's active crawls are listed (`--running`)."""

    kind = "crawl"
    kind_help = "crawls: GET /v2/crawl/{id}"
    kind_switch = "crawl"
    extra_kind = "crawl"
    examples = ("jobwatch firecrawl --running --watch",)
    ref_forms = (RefForm("firecrawl-crawl", "firecrawl-crawl:JOB"),)
    endpoints = {
        "status": Endpoint("GET", "/v2/crawl/{job_id}"),
        "errors": Endpoint("GET", "/{version}/crawl/{job_id}/errors", _VERSIONS),
        # `{"success": true, "crawls": [{"id", "teamId", "url", ...}]}`: no `status` field
        # (everything listed is running), no paging (docs/providers/firecrawl.md#running-jobs).
        "running": Endpoint("GET", "/v2/crawl/active"),
        "cancel": Endpoint("DELETE", "/v2/crawl/{job_id}"),
    }
    running_noun = "active crawls"

    @property
    def label(self) -> str:
        return "firecrawl crawl"

    def errors_fallback(
        self, client: Client, job_id: str, response: httpx.Response
    ) -> httpx.Request | None:
        return None  # every server has the v2 crawl errors route

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        return self.request(client, "running")

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        if response.status_code >= 300:
            raise self.error(response)
        body = read_object(response, provider=self.name, what="firecrawl: active crawl list")
        if body.flag("success") is False:
            reason = body.text("error") or "?"
            raise StateUnknownError(f"firecrawl: listing active crawls failed: {reason}")
        return [crawl.required_text("id") for crawl in body.objects("crawls")], None


def _extra(body: Fields) -> dict[str, Any]:
    """The status body's fields a JOB carries under `extra`, each of its documented type."""
    return present(
        creditsUsed=body.integer("creditsUsed"),
        expiresAt=body.text("expiresAt"),
        createdAt=body.text("createdAt"),
        completedAt=body.text("completedAt"),
        duration=body.number("duration"),
        warning=body.text("warning"),
    )


def read_errors(response: httpx.Response) -> dict[str, Any]:
    """A 2xx errors body as the JOB's `extra` fields: `errors` (the first 20, each `{"url",
    "error", "code"}`), `errors_total`, `robots_blocked` (the first 20 URLs that robots.txt
    kept out, as the provider lists them) and `robots_blocked_total`."""
    raw = expect_json_object(response, provider="firecrawl")
    inner = raw.get("data")
    if isinstance(inner, dict) and "errors" not in raw:
        raw = inner  # the SDKs' `body.get("data", body)`
    if "errors" not in raw:
        raise StateUnknownError("firecrawl: the errors answer has no `errors` list")
    body = Fields(raw, "firecrawl: errors body")
    errors = body.objects("errors")
    blocked = body.strings("robotsBlocked")
    return {
        "errors": [_error_entry(entry) for entry in errors[:KEPT]],
        "errors_total": len(errors),
        "robots_blocked": blocked[:KEPT],
        "robots_blocked_total": len(blocked),
    }


def _error_entry(entry: Fields) -> dict[str, Any]:
    """`{"url", "error", "code"}`; a number or null where text belongs is read as text."""
    return {
        "url": entry.text("url", numbers=True) or "",
        "error": entry.text("error", numbers=True) or "",
        "code": entry.text("code", numbers=True),
    }
