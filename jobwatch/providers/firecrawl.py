"""Firecrawl batch scrape and crawl status (v2). See specs/PROVIDERS.md section 4."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from jobwatch.errors import GoneError, JobwatchError, RetryableError, StateUnknownError
from jobwatch.http import Client, error_text, raise_for_status
from jobwatch.models import JobState, JobStatus, ratio
from jobwatch.providers import firecrawl_errors, firecrawl_jobs
from jobwatch.providers.base import JobStatusOrError, Provider, read_json_body, state_words
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

    # -- active crawls and cancel: firecrawl_jobs.py --

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        return firecrawl_jobs.running_request(self, client)

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        return firecrawl_jobs.parse_running(self, response), None

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        return firecrawl_jobs.cancel_request(self, client, job_id)

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        return firecrawl_jobs.parse_cancel(self, response)

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
        if firecrawl_errors.wants_v1(response):
            return self._errors_request(client, job_id, "v1")
        return None

    def parse_errors(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 300:
            raise self._error(response)
        return firecrawl_errors.read_errors(response)

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
