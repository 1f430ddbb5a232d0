"""Firecrawl batch scrapes and crawls (v2): status, `/errors` (with the v1 path for servers
without the v2 batch route), the active-crawl list and cancel. See specs/PROVIDERS.md section 4
and specs/ENDPOINTS-NEXT.md section 1.

The errors body: `{"errors": [{"id", "timestamp"?, "url", "code"?, "error"}], "robotsBlocked":
["url", ...]}`, no `success` field, no paging; the SDKs also accept it wrapped in `data`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, field_validator

from jobwatch.core.errors import GoneError, JobwatchError, RetryableError, StateUnknownError
from jobwatch.core.models import JobState, JobStatus, ratio
from jobwatch.http import Client, error_text, expect_json_object, json_body, raise_for_status
from jobwatch.providers.base import (
    JobStatusOrError,
    Provider,
    read_body,
    read_json_body,
    state_words,
)
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

CLOUD_BASE_URL = "https://api.firecrawl.dev"
KINDS = ("batch/scrape", "crawl")  # the kinds of job, as the endpoints' paths name them
_RETRY_AFTER_TEXT = re.compile(r"retry after (\d+(?:\.\d+)?)\s*s", re.IGNORECASE)


# The status body's fields a JOB carries under `extra`.
_EXTRA_FIELDS = {"creditsUsed", "expiresAt", "createdAt", "completedAt", "duration", "warning"}


class FirecrawlStatusBody(BaseModel):
    """The fields of BatchScrapeStatusResponseObj / CrawlStatusResponseObj we read.

    `data` (the scraped documents) and `next` are deliberately not fields: never kept, never
    followed.
    """

    model_config = ConfigDict(extra="ignore", defer_build=True)

    success: bool | None = None
    status: str | None = None
    completed: int | None = None
    total: int | None = None
    creditsUsed: int | None = None  # noqa: N815 - the provider's name
    expiresAt: str | None = None  # noqa: N815
    createdAt: str | None = None  # noqa: N815
    completedAt: str | None = None  # noqa: N815
    duration: float | None = None
    warning: str | None = None
    error: str | None = None


class ActiveCrawl(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    id: str


class ActiveCrawlsBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    success: bool | None = None
    error: str | None = None
    crawls: list[ActiveCrawl] = []


# The JOB keeps this many errors and robots.txt-blocked URLs; the totals say how many in all.
KEPT = 20


class ErrorEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    url: str = ""
    error: str = ""
    code: str | None = None

    @field_validator("url", "error", "code", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        # A number or null where text belongs is read as text, not refused.
        return None if value is None else str(value) if isinstance(value, int | float) else value


class ErrorsBody(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    errors: list[ErrorEntry] = []
    robotsBlocked: list[str] = []  # noqa: N815 - the provider's name


class Firecrawl(Provider):
    """`GET /v2/batch/scrape/{id}`, or `GET /v2/crawl/{id}` for crawl jobs."""

    name = "firecrawl"
    summary = (
        "Firecrawl batch scrapes and crawls: GET /v2/batch/scrape/{id}, or with --crawl "
        "/v2/crawl/{id}."
    )
    examples = (
        "jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd",
        "jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd --crawl --watch --json | jq .",
    )
    crawl: bool  # its context field: crawls, else batch scrapes
    context_fields = (
        ContextField(
            "crawl",
            "Crawl jobs (/v2/crawl/{id}) instead of batch scrapes.",
            flag="--crawl",
            switch=True,
        ),
    )
    ref_forms = (
        RefForm("firecrawl", "firecrawl:JOB"),
        RefForm("firecrawl-crawl", "firecrawl-crawl:JOB", preset=(("crawl", True),)),
    )
    unit = "pages"
    base_urls = {"global": CLOUD_BASE_URL}
    # specs/v2-openapi.json; errors: ENDPOINTS-NEXT.md 1.1, with v1 for servers without the
    # v2 batch route; active crawls 1.2; cancel 1.3.
    endpoints = {
        "status": Endpoint("GET", "/v2/{kind}/{job_id}", {"kind": KINDS}),
        "errors": Endpoint(
            "GET", "/{version}/{kind}/{job_id}/errors", {"version": ("v2", "v1"), "kind": KINDS}
        ),
        "running": Endpoint("GET", "/v2/crawl/active"),
        "cancel": Endpoint("DELETE", "/v2/{kind}/{job_id}", {"kind": KINDS}),
    }
    stand_in = "jobwatch.providers.firecrawl.sim"
    key_env_vars = ("FIRECRAWL_API_KEY",)
    base_url_env_vars = ("FIRECRAWL_API_URL",)
    default_interval = 2.0
    states = state_words(
        running="scraping", succeeded="completed", failed="failed", cancelled="cancelled"
    )
    running_context = {"crawl": True}  # the active list holds crawls only
    running_noun = "active crawls"

    @property
    def needs_key(self) -> bool:
        # Self-hosted Firecrawl runs without authentication by default (FC-SH).
        return httpx.URL(self.base_url).host == httpx.URL(CLOUD_BASE_URL).host

    @property
    def label(self) -> str:
        return "firecrawl crawl" if self.crawl else "firecrawl batch scrape"

    @property
    def kind(self) -> str:
        """The kind of job as its endpoints' paths name it."""
        return "crawl" if self.crawl else "batch/scrape"

    # -- active crawls and cancel (specs/ENDPOINTS-NEXT.md sections 1.2 and 1.3) --
    # `GET /v2/crawl/active`: `{"success": true, "crawls": [{"id", "teamId", "url", ...}]}`, no
    # `status` field (everything listed is running), no paging, crawls only.
    # `DELETE /v2/crawl/{id}` or `/v2/batch/scrape/{id}`: 200 `{"status": "cancelled"}`; a
    # finished job answers 409 `{"error": "Crawl is already completed"}` on newer builds (the
    # Aug-2025 build answers 200 and then reports the finished job as cancelled); 404 unknown.

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        return self.request(client, "running")

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        if response.status_code >= 300:
            raise self._error(response)
        body = read_json_body(
            ActiveCrawlsBody, response, provider=self.name, what="firecrawl: unexpected active list"
        )
        if body.success is False:
            raise StateUnknownError(f"firecrawl: listing active crawls failed: {body.error or '?'}")
        return [crawl.id for crawl in body.crawls], None

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return self.request(client, "cancel", kind=self.kind, job_id=job_id)

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        if response.status_code == 409:
            return False  # "Crawl is already completed" (batch scrapes say the same)
        if response.status_code >= 300:
            raise self._error(response)
        text = error_text(response, "status", "error", "message")
        if text != "cancelled":
            raise StateUnknownError(f"firecrawl: unexpected cancel answer: {text}")
        return True

    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        (job_id,) = job_ids
        # limit=1: the fewest documents a status body may carry (newer servers accept 1-1000,
        # older ones ignore the parameter); the documents are never read.
        return self.request(client, "status", query="?limit=1", kind=self.kind, job_id=job_id)

    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        (job_id,) = job_ids
        if response.status_code >= 300:
            raise self._error(response)
        body = read_json_body(
            FirecrawlStatusBody,
            response,
            provider=self.name,
            what="firecrawl: unexpected status body",
        )
        if body.success is False:
            # A failed start answers HTTP 200 with success:false (FC-API-NEW): the job failed.
            status = body.status or "failed"
            return [self._status(job_id, body, JobState.FAILED, status, body.error or status)]
        if body.status is None:
            raise StateUnknownError("firecrawl: the status body has no `status` field")
        state = self.map_state(body.status)
        message = body.error if state in (JobState.FAILED, JobState.CANCELLED) else None
        return [self._status(job_id, body, state, body.status, message)]

    # -- why it failed (specs/ENDPOINTS-NEXT.md section 1.1) -----------------------------------

    def errors_request(self, client: Client, job_id: str) -> httpx.Request | None:
        return self._errors_request(client, job_id, "v2")

    def errors_fallback(
        self, client: Client, job_id: str, response: httpx.Response
    ) -> httpx.Request | None:
        """The v1 path, when a server without the v2 batch errors route answered its 404."""
        if wants_v1(response):
            return self._errors_request(client, job_id, "v1")
        return None

    def parse_errors(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 300:
            raise self._error(response)
        return read_errors(response)

    def _errors_request(self, client: Client, job_id: str, version: str) -> httpx.Request:
        return self.request(client, "errors", version=version, kind=self.kind, job_id=job_id)

    def _status(
        self,
        job_id: str,
        body: FirecrawlStatusBody,
        state: JobState,
        status: str,
        message: str | None,
    ) -> JobStatus:
        extra = {
            "kind": self.kind.replace("/", "_"),
            **body.model_dump(include=_EXTRA_FIELDS, exclude_none=True),
        }
        return JobStatus(
            provider=self.name,
            id=job_id,
            state=state,
            status=status,
            progress=ratio(body.completed, body.total),
            completed=body.completed,
            total=body.total,
            unit=self.unit,
            message=message,
            extra=extra,
        )

    def _error(self, response: httpx.Response) -> JobwatchError:
        text = error_text(response, "error", "message")
        if response.status_code == 402:
            return StateUnknownError(
                f"firecrawl: HTTP 402: payment required ({text}); check the plan and credits "
                "of the team that owns this API key"
            )
        try:
            raise_for_status(response, text, provider=self.name)
        except RetryableError as exc:
            if exc.retry_after is None:
                match = _RETRY_AFTER_TEXT.search(text)
                if match:
                    exc.retry_after = float(match[1])
            return exc
        except JobwatchError as exc:
            if response.status_code == 404 and text == "Job expired":
                # Past its TTL (24 h by default): gone, never "not created yet".
                return GoneError(exc.message)
            return exc
        return StateUnknownError(f"firecrawl: HTTP {response.status_code}: {text}")


def wants_v1(response: httpx.Response) -> bool:
    """True for the answer of a server without the v2 batch route: a 404 that is not JSON
    (Express's `Cannot GET` page). A JSON 404 (`Job not found`) is the job's own answer."""
    return (
        response.status_code == 404
        and "/v2/batch/scrape/" in response.request.url.path
        and json_body(response) is None
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
    body = read_body(ErrorsBody, raw, "firecrawl: unexpected errors body")
    return {
        "errors": [entry.model_dump() for entry in body.errors[:KEPT]],
        "errors_total": len(body.errors),
        "robots_blocked": body.robotsBlocked[:KEPT],
        "robots_blocked_total": len(body.robotsBlocked),
    }
